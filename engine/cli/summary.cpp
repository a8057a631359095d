#include "cli/summary.hpp"

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
  std::fprintf(out, "\nmonth      collected     target\n");
  for (unsigned m = 0; m < 12; ++m) {  // every month, zeros included: a missing row reads as a misprint
    std::fprintf(out, "%-8s %11lld %10lld\n", std::string(blood::kMonthNames[m]).c_str(),
                 static_cast<long long>(national.collected_by_month[m]),
                 static_cast<long long>(national.target_by_month[m]));
  }
  std::fprintf(out, "\nappeals: %lld\n", static_cast<long long>(result.appeals));
}

}  // namespace giotmau::cli
