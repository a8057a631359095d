#include "cli/reports.hpp"

#include <cmath>
#include <limits>

#include "blood/calendar.hpp"
#include "cli/json.hpp"

namespace giotmau::cli {

namespace {

using experiments::Estimate;
using experiments::KpiInfo;
using experiments::kKpis;

// Characters on screen, not bytes: "±" and Vietnamese names are multi-byte.
std::size_t display_width(const std::string& s) {
  std::size_t w = 0;
  for (const char c : s) w += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return w;
}

std::string pad(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s + ' ' : s + std::string(width - w, ' ');
}

// A table row without the padding after its last cell.
void print_row(std::FILE* out, std::string row) {
  while (!row.empty() && row.back() == ' ') row.pop_back();
  std::fprintf(out, "%s\n", row.c_str());
}

std::string fixed(double v, int decimals, bool sign = false) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, v);
  return buf;
}

std::string plus_minus(const Estimate& e, int decimals) {
  if (e.n == 0) return "-";
  if (!e.has_interval()) return fixed(e.mean, decimals);
  return fixed(e.mean, decimals) + " ± " + fixed(e.half_width, decimals);
}

std::string percent(double confidence) {
  const double p = 100 * confidence;
  return fixed(p, p == std::round(p) ? 0 : 1) + "%";
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
    std::fprintf(out, "%s%s%s%s%s\n", pad(std::string(i.name), 26).c_str(), pad(fixed(e.mean, i.decimals), 16).c_str(),
                 pad(ci ? fixed(e.low(), i.decimals) : "-", 16).c_str(),
                 pad(ci ? fixed(e.high(), i.decimals) : "-", 16).c_str(),
                 ci ? fixed(e.stddev, i.decimals).c_str() : "-");
  }
}

void print_regions(std::FILE* out, const experiments::Summary& s) {
  if (s.regions.empty()) return;
  std::fprintf(out, "\nregions: mean ± half-width of the %s confidence interval\n", percent(s.confidence).c_str());
  std::string header = pad("kpi", 26);
  for (const auto& r : s.regions) header += pad(r.area, 24);
  print_row(out, header);
  for (const KpiInfo& i : kKpis) {
    if (i.national_only) continue;
    std::string row = pad(std::string(i.name), 26);
    for (const auto& r : s.regions) row += pad(plus_minus(r[i.kpi], i.decimals), 24);
    print_row(out, row);
  }
}

// The estimate's fields, inside an object the caller opened.
void write_estimate_fields(JsonWriter& w, const Estimate& e) {
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();  // written as null
  w.field("n", e.n).field("mean", e.n > 0 ? e.mean : kNone);
  w.field("ci_low", e.has_interval() ? e.low() : kNone).field("ci_high", e.has_interval() ? e.high() : kNone);
  w.field("half_width", e.has_interval() ? e.half_width : kNone).field("stddev", e.has_interval() ? e.stddev : kNone);
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
  return std::string("[").append(fixed(d.low(), decimals, true)).append(", ")
      .append(fixed(d.high(), decimals, true)).append("]");
}

std::string scenario_name(const std::vector<ScenarioLabel>& scenarios, std::size_t s) {
  return s == 0 ? scenarios[s].name + " (base)" : scenarios[s].name;
}

void print_kpi_comparison(std::FILE* out, const std::vector<ScenarioLabel>& scenarios,
                          const experiments::KpiComparison& k) {
  const KpiInfo& i = experiments::info(k.kpi);
  std::fprintf(out, "\n%s (%s)\n", std::string(i.name).c_str(), std::string(i.description).c_str());
  for (std::size_t s = 0; s < scenarios.size(); ++s) {
    std::string row = "  " + pad(scenario_name(scenarios, s), 34) + pad(plus_minus(k.means[s], i.decimals), 26);
    if (s > 0) {
      const Estimate& d = k.differences[s].estimate;
      row += pad(fixed(d.mean, i.decimals, true), 14) + pad(interval(d, i.decimals), 30);
      row += k.differences[s].significant ? "yes" : "no";
    }
    print_row(out, row);
  }
}

}  // namespace

void print_summary_text(std::FILE* out, const experiments::Summary& summary) {
  print_national(out, summary);
  print_regions(out, summary);
  std::fprintf(out,
               "(fill, shortage, outdate and days of supply are for red cells; mean_age_at_issue_days and appeals "
               "are tracked nationally only)\n");
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
    w.begin_object().field("area", r.area).key("kpis");
    write_area(w, r, false);
    w.end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

void print_comparison_text(std::FILE* out, const std::vector<ScenarioLabel>& scenarios,
                           const experiments::Comparison& c) {
  const std::string level = percent(c.confidence);
  std::fprintf(out, "\n%s%s%s%s%s\n", pad("kpi / scenario", 36).c_str(), pad("mean ± " + level + " CI", 26).c_str(),
               pad("vs base", 14).c_str(), pad("paired " + level + " CI", 30).c_str(), "significant");
  for (const auto& k : c.kpis) print_kpi_comparison(out, scenarios, k);

  std::fprintf(out, "\nranking (%s):\n", experiments::describe(c.objective).c_str());
  for (std::size_t place = 0; place < c.ranking.size(); ++place) {
    const std::size_t s = c.ranking[place];
    std::string row = pad(std::to_string(place + 1) + ".", 3) + pad(scenario_name(scenarios, s), 34);
    for (const auto& key : c.objective.keys) {
      const KpiInfo& i = experiments::info(key.kpi);
      row += std::string(i.name) + " " + fixed(c.kpis[experiments::index(key.kpi)].means[s].mean, i.decimals) + "  ";
    }
    print_row(out, "  " + row);
  }
}

std::string comparison_json(const std::vector<ScenarioLabel>& scenarios, const ExperimentInfo& info,
                            const experiments::CompareRun& run,
                            const std::vector<std::optional<std::string>>& results_files) {
  const experiments::Comparison& c = run.comparison;
  JsonWriter w;
  w.begin_object();
  write_experiment(w, info, c.confidence);
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
    w.key("kpis").begin_object();
    for (const auto& k : c.kpis) {
      w.key(experiments::info(k.kpi).name).begin_object().key("mean");
      write_estimate(w, k.means[s]);
      w.key("difference_from_base");
      if (s == 0) {
        w.null();
      } else {
        w.begin_object();
        write_estimate_fields(w, k.differences[s].estimate);
        w.field("significant", k.differences[s].significant).end_object();
      }
      w.end_object();
    }
    w.end_object().end_object();
  }
  w.end_array().end_object();
  return w.str() + "\n";
}

}  // namespace giotmau::cli
