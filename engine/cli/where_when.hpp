#pragma once
// Where and when a strategy helps: the per-region, per-province and per-month
// parts of `compare` and `run -n`, as text tables, JSON and an HDF5 table.
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/json.hpp"
#include "cli/reports.hpp"
#include "experiments/compare.hpp"
#include "experiments/replications.hpp"

namespace giotmau::cli {

// A number with `decimals` places, or with three significant digits when
// those places would show a non-zero value as zero (-2e-5 as "-2e-05", not
// "-0.0000"); "-" when not finite.
std::string number(double v, int decimals, bool sign = false);

// The month table of `run -n`: the national KPIs planners read by month, as
// mean ± half-width; every month, zeros where nothing happened.
void print_month_table(std::FILE* out, const experiments::Summary& summary);

// A run over several civil years: the same KPIs per year and in total, then
// the month table of each year; nothing for a run within one year.
void print_year_tables(std::FILE* out, const experiments::Summary& summary);

// Per alternative: the largest significant changes by province and by month,
// split into where it helped and where it hurt, then the regional differences
// and (a run over several years) the differences per year.
void print_where_and_when(std::FILE* out, const std::vector<ScenarioLabel>& scenarios,
                          const experiments::Comparison& comparison);

// An estimate's fields (n, mean, ci_low, ci_high, half_width, stddev; null
// where there is no interval), inside an object the caller opened.
void write_estimate_fields(JsonWriter& w, const experiments::Estimate& e);

// Per KPI of scenario `s`: its mean and (for an alternative) its paired
// difference from the base, as one JSON object.
void write_kpi_comparisons(JsonWriter& w, const std::vector<experiments::KpiComparison>& kpis, std::size_t s);

// "regions", "provinces", "months" and "years" of one scenario of a comparison: per
// part, every KPI's mean and (for an alternative) its paired difference.
void write_parts_json(JsonWriter& w, const experiments::Comparison& comparison, std::size_t scenario);

// The comparison as one HDF5 file (layout: docs/hdf5-layout.md, "Comparison
// file"): a /differences table, one row per alternative, part and KPI, written
// atomically; refuses to replace `path` unless `force`.
void write_comparison_file(const std::filesystem::path& path, const std::vector<ScenarioLabel>& scenarios,
                           const ExperimentInfo& info, const experiments::Comparison& comparison, bool force);

}  // namespace giotmau::cli
