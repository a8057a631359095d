#pragma once
// A scenario: everything the blood model needs to run, as plain values with
// documented defaults. Adapters (TOML files) fill it; the model only reads it.
// Units are in the field names: *_days, *_minutes, *_ml, *_per_day, shares in 0..1.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "blood/blood_types.hpp"
#include "blood/calendar.hpp"
#include "blood/collection.hpp"
#include "blood/donors.hpp"
#include "blood/drive_queue.hpp"
#include "blood/inventory.hpp"

namespace giotmau::blood {

// A place people live in: a region, a province, a district or a ward. Donor
// pools live in the leaves of the hierarchy (areas no other area names as parent).
struct AreaSpec {
  std::string name;
  std::string parent;        // empty at the top
  std::int64_t population = 0;
  std::string centre;        // the centre its collections go to; inherited from the parent when empty
  double eligible_share = 0.55;       // aged 18-60 and healthy enough to give
  double known_donor_share = 0.015;   // of the population, known donors at the start
  double student_share = 0.5;         // of known donors and recruits
  double engagement = 1.0;            // multiplies every response probability (local culture, organisation)
  std::string display_name{};        // as people write it, diacritics included ("Hà Nội"); empty: the name
};

// Optional money per site, in any one currency (only differences matter):
// what a day at the site costs. Holding is charged on the units carried into
// the next day (on hand at the end of the day, after outdating).
struct SiteCosts {
  double per_unit_ordered = 0;
  double per_unit_day_held = 0;
  double per_unit_short = 0;        // hospitals: requests lost unmet
  double per_unit_outdated = 0;
  double revenue_per_unit_issued = 0;  // hospitals: subtracted from the cost
};

// How a hospital reorders a product with order_up_to_units S > 0, from its
// inventory position x (usable stock on hand + on order):
//   ReorderPoint:  if x <= s (reorder_point_units), order S - x.
//   WasteConscious (Hendrix et al. 2019): if x < S, order
//     S - x + max(x_oldest - mu, 0), where x_oldest is the stock whose last
//     usable day is the next demand day and mu the mean daily demand rounded
//     to an integer; else nothing.
enum class OrderPolicy : std::uint8_t { ReorderPoint, WasteConscious };

// When a hospital reviews its stock and orders: in the evening after the
// day's demand (and outdating), or in the morning before the day's demand.
enum class ReviewTime : std::uint8_t { Evening, Morning };

// A blood centre: a regional hub (no `hub`) or a provincial centre supplied by its hub.
struct CentreSpec {
  std::string name;
  std::string area;
  std::string hub;                 // empty: this centre is a hub
  double order_up_to_days = 7.0;   // reorders from its hub up to this many days of its usage
  double reserve_days = 5.0;       // a hub ships to others only stock beyond this many days of its own usage
  double surplus_days = 14.0;      // a provincial centre sends red cells and plasma beyond this many days of usage to its hub
  double initial_stock_days = 7.0;
  // Optional constraint: blood bags. A donation needs one bag; sessions
  // register no more donors than the centre has bags. Procurement delays are a
  // named risk (seed 004). bag_stock < 0 means bags never run out.
  std::int64_t bag_stock = -1;
  std::int64_t bag_reorder_point = 0;       // order when bags in stock + on order fall to this
  std::int64_t bag_order_quantity = 0;      // bags per procurement order
  int bag_procurement_delay_days = 30;      // from ordering to delivery
  SiteCosts costs{};
  // Cold-room capacity for red cells: the centre's own stock plus donations in
  // testing. Sessions register no more donors than fit (blood/collection.hpp);
  // deliveries from other sites are still accepted. < 0: unlimited.
  std::int64_t storage_red_cell_units = -1;
  std::string display_name{};        // as people write it, diacritics included ("Hà Nội"); empty: the name
};

// A hospital blood bank. Requests come from the population it serves.
struct HospitalSpec {
  std::string name;
  std::string area;
  std::string centre;               // supplying centre; "external" = an unlimited outside supplier
  double population_served = 0;     // demand scales with it; 0 = the area's whole population
  double order_up_to_days = 3.0;    // reorders up to this many days of expected demand
  // Textbook (s, S) policy in units per product, used when order_up_to_units > 0:
  // at the daily review, if on hand + on order <= reorder_point_units, order up to order_up_to_units.
  std::array<std::int64_t, kProductCount> reorder_point_units{};
  std::array<std::int64_t, kProductCount> order_up_to_units{};
  // Standing order in units per day per product: delivered every day whatever
  // the stock (used instead of reordering for the products where it is > 0).
  std::array<std::int64_t, kProductCount> standing_order_units{};
  OrderPolicy order_policy = OrderPolicy::ReorderPoint;
  ReviewTime review = ReviewTime::Evening;
  double initial_stock_days = 3.0;
  // When centre == "external": an order placed at the review of day t is on
  // the shelf (at 05:00) from day t + lead time, before that day's demand.
  // With review = Morning this is the textbook lead time L (ordered at the
  // start of period t, usable from t + L); with the evening review, the order
  // follows day t's demand, so lead time 1 is the textbook L = 0.
  std::int64_t external_lead_time_days = 1;
  SiteCosts costs{};
  std::string display_name{};        // as people write it, diacritics included ("Hà Nội"); empty: the name
};

// A road (or air) link between two sites (centres or hospitals), both ways.
struct LinkSpec {
  std::string from;
  std::string to;
  double travel_minutes = 0;
};

// A donation session: one scheduled drive (date), or a recurring one (a fixed
// site, or a series of drives) on given weekdays between two dates.
struct SessionSpec {
  std::string name;
  std::string area;                 // a leaf area, or any area: then one session in each leaf below it
  std::string organiser;
  DayNumber date = 0;               // single drive; ignored when weekdays is set
  std::array<bool, 7> weekdays{};   // recurring when any is set (Mon..Sun)
  DayNumber from = 0, to = 0;       // recurring period, inclusive
  std::int64_t capacity = 250;      // donors it can register
  double capacity_per_100k = 0;     // when > 0: capacity scales with the leaf's population
  std::int64_t target_units = 0;    // the plan's target (reported, not enforced)
  double invitations_per_capacity = 3.0;  // known donors invited per place
  double walk_in_per_capacity = 0.15;     // expected new donors per place
  std::string campaign;             // set for sessions a campaign adds
  // Invitations go to these donors only, walk-ins are of its occupations
  // (blood/segments.hpp); a campaign's sessions default to the campaign's.
  DonorSegments segments{};
  SessionResources resources;       // queued = false: decided in one step, as without queues
};

// A named campaign window over some areas that raises turnout and recruitment
// and may add sessions.
struct CampaignSpec {
  std::string name;
  DayNumber start = 0, end = 0;     // inclusive
  std::vector<std::string> areas;   // empty: everywhere
  double turnout_factor = 1.2;
  double recruitment_factor = 1.5;
  // Whom the factors reach (blood/segments.hpp): the turnout factor applies to
  // these donors only, the recruitment factor to new donors of its occupations.
  DonorSegments segments{};
  std::vector<SessionSpec> sessions;  // extra sessions (areas/dates inside the campaign)
  std::string display_name{};        // as people write it, diacritics included ("Hà Nội"); empty: the name
};

// Emergency appeals ("thông báo khẩn thiếu máu").
struct AppealSpec {
  bool enabled = true;
  double threshold_days = 2.0;      // red-cell stock of a group below this many days of supply
  int delay_days = 1;               // from detection to the appeal going out
  double turnout_factor = 1.8;      // extra turnout at the start
  double decay_days = 5.0;          // the extra decays exponentially with this time constant
  int cooldown_days = 14;           // no new appeal at the same centre within this
  double walk_in_factor = 2.0;      // recruitment multiplier at the start, decays likewise
};

// How reports colour stock levels, in days of supply, as national services
// publish them (normal / low / critical). Reporting only: the model does not
// read it. 0: the default (critical below appeals.threshold_days, low below
// twice the critical level).
struct StockStatusSpec {
  double critical_days = 0;
  double low_days = 0;
};

// Who is in town: students leave in summer and at Tết, workers at Tết.
struct SeasonSpec {
  DayNumber tet = 0;                // lunar new year day, in UTC+7
  int tet_days_before = 10;
  int tet_days_after = 10;
  double tet_student_presence = 0.3;
  double tet_worker_presence = 0.6;
  std::array<double, 12> student_presence_by_month{1, 1, 1, 1, 1, 0.45, 0.35, 0.45, 1, 1, 1, 1};
  std::array<double, 12> worker_presence_by_month{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  // Tết of each civil year from tet_first_year on (the loader fills it for
  // the simulated years and one either side, `tet` replacing its own year's);
  // empty: `tet` is the only Tết.
  int tet_first_year = 0;
  std::vector<DayNumber> tet_by_year;
};

// Yearly trends: the scenario's figures (population, demand, the plan's
// sessions) describe base_year; each year after it multiplies by (1 + rate)
// once more. Zero: no trend.
struct TrendSpec {
  int base_year = 0;                      // 0: the first simulated year
  double population_growth_per_year = 0;  // the population demand scales with
  double demand_growth_per_year = 0;      // transfusions per person
  double plan_growth_per_year = 0;        // every session's capacity and target
};

// From whole blood to components.
struct ProcessingSpec {
  int testing_delay_days = 2;       // infectious-marker testing
  double discard_share = 0.02;      // donations that fail testing
  double platelet_share = 0.25;     // donations processed into platelets
  int platelet_pool_size = 4;       // donations pooled into one platelet unit
  double plasma_share = 0.9;        // donations that yield a plasma unit
  std::array<int, kProductCount> shelf_life_days{42, 5, 365};
};

enum class DemandDistribution : std::uint8_t { Poisson, NegativeBinomial, Gamma, Deterministic };

// Hospital requests, per product.
struct ProductDemandSpec {
  double per_1000_population_per_year = 0;
  double fixed_per_day = 0;         // added to the population-driven rate (textbook cases)
  DemandDistribution distribution = DemandDistribution::Poisson;
  double dispersion = 0;            // negative binomial k, or gamma shape; <= 0 = Poisson
  // Seasonality of this product alone; unset: DemandSpec's shared values.
  std::optional<std::array<double, 12>> month_factors{};
  std::optional<double> tet_surge_factor{};
  std::optional<int> tet_surge_days_before{};
  std::optional<int> tet_surge_days_after{};
};

// Extra demand in a window: a surge of some products in some areas (a
// dengue outbreak doubles platelet requests; a festival raises red cells).
// Factors of overlapping surges multiply.
struct DemandSurgeSpec {
  std::string name;                 // for messages and overlays; may be empty
  DayNumber start = 0, end = 0;     // inclusive
  std::vector<std::string> areas;   // empty: everywhere; any area: the hospitals in and below it
  std::array<bool, kProductCount> products{true, true, true};
  double factor = 1;
};

struct DemandSpec {
  std::array<ProductDemandSpec, kProductCount> products{};
  std::array<double, 7> weekday_factors{1.1, 1.1, 1.1, 1.1, 1.1, 0.8, 0.7};  // Mon..Sun, mean 1
  std::array<double, 12> month_factors{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  double tet_surge_factor = 1.25;   // before and after Tết (accidents, surgery brought forward)
  int tet_surge_days_before = 14;
  int tet_surge_days_after = 7;
  std::array<double, kGroupCount> group_shares{};  // of patients; defaults to the donor shares
  double emergency_share = 0.3;     // requests lost if not met the same day
  int max_wait_days = 3;            // elective requests wait this long, then are lost
  std::vector<DemandSurgeSpec> surges;
};

// Rebalancing across regions: a national coordinator gathers every centre's
// red-cell surplus and shortfall each planning evening and tells centres with
// surplus to ship to centres short of the same group (cheapest routes first,
// oldest usable units first). Off by default: centres then only deal with their hub.
struct RebalancingSpec {
  bool enabled = false;
  int every_days = 1;                          // planning period: every this many days, from the first
  double surplus_days = 10;                    // red cells beyond this many days of a centre's usage are surplus
  double short_days = 3;                       // a centre with less than this many days of usage is short
  int min_remaining_shelf_days_on_arrival = 7; // units shipped must be usable this long after arrival
  double cost_per_minute = 1;                  // cost of moving one unit for one minute (only ratios matter)
};

struct PolicySpec {
  IssuePolicy issue = IssuePolicy::Fifo;
  bool substitution = true;
  bool hub_supply = true;           // centres reorder from their hub
  int min_remaining_shelf_days = 3; // shipments only carry units usable this long after arrival
  RebalancingSpec rebalancing;
};

struct Scenario {
  std::string name;
  DayNumber start = 0;              // first simulated day
  DayNumber end = 0;                // last simulated day (inclusive)
  std::uint64_t seed = 1;
  int warm_up_days = 0;             // simulated and recorded, but left out of the KPIs
  std::vector<AreaSpec> areas;
  std::vector<CentreSpec> centres;
  std::vector<HospitalSpec> hospitals;
  std::vector<LinkSpec> links;
  double local_travel_minutes = 60; // between sites of the same area when no link says otherwise
  std::vector<SessionSpec> sessions;
  std::vector<CampaignSpec> campaigns;
  AppealSpec appeals;
  CollectionSpec collection;        // stock-responsive collection (off by default)
  StockStatusSpec stock_status;
  SeasonSpec season;
  TurnoutParameters turnout;
  InitialPool initial_pool;         // kind mix and spread; the size comes from known_donor_share
  ProcessingSpec processing;
  DemandSpec demand;
  PolicySpec policy;
  TrendSpec trend;
  DriveFlowSpec drive_flow;         // service and patience times of sessions with resources

  int days() const noexcept { return end - start + 1; }
};

}  // namespace giotmau::blood
