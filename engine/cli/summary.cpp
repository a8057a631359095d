#include "cli/summary.hpp"

#include <algorithm>
#include <string>

#include "cli/text.hpp"

namespace giotmau::cli {

namespace {

using blood::Kpis;

void print_kpi_row(std::FILE* out, const std::string& name, const Kpis& k) {
  const double plan = k.target > 0 ? 100.0 * static_cast<double>(k.collected) / static_cast<double>(k.target) : 0.0;
  // Padded by characters on screen: display names are UTF-8.
  std::fprintf(out, "%s%11lld %11lld %6.1f%% %8.4f %10lld %6d %8.4f %8.1f %7.1f\n", pad(name, 17).c_str(),
               static_cast<long long>(k.collected), static_cast<long long>(k.target), plan, k.fill_rate,
               static_cast<long long>(k.shortage_units), k.shortage_days, k.outdate_rate, k.mean_age_at_issue_days,
               k.days_of_supply);
}

void print_months(std::FILE* out, const std::string& prefix, const Kpis& k) {
  for (unsigned m = 0; m < 12; ++m) {  // every month, zeros included: a missing row reads as a misprint
    std::fprintf(out, "%-8s %11lld %10lld\n", (prefix + std::string(blood::kMonthNames[m])).c_str(),
                 static_cast<long long>(k.collected_by_month[m]), static_cast<long long>(k.target_by_month[m]));
  }
}

// A run over several years: the national KPIs and the month table of each year.
void print_years(std::FILE* out, const blood::RunResult& result, const std::vector<blood::YearSpan>& years) {
  std::fprintf(out, "\n%-16s %11s %11s %7s %8s %10s %6s %8s %8s %7s\n", "year", "collected", "target", "plan",
               "fill", "shortage", "s.days", "outdate", "age(d)", "supply");
  std::vector<Kpis> per_year;
  for (const blood::YearSpan& y : years) {
    per_year.push_back(blood::compute_kpis(result, -1, y.first, y.last));
    print_kpi_row(out, std::to_string(y.year), per_year.back());
  }
  print_kpi_row(out, "total", blood::compute_kpis(result));
  std::fprintf(out, "(national)\n");
  std::fprintf(out, "\nmonth         collected     target\n");
  for (std::size_t i = 0; i < years.size(); ++i) print_months(out, std::to_string(years[i].year) + " ", per_year[i]);
}

// Sessions with resources: what their queues did, drive by drive.
void print_queued_drives(std::FILE* out, const blood::RunResult& result) {
  const auto queued = [](const blood::DriveRecord& d) { return d.queue.sessions > 0; };
  if (std::none_of(result.drives.begin(), result.drives.end(), queued)) return;
  std::fprintf(out, "\n%-28s %-10s %6s %7s %6s %8s %7s %7s %7s %7s %5s\n", "drive (queued sessions)", "first", "target",
               "arrived", "balked", "deferred", "donated", "wait", "p90", "system", "beds");
  blood::QueueTally all;
  for (const blood::DriveRecord& d : result.drives) {
    if (!queued(d)) continue;
    const blood::QueueTally& q = d.queue;
    all.add(q);
    std::fprintf(out, "%-28s %-10s %6lld %7lld %6lld %8lld %7lld %7.1f %7.0f %7.1f %4.0f%%\n", d.name.c_str(),
                 blood::iso_date(d.first_day).c_str(), static_cast<long long>(d.target_units),
                 static_cast<long long>(q.arrived), static_cast<long long>(q.balked()),
                 static_cast<long long>(q.deferred), static_cast<long long>(q.donated), q.mean_wait_minutes(),
                 q.p90_wait_minutes(), q.mean_system_minutes(), 100 * q.bed_utilisation());
  }
  std::fprintf(out, "%-28s %-10s %6s %7lld %6lld %8lld %7lld %7.1f %7.0f %7.1f %4.0f%%\n", "all queued drives", "", "",
               static_cast<long long>(all.arrived), static_cast<long long>(all.balked()),
               static_cast<long long>(all.deferred), static_cast<long long>(all.donated), all.mean_wait_minutes(),
               all.p90_wait_minutes(), all.mean_system_minutes(), 100 * all.bed_utilisation());
  std::fprintf(out,
               "(balked: left without donating, out of patience or still waiting at closing; wait and p90: minutes "
               "queueing per arrival; system: minutes from arrival to leaving; beds: bed utilisation)\n");
}

}  // namespace

void print_summary(std::FILE* out, const blood::RunResult& result) {
  const blood::World& world = *result.world;
  std::fprintf(out, "\n%-16s %11s %11s %7s %8s %10s %6s %8s %8s %7s\n", "area", "collected", "target", "plan",
               "fill", "shortage", "s.days", "outdate", "age(d)", "supply");
  const Kpis national = blood::compute_kpis(result);
  print_kpi_row(out, "national", national);
  const auto tops = blood::top_areas(world);
  if (tops.size() > 1) {
    for (int area : tops) {
      const Kpis k = blood::compute_kpis(result, area);
      print_kpi_row(out, "  " + world.area_label(static_cast<std::size_t>(area)), k);
    }
  }
  std::fprintf(out,
               "(collected: whole-blood donations; target: the sessions' targets; fill, shortage (units, days), "
               "outdate and supply (days of stock) are for red cells; age: mean age at issue in days)\n");
  const auto years = blood::simulated_years(world);
  if (years.size() > 1) {
    print_years(out, result, years);
  } else {
    std::fprintf(out, "\nmonth      collected     target\n");
    print_months(out, "", national);
  }
  std::fprintf(out, "\nappeals: %lld\n", static_cast<long long>(result.appeals));
  std::fprintf(out, "donations by segment: students %lld, workers %lld; first-time %lld, repeat %lld, regular %lld\n",
               static_cast<long long>(national.donated_by_occupation[1]),
               static_cast<long long>(national.donated_by_occupation[0]),
               static_cast<long long>(national.donated_by_kind[0]), static_cast<long long>(national.donated_by_kind[1]),
               static_cast<long long>(national.donated_by_kind[2]));
  print_queued_drives(out, result);
  if (national.cost != 0) std::fprintf(out, "cost: %.3f per day (revenue subtracted)\n", national.cost_per_day);
  if (result.sessions_capped + result.sessions_postponed > 0) {
    std::fprintf(out, "sessions capped by stock or storage: %lld; postponed: %lld\n",
                 static_cast<long long>(result.sessions_capped), static_cast<long long>(result.sessions_postponed));
  }
}

}  // namespace giotmau::cli
