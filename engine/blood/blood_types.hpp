#pragma once
// ABO/RhD groups, blood products and which unit may go to which patient.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace giotmau::blood {

enum class BloodGroup : std::uint8_t { OPos, ONeg, APos, ANeg, BPos, BNeg, ABPos, ABNeg };
inline constexpr std::size_t kGroupCount = 8;
inline constexpr std::array<std::string_view, kGroupCount> kGroupLabels = {"O+", "O-", "A+", "A-",
                                                                           "B+", "B-", "AB+", "AB-"};

enum class Product : std::uint8_t { RedCells, Platelets, Plasma };
inline constexpr std::size_t kProductCount = 3;
inline constexpr std::array<std::string_view, kProductCount> kProductNames = {"red_cells", "platelets", "plasma"};

constexpr std::size_t index(BloodGroup g) noexcept { return static_cast<std::size_t>(g); }
constexpr std::size_t index(Product p) noexcept { return static_cast<std::size_t>(p); }
constexpr BloodGroup group_at(std::size_t i) noexcept { return static_cast<BloodGroup>(i); }
constexpr Product product_at(std::size_t i) noexcept { return static_cast<Product>(i); }

std::optional<BloodGroup> parse_group(std::string_view label);
std::optional<Product> parse_product(std::string_view name);

// May a unit of `unit` group of `product` go to a patient of `patient` group?
// Red cells (and platelets, treated like red cells here): O -> all, A -> A/AB,
// B -> B/AB, AB -> AB; RhD- may go to RhD+, not the reverse. Plasma: the reverse
// for ABO (AB plasma -> all), and RhD does not matter.
bool compatible(Product product, BloodGroup unit, BloodGroup patient) noexcept;

// The groups to issue to a patient of `patient` group, best first: the same
// group, then compatible substitutes in the order a blood bank would use them
// (same ABO with the other RhD, then the universal group last, so that O- red
// cells and AB plasma are saved for those who need them). Every listed group
// is compatible.
std::span<const BloodGroup> issue_preference(Product product, BloodGroup patient) noexcept;

}  // namespace giotmau::blood
