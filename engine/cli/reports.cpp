#include "cli/reports.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

#include "blood/calendar.hpp"
#include "cli/json.hpp"
#include "cli/text.hpp"
#include "cli/where_when.hpp"

namespace giotmau::cli {

namespace {

using experiments::Estimate;
using experiments::KpiInfo;
using experiments::kKpis;

std::string plus_minus(const Estimate& e, int decimals) {
  if (e.n == 0) return "-";
  if (!e.has_interval()) return number(e.mean, decimals);
  return number(e.mean, decimals) + " ± " + number(e.half_width, decimals);
}

void print_national(std::FILE* out, const experiments::Summary& s) {
  std::fprintf(out,
               "\nnational: mean, %s confidence interval (Student t, %zu df) and standard deviation over %zu "
               "replications\n",
               percent(s.confidence).c_str(), s.replications > 0 ? s.replications - 1 : 0, s.replications);
  std::fprintf(out, "%s%s%s%s%s\n", pad("kpi", 26).c_str(), pad("mean", 16).c_str(), pad("ci_low", 16).c_str(),
               pad("ci_high", 16).c_str(), "std_dev");
  for (const KpiInfo& i : kKpis) {
    const Estimate& e = s.national[i.kpi];
    const bool ci = e.has_interval();
    std::fprintf(out, "%s%s%s%s%s\n", pad(std::string(i.name), 26).c_str(), pad(number(e.mean, i.decimals), 16).c_str(),
                 pad(ci ? number(e.low(), i.decimals) : "-", 16).c_str(),
                 pad(ci ? number(e.high(), i.decimals) : "-", 16).c_str(),
                 ci ? number(e.stddev, i.decimals).c_str() : "-");
  }
}

void print_regions(std::FILE* out, const experiments::Summary& s) {
  if (s.regions.empty()) return;
  std::fprintf(out, "\nregions: mean ± half-width of the %s confidence interval\n", percent(s.confidence).c_str());
  std::size_t width = 24;  // long display names widen every column alike
  for (const auto& r : s.regions) width = std::max(width, display_width(r.display_name) + 2);
  std::string header = pad("kpi", 26);
  for (const auto& r : s.regions) header += pad(r.display_name, width);
  print_row(out, header);
  for (const KpiInfo& i : kKpis) {
    if (i.national_only) continue;
    std::string row = pad(std::string(i.name), 26);
    for (const auto& r : s.regions) row += pad(plus_minus(r[i.kpi], i.decimals), width);
    print_row(out, row);
  }
}

void write_estimate(JsonWriter& w, const Estimate& e) {
  w.begin_object();
  write_estimate_fields(w, e);
  w.end_object();
}

void write_area(JsonWriter& w, const experiments::AreaSummary& a, bool national) {
  w.begin_object();
  for (const KpiInfo& i : kKpis) {
    if (!national && i.national_only) continue;
    w.key(i.name);
    write_estimate(w, a[i.kpi]);
  }
  w.end_object();
}

void write_scenario_label(JsonWriter& w, const ScenarioLabel& s) {
  w.field("name", s.name).field("file", s.file).field("sha256", s.sha256);
}

void write_period(JsonWriter& w, const blood::World& world) {
  w.key("period").begin_object();
  w.field("first_date", blood::iso_date(world.first_day));
  w.field("last_date", blood::iso_date(world.first_day + world.days - 1));
  w.field("days", world.days).end_object();
}

void write_experiment(JsonWriter& w, const ExperimentInfo& info, double confidence) {
  w.field("base_seed", info.base_seed).field("replications", info.replications).field("threads", info.threads);
  w.field("confidence", confidence);
}

void write_seeds(JsonWriter& w, const experiments::ReplicationSet& set) {
  w.key("seeds").begin_array();
  for (const auto& r : set.replications) w.value(r.seed);
  w.end_array();
}

void write_optional(JsonWriter& w, std::string_view key, const std::optional<std::string>& v) {
  w.key(key);
  if (v) {
    w.value(*v);
  } else {
    w.null();
  }
}

std::string interval(const Estimate& d, int decimals) {
  if (!d.has_interval()) return "-";
  return std::string("[").append(number(d.low(), decimals, true)).append(", ")
      .append(number(d.high(), decimals, true)).append("]");
}

std::string scenario_name(const std::vector<ScenarioLabel>& scenarios, std::size_t s) {
  return s == 0 ? scenarios[s].name + " (base)" : scenarios[s].name;
}

// Wide enough for every scenario's name: long names must not push the columns.
std::size_t name_width(const std::vector<ScenarioLabel>& scenarios) {
  std::size_t w = 34;
  for (std::size_t s = 0; s < scenarios.size(); ++s) w = std::max(w, display_width(scenario_name(scenarios, s)) + 2);
  return w;
}

void print_kpi_comparison(std::FILE* out, const std::vector<ScenarioLabel>& scenarios,
                          const experiments::KpiComparison& k, std::size_t replications) {
  const KpiInfo& i = experiments::info(k.kpi);
  const std::size_t width = name_width(scenarios);
  std::fprintf(out, "\n%s (%s)\n", std::string(i.name).c_str(), std::string(i.description).c_str());
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    std::string row = "  " + pad(scenario_name(scenarios, s), width) + pad(plus_minus(k.means[s], i.decimals), 26);
    if (s > 0) {
      const Estimate& d = k.differences[s].estimate;
      row += pad(number(d.mean, i.decimals, true), 14) + pad(interval(d, i.decimals), 30);
      row += replications < 2 ? "n/a (1 replication)" : k.differences[s].significant ? "yes" : "no";
    }
    print_row(out, row);
  }
}

// ---- size-targets

std::string plan_status(bool sized, const experiments::AreaOutcome& o, bool at_floor, bool at_ceiling) {
  if (!sized) return "no demand";
  std::string s;
  if (!o.meets_fill) s = at_ceiling ? "short at ceiling" : "short";
  if (!o.meets_outdate) s += s.empty() ? "outdates" : ", outdates";
  if (s.empty()) s = "ok";
  if (at_floor) s += " (floor)";
  return s;
}

PlanRow plan_row(const std::string& area, double multiplier, const experiments::AreaOutcome& o,
                 const std::array<std::int64_t, 12>& months, std::string status) {
  PlanRow r;
  r.area = area;
  r.multiplier = multiplier;
  r.monthly_target = months;
  for (const std::int64_t m : months) r.annual_target += m;
  r.fill_rate = o.fill_rate.mean;
  r.fill_rate_low = o.fill_rate.low();
  r.fill_rate_high = o.fill_rate.high();
  r.outdate_rate = o.outdate_rate.mean;
  r.outdate_rate_low = o.outdate_rate.low();
  r.outdate_rate_high = o.outdate_rate.high();
  r.meets_fill = o.meets_fill;
  r.meets_outdate = o.meets_outdate;
  r.status = std::move(status);
  return r;
}

// 1234567 -> "1,234,567": plans are read by people.
std::string grouped(std::int64_t v) {
  const std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out = v < 0 ? "-" : "";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string rate_with_interval(double mean, double low, double high) {
  return fixed(mean, 4) + " [" + fixed(low, 4) + ", " + fixed(high, 4) + "]";
}

std::string csv_cell(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string q = "\"";
  for (const char c : text) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + '"';
}

std::string csv_number(double v) {
  if (!std::isfinite(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

void write_outcome(JsonWriter& w, const experiments::AreaOutcome& o) {
  w.key("fill_rate");
  write_estimate(w, o.fill_rate);
  w.key("outdate_rate");
  write_estimate(w, o.outdate_rate);
  w.field("meets_fill_rate", o.meets_fill).field("meets_outdate_rate", o.meets_outdate);
  w.field("requested", o.requested).field("collected", o.collected);
}

void write_months(JsonWriter& w, const std::array<std::int64_t, 12>& months) {
  w.key("monthly_target").begin_array();
  for (const std::int64_t m : months) w.value(m);
  w.end_array();
}

void write_search(JsonWriter& w, const experiments::SizingOptions& o, const experiments::SizingResult& r) {
  w.key("goals").begin_object();
  w.field("fill_rate", o.goals.fill_rate).field("max_outdate_rate", o.goals.max_outdate_rate);
  const double interval = std::round((2 * o.goals.confidence - 1) * 1e9) / 1e9;  // 0.9, not 0.8999...
  w.field("confidence", o.goals.confidence).field("interval_confidence", interval).end_object();
  w.key("search").begin_object();
  w.field("tolerance", o.tolerance).field("min_multiplier", o.min_multiplier);
  w.field("max_multiplier", o.max_multiplier).field("max_evaluations", o.max_evaluations);
  w.field("evaluations", r.evaluations).field("simulations", r.simulations).field("converged", r.converged);
  w.field("wall_seconds", r.wall_seconds).end_object();
}

void write_province(JsonWriter& w, const experiments::ProvincePlan& p) {
  w.begin_object().field("area", p.area).field("sized", p.sized).field("multiplier", p.multiplier);
  w.field("tight", p.tight).field("at_floor", p.at_floor).field("at_ceiling", p.at_ceiling);
  w.field("annual_target", p.annual_target);
  write_months(w, p.monthly_target);
  write_outcome(w, p.outcome);
  w.end_object();
}

}  // namespace

void print_summary_text(std::FILE* out, const experiments::Summary& summary) {
  print_national(out, summary);
  print_regions(out, summary);
  print_month_table(out, summary);
  std::fprintf(out,
               "(fill, shortage, outdate and days of supply are for red cells; per province: --format json or -o)\n");
}

std::string run_json(const ScenarioLabel& scenario, const ExperimentInfo& info, const experiments::ReplicationSet& set,
                     const experiments::Summary& summary, const std::optional<std::string>& results_file) {
  JsonWriter w;
  w.begin_object();
  w.key("scenario").begin_object();
  write_scenario_label(w, scenario);
  w.end_object();
  write_period(w, *set.world);
  write_experiment(w, info, summary.confidence);
  w.field("events", set.events()).field("wall_seconds", set.wall_seconds).field("balanced", set.balanced());
  write_optional(w, "results_file", results_file);
  write_seeds(w, set);
  w.key("national");
  write_area(w, summary.national, true);
  w.key("regions").begin_array();
  for (const auto& r : summary.regions) {
    w.begin_object().field("area", r.area).field("display_name", r.display_name).key("kpis");
    write_area(w, r, false);
    w.end_object();
  }
  w.end_array();
  w.key("provinces").begin_array();
  for (const auto& p : summary.provinces) {
    w.begin_object().field("area", p.area).field("display_name", p.display_name).key("kpis");
    write_area(w, p, false);
    w.end_object();
  }
  w.end_array();
  w.key("months").begin_array();  // national, all twelve: zeros where nothing happened
  for (const auto& m : summary.months) {
    w.begin_object().field("month", m.area).key("kpis");
    write_area(w, m, false);
    w.end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

void print_comparison_text(std::FILE* out, const std::vector<ScenarioLabel>& scenarios,
                           const experiments::Comparison& c) {
  const std::string level = percent(c.confidence);
  const std::size_t width = name_width(scenarios);
  std::fprintf(out, "\n%s%s%s%s%s\n", pad("kpi / scenario", width + 2).c_str(),
               pad("mean ± " + level + " CI", 26).c_str(), pad("vs base", 14).c_str(),
               pad("paired " + level + " CI", 30).c_str(), "significant");
  for (const auto& k : c.kpis) print_kpi_comparison(out, scenarios, k, c.replications);
  if (c.replications < 2) {
    std::fprintf(out, "\n(significance is not available with 1 replication: run -n 2 or more)\n");
  }

  std::fprintf(out, "\nranking (%s):\n", experiments::describe(c.objective).c_str());
  for (std::size_t place = 0; place < c.ranking.size(); ++place) {
    const std::size_t s = c.ranking[place];
    std::string row = pad(std::to_string(place + 1) + ".", 3) + pad(scenario_name(scenarios, s), width);
    for (const auto& key : c.objective.keys) {
      const KpiInfo& i = experiments::info(key.kpi);
      row += std::string(i.name) + " " + number(c.kpis[experiments::index(key.kpi)].means[s].mean, i.decimals) + "  ";
    }
    print_row(out, "  " + row);
  }
  print_where_and_when(out, scenarios, c);
}

std::string comparison_json(const std::vector<ScenarioLabel>& scenarios, const ExperimentInfo& info,
                            const experiments::CompareRun& run,
                            const std::vector<std::optional<std::string>>& results_files,
                            const std::optional<std::string>& comparison_file) {
  const experiments::Comparison& c = run.comparison;
  JsonWriter w;
  w.begin_object();
  write_experiment(w, info, c.confidence);
  write_optional(w, "comparison_file", comparison_file);
  w.key("objective").begin_array();
  for (const auto& key : c.objective.keys) {
    w.begin_object().field("kpi", experiments::info(key.kpi).name);
    w.field("direction", key.higher_is_better ? "descending" : "ascending").end_object();
  }
  w.end_array();
  bool balanced = true;
  for (const auto& set : run.sets) balanced = balanced && set.balanced();
  w.field("balanced", balanced);
  w.key("ranking").begin_array();
  for (std::size_t s : c.ranking) w.value(scenarios[s].name);
  w.end_array();
  w.key("scenarios").begin_array();
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    w.begin_object();
    write_scenario_label(w, scenarios[s]);
    w.field("role", s == 0 ? "base" : "alternative");
    for (std::size_t place = 0; place < c.ranking.size(); ++place) {
      if (c.ranking[place] == s) w.field("rank", place + 1);
    }
    write_period(w, *run.sets[s].world);
    w.field("events", run.sets[s].events()).field("balanced", run.sets[s].balanced());
    write_optional(w, "results_file", s < results_files.size() ? results_files[s] : std::nullopt);
    w.key("kpis");
    write_kpi_comparisons(w, c.kpis, s);
    write_parts_json(w, c, s);
    w.end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

std::vector<PlanRow> plan_rows(const experiments::SizingResult& result) {
  std::vector<PlanRow> rows;
  for (const auto& p : result.provinces) {
    rows.push_back(plan_row(p.area, p.multiplier, p.outcome, p.monthly_target,
                            plan_status(p.sized, p.outcome, p.at_floor, p.at_ceiling)));
  }
  rows.push_back(plan_row("national", std::numeric_limits<double>::quiet_NaN(), result.national,
                          result.national_monthly_target, plan_status(true, result.national, false, false)));
  return rows;
}

std::string plan_csv(const experiments::SizingResult& result) {
  std::string csv = "area,multiplier,annual_target";
  for (const char* m : kPlanMonthColumns) csv.append(",").append(m);
  csv += ",fill_rate,fill_rate_low,fill_rate_high,outdate_rate,outdate_rate_low,outdate_rate_high,"
         "meets_fill_rate,meets_outdate_rate,status\n";
  for (const PlanRow& r : plan_rows(result)) {
    csv += csv_cell(r.area) + "," + csv_number(r.multiplier) + "," + std::to_string(r.annual_target);
    // append, not "," + s: GCC 12 warns (-Wrestrict) falsely on operator+(const char*, string&&).
    for (const std::int64_t m : r.monthly_target) csv.append(",").append(std::to_string(m));
    for (const double v : {r.fill_rate, r.fill_rate_low, r.fill_rate_high, r.outdate_rate, r.outdate_rate_low,
                           r.outdate_rate_high}) {
      csv.append(",").append(csv_number(v));
    }
    csv += std::string(",") + (r.meets_fill ? "1" : "0") + "," + (r.meets_outdate ? "1" : "0") + ",";
    csv += csv_cell(r.status) + "\n";
  }
  return csv;
}

void print_plan_text(std::FILE* out, const experiments::SizingResult& result) {
  const std::vector<PlanRow> rows = plan_rows(result);
  // Rounded first: 2 x 0.95 - 1 is 0.8999... in binary, and "90.0%" reads oddly.
  const std::string level = percent(std::round((2 * result.goals.confidence - 1) * 1e6) / 1e6);
  std::fprintf(out, "\nplan: mean whole-blood collections per province under the final multipliers\n");
  print_row(out, pad("area", 20) + pad("multiplier", 12) + pad("annual", 12) + pad("fill rate [" + level + " CI]", 28) +
                     pad("outdate rate [" + level + " CI]", 28) + "status");
  for (const PlanRow& r : rows) {
    print_row(out, pad(r.area, 20) + pad(fixed(r.multiplier, 4), 12) + pad(grouped(r.annual_target), 12) +
                       pad(rate_with_interval(r.fill_rate, r.fill_rate_low, r.fill_rate_high), 28) +
                       pad(rate_with_interval(r.outdate_rate, r.outdate_rate_low, r.outdate_rate_high), 28) + r.status);
  }
  std::fprintf(out, "\nmonthly targets (units)\n");
  std::string header = pad("area", 20);
  for (const auto& m : blood::kMonthNames) header += pad(std::string(m), 9);
  print_row(out, header + "annual");
  for (const PlanRow& r : rows) {
    std::string row = pad(r.area, 20);
    for (const std::int64_t m : r.monthly_target) row += pad(grouped(m), 9);
    print_row(out, row + grouped(r.annual_target));
  }
  std::fprintf(out,
               "(the goals are checked against the interval's ends: the one-sided %s bounds; multiplier: of the "
               "province's sessions' capacity in the scenario)\n",
               percent(result.goals.confidence).c_str());
}

std::string plan_json(const ScenarioLabel& scenario, const blood::World& world, const ExperimentInfo& info,
                      const experiments::SizingOptions& options, const experiments::SizingResult& result,
                      const std::vector<std::string>& files_written) {
  JsonWriter w;
  w.begin_object();
  w.key("scenario").begin_object();
  write_scenario_label(w, scenario);
  w.end_object();
  write_period(w, world);
  w.field("base_seed", info.base_seed).field("replications", info.replications).field("threads", info.threads);
  write_search(w, options, result);
  w.field("goals_met", result.goals_met()).field("provinces_meet_fill_rate", result.provinces_meet_fill());
  w.field("provinces_meet_outdate_rate", result.provinces_meet_outdate());
  w.field("balanced", result.balanced);
  w.key("files").begin_array();
  for (const auto& f : files_written) w.value(f);
  w.end_array();
  w.key("national").begin_object().field("annual_target", result.national_annual_target);
  write_months(w, result.national_monthly_target);
  write_outcome(w, result.national);
  w.end_object();
  w.key("provinces").begin_array();
  for (const auto& p : result.provinces) write_province(w, p);
  w.end_array().end_object();
  return w.str() + "\n";
}

}  // namespace giotmau::cli
