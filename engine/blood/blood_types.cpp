#include "blood/blood_types.hpp"

namespace giotmau::blood {
namespace {

using G = BloodGroup;

// The group enum is laid out as (ABO, RhD) pairs: index / 2 is the ABO group
// and, read as a bit mask, its antigens (O = none, A = 1, B = 2, AB = 3);
// an even index is RhD+.
constexpr unsigned abo_antigens(BloodGroup g) noexcept { return static_cast<unsigned>(index(g) / 2); }
constexpr bool rhd_positive(BloodGroup g) noexcept { return index(g) % 2 == 0; }

constexpr bool subset(unsigned a, unsigned b) noexcept { return (a & ~b) == 0; }

// Cells carry antigens: the patient's antibodies attack any ABO antigen or
// RhD the patient lacks.
constexpr bool cells_compatible(BloodGroup unit, BloodGroup patient) noexcept {
  return subset(abo_antigens(unit), abo_antigens(patient)) && (!rhd_positive(unit) || rhd_positive(patient));
}

// Plasma carries antibodies against the ABO antigens the donor lacks, so the
// patient's antigens must all be present in the donor; plasma has no RhD cells.
constexpr bool plasma_compatible(BloodGroup unit, BloodGroup patient) noexcept {
  return subset(abo_antigens(patient), abo_antigens(unit));
}

// Red cells and platelets: same group, same ABO with RhD-, then O (RhD+ before
// RhD-, so that O- is the last resort), A before B for AB patients.
constexpr std::array<BloodGroup, 2> kCellsOPos = {G::OPos, G::ONeg};
constexpr std::array<BloodGroup, 1> kCellsONeg = {G::ONeg};
constexpr std::array<BloodGroup, 4> kCellsAPos = {G::APos, G::ANeg, G::OPos, G::ONeg};
constexpr std::array<BloodGroup, 2> kCellsANeg = {G::ANeg, G::ONeg};
constexpr std::array<BloodGroup, 4> kCellsBPos = {G::BPos, G::BNeg, G::OPos, G::ONeg};
constexpr std::array<BloodGroup, 2> kCellsBNeg = {G::BNeg, G::ONeg};
constexpr std::array<BloodGroup, 8> kCellsABPos = {G::ABPos, G::ABNeg, G::APos, G::ANeg,
                                                   G::BPos,  G::BNeg,  G::OPos, G::ONeg};
constexpr std::array<BloodGroup, 4> kCellsABNeg = {G::ABNeg, G::ANeg, G::BNeg, G::ONeg};

// Plasma: same group, same ABO with the other RhD, then A/B, and AB (the
// universal plasma) last.
constexpr std::array<BloodGroup, 8> kPlasmaOPos = {G::OPos, G::ONeg, G::APos,  G::ANeg,
                                                   G::BPos, G::BNeg, G::ABPos, G::ABNeg};
constexpr std::array<BloodGroup, 8> kPlasmaONeg = {G::ONeg, G::OPos, G::ANeg,  G::APos,
                                                   G::BNeg, G::BPos, G::ABNeg, G::ABPos};
constexpr std::array<BloodGroup, 4> kPlasmaAPos = {G::APos, G::ANeg, G::ABPos, G::ABNeg};
constexpr std::array<BloodGroup, 4> kPlasmaANeg = {G::ANeg, G::APos, G::ABNeg, G::ABPos};
constexpr std::array<BloodGroup, 4> kPlasmaBPos = {G::BPos, G::BNeg, G::ABPos, G::ABNeg};
constexpr std::array<BloodGroup, 4> kPlasmaBNeg = {G::BNeg, G::BPos, G::ABNeg, G::ABPos};
constexpr std::array<BloodGroup, 2> kPlasmaABPos = {G::ABPos, G::ABNeg};
constexpr std::array<BloodGroup, 2> kPlasmaABNeg = {G::ABNeg, G::ABPos};

using Preferences = std::array<std::span<const BloodGroup>, kGroupCount>;

constexpr Preferences kCellPreferences = {kCellsOPos, kCellsONeg, kCellsAPos,  kCellsANeg,
                                          kCellsBPos, kCellsBNeg, kCellsABPos, kCellsABNeg};
constexpr Preferences kPlasmaPreferences = {kPlasmaOPos, kPlasmaONeg, kPlasmaAPos,  kPlasmaANeg,
                                            kPlasmaBPos, kPlasmaBNeg, kPlasmaABPos, kPlasmaABNeg};

// Checked at compile time: every list starts with the patient's own group and
// holds only compatible groups.
constexpr bool preferences_consistent(const Preferences& table, bool plasma) {
  for (std::size_t p = 0; p < kGroupCount; ++p) {
    const auto patient = group_at(p);
    if (table[p].empty() || table[p].front() != patient) return false;
    for (const BloodGroup unit : table[p]) {
      if (!(plasma ? plasma_compatible(unit, patient) : cells_compatible(unit, patient))) return false;
    }
  }
  return true;
}
static_assert(preferences_consistent(kCellPreferences, false));
static_assert(preferences_consistent(kPlasmaPreferences, true));

template <std::size_t N>
std::optional<std::size_t> find_label(const std::array<std::string_view, N>& labels, std::string_view text) {
  for (std::size_t i = 0; i < N; ++i) {
    if (labels[i] == text) return i;
  }
  return std::nullopt;
}

}  // namespace

std::optional<BloodGroup> parse_group(std::string_view label) {
  if (const auto i = find_label(kGroupLabels, label)) return group_at(*i);
  return std::nullopt;
}

std::optional<Product> parse_product(std::string_view name) {
  if (const auto i = find_label(kProductNames, name)) return product_at(*i);
  return std::nullopt;
}

bool compatible(Product product, BloodGroup unit, BloodGroup patient) noexcept {
  return product == Product::Plasma ? plasma_compatible(unit, patient) : cells_compatible(unit, patient);
}

std::span<const BloodGroup> issue_preference(Product product, BloodGroup patient) noexcept {
  const Preferences& table = product == Product::Plasma ? kPlasmaPreferences : kCellPreferences;
  return table[index(patient)];
}

}  // namespace giotmau::blood
