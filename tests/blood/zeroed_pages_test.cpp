#include "blood/zeroed_pages.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "blood/measures.hpp"

namespace giotmau::blood {
namespace {

template <class T>
using Zeroed = std::vector<T, ZeroedPages<T>>;

// Both paths: calloc (small) and mapped huge-page-aligned pages (2 MiB and more).
TEST(ZeroedPages, ArraysStartAtZeroSmallAndLarge) {
  for (const std::size_t n : {std::size_t{2}, std::size_t{1000}, std::size_t{262'144}, std::size_t{1'300'001}}) {
    Zeroed<std::int64_t> a(n);
    Zeroed<double> b(n);
    ASSERT_EQ(a.size(), n);
    for (std::size_t i = 0; i < n; i += 997) {
      EXPECT_EQ(a[i], 0) << n << " " << i;
      EXPECT_EQ(b[i], 0.0) << n << " " << i;
    }
    EXPECT_EQ(a.back(), 0);
    a.front() = 7;
    a.back() = -3;
    const Zeroed<std::int64_t> copy = a;  // a copy holds the values, not zeros
    EXPECT_EQ(copy.front(), 7);
    EXPECT_EQ(copy.back(), -3);
    EXPECT_EQ(copy, a);
  }
}

// A second array in memory another one used starts at zero too (freed pages
// are not handed back with old values).
TEST(ZeroedPages, ReusedMemoryStartsAtZero) {
  for (const std::size_t n : {std::size_t{5000}, std::size_t{600'000}}) {
    {
      Zeroed<std::int64_t> used(n, 0);
      for (auto& x : used) x = 0x5555;
    }
    const Zeroed<std::int64_t> fresh(n);
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(fresh[i], 0) << n << " " << i;
  }
}

TEST(ZeroedPages, TenYearsOfMeasuresStartAtZero) {
  DailyMeasures m(3653, 2);
  for (int d = 0; d < 3653; d += 13) {
    EXPECT_EQ(m.at(Measure::IssuedAgeDays, d, 1, BloodGroup::ABNeg, Product::Plasma), 0);
    EXPECT_EQ(m.collected(d, 0, BloodGroup::ONeg), 0);
    EXPECT_EQ(m.cost(d, 1), 0.0);
  }
  m.at(Measure::Issued, 100, 1, BloodGroup::OPos, Product::RedCells) += 5;
  DailyMeasures sum(3653, 3);
  sum.add_rows(m, {2, 0});
  EXPECT_EQ(sum.at(Measure::Issued, 100, 0, BloodGroup::OPos, Product::RedCells), 5);
  EXPECT_EQ(sum.at(Measure::Issued, 100, 2, BloodGroup::OPos, Product::RedCells), 0);
}

}  // namespace
}  // namespace giotmau::blood
