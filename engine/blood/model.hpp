#pragma once
// The blood supply model as a set of handlers over logical-process state.
//
// One LP per blood centre: the centre, the hospital banks it supplies and the
// donor areas whose collections it receives. Each LP runs a daily cycle
//   05:00          — external suppliers' deliveries are on the shelf
//   06:00 morning  — finish testing, hold today's sessions (capped by the
//                    stock-responsive collection rules); hospitals with a
//                    morning review reorder (before the day's demand)
//   12:00 demand   — hospitals request, issue (with substitution), shortages
//   18:00 review   — units whose last usable day is today are outdated; then
//                    hospitals reorder from their centre, centres from their hub,
//                    counting only stock usable at the next demand
//   23:00 evening  — outdate late arrivals, record stock, check for appeals
// (docs/scenario-format.md, "A day"). Flows are booked on the day whose
// evening count first reflects them (LpState::counted_through).
// and exchanges orders and shipments with its hub, which take at least the
// network's shortest cross-LP travel time: the kernel's lookahead.
//
// With rebalancing on, one more LP, the national coordinator (the last LP),
// plans transfers between centres: each planning evening every centre sends it
// a status (red-cell surplus or shortfall per group); once it has them all it
// solves a min-cost flow per group (blood/rebalancing.hpp) and sends each
// centre with surplus a Transfer instruction, which that centre carries out as
// an ordinary shipment. Everything goes through the kernel with delays of at
// least the lookahead, so determinism holds for any thread count.
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "blood/calendar.hpp"
#include "blood/donors.hpp"
#include "blood/inline_list.hpp"
#include "blood/inventory.hpp"
#include "blood/measures.hpp"
#include "blood/network.hpp"
#include "blood/sampling.hpp"
#include "blood/scenario.hpp"
#include "kernel/simulation.hpp"

namespace giotmau::blood {

inline constexpr std::size_t kStockKinds = kProductCount * kGroupCount;  // product x group
constexpr std::size_t stock_index(Product p, BloodGroup g) noexcept { return index(p) * kGroupCount + index(g); }

using StockCounts = std::array<std::int64_t, kStockKinds>;
using StockRates = std::array<double, kStockKinds>;

// Units of one stock kind.
struct KindUnits {
  std::uint8_t kind;  // stock_index
  std::int64_t units;
};
// Units per stock kind listing only the kinds that have some, in ascending
// kind order. Events carry these rather than a StockCounts (192 bytes, mostly
// zeros: a hospital orders a kind or two) that the kernel would copy through
// its queues; one kind is stored inline, more on the heap.
using KindList = InlineList<KindUnits, 1>;
KindList nonzero_kinds(const StockCounts& counts);
StockCounts all_kinds(const KindList& kinds);

enum class SiteKind : std::uint8_t { Centre, Hospital };

// Everything about a site that does not change during a run.
struct Site {
  std::string name;
  SiteKind kind = SiteKind::Centre;
  int area = 0;
  kernel::LpId lp = 0;
  int supplier = -1;             // hospital: its centre; provincial centre: its hub; -1: none
  bool external_supplier = false;
  int external_lead_days = 1;
  bool is_hub = false;
  StockRates usage_per_day{};    // expected units used per day by the patients this site serves
  std::array<double, kProductCount> demand_per_day{};  // hospitals: mean requests per day
  double order_up_to_days = 0;
  double reserve_days = 0;
  double surplus_days = 0;
  std::array<std::int64_t, kProductCount> reorder_point_units{};
  std::array<std::int64_t, kProductCount> order_up_to_units{};
  std::array<std::int64_t, kProductCount> standing_order_units{};
  OrderPolicy order_policy = OrderPolicy::ReorderPoint;
  ReviewTime review = ReviewTime::Evening;  // hospitals; centres review in the evening
  SiteCosts costs{};
  std::uint64_t stream = 0;       // random stream id (from the name: common random numbers)
  int local = 0;                 // index among its LP's sites
  // Blood bags (centres): no constraint when initial_bags < 0.
  std::int64_t initial_bags = -1;
  std::int64_t bag_reorder_point = 0;
  std::int64_t bag_order_quantity = 0;
  int bag_procurement_delay_days = 0;
  std::int64_t storage_red_cell_units = -1;  // centres: < 0 unlimited
  // Centres: red cells used per day by the patients whose supply depends on
  // its collections: its hospitals, and for a hub also the centres it supplies.
  double red_cells_served_per_day = 0;
  std::vector<int> demand_surges;  // hospitals: the scenario's demand surges over its area
  // The stock kinds some order rule of this site reads (a standing order, an
  // order-up-to level, a usage to cover), ascending; its order of any other
  // kind is always 0, so the review looks only at these.
  std::vector<std::uint8_t> order_kinds;
};

// A leaf area with a donor pool.
struct Leaf {
  int area = 0;
  int centre = 0;                // site receiving its collections
  kernel::LpId lp = 0;
  std::int64_t population = 0;
  double engagement = 1.0;
  double student_share = 0.5;
  std::int64_t eligible_population = 0;
  std::int64_t known_donors = 0;
  std::uint64_t stream = 0;
  int local = 0;
  // Whether anything reads its recruits again (WorldBuilder::decide_recruit_records).
  bool keeps_recruits = true;
};

// One session on one day in one leaf.
struct SessionDay {
  DayNumber day = 0;
  int leaf = 0;
  int drive = 0;                 // index into the run's drive records
  int campaign = -1;             // campaign that added it, if any
  std::uint64_t stream = 0;      // from the leaf's and the session's names
  std::int64_t capacity = 0;
  double invitations = 0;
  double walk_in = 0;
  int resources = -1;            // index into World::session_resources; -1: not queued
  DonorSegments invited{};       // whom it invites (SessionSpec::segments)
};

struct Campaign {
  std::string name;
  DayNumber start = 0, end = 0;
  double turnout_factor = 1;
  double recruitment_factor = 1;
  std::vector<bool> covers_leaf;
  DonorSegments segments{};
};

// The immutable world every LP reads.
struct World {
  Scenario scenario;
  DayNumber first_day = 0;
  int days = 0;
  std::vector<std::string> area_names;
  std::vector<std::string> area_display_names;  // as people write them; the name when the scenario gives none
  std::vector<int> area_parent;  // -1 at the top
  std::vector<Site> sites;
  std::vector<Leaf> leaves;
  std::vector<Campaign> campaigns;
  std::vector<DriveRecord> drive_templates;  // name, area, target; counts zero
  std::vector<std::vector<SessionDay>> sessions_by_lp;  // sorted by day
  std::vector<SessionResources> session_resources;     // of the queued sessions
  std::vector<std::vector<int>> lp_sites, lp_leaves;
  // Per LP and ReviewTime, the sites that review then: hospitals first (they
  // draw on their centre's stock before it reorders), then centres, which
  // review in the evening.
  std::vector<std::array<std::vector<int>, 2>> lp_reviewers;
  // The areas each LP records measures for (its sites' and leaves' areas), and
  // for every LP and area the row in that LP's measures (-1: none).
  std::vector<std::vector<int>> lp_areas;
  std::vector<std::vector<int>> lp_area_row;
  TransportNetwork network{0, {}};
  kernel::Tick lookahead = kTicksPerDay;
  std::size_t lp_count = 0;
  // Rebalancing (only when the scenario enables it). The coordinator's nodes
  // are the centres, in site order; travel minutes between them, node x node.
  static constexpr kernel::LpId kNoCoordinator = static_cast<kernel::LpId>(-1);
  kernel::LpId coordinator_lp = kNoCoordinator;
  std::vector<int> rebalancing_centres;   // node -> centre site
  std::vector<int> rebalancing_node;      // site -> node, or -1
  std::vector<double> rebalancing_minutes;

  bool rebalancing() const noexcept { return coordinator_lp != kNoCoordinator; }
  // The area's display name, or its name.
  const std::string& area_label(std::size_t area) const {
    return area < area_display_names.size() ? area_display_names[area] : area_names[area];
  }

  // Yearly trends (TrendSpec): the factor for the civil year of `day`, one
  // more step of growth for each year after the first simulated one.
  bool growing_demand = false;
  bool growing_plan = false;
  double demand_growth(DayNumber day) const;
  double plan_growth(DayNumber day) const;

  kernel::Tick travel_ticks(int from, int to) const;
};

struct ShipmentLine {
  Product product;
  BloodGroup group;
  Batch batch;
};
// A shipment's batches: one or two in the common case (a hospital's order of
// one kind), kept inline so that a shipment allocates nothing.
using ShipmentLines = InlineList<ShipmentLine, 2>;

struct BloodEvent {
  // Status: a centre to the coordinator; Transfer: the coordinator to a centre with surplus.
  // Queue*: a queued session's events (blood/drive_queue.hpp); site = the
  // session's slot in LpState::queues, from = the visitor (or -1).
  enum class Kind : std::uint8_t {
    Morning, Demand, Review, Evening, Order, Shipment, Status, Transfer,
    QueueArrive, QueueDone, QueueStaffFree, QueueGiveUp, QueueClose
  };
  Kind kind = Kind::Morning;
  std::int32_t site = -1;        // Order: the supplier; Shipment, Transfer: the destination
  std::int32_t from = -1;        // Order: who orders; Shipment: who sent it; Status: who reports; Transfer: who ships
  bool produced_on_arrival = false;  // an external supplier's delivery
  // Order: units wanted; Shipment: units of the order it answers; Transfer:
  // units to ship; Status: at the red-cell kinds, + surplus / - shortfall.
  KindList quantities;
  ShipmentLines lines;
};

struct PendingRequest {
  DayNumber day;
  std::int64_t units;
};

struct SiteState {
  Inventory stock;
  StockCounts on_order{};                                   // ordered, answer not yet arrived
  std::array<std::deque<PendingRequest>, kStockKinds> backlog;  // hospitals: elective requests waiting
  std::array<PoissonSampler, kProductCount> demand_poisson;  // hospitals: the last day's mean's set-up, per product
  std::array<std::int64_t, kGroupCount> platelet_donations{};  // centres: donations waiting to make a pool
  DayNumber last_appeal = -1'000'000;
  int last_appeal_record = -1;    // its entry in LpState::appeal_log, while it acts

  std::int64_t bags = -1;                                   // centres: bags in stock (< 0: unconstrained)
  std::deque<std::pair<DayNumber, std::int64_t>> bag_deliveries;  // (arrival day, bags) on order
};

struct LeafState {
  DonorPool pool;
};

struct TestingBatch {
  DayNumber ready;
  DayNumber collected;
  int centre;
  std::array<std::int64_t, kGroupCount> donations;
};

// A transfer the coordinator asked for, which the centres' statuses may not
// show yet (the source still holds the units, or the destination lacks them).
struct ExpectedTransfer {
  int from = 0, to = 0;          // sites
  std::size_t kind = 0;          // stock_index
  std::int64_t units = 0;
  kernel::Tick shipped = 0;      // when the source receives the instruction
  kernel::Tick arrives = 0;
};

// The national coordinator's LP state (empty in every other LP).
struct CoordinatorState {
  kernel::Tick collecting = -1;  // when the statuses being gathered were sent
  std::size_t received = 0;
  std::vector<std::array<std::int64_t, kGroupCount>> balance;  // node x group: + surplus, - shortfall
  std::vector<ExpectedTransfer> expected;
  std::int64_t planned_units = 0;
};

struct InTransit {
  kernel::Tick arrival;
  int from;
  std::int64_t units;
  std::size_t kind;  // stock_index
};

// A queued session in progress on an LP.
struct OpenSession {
  std::optional<DriveQueue> queue;  // empty once everyone has left (late timers are then ignored)
  DayNumber day = 0;
  int leaf = 0;
  int drive = 0;
};

// What one LP owns.
struct LpState {
  // Every random number an entity draws on a day comes from a stream keyed by
  // (seed, entity, day, purpose): two scenarios that differ elsewhere still
  // give an entity the same numbers (common random numbers), and a change in
  // how many numbers one day needs does not shift the days after it.
  std::uint64_t seed = 0;
  std::vector<SiteState> sites;
  std::vector<LeafState> leaves;
  std::deque<TestingBatch> testing;
  std::vector<InTransit> in_transit;
  std::size_t next_session = 0;
  DayNumber counted_through = -1'000'000;  // the last day whose evening stock count is done
  DailyMeasures measures;                  // rows = World::lp_areas of this LP (merged after the run)
  const std::vector<int>* area_row = nullptr;  // World::lp_area_row of this LP
  std::vector<std::pair<int, DriveRecord>> drives;  // global drive index -> counts
  std::vector<int> drive_slot;             // global drive index -> index in `drives` or -1
  double issued_age_days_sum = 0;
  std::int64_t appeals = 0;
  std::vector<AppealRecord> appeal_log;    // in the order they went out
  std::int64_t sessions_short_of_bags = 0;  // sessions whose capacity bags cut
  std::int64_t sessions_capped = 0;         // sessions whose capacity the collection rules cut
  std::int64_t sessions_postponed = 0;      // sessions not held: no room below the intake cap or storage
  std::int64_t rebalanced_units = 0;        // units this LP's centres shipped on the coordinator's instructions
  CoordinatorState coordinator;
  std::vector<OpenSession> open_sessions;  // queued sessions of today; slots reused when finished
};

class BloodModel {
 public:
  using State = LpState;
  using Event = BloodEvent;

  explicit BloodModel(std::shared_ptr<const World> world);
  void handle(kernel::Context<BloodModel>& ctx, State& state, const Event& event) const;
  const World& world() const noexcept { return *world_; }

 private:
  using Ctx = kernel::Context<BloodModel>;
  // Removes units no longer usable on `usable_from` from every site of the LP,
  // booking them as outdated.
  void outdate(State& state, kernel::LpId lp, DayNumber day, DayNumber usable_from) const;
  void finish_testing(State& state, DayNumber day) const;
  void hold_sessions(Ctx& ctx, State& state, DayNumber day) const;
  // Queued sessions (blood/drive_queue.hpp).
  void open_queue(Ctx& ctx, State& state, const SessionDay& session, const SessionConditions& conditions,
                  DonorPool& pool, RandomStream& random) const;
  void queue_event(Ctx& ctx, State& state, const Event& event) const;
  void record_donation(State& state, const OpenSession& open, BloodGroup group, std::size_t segment_cell) const;
  static void aim_campaign(const Campaign& campaign, SessionConditions& conditions, double& recruitment);
  DriveRecord& drive_record(State& state, int drive) const;
  RedCellPosition red_cell_position(const State& state, kernel::LpId lp, int centre) const;
  void procure_bags(State& state, kernel::LpId lp, DayNumber day) const;
  void demand(State& state, kernel::LpId lp, DayNumber day) const;
  void serve_hospital(State& state, const Site& site, DayNumber day) const;
  double demand_factor(const Site& site, DayNumber day, std::size_t product) const;
  void review(Ctx& ctx, State& state, DayNumber day, ReviewTime when) const;
  // The kinds with a positive order.
  KindList order_quantities(const State& state, const Site& site, DayNumber next_demand) const;
  void evening(Ctx& ctx, State& state, DayNumber day) const;
  void fill_order(Ctx& ctx, State& state, const Event& order) const;
  void receive(State& state, const Event& shipment, DayNumber day) const;
  // Takes `wanted` from `from`'s stock (units usable `min_remaining_days` after
  // arrival) and sends it to `to`; `answers` is the order this shipment answers
  // (may be empty). Returns the units sent.
  std::int64_t ship(Ctx& ctx, State& state, int from, int to, const KindList& wanted, const KindList& answers,
                    int min_remaining_days) const;
  // Ticks from `departure` until a shipment from `from` reaches `to`.
  kernel::Tick shipping_delay(int from, int to, kernel::Tick departure) const;
  // Rebalancing: the centres' side.
  DayNumber transfer_usable_until(int centre, kernel::Tick departure) const;
  void send_status(Ctx& ctx, const State& state, DayNumber day) const;
  void carry_out_transfer(Ctx& ctx, State& state, const Event& transfer) const;
  // Rebalancing: the coordinator's side.
  void coordinate(Ctx& ctx, State& state, const Event& event) const;
  void plan_transfers(Ctx& ctx, CoordinatorState& coordinator) const;
  double appeal_factor(const State& state, const Site& centre, DayNumber day, double peak) const;
  std::int64_t& measure(State& state, Measure m, DayNumber day, int area, std::size_t kind) const;
  // The day whose evening count first reflects what happens now on `day`.
  static DayNumber booking_day(const State& state, DayNumber day) noexcept {
    return day <= state.counted_through ? day + 1 : day;
  }
  // Adds to a measure booked on `day`, unless that day is past the run.
  void book(State& state, Measure m, DayNumber day, int area, std::size_t kind, std::int64_t units) const;
  void charge(State& state, DayNumber day, int area, double amount) const;

  std::shared_ptr<const World> world_;
  // Hospital demand's parts shared by every hospital, computed once: by day of
  // the run and product, weekday x month x Tet surge (demand_factor), and the
  // yearly growth (when the demand grows); the split of requests by group.
  std::vector<std::array<double, kProductCount>> day_demand_factors_;
  std::vector<double> day_demand_growth_;
  MultinomialTable group_split_;
  std::vector<std::size_t> patient_groups_;  // groups with a share of the requests, ascending
};

// Builds the world from a scenario: areas, sites and LPs, the network and the
// lookahead, the session calendar. Throws std::invalid_argument on a scenario
// the model cannot run (the adapters validate files before this).
std::shared_ptr<const World> build_world(const Scenario& scenario, int days_override = 0);

// The initial LP states (donor pools, stock), drawn from per-entity streams of `seed`.
std::vector<LpState> initial_states(const World& world, std::uint64_t seed, InitialStock& initial_stock);

}  // namespace giotmau::blood
