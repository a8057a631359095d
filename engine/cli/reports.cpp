#include "cli/reports.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>
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

// A run over several civil years: per year its days, national KPIs and
// twelve months; an empty array for a run within one year.
void write_years(JsonWriter& w, const experiments::Summary& summary) {
  w.key("years").begin_array();
  for (const experiments::Summary::Year& y : summary.years) {
    w.begin_object().field("year", y.span.year);
    w.field("first_date", blood::iso_date(y.span.first)).field("last_date", blood::iso_date(y.span.last));
    w.key("kpis");
    write_area(w, y.national, true);
    w.key("months").begin_array();
    for (const auto& m : y.months) {
      w.begin_object().field("month", m.area).key("kpis");
      write_area(w, m, false);
      w.end_object();
    }
    w.end_array().end_object();
  }
  w.end_array();
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

constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

std::string plan_status(bool sized, const experiments::AreaOutcome& o, bool at_floor, bool at_ceiling) {
  if (!sized) return "no demand";
  std::string s;
  if (!o.meets_fill) s = at_ceiling ? "short at ceiling" : "short";
  if (!o.meets_outdate) s += s.empty() ? "outdates" : ", outdates";
  if (s.empty()) s = o.holds_fill && o.holds_outdate ? "ok" : "ok, no fresh-seed margin";
  if (at_floor) s += " (floor)";
  return s;
}

double unit_clamp(double v) { return std::isfinite(v) ? std::clamp(v, 0.0, 1.0) : v; }

}  // namespace

std::string provinces_not_met(const experiments::SizingResult& result) {
  std::string names;
  for (const experiments::ProvincePlan& p : result.provinces) {
    if (!p.sized || p.reason.empty()) continue;
    const experiments::AreaOutcome& o = p.outcome;
    const char* which = !o.meets_fill ? "short" : !o.meets_outdate ? "outdates" : "no fresh-seed margin";
    names += (names.empty() ? "" : ", ") + p.area + " (" + which + ")";
  }
  return names;
}

namespace {

// One column of the plan: a month, a year's total or the whole period.
struct PlanSlot {
  std::optional<std::size_t> year;   // index into AreaOutcome::years: a period over several years
  std::optional<std::size_t> month;  // calendar month; none: the year's (or the period's) total
  std::string label;                 // YYYY-MM, YYYY (a year's total), or "period"
};

// The plan's columns in order: within one civil year, its months (YYYY-MM);
// over several, each year's months and then the year ("2026"), never a
// calendar month summed across years; then the whole period.
std::vector<PlanSlot> plan_slots(const blood::World& world) {
  std::vector<PlanSlot> slots;
  const std::vector<blood::YearSpan> years = blood::simulated_years(world);
  for (std::size_t y = 0; y < years.size(); ++y) {
    std::vector<bool> seen(12, false);
    for (blood::DayNumber d = years[y].first; d <= years[y].last; ++d) {
      const blood::CivilDate c = blood::civil_date(d);
      if (seen[c.month - 1]) continue;
      seen[c.month - 1] = true;
      char label[32];
      std::snprintf(label, sizeof label, "%04d-%02u", c.year, c.month);
      slots.push_back({years.size() > 1 ? std::optional(y) : std::nullopt, c.month - 1, label});
    }
    if (years.size() > 1) slots.push_back({y, std::nullopt, std::to_string(years[y].year)});
  }
  slots.push_back({std::nullopt, std::nullopt, "period"});
  return slots;
}

double sum(const std::array<double, 12>& by_month, std::optional<std::size_t> month) {
  if (month) return by_month[*month];
  double total = 0;
  for (const double v : by_month) total += v;
  return total;
}

std::int64_t rounded_sum(const std::array<double, 12>& by_month, std::optional<std::size_t> month) {
  if (month) return std::llround(by_month[*month]);
  std::int64_t total = 0;
  for (const double v : by_month) total += std::llround(v);  // the sum of the months shown
  return total;
}

// An outcome's figures by month of the slot's year (or by calendar month over
// the period).
struct MonthFigures {
  const std::array<double, 12>& collected;
  const std::array<double, 12>& sessions;
  const std::array<double, 12>& places;
};

MonthFigures figures(const experiments::AreaOutcome& o, const PlanSlot& slot) {
  if (!slot.year) return {o.collected_by_month, o.sessions_by_month, o.places_by_month};
  const experiments::AreaOutcome::YearMonths& y = o.years.at(*slot.year);
  return {y.collected, y.sessions, y.places};
}

// A province's row for one month (or the period): the targets, the sessions
// and what the change means in them.
PlanRow province_row(const experiments::ProvincePlan& p, const PlanSlot& slot) {
  PlanRow r;
  r.level = "province";
  r.region = p.region;
  r.area = p.area;
  r.month = slot.label;
  const std::optional<std::size_t> month = slot.month;
  const MonthFigures planned = figures(p.outcome, slot), now = figures(p.current, slot);
  r.period_target = rounded_sum(planned.collected, month);
  r.current_plan = rounded_sum(now.collected, month);
  r.difference = r.period_target - r.current_plan;
  r.multiplier = p.multiplier;
  r.sessions_current = sum(now.sessions, month);
  const double places_now = sum(now.places, month);
  const double places_planned = sum(planned.places, month);
  r.typical_capacity = r.sessions_current > 0 ? places_now / r.sessions_current : kNoValue;
  r.session_change = r.sessions_current > 0 ? (places_planned - places_now) / r.typical_capacity : 0;
  const bool period = !month.has_value() && !slot.year.has_value();
  const experiments::AreaOutcome& o = p.outcome;
  r.fill_rate = period ? o.fill_rate.mean : kNoValue;
  r.fill_rate_low = period ? unit_clamp(o.fill_rate.low()) : kNoValue;
  r.fill_rate_high = period ? unit_clamp(o.fill_rate.high()) : kNoValue;
  r.outdate_rate = period ? o.outdate_rate.mean : kNoValue;
  r.outdate_rate_low = period ? unit_clamp(o.outdate_rate.low()) : kNoValue;
  r.outdate_rate_high = period ? unit_clamp(o.outdate_rate.high()) : kNoValue;
  r.status = period ? plan_status(p.sized, o, p.at_floor, p.at_ceiling) : "";
  r.reason = period ? p.reason : "";
  return r;
}

// A sum of province rows (a region, or the nation) for the same month.
PlanRow total_row(const std::vector<const PlanRow*>& parts, std::string level, std::string region, std::string area,
                  const std::string& label) {
  PlanRow r;
  r.level = std::move(level);
  r.region = std::move(region);
  r.area = std::move(area);
  r.month = label;
  r.multiplier = kNoValue;
  double places_now = 0;
  for (const PlanRow* p : parts) {
    r.period_target += p->period_target;
    r.current_plan += p->current_plan;
    r.sessions_current += p->sessions_current;
    r.session_change += p->session_change;
    if (p->sessions_current > 0) places_now += p->typical_capacity * p->sessions_current;
  }
  r.difference = r.period_target - r.current_plan;
  r.typical_capacity = r.sessions_current > 0 ? places_now / r.sessions_current : kNoValue;
  for (double* v : {&r.fill_rate, &r.fill_rate_low, &r.fill_rate_high, &r.outdate_rate, &r.outdate_rate_low,
                    &r.outdate_rate_high}) {
    *v = kNoValue;
  }
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

std::string signed_grouped(std::int64_t v) { return (v > 0 ? "+" : "") + grouped(v); }

std::string rate_with_interval(double mean, double low, double high) {
  return fixed(mean, 4) + " [" + fixed(low, 4) + ", " + fixed(high, 4) + "]";
}

std::string csv_cell(std::string_view text) {
  if (text.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(text);
  std::string q = "\"";
  for (const char c : text) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + '"';
}

std::string csv_number(double v, const char* format = "%.6g") {
  if (!std::isfinite(v)) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

// Fill and outdate rates with their one-sided bounds, clamped to [0, 1].
void write_outcome(JsonWriter& w, const experiments::AreaOutcome& o) {
  for (const auto& [name, e] : {std::pair<const char*, const Estimate&>{"fill_rate", o.fill_rate},
                                std::pair<const char*, const Estimate&>{"outdate_rate", o.outdate_rate}}) {
    w.key(name).begin_object();
    w.field("n", e.n).field("mean", e.mean);
    w.field("low", e.has_interval() ? unit_clamp(e.low()) : kNoValue);
    w.field("high", e.has_interval() ? unit_clamp(e.high()) : kNoValue);
    w.field("stddev", e.has_interval() ? e.stddev : kNoValue).end_object();
  }
  w.field("meets_fill_rate", o.meets_fill).field("meets_outdate_rate", o.meets_outdate);
  w.field("fill_rate_fresh_bound", o.fill_rate_fresh_bound);
  w.field("outdate_rate_fresh_bound", o.outdate_rate_fresh_bound);
  w.field("holds_on_fresh_seeds", o.holds_fill && o.holds_outdate);
  w.field("requested", o.requested).field("collected", o.collected);
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
  w.field("verification_rounds", r.verification_rounds);
  w.field("verification_first_replication", r.verification_first_replication);
  w.field("wall_seconds", r.wall_seconds).end_object();
}

// A plan row as JSON (numbers NaN -> null).
void write_plan_row(JsonWriter& w, const PlanRow& r) {
  w.begin_object().field("level", r.level).field("region", r.region).field("area", r.area).field("month", r.month);
  w.field("period_target", r.period_target).field("current_plan", r.current_plan).field("difference", r.difference);
  w.field("multiplier", r.multiplier).field("sessions_current", r.sessions_current);
  w.field("typical_capacity", r.typical_capacity).field("session_change", r.session_change);
  w.end_object();
}

}  // namespace

void print_summary_text(std::FILE* out, const experiments::Summary& summary) {
  print_national(out, summary);
  print_regions(out, summary);
  if (summary.years.empty()) {
    print_month_table(out, summary);
  } else {
    print_year_tables(out, summary);  // the calendar months of several years summed would mislead
  }
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
  w.end_array();
  write_years(w, summary);
  w.end_object();
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

std::vector<PlanRow> plan_rows(const experiments::SizingResult& result, const blood::World& world) {
  const std::vector<PlanSlot> slots = plan_slots(world);
  std::vector<std::string> labels;
  for (const PlanSlot& slot : slots) labels.push_back(slot.label);

  std::vector<PlanRow> provinces;
  for (const auto& p : result.provinces) {
    for (const PlanSlot& slot : slots) provinces.push_back(province_row(p, slot));
  }
  std::vector<std::string> regions;
  for (const auto& p : result.provinces) {
    if (std::find(regions.begin(), regions.end(), p.region) == regions.end()) regions.push_back(p.region);
  }
  std::vector<PlanRow> rows = provinces;
  for (const std::string& region : regions) {
    for (const std::string& label : labels) {
      std::vector<const PlanRow*> parts;
      for (const PlanRow& r : provinces) {
        if (r.region == region && r.month == label) parts.push_back(&r);
      }
      rows.push_back(total_row(parts, "region", region, region, label));
    }
  }
  for (const std::string& label : labels) {
    std::vector<const PlanRow*> parts;
    for (const PlanRow& r : provinces) {
      if (r.month == label) parts.push_back(&r);
    }
    PlanRow n = total_row(parts, "national", "", "national", label);
    if (label == "period") {
      const experiments::AreaOutcome& o = result.national;
      n.fill_rate = o.fill_rate.mean;
      n.fill_rate_low = unit_clamp(o.fill_rate.low());
      n.fill_rate_high = unit_clamp(o.fill_rate.high());
      n.outdate_rate = o.outdate_rate.mean;
      n.outdate_rate_low = unit_clamp(o.outdate_rate.low());
      n.outdate_rate_high = unit_clamp(o.outdate_rate.high());
      n.status = plan_status(true, o, false, false);
    }
    rows.push_back(std::move(n));
  }
  return rows;
}

std::string plan_csv(const std::vector<PlanRow>& rows) {
  std::string csv = "\xEF\xBB\xBF";  // UTF-8 byte-order mark: spreadsheets then read "Hà Nội" right
  csv += "level,region,area,month,period_target,current_plan,difference,multiplier,sessions_current,"
         "typical_capacity,session_change,fill_rate,fill_rate_low,fill_rate_high,outdate_rate,outdate_rate_low,"
         "outdate_rate_high,status,reason\r\n";
  for (const PlanRow& r : rows) {
    csv += csv_cell(r.level) + "," + csv_cell(r.region) + "," + csv_cell(r.area) + "," + csv_cell(r.month);
    // append, not "," + s: GCC 12 warns (-Wrestrict) falsely on operator+(const char*, string&&).
    for (const std::int64_t v : {r.period_target, r.current_plan, r.difference}) {
      csv.append(",").append(std::to_string(v));
    }
    csv.append(",").append(csv_number(r.multiplier));
    csv.append(",").append(csv_number(r.sessions_current, "%.0f"));
    csv.append(",").append(csv_number(r.typical_capacity, "%.1f"));
    csv.append(",").append(csv_number(r.session_change, "%.1f"));
    for (const double v : {r.fill_rate, r.fill_rate_low, r.fill_rate_high, r.outdate_rate, r.outdate_rate_low,
                           r.outdate_rate_high}) {
      csv.append(",").append(csv_number(v));
    }
    csv.append(",").append(csv_cell(r.status)).append(",").append(csv_cell(r.reason)).append("\r\n");
  }
  return csv;
}

namespace {

// The monthly targets: one table for a period within a year (its months, then
// the period), one per year for a period over several (the year's months,
// then the year).
void print_monthly_targets(std::FILE* out, const std::vector<PlanRow>& rows, const std::vector<PlanSlot>& slots) {
  std::vector<std::vector<const PlanSlot*>> tables(1);
  for (const PlanSlot& slot : slots) {
    tables.back().push_back(&slot);
    if (slot.year && !slot.month) tables.emplace_back();  // a year's total ends that year's table
  }
  if (tables.back().size() == 1 && tables.size() > 1) tables.pop_back();  // the period: in the table above
  for (const auto& columns : tables) {
    const bool by_year = columns.back()->year.has_value();
    std::fprintf(out, "\nmonthly targets (units)%s, provinces, regions and the nation\n",
                 by_year ? (", " + columns.back()->label).c_str() : "");
    std::string header = pad("area", 20);
    for (std::size_t c = 0; c + 1 < columns.size(); ++c) header += pad(columns[c]->label, 10);
    print_row(out, header + (by_year ? "year" : "period"));
    for (const PlanRow& total : rows) {
      if (total.month != "period") continue;  // one line per area, in the table's order
      std::string row = pad(total.level == "region" ? total.area + " (region)" : total.area, 20);
      for (std::size_t c = 0; c < columns.size(); ++c) {
        const std::string& label = columns[c]->label;
        const auto it = std::find_if(rows.begin(), rows.end(), [&](const PlanRow& r) {
          return r.level == total.level && r.area == total.area && r.month == label;
        });
        const std::string cell = it == rows.end() ? "" : grouped(it->period_target);
        row += c + 1 < columns.size() ? pad(cell, 10) : cell;
      }
      print_row(out, row);
    }
  }
}

}  // namespace

void print_plan_text(std::FILE* out, const experiments::SizingResult& result, const blood::World& world) {
  const std::vector<PlanRow> rows = plan_rows(result, world);
  // Rounded first: 2 x 0.95 - 1 is 0.8999... in binary, and "90.0%" reads oddly.
  const std::string level = percent(std::round((2 * result.goals.confidence - 1) * 1e6) / 1e6);
  std::fprintf(out, "\nplan for the period simulated: mean whole-blood collections per province, the sized plan "
                    "against the scenario's own\n");
  print_row(out, pad("area", 20) + pad("multiplier", 11) + pad("period target", 15) + pad("current", 12) +
                     pad("difference", 12) + pad("sessions", 10) + pad("change", 9) +
                     pad("fill rate [" + level + " CI]", 28) + pad("outdate rate [" + level + " CI]", 28) + "status");
  for (const PlanRow& r : rows) {
    if (r.month != "period") continue;
    const std::string name = r.level == "province" ? r.area : r.level == "region" ? r.area + " (region)" : r.area;
    const bool rates = std::isfinite(r.fill_rate);
    print_row(out, pad(name, 20) + pad(std::isfinite(r.multiplier) ? fixed(r.multiplier, 3) : "", 11) +
                       pad(grouped(r.period_target), 15) + pad(grouped(r.current_plan), 12) +
                       pad(signed_grouped(r.difference), 12) + pad(csv_number(r.sessions_current, "%.0f"), 10) +
                       pad(csv_number(r.session_change, "%+.0f"), 9) +
                       pad(rates ? rate_with_interval(r.fill_rate, r.fill_rate_low, r.fill_rate_high) : "", 28) +
                       pad(rates ? rate_with_interval(r.outdate_rate, r.outdate_rate_low, r.outdate_rate_high) : "",
                           28) +
                       r.status);
  }
  print_monthly_targets(out, rows, plan_slots(world));
  std::fprintf(out,
               "(current: the scenario's sessions as they are, simulated on the search's seeds; the plan: on fresh "
               "seeds. sessions: the scenario's sessions in the period; change: extra (+) or fewer (-) sessions of "
               "the province's typical capacity. The goals are checked against the interval's ends: the one-sided "
               "%s bounds, clamped to [0, 1])\n",
               percent(result.goals.confidence).c_str());
}

std::string plan_json(const ScenarioLabel& scenario, const blood::World& world, const ExperimentInfo& info,
                      const experiments::SizingOptions& options, const experiments::SizingResult& result,
                      const std::vector<std::string>& files_written, const std::vector<SensitivityPoint>& sensitivity) {
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
  const std::vector<PlanRow> rows = plan_rows(result, world);
  w.key("national").begin_object().field("period_target", result.national_annual_target);
  write_outcome(w, result.national);
  w.end_object();
  w.key("provinces").begin_array();
  for (const auto& p : result.provinces) {
    w.begin_object().field("area", p.area).field("region", p.region).field("sized", p.sized);
    w.field("multiplier", p.multiplier).field("tight", p.tight).field("at_floor", p.at_floor);
    w.field("at_ceiling", p.at_ceiling).field("period_target", p.annual_target);
    w.field("status", plan_status(p.sized, p.outcome, p.at_floor, p.at_ceiling)).field("reason", p.reason);
    write_outcome(w, p.outcome);
    w.end_object();
  }
  w.end_array();
  w.key("table").begin_array();
  for (const PlanRow& r : rows) write_plan_row(w, r);
  w.end_array();
  w.key("sensitivity").begin_array();
  for (const SensitivityPoint& point : sensitivity) {
    w.begin_object().field("key", point.key).field("value", point.value);
    w.field("goals_met", point.result.goals_met()).field("evaluations", point.result.evaluations);
    w.field("not_met", provinces_not_met(point.result));
    w.key("totals").begin_array();
    for (const PlanRow& r : plan_rows(point.result, world)) {
      if (r.month == "period" && r.level != "province") write_plan_row(w, r);
    }
    w.end_array().end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

void print_sensitivity_text(std::FILE* out, const std::vector<SensitivityPoint>& points, const blood::World& world) {
  std::string key;
  for (const SensitivityPoint& point : points) {
    std::vector<PlanRow> totals;
    for (const PlanRow& r : plan_rows(point.result, world)) {
      if (r.month == "period" && r.level != "province") totals.push_back(r);
    }
    if (point.key != key) {
      key = point.key;
      std::fprintf(out, "\nsensitivity of the period target to %s\n", key.c_str());
      std::string header = pad("value", 12);
      for (const PlanRow& r : totals) header += pad(r.area, 14);
      print_row(out, header + pad("current", 14) + pad("goals met", 11) + pad("evaluations", 13) +
                         "not met (why: docs/target-sizing.md)");
    }
    std::string row = pad(csv_number(point.value, "%g"), 12);
    for (const PlanRow& r : totals) row += pad(grouped(r.period_target), 14);
    print_row(out, row + pad(grouped(totals.back().current_plan), 14) +
                       pad(point.result.goals_met() ? "yes" : "no", 11) +
                       pad(std::to_string(point.result.evaluations), 13) + provinces_not_met(point.result));
  }
}

}  // namespace giotmau::cli
