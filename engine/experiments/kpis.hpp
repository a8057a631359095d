#pragma once
// The KPIs experiments summarise and compare, by name, as plain numbers.
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "blood/kpi.hpp"

namespace giotmau::experiments {

enum class Kpi : std::uint8_t {
  FillRate,
  ShortageUnits,
  ShortageDays,
  OutdateRate,
  MeanAgeAtIssue,
  DaysOfSupply,
  Collected,
  Target,
  Appeals,
  Outdated,
  Balked,
  MeanWait,
  P90Wait,
  CostPerDay,
  DonatedStudents,
  DonatedWorkers,
  DonatedFirstTime,
  DonatedRepeat,
  DonatedRegular,
  PlateletFillRate,
  PlateletShortageUnits,
  PlateletOutdated,
};
inline constexpr std::size_t kKpiCount = 22;

struct KpiInfo {
  Kpi kpi;
  std::string_view name;         // as on the command line, in JSON and in the HDF5 /kpi table
  std::string_view description;
  bool national_only;            // only meaningful for the whole country (none of these is: every KPI is computed per area)
  int decimals;                  // for printing means
};

inline constexpr std::array<KpiInfo, kKpiCount> kKpis = {{
    {Kpi::FillRate, "fill_rate", "red cells issued / requested", false, 4},
    {Kpi::ShortageUnits, "shortage_units", "red-cell requests lost", false, 1},
    {Kpi::ShortageDays, "shortage_days", "days with any red-cell shortage", false, 1},
    {Kpi::OutdateRate, "outdate_rate", "red cells outdated / produced", false, 4},
    {Kpi::MeanAgeAtIssue, "mean_age_at_issue_days", "mean age at issue, all products (days)", false, 2},
    {Kpi::DaysOfSupply, "days_of_supply", "mean red-cell stock / mean daily red-cell issues", false, 2},
    {Kpi::Collected, "collected", "whole-blood donations", false, 1},
    {Kpi::Target, "target", "the sessions' targets", false, 1},
    {Kpi::Appeals, "appeals", "emergency appeals made", false, 1},
    {Kpi::Outdated, "outdated", "red-cell units outdated", false, 1},
    {Kpi::Balked, "balked", "donors who left a queued session without donating", false, 1},
    {Kpi::MeanWait, "mean_wait_minutes", "mean queueing time per arrival at queued sessions (minutes)", false, 1},
    {Kpi::P90Wait, "p90_wait_minutes", "90th percentile of queueing time at queued sessions (minutes)", false, 1},
    {Kpi::CostPerDay, "cost_per_day", "mean daily cost of the sites' cost keys, revenue subtracted", false, 3},
    {Kpi::DonatedStudents, "donated_students", "whole-blood donations by students", false, 1},
    {Kpi::DonatedWorkers, "donated_workers", "whole-blood donations by workers (non-students)", false, 1},
    {Kpi::DonatedFirstTime, "donated_first_time", "whole-blood donations by first-time donors", false, 1},
    {Kpi::DonatedRepeat, "donated_repeat", "whole-blood donations by repeat donors", false, 1},
    {Kpi::DonatedRegular, "donated_regular", "whole-blood donations by regular donors", false, 1},
    {Kpi::PlateletFillRate, "platelet_fill_rate", "platelets issued / requested", false, 4},
    {Kpi::PlateletShortageUnits, "platelet_shortage_units", "platelet requests lost", false, 1},
    {Kpi::PlateletOutdated, "platelet_outdated", "platelet units outdated", false, 1},
}};

constexpr std::size_t index(Kpi k) noexcept { return static_cast<std::size_t>(k); }
constexpr const KpiInfo& info(Kpi k) noexcept { return kKpis[index(k)]; }

std::optional<Kpi> kpi_from_name(std::string_view name);

// Every KPI of one run (or one part of the country) as a number, indexed by index(Kpi).
using KpiValues = std::array<double, kKpiCount>;

// `appeals`: the run's appeals when `k` is national; national-only KPIs of a
// region are NaN.
KpiValues national_values(const blood::Kpis& k, std::int64_t appeals);
KpiValues regional_values(const blood::Kpis& k);

// A calendar month's values; `covered`: the run has days in it. A month it
// has none of counts zero of everything, and its rates (fill, outdate, age,
// days of supply) are NaN: there is nothing to divide.
KpiValues month_values(const blood::Kpis& k, bool covered);

// Whether a KPI is a count (summed over areas and months) rather than a rate.
bool is_count(Kpi k) noexcept;

}  // namespace giotmau::experiments
