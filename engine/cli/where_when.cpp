#include "cli/where_when.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>

#include "cli/text.hpp"
#include "cli/version.hpp"
#include "results/hdf5_handle.hpp"
#include "results/hdf5_writer.hpp"

namespace giotmau::cli {

namespace {

using experiments::Breakdown;
using experiments::Comparison;
using experiments::Estimate;
using experiments::Kpi;
using experiments::KpiComparison;
using experiments::KpiInfo;
using experiments::kKpis;
using experiments::PartComparison;

// The KPIs a planner reads by place and month, in this order.
constexpr std::array<Kpi, 6> kPlannerKpis = {Kpi::Collected, Kpi::ShortageUnits, Kpi::ShortageDays,
                                            Kpi::Outdated,  Kpi::FillRate,      Kpi::DaysOfSupply};
// "Where it helped / hurt" also names platelet losses (a dengue season moves
// only them).
constexpr std::array<Kpi, kPlannerKpis.size() + 1> kSummaryKpis = [] {
  std::array<Kpi, kPlannerKpis.size() + 1> kpis{};
  std::copy(kPlannerKpis.begin(), kPlannerKpis.end(), kpis.begin());
  kpis.back() = Kpi::PlateletShortageUnits;
  return kpis;
}();

std::string mean_pm(const Estimate& e, int decimals) {
  if (e.n == 0 || !std::isfinite(e.mean)) return "-";
  if (!e.has_interval()) return number(e.mean, decimals);
  return number(e.mean, decimals) + " ± " + number(e.half_width, decimals);
}

std::string signed_interval(const Estimate& d, int decimals) {
  if (!d.has_interval()) return "";
  // append, not "[" + s: GCC 12 warns (-Wrestrict) falsely on operator+(const char*, string&&).
  return std::string("[").append(number(d.low(), decimals, true)).append(", ")
      .append(number(d.high(), decimals, true)).append("]");
}

// One significant change of one KPI in one part, for the summary.
struct Change {
  Breakdown breakdown;
  std::string part;
  Kpi kpi;
  Estimate difference;
};

// The significant changes of alternative `s` in the parts of one breakdown.
void collect_changes(const std::vector<PartComparison>& parts, Breakdown breakdown, std::size_t s,
                     std::vector<Change>& out) {
  for (const PartComparison& part : parts) {
    for (const Kpi kpi : kSummaryKpis) {
      const KpiComparison& k = part.kpis[experiments::index(kpi)];
      if (experiments::better_direction(kpi) == 0 || !k.differences[s].significant) continue;
      out.push_back(Change{breakdown, part.display_name, kpi, k.differences[s].estimate});
    }
  }
}

void print_changes(std::FILE* out, const char* heading, const std::vector<Change>& changes, std::size_t name_width) {
  std::fprintf(out, "  %s:\n", heading);
  if (changes.empty()) {
    std::fprintf(out, "    nowhere (no significant change)\n");
    return;
  }
  // KPI by KPI, the largest changes in units of the KPI: the 3 provinces and
  // the 2 months that moved most.
  std::size_t left_out = 0;
  for (const Kpi kpi : kSummaryKpis) {
    for (const auto& [breakdown, shown_at_most] : {std::pair{Breakdown::Province, 3}, std::pair{Breakdown::Month, 2}}) {
      std::vector<const Change*> these;
      for (const Change& c : changes) {
        if (c.kpi == kpi && c.breakdown == breakdown) these.push_back(&c);
      }
      std::stable_sort(these.begin(), these.end(), [](const Change* a, const Change* b) {
        return std::abs(a->difference.mean) > std::abs(b->difference.mean);
      });
      for (std::size_t i = 0; i < these.size(); ++i) {
        if (i >= static_cast<std::size_t>(shown_at_most)) {
          ++left_out;
          continue;
        }
        const Change& c = *these[i];
        const KpiInfo& info = experiments::info(c.kpi);
        print_row(out, "    " + pad(std::string(info.name), 16) + pad(breakdown == Breakdown::Month ? "month" : "province", 10) +
                           pad(c.part, name_width) + pad(number(c.difference.mean, info.decimals, true), 14) +
                           signed_interval(c.difference, info.decimals));
      }
    }
  }
  if (left_out > 0) {
    std::fprintf(out, "    ... and %zu more (all of them: --format json, or the -o comparison file)\n", left_out);
  }
}

// The differences of alternative `s` in every part of one breakdown (the
// regions, the years), one row each.
void print_part_differences(std::FILE* out, const char* part_kind, const std::vector<PartComparison>& parts,
                            std::size_t s, std::size_t name_width) {
  if (parts.empty()) return;
  std::fprintf(out, "  by %s (difference ± half-width; * significant):\n", part_kind);
  std::string header = "    " + pad(part_kind, name_width);
  for (const Kpi kpi : kPlannerKpis) header += pad(std::string(experiments::info(kpi).name), 24);
  print_row(out, header);
  for (const PartComparison& part : parts) {
    std::string row = "    " + pad(part.display_name, name_width);
    for (const Kpi kpi : kPlannerKpis) {
      const KpiInfo& info = experiments::info(kpi);
      const experiments::Difference& d = part.kpis[experiments::index(kpi)].differences[s];
      std::string cell = number(d.estimate.mean, info.decimals, true);
      if (d.estimate.has_interval()) cell += " ± " + number(d.estimate.half_width, info.decimals);
      row += pad(cell + (d.significant ? " *" : ""), 24);
    }
    print_row(out, row);
  }
}

std::size_t longest_part_name(const Comparison& c) {
  std::size_t w = 8;
  for (const auto* parts : {&c.regions, &c.provinces, &c.months}) {
    for (const PartComparison& p : *parts) w = std::max(w, display_width(p.display_name) + 2);
  }
  return w;
}

void write_parts(JsonWriter& w, const char* key, const std::vector<PartComparison>& parts, std::size_t s) {
  w.key(key).begin_array();
  for (const PartComparison& p : parts) {
    const std::string k = key;
    if (k == "years") {
      w.begin_object().field("year", std::stoi(p.name));
    } else {
      w.begin_object().field(k == "months" ? "month" : "area", p.name);
      if (k != "months") w.field("display_name", p.display_name);
    }
    w.key("kpis");
    write_kpi_comparisons(w, p.kpis, s);
    w.end_object();
  }
  w.end_array();
}

// ---- the comparison file

// One row of /differences, laid out for H5Dwrite.
struct DifferenceRow {
  const char* scenario;
  const char* breakdown;
  const char* part;
  const char* kpi;
  double base_mean;
  double alternative_mean;
  double difference;
  double ci_low;
  double ci_high;
  std::int64_t replications;
  std::int8_t significant;
};

using results::check;
using results::checked;
using results::Handle;

Handle difference_row_type() {
  const Handle text = results::make_vlen_utf8();
  Handle row = checked(H5Tcreate(H5T_COMPOUND, sizeof(DifferenceRow)), H5Tclose, "creating the row type");
  const auto insert = [&](const char* name, std::size_t offset, hid_t type) {
    check(H5Tinsert(row.get(), name, offset, type), std::string("adding column ") + name);
  };
  insert("scenario", offsetof(DifferenceRow, scenario), text.get());
  insert("breakdown", offsetof(DifferenceRow, breakdown), text.get());
  insert("part", offsetof(DifferenceRow, part), text.get());
  insert("kpi", offsetof(DifferenceRow, kpi), text.get());
  insert("base_mean", offsetof(DifferenceRow, base_mean), H5T_NATIVE_DOUBLE);
  insert("alternative_mean", offsetof(DifferenceRow, alternative_mean), H5T_NATIVE_DOUBLE);
  insert("difference", offsetof(DifferenceRow, difference), H5T_NATIVE_DOUBLE);
  insert("ci_low", offsetof(DifferenceRow, ci_low), H5T_NATIVE_DOUBLE);
  insert("ci_high", offsetof(DifferenceRow, ci_high), H5T_NATIVE_DOUBLE);
  insert("replications", offsetof(DifferenceRow, replications), H5T_NATIVE_INT64);
  insert("significant", offsetof(DifferenceRow, significant), H5T_NATIVE_INT8);
  return row;
}

// The strings the packed rows point to live in `names` and in the comparison.
std::vector<DifferenceRow> difference_rows(const std::vector<ScenarioLabel>& scenarios, const Comparison& c) {
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  static constexpr const char* kBreakdowns[] = {"national", "region", "province", "month", "year", "year_month"};
  static const std::string kNational = "national";
  std::vector<DifferenceRow> rows;
  const auto add = [&](std::size_t s, Breakdown b, const std::string& part, const std::vector<KpiComparison>& kpis) {
    for (const KpiComparison& k : kpis) {
      const Estimate& d = k.differences[s].estimate;
      rows.push_back(DifferenceRow{scenarios[s].name.c_str(), kBreakdowns[static_cast<int>(b)], part.c_str(),
                                   experiments::info(k.kpi).name.data(), k.means[0].mean, k.means[s].mean, d.mean,
                                   d.has_interval() ? d.low() : kNone, d.has_interval() ? d.high() : kNone,
                                   static_cast<std::int64_t>(d.n), k.differences[s].significant});
    }
  };
  for (std::size_t s = 1; s < scenarios.size(); ++s) {
    add(s, Breakdown::National, kNational, c.kpis);
    for (const PartComparison& p : c.regions) add(s, Breakdown::Region, p.name, p.kpis);
    for (const PartComparison& p : c.provinces) add(s, Breakdown::Province, p.name, p.kpis);
    for (const PartComparison& p : c.months) add(s, Breakdown::Month, p.name, p.kpis);
    for (const PartComparison& p : c.years) add(s, Breakdown::Year, p.name, p.kpis);
  }
  return rows;
}

void set_text(hid_t object, const char* name, const std::string& value) {
  const Handle type = results::make_vlen_utf8();
  const Handle space = checked(H5Screate(H5S_SCALAR), H5Sclose, "creating a scalar dataspace");
  const Handle attribute = checked(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                                   H5Aclose, std::string("creating attribute ") + name);
  const char* text = value.c_str();
  check(H5Awrite(attribute.get(), type.get(), &text), std::string("writing attribute ") + name);
}

void set_number(hid_t object, const char* name, hid_t type, const void* value) {
  const Handle space = checked(H5Screate(H5S_SCALAR), H5Sclose, "creating a scalar dataspace");
  const Handle attribute = checked(H5Acreate2(object, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                                   std::string("creating attribute ") + name);
  check(H5Awrite(attribute.get(), type, value), std::string("writing attribute ") + name);
}

void write_strings(hid_t file, const char* name, const std::vector<std::string>& values) {
  std::vector<const char*> pointers;
  for (const auto& v : values) pointers.push_back(v.c_str());
  const hsize_t n = pointers.size();
  const Handle type = results::make_vlen_utf8();
  const Handle space = checked(H5Screate_simple(1, &n, nullptr), H5Sclose, "creating a dataspace");
  const Handle set = checked(H5Dcreate2(file, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                             H5Dclose, std::string("creating dataset ") + name);
  check(H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()),
        std::string("writing ") + name);
}

void write_comparison_contents(hid_t file, const std::vector<ScenarioLabel>& scenarios, const ExperimentInfo& info,
                               const Comparison& c) {
  set_text(file, "giotmau_version", kVersion);
  set_text(file, "git_commit", kGitCommit);
  set_text(file, "kind", "comparison");
  set_text(file, "objective", experiments::describe(c.objective));
  const std::uint64_t seed = info.base_seed;
  set_number(file, "seed", H5T_NATIVE_UINT64, &seed);
  const auto replications = static_cast<std::int64_t>(c.replications);
  set_number(file, "replications", H5T_NATIVE_INT64, &replications);
  set_number(file, "confidence", H5T_NATIVE_DOUBLE, &c.confidence);
  std::vector<std::string> names, files, hashes, ranking;
  for (const ScenarioLabel& s : scenarios) {
    names.push_back(s.name);
    files.push_back(s.file);
    hashes.push_back(s.sha256);
  }
  for (const std::size_t s : c.ranking) ranking.push_back(scenarios[s].name);
  write_strings(file, "scenarios", names);           // the base first
  write_strings(file, "scenario_files", files);
  write_strings(file, "scenario_sha256", hashes);
  write_strings(file, "ranking", ranking);           // best first

  const std::vector<DifferenceRow> rows = difference_rows(scenarios, c);
  const hsize_t n = rows.size();
  const Handle type = difference_row_type();
  const Handle space = checked(H5Screate_simple(1, &n, nullptr), H5Sclose, "creating a dataspace");
  const Handle table = checked(
      H5Dcreate2(file, "differences", type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
      "creating dataset differences");
  if (n > 0) check(H5Dwrite(table.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()), "writing differences");
  set_text(table.get(), "description",
           "alternative - base, paired by replication (common random numbers): one row per alternative, part "
           "(national; region, province: an area; month: a calendar month, national; year: a civil year of a run "
           "over several, national) and KPI, with the "
           "Student-t interval at the file's confidence");
}

}  // namespace

std::string number(double v, int decimals, bool sign) {
  if (!std::isfinite(v)) return "-";
  const double smallest_shown = 0.5 * std::pow(10.0, -decimals);
  char buf[64];
  if (v != 0 && std::abs(v) < smallest_shown) {
    std::snprintf(buf, sizeof buf, sign ? "%+.3g" : "%.3g", v);
  } else {
    std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, v);
  }
  return buf;
}

namespace {

// The planner's KPIs of some national parts (months, years), one row each.
void print_planner_rows(std::FILE* out, const std::string& heading, const char* first_column,
                        const std::vector<const experiments::AreaSummary*>& rows, double confidence) {
  std::fprintf(out, "\n%s: mean ± half-width of the %s confidence interval\n", heading.c_str(),
               percent(confidence).c_str());
  std::string header = pad(first_column, 8);
  for (const Kpi kpi : kPlannerKpis) header += pad(std::string(experiments::info(kpi).name), 22);
  print_row(out, header + "target");
  for (const experiments::AreaSummary* m : rows) {
    std::string row = pad(m->display_name.empty() ? m->area : m->display_name, 8);
    for (const Kpi kpi : kPlannerKpis) row += pad(mean_pm((*m)[kpi], experiments::info(kpi).decimals), 22);
    print_row(out, row + mean_pm((*m)[Kpi::Target], 1));
  }
}

std::vector<const experiments::AreaSummary*> pointers(const std::vector<experiments::AreaSummary>& parts) {
  std::vector<const experiments::AreaSummary*> out;
  for (const experiments::AreaSummary& p : parts) out.push_back(&p);
  return out;
}

}  // namespace

void print_month_table(std::FILE* out, const experiments::Summary& summary) {
  if (summary.months.empty()) return;
  print_planner_rows(out, "months (national)", "month", pointers(summary.months), summary.confidence);
}

void print_year_tables(std::FILE* out, const experiments::Summary& summary) {
  if (summary.years.empty()) return;
  experiments::AreaSummary total = summary.national;  // the whole run
  total.area = total.display_name = "total";
  std::vector<const experiments::AreaSummary*> years;
  for (const experiments::Summary::Year& y : summary.years) years.push_back(&y.national);
  years.push_back(&total);
  print_planner_rows(out, "years (national)", "year", years, summary.confidence);
  for (const experiments::Summary::Year& y : summary.years) {
    print_planner_rows(out, "months of " + std::to_string(y.span.year) + " (national)", "month", pointers(y.months),
                       summary.confidence);
  }
}

void print_where_and_when(std::FILE* out, const std::vector<ScenarioLabel>& scenarios, const Comparison& c) {
  if (c.provinces.empty() && c.regions.empty() && c.months.empty() && c.years.empty()) return;
  const std::size_t width = longest_part_name(c);
  for (std::size_t s = 1; s < scenarios.size(); ++s) {
    std::fprintf(out, "\nwhere and when: %s vs %s (largest significant paired differences, %s CI)\n",
                 scenarios[s].name.c_str(), scenarios[0].name.c_str(), percent(c.confidence).c_str());
    if (c.replications < 2) {
      std::fprintf(out, "  significance not available with 1 replication (use -n 2 or more)\n");
      continue;
    }
    std::vector<Change> changes;
    collect_changes(c.provinces, Breakdown::Province, s, changes);
    collect_changes(c.months, Breakdown::Month, s, changes);
    std::vector<Change> helped, hurt;
    for (const Change& ch : changes) {
      const bool good = experiments::better_direction(ch.kpi) * ch.difference.mean > 0;
      (good ? helped : hurt).push_back(ch);
    }
    print_changes(out, "where it helped", helped, width);
    print_changes(out, "where it hurt", hurt, width);
    print_part_differences(out, "region", c.regions, s, width);
    print_part_differences(out, "year", c.years, s, width);  // national, per civil year of a run over several
  }
}

void write_estimate_fields(JsonWriter& w, const Estimate& e) {
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();  // written as null
  w.field("n", e.n).field("mean", e.n > 0 ? e.mean : kNone);
  w.field("ci_low", e.has_interval() ? e.low() : kNone).field("ci_high", e.has_interval() ? e.high() : kNone);
  w.field("half_width", e.has_interval() ? e.half_width : kNone).field("stddev", e.has_interval() ? e.stddev : kNone);
}

void write_kpi_comparisons(JsonWriter& w, const std::vector<KpiComparison>& kpis, std::size_t s) {
  w.begin_object();
  for (const KpiComparison& k : kpis) {
    w.key(experiments::info(k.kpi).name).begin_object().key("mean").begin_object();
    write_estimate_fields(w, k.means[s]);
    w.end_object().key("difference_from_base");
    if (s == 0) {
      w.null();
    } else {
      w.begin_object();
      write_estimate_fields(w, k.differences[s].estimate);
      w.field("significant", k.differences[s].significant).end_object();
    }
    w.end_object();
  }
  w.end_object();
}

void write_parts_json(JsonWriter& w, const Comparison& c, std::size_t scenario) {
  write_parts(w, "regions", c.regions, scenario);
  write_parts(w, "provinces", c.provinces, scenario);
  write_parts(w, "months", c.months, scenario);
  write_parts(w, "years", c.years, scenario);
}

void write_comparison_file(const std::filesystem::path& path, const std::vector<ScenarioLabel>& scenarios,
                           const ExperimentInfo& info, const Comparison& comparison, bool force) {
  results::write_atomically(path, force, [&](const std::filesystem::path& file_path) {
    const results::QuietHdf5Errors quiet;
    Handle file = checked(H5Fcreate(file_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                          "creating " + file_path.string());
    write_comparison_contents(file.get(), scenarios, info, comparison);
    file.close("closing " + file_path.string());
  });
}

}  // namespace giotmau::cli
