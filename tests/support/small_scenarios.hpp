#pragma once
// Small scenarios built in code, for tests that run the model end to end.
#include <string>

#include "blood/scenario.hpp"

namespace giotmau::testing {

using namespace giotmau::blood;

inline DayNumber date(const char* iso) { return *parse_iso_date(iso); }

// Hospital requests of a typical province: red cells per 1,000 people a year,
// overdispersed; platelets and plasma Poisson.
inline DemandSpec typical_demand(DemandSpec d) {
  d.products[index(Product::RedCells)] = {.per_1000_population_per_year = 14.0,
                                          .distribution = DemandDistribution::NegativeBinomial,
                                          .dispersion = 20};
  d.products[index(Product::Platelets)] = {.per_1000_population_per_year = 3.0};
  d.products[index(Product::Plasma)] = {.per_1000_population_per_year = 4.0};
  return d;
}

// One hub and two provincial centres, a hospital bank each, a year of weekly
// drives in every province: big enough to exercise orders, shipments,
// substitution, expiry and appeals; small enough to run in a blink.
inline Scenario three_provinces(int days = 365) {
  Scenario s;
  s.name = "three-provinces";
  s.start = date("2025-01-01");
  s.end = s.start + days - 1;
  s.seed = 7;
  s.season.tet = date("2025-01-29");
  s.turnout.group_shares = {0.4196, 0.0004, 0.2198, 0.0002, 0.2997, 0.0003, 0.0599, 0.0001};
  s.demand.group_shares = s.turnout.group_shares;
  s.areas = {{.name = "north", .parent = "", .population = 0, .centre = ""},
             {.name = "hub-province", .parent = "north", .population = 400'000, .centre = "hub"},
             {.name = "hill-province", .parent = "north", .population = 150'000, .centre = "hill-centre", .engagement = 0.6},
             {.name = "coast-province", .parent = "north", .population = 200'000, .centre = "coast-centre"}};
  s.centres = {{.name = "hub", .area = "hub-province", .hub = ""},
               {.name = "hill-centre", .area = "hill-province", .hub = "hub"},
               {.name = "coast-centre", .area = "coast-province", .hub = "hub"}};
  s.hospitals = {{.name = "hub-hospitals", .area = "hub-province", .centre = "hub"},
                 {.name = "hill-hospitals", .area = "hill-province", .centre = "hill-centre"},
                 {.name = "coast-hospitals", .area = "coast-province", .centre = "coast-centre"}};
  s.links = {{"hub", "hill-centre", 240}, {"hub", "coast-centre", 180}};
  SessionSpec weekly;
  weekly.name = "weekly-drives";
  weekly.area = "north";
  weekly.weekdays = {false, true, false, true, false, true, false};
  weekly.from = s.start;
  weekly.to = s.end;
  weekly.capacity_per_100k = 25;
  weekly.target_units = 0;
  s.sessions = {weekly};
  s.demand = typical_demand(s.demand);
  return s;
}

// The textbook single-hospital case: an unlimited external supplier, daily
// review, one blood group, deterministic demand unless told otherwise.
inline Scenario single_hospital(double demand_per_day, int shelf_life_days, int days = 120) {
  Scenario s;
  s.name = "single-hospital";
  s.start = date("2025-03-03");
  s.end = s.start + days - 1;
  s.season.tet = date("2025-01-29");
  s.season.student_presence_by_month.fill(1.0);
  s.turnout.group_shares = {1, 0, 0, 0, 0, 0, 0, 0};
  s.demand.group_shares = s.turnout.group_shares;
  s.demand.weekday_factors.fill(1.0);
  s.demand.tet_surge_factor = 1.0;
  s.demand.products[index(Product::RedCells)] = {.fixed_per_day = demand_per_day,
                                                 .distribution = DemandDistribution::Deterministic};
  s.processing.shelf_life_days = {shelf_life_days, 5, 365};
  s.appeals.enabled = false;
  s.areas = {{.name = "town", .parent = "", .population = 0, .centre = ""}};
  HospitalSpec h{.name = "hospital", .area = "town", .centre = "external"};
  h.initial_stock_days = 1;
  h.external_lead_time_days = 1;
  s.hospitals = {h};
  return s;
}

}  // namespace giotmau::testing
