#include <gtest/gtest.h>

#include <array>
#include <set>

#include "blood/blood_types.hpp"

namespace giotmau::blood {
namespace {

// Written out by hand from the transfusion rules, independent of the bit logic
// in blood_types.cpp. Rows: unit group; columns: patient group; both in enum
// order O+, O-, A+, A-, B+, B-, AB+, AB-.
constexpr std::array<std::array<int, 8>, 8> kRedCells = {{
    //         O+ O- A+ A- B+ B- AB+ AB-   (patient)
    /* O+  */ {1, 0, 1, 0, 1, 0, 1, 0},
    /* O-  */ {1, 1, 1, 1, 1, 1, 1, 1},
    /* A+  */ {0, 0, 1, 0, 0, 0, 1, 0},
    /* A-  */ {0, 0, 1, 1, 0, 0, 1, 1},
    /* B+  */ {0, 0, 0, 0, 1, 0, 1, 0},
    /* B-  */ {0, 0, 0, 0, 1, 1, 1, 1},
    /* AB+ */ {0, 0, 0, 0, 0, 0, 1, 0},
    /* AB- */ {0, 0, 0, 0, 0, 0, 1, 1},
}};

constexpr std::array<std::array<int, 8>, 8> kPlasma = {{
    //         O+ O- A+ A- B+ B- AB+ AB-   (patient)
    /* O+  */ {1, 1, 0, 0, 0, 0, 0, 0},
    /* O-  */ {1, 1, 0, 0, 0, 0, 0, 0},
    /* A+  */ {1, 1, 1, 1, 0, 0, 0, 0},
    /* A-  */ {1, 1, 1, 1, 0, 0, 0, 0},
    /* B+  */ {1, 1, 0, 0, 1, 1, 0, 0},
    /* B-  */ {1, 1, 0, 0, 1, 1, 0, 0},
    /* AB+ */ {1, 1, 1, 1, 1, 1, 1, 1},
    /* AB- */ {1, 1, 1, 1, 1, 1, 1, 1},
}};

constexpr std::array<Product, 3> kProducts = {Product::RedCells, Product::Platelets, Product::Plasma};

bool expected_compatible(Product product, std::size_t unit, std::size_t patient) {
  return (product == Product::Plasma ? kPlasma : kRedCells)[unit][patient] == 1;
}

TEST(BloodTypes, RedCellsAndPlateletsFollowTheCellTable) {
  for (const Product product : {Product::RedCells, Product::Platelets}) {
    for (std::size_t u = 0; u < kGroupCount; ++u) {
      for (std::size_t p = 0; p < kGroupCount; ++p) {
        EXPECT_EQ(compatible(product, group_at(u), group_at(p)), kRedCells[u][p] == 1)
            << kProductNames[index(product)] << " " << kGroupLabels[u] << " -> " << kGroupLabels[p];
      }
    }
  }
}

TEST(BloodTypes, PlasmaFollowsThePlasmaTable) {
  for (std::size_t u = 0; u < kGroupCount; ++u) {
    for (std::size_t p = 0; p < kGroupCount; ++p) {
      EXPECT_EQ(compatible(Product::Plasma, group_at(u), group_at(p)), kPlasma[u][p] == 1)
          << kGroupLabels[u] << " plasma -> " << kGroupLabels[p];
    }
  }
}

TEST(BloodTypes, UniversalGroups) {
  for (std::size_t p = 0; p < kGroupCount; ++p) {
    EXPECT_TRUE(compatible(Product::RedCells, BloodGroup::ONeg, group_at(p)));
    EXPECT_TRUE(compatible(Product::Plasma, BloodGroup::ABPos, group_at(p)));
    EXPECT_TRUE(compatible(Product::Plasma, BloodGroup::ABNeg, group_at(p)));
    EXPECT_TRUE(compatible(Product::RedCells, group_at(p), BloodGroup::ABPos));
  }
}

TEST(BloodTypes, IssuePreferenceListsEveryCompatibleGroupOnceExactFirst) {
  for (const Product product : kProducts) {
    for (std::size_t p = 0; p < kGroupCount; ++p) {
      const BloodGroup patient = group_at(p);
      const auto order = issue_preference(product, patient);
      ASSERT_FALSE(order.empty());
      EXPECT_EQ(order.front(), patient);
      std::set<BloodGroup> seen;
      for (const BloodGroup unit : order) {
        EXPECT_TRUE(expected_compatible(product, index(unit), p))
            << kGroupLabels[index(unit)] << " listed for " << kGroupLabels[p];
        EXPECT_TRUE(seen.insert(unit).second) << "duplicate " << kGroupLabels[index(unit)];
      }
      std::size_t compatible_count = 0;
      for (std::size_t u = 0; u < kGroupCount; ++u) compatible_count += expected_compatible(product, u, p);
      EXPECT_EQ(order.size(), compatible_count) << kProductNames[index(product)] << " " << kGroupLabels[p];
    }
  }
}

TEST(BloodTypes, IssuePreferenceSavesUniversalGroupsForLast) {
  for (std::size_t p = 0; p < kGroupCount; ++p) {
    const auto cells = issue_preference(Product::RedCells, group_at(p));
    EXPECT_EQ(cells.back(), BloodGroup::ONeg);
    const auto plasma = issue_preference(Product::Plasma, group_at(p));
    const BloodGroup last = plasma.back();
    EXPECT_TRUE(last == BloodGroup::ABPos || last == BloodGroup::ABNeg) << kGroupLabels[p];
  }
  // Same ABO with the other RhD comes right after the exact group.
  EXPECT_EQ(issue_preference(Product::RedCells, BloodGroup::APos)[1], BloodGroup::ANeg);
  EXPECT_EQ(issue_preference(Product::Plasma, BloodGroup::BNeg)[1], BloodGroup::BPos);
}

TEST(BloodTypes, ParseRoundTrips) {
  for (std::size_t i = 0; i < kGroupCount; ++i) {
    const auto g = parse_group(kGroupLabels[i]);
    ASSERT_TRUE(g.has_value()) << kGroupLabels[i];
    EXPECT_EQ(*g, group_at(i));
  }
  for (std::size_t i = 0; i < kProductCount; ++i) {
    const auto p = parse_product(kProductNames[i]);
    ASSERT_TRUE(p.has_value()) << kProductNames[i];
    EXPECT_EQ(*p, product_at(i));
  }
  EXPECT_EQ(parse_group("AB+"), BloodGroup::ABPos);
  EXPECT_EQ(parse_group("O-"), BloodGroup::ONeg);
  for (const char* bad : {"", "O", "o+", "AB", "BA+", "O+ ", "A+-", "0+"}) {
    EXPECT_FALSE(parse_group(bad).has_value()) << bad;
  }
  for (const char* bad : {"", "red", "Plasma", "red_cells ", "platelet"}) {
    EXPECT_FALSE(parse_product(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace giotmau::blood
