#include "blood/kpi.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace giotmau::blood {

namespace {

std::vector<bool> areas_under(const World& world, int root) {
  std::vector<bool> in(world.area_names.size(), root < 0);
  if (root < 0) return in;
  for (std::size_t a = 0; a < in.size(); ++a) {
    for (int up = static_cast<int>(a); up >= 0; up = world.area_parent[static_cast<std::size_t>(up)]) {
      if (up == root) in[a] = true;
    }
  }
  return in;
}

}  // namespace

std::vector<int> top_areas(const World& world) {
  std::vector<int> tops;
  for (std::size_t a = 0; a < world.area_parent.size(); ++a) {
    if (world.area_parent[a] < 0) tops.push_back(static_cast<int>(a));
  }
  return tops;
}

std::vector<YearSpan> simulated_years(const World& world) {
  std::vector<YearSpan> years;
  const DayNumber last = world.first_day + world.days - 1;
  for (DayNumber d = world.first_day; d <= last;) {
    const int year = civil_date(d).year;
    const DayNumber end = std::min(last, day_number({year, 12, 31}));
    years.push_back({year, d, end});
    d = end + 1;
  }
  return years;
}

std::vector<int> second_level_areas(const World& world) {
  std::vector<int> parts;
  for (std::size_t a = 0; a < world.area_parent.size(); ++a) {
    const int parent = world.area_parent[a];
    if (parent >= 0 && world.area_parent[static_cast<std::size_t>(parent)] < 0) parts.push_back(static_cast<int>(a));
  }
  return parts;
}

namespace {

// Days first .. last (after the warm-up), or those of one calendar month among them.
Kpis kpis_over(const RunResult& result, int root, DayNumber first, DayNumber last,
               std::optional<unsigned> only_month) {
  const World& world = *result.world;
  const DailyMeasures& m = result.measures;
  const std::vector<bool> in = areas_under(world, root);
  Kpis k;
  std::int64_t issued_all = 0, age_days_all = 0;
  double stock_sum = 0;
  const int warm_up = std::min(std::max(world.scenario.warm_up_days, 0), m.days());
  const int first_index = std::max(warm_up, first - world.first_day);
  const int end_index = std::min(m.days(), last - world.first_day + 1);
  int days_counted = 0;
  for (int d = first_index; d < end_index; ++d) {
    const unsigned month = month_index(world.first_day + d);
    if (only_month && month != *only_month) continue;
    ++days_counted;
    std::int64_t short_today = 0;
    for (int a = 0; a < m.areas(); ++a) {
      if (!in[static_cast<std::size_t>(a)]) continue;
      for (std::size_t g = 0; g < kGroupCount; ++g) {
        const BloodGroup group = group_at(g);
        const std::int64_t c = m.collected(d, a, group);
        k.collected += c;
        k.collected_by_month[month] += c;
        k.requested += m.at(Measure::Requested, d, a, group, Product::RedCells);
        k.issued += m.at(Measure::Issued, d, a, group, Product::RedCells);
        k.substituted += m.at(Measure::Substituted, d, a, group, Product::RedCells);
        short_today += m.at(Measure::Shortage, d, a, group, Product::RedCells);
        k.produced += m.at(Measure::Produced, d, a, group, Product::RedCells);
        k.outdated += m.at(Measure::Outdated, d, a, group, Product::RedCells);
        stock_sum += static_cast<double>(m.at(Measure::OnHand, d, a, group, Product::RedCells));
        k.platelet_requested += m.at(Measure::Requested, d, a, group, Product::Platelets);
        k.platelet_issued += m.at(Measure::Issued, d, a, group, Product::Platelets);
        k.platelet_shortage_units += m.at(Measure::Shortage, d, a, group, Product::Platelets);
        k.platelet_outdated += m.at(Measure::Outdated, d, a, group, Product::Platelets);
        for (std::size_t p = 0; p < kProductCount; ++p) {
          issued_all += m.at(Measure::Issued, d, a, group, product_at(p));
          age_days_all += m.at(Measure::IssuedAgeDays, d, a, group, product_at(p));
        }
      }
      k.cost += m.cost(d, a);
      for (std::size_t cell = 0; cell < kSegmentCells; ++cell) {
        const std::int64_t n = m.donated_by_segment(d, a, cell);
        k.donated_by_occupation[cell % 2] += n;
        k.donated_by_kind[cell / 2] += n;
      }
    }
    k.shortage_units += short_today;
    k.shortage_days += short_today > 0;
  }
  // Targets: a drive's target falls on its day; a series' is spread evenly over its sessions.
  std::array<double, 12> target_by_month{};
  std::vector<bool> drive_in(result.drives.size(), false);
  for (const auto& sessions : world.sessions_by_lp) {
    for (const SessionDay& s : sessions) {
      const DriveRecord& r = result.drives[static_cast<std::size_t>(s.drive)];
      if (!in[static_cast<std::size_t>(world.leaves[static_cast<std::size_t>(s.leaf)].area)] || r.sessions == 0) continue;
      if (s.day < world.first_day + first_index || s.day > last) continue;
      if (only_month && month_index(s.day) != *only_month) continue;
      drive_in[static_cast<std::size_t>(s.drive)] = true;
      target_by_month[month_index(s.day)] += static_cast<double>(r.target_units) / r.sessions;
    }
  }
  for (std::size_t month = 0; month < 12; ++month) {
    k.target_by_month[month] = std::llround(target_by_month[month]);
    k.target += k.target_by_month[month];
  }
  QueueTally queues;
  for (std::size_t d = 0; d < result.drives.size(); ++d) {
    if (drive_in[d]) queues.add(result.drives[d].queue);
  }
  k.queue_arrivals = queues.arrived;
  k.balked = queues.balked();
  k.mean_wait_minutes = queues.mean_wait_minutes();
  k.p90_wait_minutes = queues.p90_wait_minutes();
  for (const AppealRecord& a : result.appeal_log) {
    if (!in[static_cast<std::size_t>(a.area)] || a.day < world.first_day + first_index || a.day > last) continue;
    if (!only_month || month_index(a.day) == *only_month) ++k.appeals;
  }
  k.fill_rate = k.requested > 0 ? static_cast<double>(k.issued) / static_cast<double>(k.requested) : 1.0;
  k.platelet_fill_rate = k.platelet_requested > 0
                             ? static_cast<double>(k.platelet_issued) / static_cast<double>(k.platelet_requested)
                             : 1.0;
  k.outdate_rate = k.produced > 0 ? static_cast<double>(k.outdated) / static_cast<double>(k.produced) : 0.0;
  k.mean_age_at_issue_days = issued_all > 0 ? static_cast<double>(age_days_all) / static_cast<double>(issued_all) : 0.0;
  k.cost_per_day = days_counted > 0 ? k.cost / days_counted : 0.0;
  k.days_of_supply = k.issued > 0 ? stock_sum / static_cast<double>(k.issued) : 0.0;
  return k;
}

}  // namespace

Kpis compute_kpis(const RunResult& result, int root) {
  const World& world = *result.world;
  return compute_kpis(result, root, world.first_day, world.first_day + result.measures.days() - 1);
}

Kpis compute_kpis(const RunResult& result, int root, DayNumber first, DayNumber last) {
  return kpis_over(result, root, first, last, std::nullopt);
}

Kpis compute_month_kpis(const RunResult& result, int root, unsigned month) {
  const World& world = *result.world;
  return kpis_over(result, root, world.first_day, world.first_day + result.measures.days() - 1, month);
}

Kpis compute_month_kpis(const RunResult& result, int root, unsigned month, DayNumber first, DayNumber last) {
  return kpis_over(result, root, first, last, month);
}

}  // namespace giotmau::blood
