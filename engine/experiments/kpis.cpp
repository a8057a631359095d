#include "experiments/kpis.hpp"

#include <limits>

namespace giotmau::experiments {

namespace {

KpiValues common_values(const blood::Kpis& k) {
  KpiValues v{};
  v[index(Kpi::FillRate)] = k.fill_rate;
  v[index(Kpi::ShortageUnits)] = static_cast<double>(k.shortage_units);
  v[index(Kpi::ShortageDays)] = k.shortage_days;
  v[index(Kpi::OutdateRate)] = k.outdate_rate;
  v[index(Kpi::MeanAgeAtIssue)] = k.mean_age_at_issue_days;
  v[index(Kpi::DaysOfSupply)] = k.days_of_supply;
  v[index(Kpi::Collected)] = static_cast<double>(k.collected);
  v[index(Kpi::Target)] = static_cast<double>(k.target);
  v[index(Kpi::Outdated)] = static_cast<double>(k.outdated);
  v[index(Kpi::Balked)] = static_cast<double>(k.balked);
  v[index(Kpi::MeanWait)] = k.mean_wait_minutes;
  v[index(Kpi::P90Wait)] = k.p90_wait_minutes;
  v[index(Kpi::CostPerDay)] = k.cost_per_day;
  v[index(Kpi::Appeals)] = static_cast<double>(k.appeals);
  v[index(Kpi::DonatedStudents)] = static_cast<double>(k.donated_by_occupation[1]);
  v[index(Kpi::DonatedWorkers)] = static_cast<double>(k.donated_by_occupation[0]);
  v[index(Kpi::DonatedFirstTime)] = static_cast<double>(k.donated_by_kind[0]);
  v[index(Kpi::DonatedRepeat)] = static_cast<double>(k.donated_by_kind[1]);
  v[index(Kpi::DonatedRegular)] = static_cast<double>(k.donated_by_kind[2]);
  v[index(Kpi::PlateletFillRate)] = k.platelet_fill_rate;
  v[index(Kpi::PlateletShortageUnits)] = static_cast<double>(k.platelet_shortage_units);
  v[index(Kpi::PlateletOutdated)] = static_cast<double>(k.platelet_outdated);
  return v;
}

}  // namespace

std::optional<Kpi> kpi_from_name(std::string_view name) {
  for (const KpiInfo& i : kKpis) {
    if (i.name == name) return i.kpi;
  }
  return std::nullopt;
}

KpiValues national_values(const blood::Kpis& k, std::int64_t appeals) {
  KpiValues v = common_values(k);
  v[index(Kpi::Appeals)] = static_cast<double>(appeals);
  return v;
}

KpiValues regional_values(const blood::Kpis& k) {
  KpiValues v = common_values(k);
  for (const KpiInfo& i : kKpis) {
    if (i.national_only) v[index(i.kpi)] = std::numeric_limits<double>::quiet_NaN();
  }
  return v;
}

KpiValues month_values(const blood::Kpis& k, bool covered) {
  KpiValues v = common_values(k);
  if (!covered) {
    for (const KpiInfo& i : kKpis) {
      if (!is_count(i.kpi)) v[index(i.kpi)] = std::numeric_limits<double>::quiet_NaN();
    }
  }
  return v;
}

bool is_count(Kpi k) noexcept {
  switch (k) {
    case Kpi::FillRate:
    case Kpi::OutdateRate:
    case Kpi::MeanAgeAtIssue:
    case Kpi::DaysOfSupply:
    case Kpi::PlateletFillRate:
      return false;
    default:
      return true;
  }
}

}  // namespace giotmau::experiments
