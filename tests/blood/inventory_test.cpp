#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <span>

#include "blood/inventory.hpp"
#include "kernel/random.hpp"

namespace giotmau::blood {
namespace {

constexpr std::array<Product, 3> kProducts = {Product::RedCells, Product::Platelets, Product::Plasma};

std::int64_t sum(const GroupCounts& c) { return std::accumulate(c.begin(), c.end(), std::int64_t{0}); }

std::int64_t units_in(std::span<const Batch> batches) {
  std::int64_t n = 0;
  for (const Batch& b : batches) n += b.units;
  return n;
}

std::int64_t units_expiring_before(const Inventory& inv, Product p, DayNumber day) {
  std::int64_t n = 0;
  for (std::size_t g = 0; g < kGroupCount; ++g) {
    for (const Batch& b : inv.batches(p, group_at(g))) n += b.expires < day ? b.units : 0;
  }
  return n;
}

// Shelf invariants: sorted by expiry, no empty batch, totals match the
// batches, the stocked bit set exactly on the shelves with units.
void expect_consistent(const Inventory& inv) {
  for (const Product p : kProducts) {
    std::int64_t product_total = 0;
    for (std::size_t g = 0; g < kGroupCount; ++g) {
      const auto& batches = inv.batches(p, group_at(g));
      ASSERT_TRUE(std::is_sorted(batches.begin(), batches.end(),
                                 [](const Batch& a, const Batch& b) { return a.expires < b.expires; }));
      for (const Batch& b : batches) ASSERT_GT(b.units, 0);
      ASSERT_EQ(inv.on_hand(p, group_at(g)), units_in(batches));
      const bool stocked = ((inv.stocked_kinds() >> (index(p) * kGroupCount + g)) & 1u) != 0;
      ASSERT_EQ(stocked, inv.on_hand(p, group_at(g)) > 0);
      product_total += units_in(batches);
    }
    ASSERT_EQ(inv.on_hand(p), product_total);
  }
}

Inventory three_batches() {
  Inventory inv;
  for (DayNumber made = 1; made <= 3; ++made) inv.add(Product::RedCells, BloodGroup::APos, {made, made + 35, 5});
  return inv;
}

TEST(Inventory, FifoIssuesOldestFirst) {
  Inventory inv = three_batches();
  const IssueOutcome out = inv.issue(Product::RedCells, BloodGroup::APos, 7, IssuePolicy::Fifo, false, 10);
  EXPECT_EQ(out.issued, 7);
  EXPECT_EQ(out.issued_by_unit_group[index(BloodGroup::APos)], 7);
  EXPECT_EQ(sum(out.substituted_by_unit_group), 0);
  EXPECT_EQ(out.age_days_sum, 5 * 9 + 2 * 8);
  const auto& left = inv.batches(Product::RedCells, BloodGroup::APos);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].made, 2);
  EXPECT_EQ(left[0].units, 3);
  EXPECT_EQ(left[1].made, 3);
  EXPECT_EQ(left[1].units, 5);
  EXPECT_EQ(inv.on_hand(Product::RedCells, BloodGroup::APos), 8);
}

TEST(Inventory, LifoIssuesNewestFirst) {
  Inventory inv = three_batches();
  const IssueOutcome out = inv.issue(Product::RedCells, BloodGroup::APos, 7, IssuePolicy::Lifo, false, 10);
  EXPECT_EQ(out.issued, 7);
  EXPECT_EQ(out.age_days_sum, 5 * 7 + 2 * 8);
  const auto& left = inv.batches(Product::RedCells, BloodGroup::APos);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].made, 1);
  EXPECT_EQ(left[0].units, 5);
  EXPECT_EQ(left[1].made, 2);
  EXPECT_EQ(left[1].units, 3);
}

TEST(Inventory, IssuesNoMoreThanItHas) {
  Inventory inv = three_batches();
  const IssueOutcome out = inv.issue(Product::RedCells, BloodGroup::APos, 100, IssuePolicy::Fifo, false, 10);
  EXPECT_EQ(out.issued, 15);
  EXPECT_EQ(inv.on_hand(Product::RedCells), 0);
  EXPECT_TRUE(inv.batches(Product::RedCells, BloodGroup::APos).empty());
  const IssueOutcome none = inv.issue(Product::RedCells, BloodGroup::APos, 3, IssuePolicy::Lifo, true, 10);
  EXPECT_EQ(none.issued, 0);
}

TEST(Inventory, AddKeepsExpiryOrderAndMergesEqualLots) {
  Inventory inv;
  const auto p = Product::Platelets;
  const auto g = BloodGroup::BNeg;
  inv.add(p, g, {1, 10, 4});
  inv.add(p, g, {1, 10, 2});  // same lot, at the back: merged
  inv.add(p, g, {0, 5, 3});   // older: goes in front
  inv.add(p, g, {2, 7, 1});   // in the middle
  inv.add(p, g, {0, 5, 6});   // same lot, not at the back: merged too
  inv.add(p, g, {3, 12, 0});  // nothing
  const auto& b = inv.batches(p, g);
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b[0].expires, 5);
  EXPECT_EQ(b[0].units, 9);
  EXPECT_EQ(b[1].expires, 7);
  EXPECT_EQ(b[2].expires, 10);
  EXPECT_EQ(b[2].units, 6);
  EXPECT_EQ(inv.on_hand(p, g), 16);
  expect_consistent(inv);
}

TEST(Inventory, RemoveExpiredRemovesExactlyTheExpiredUnits) {
  Inventory inv;
  const auto p = Product::RedCells;
  inv.add(p, BloodGroup::OPos, {0, 5, 2});
  inv.add(p, BloodGroup::OPos, {1, 6, 3});
  inv.add(p, BloodGroup::OPos, {2, 7, 4});  // expires today: still usable
  inv.add(p, BloodGroup::OPos, {3, 10, 5});
  inv.add(p, BloodGroup::ABNeg, {0, 6, 7});
  inv.add(Product::Plasma, BloodGroup::OPos, {0, 1, 9});  // another product: untouched
  const GroupCounts removed = inv.remove_expired(p, 7);
  EXPECT_EQ(removed[index(BloodGroup::OPos)], 5);
  EXPECT_EQ(removed[index(BloodGroup::ABNeg)], 7);
  EXPECT_EQ(sum(removed), 12);
  EXPECT_EQ(inv.on_hand(p, BloodGroup::OPos), 9);
  EXPECT_EQ(inv.on_hand(p, BloodGroup::ABNeg), 0);
  EXPECT_EQ(inv.batches(p, BloodGroup::OPos).front().expires, 7);
  EXPECT_EQ(inv.on_hand(Product::Plasma), 9);
  EXPECT_EQ(sum(inv.remove_expired(p, 7)), 0);
  expect_consistent(inv);
}

TEST(Inventory, NeverIssuesExpiredUnits) {
  for (const IssuePolicy policy : {IssuePolicy::Fifo, IssuePolicy::Lifo}) {
    Inventory inv;
    const auto p = Product::RedCells;
    inv.add(p, BloodGroup::ONeg, {0, 4, 10});  // expired by day 5
    inv.add(p, BloodGroup::ONeg, {1, 5, 2});
    inv.add(p, BloodGroup::ONeg, {2, 9, 3});
    const IssueOutcome out = inv.issue(p, BloodGroup::ONeg, 20, policy, true, 5);
    EXPECT_EQ(out.issued, 5);
    EXPECT_EQ(inv.on_hand(p, BloodGroup::ONeg), 10);
    EXPECT_EQ(inv.batches(p, BloodGroup::ONeg).front().expires, 4);
    expect_consistent(inv);
  }
}

TEST(Inventory, SubstitutionNeverGivesAnIncompatibleUnit) {
  kernel::RandomStream random(31, 1);
  for (const Product product : kProducts) {
    for (std::size_t pg = 0; pg < kGroupCount; ++pg) {
      const BloodGroup patient = group_at(pg);
      for (int trial = 0; trial < 40; ++trial) {
        Inventory inv;
        GroupCounts stock{};
        for (std::size_t g = 0; g < kGroupCount; ++g) {
          if (random.below(4) == 0) continue;  // some groups out of stock
          for (int b = 0; b < 3; ++b) {
            const auto units = static_cast<std::int64_t>(random.below(6));
            const auto made = static_cast<DayNumber>(random.below(10));
            inv.add(product, group_at(g), {made, made + 20, units});
            stock[g] += units;
          }
        }
        const auto demand = static_cast<std::int64_t>(random.below(40));
        const auto policy = random.below(2) == 0 ? IssuePolicy::Fifo : IssuePolicy::Lifo;
        const IssueOutcome out = inv.issue(product, patient, demand, policy, true, 12);

        std::int64_t available = 0;
        for (std::size_t g = 0; g < kGroupCount; ++g) {
          const bool ok = compatible(product, group_at(g), patient);
          available += ok ? stock[g] : 0;
          if (!ok) {
            EXPECT_EQ(out.issued_by_unit_group[g], 0) << kGroupLabels[g] << " -> " << kGroupLabels[pg];
          }
          EXPECT_EQ(inv.on_hand(product, group_at(g)), stock[g] - out.issued_by_unit_group[g]);
        }
        EXPECT_EQ(out.issued, std::min(demand, available));
        EXPECT_EQ(sum(out.issued_by_unit_group), out.issued);
        EXPECT_EQ(out.substituted_by_unit_group[pg], 0);
        EXPECT_EQ(sum(out.substituted_by_unit_group), out.issued - out.issued_by_unit_group[pg]);
        // Preference order: a group is touched only when all before it are used up.
        bool short_before = false;
        for (const BloodGroup g : issue_preference(product, patient)) {
          if (short_before) {
            EXPECT_EQ(out.issued_by_unit_group[index(g)], 0);
          }
          if (inv.on_hand(product, g) > 0) short_before = true;
        }
      }
    }
  }
}

TEST(Inventory, WithoutSubstitutionOnlyTheExactGroupIsIssued) {
  Inventory inv;
  inv.add(Product::RedCells, BloodGroup::ONeg, {0, 30, 10});
  inv.add(Product::RedCells, BloodGroup::APos, {0, 30, 2});
  const IssueOutcome out = inv.issue(Product::RedCells, BloodGroup::APos, 5, IssuePolicy::Fifo, false, 3);
  EXPECT_EQ(out.issued, 2);
  EXPECT_EQ(inv.on_hand(Product::RedCells, BloodGroup::ONeg), 10);
}

TEST(Inventory, TakeForShipmentRespectsUsableUntil) {
  Inventory inv;
  const auto p = Product::RedCells;
  const auto g = BloodGroup::BPos;
  inv.add(p, g, {0, 3, 4});
  inv.add(p, g, {1, 5, 4});
  inv.add(p, g, {2, 8, 4});
  inv.add(p, g, {3, 12, 4});
  const std::vector<Batch> shipped = inv.take_for_shipment(p, g, 6, 6);
  ASSERT_EQ(shipped.size(), 2u);
  EXPECT_EQ(shipped[0].expires, 8);
  EXPECT_EQ(shipped[0].units, 4);
  EXPECT_EQ(shipped[1].expires, 12);
  EXPECT_EQ(shipped[1].made, 3);
  EXPECT_EQ(shipped[1].units, 2);
  const auto& left = inv.batches(p, g);
  ASSERT_EQ(left.size(), 3u);
  EXPECT_EQ(left[0].expires, 3);
  EXPECT_EQ(left[1].expires, 5);
  EXPECT_EQ(left[2].expires, 12);
  EXPECT_EQ(left[2].units, 2);
  EXPECT_EQ(inv.on_hand(p, g), 10);
  // Nothing usable that late: nothing taken.
  EXPECT_TRUE(inv.take_for_shipment(p, g, 5, 13).empty());
  // usable_until equal to an expiry day is still fine.
  const auto last = inv.take_for_shipment(p, g, 100, 12);
  ASSERT_EQ(last.size(), 1u);
  EXPECT_EQ(last[0].units, 2);
  EXPECT_EQ(inv.on_hand(p, g), 8);
  expect_consistent(inv);
}

TEST(Inventory, UnitsAreConservedOverARandomSequence) {
  kernel::RandomStream random(32, 1);
  Inventory inv;
  std::int64_t added = 0, issued = 0, removed = 0, shipped = 0;
  DayNumber today = 100;
  for (int step = 0; step < 20'000; ++step) {
    const Product p = kProducts[random.below(3)];
    const BloodGroup g = group_at(random.below(kGroupCount));
    switch (random.below(5)) {
      case 0:
      case 1: {
        // Mostly fresh units, sometimes older ones arriving late (out of order).
        const auto made = today - static_cast<DayNumber>(random.below(3) == 0 ? random.below(20) : 0);
        const auto units = static_cast<std::int64_t>(random.below(30));
        inv.add(p, g, {made, made + 5 + static_cast<DayNumber>(random.below(40)), units});
        added += units;
        break;
      }
      case 2: {
        const std::int64_t expired_before = units_expiring_before(inv, p, today);
        const auto policy = random.below(2) == 0 ? IssuePolicy::Fifo : IssuePolicy::Lifo;
        const IssueOutcome out =
            inv.issue(p, g, static_cast<std::int64_t>(random.below(40)), policy, random.below(2) == 0, today);
        ASSERT_EQ(units_expiring_before(inv, p, today), expired_before);  // none of them issued
        ASSERT_EQ(sum(out.issued_by_unit_group), out.issued);
        ASSERT_GE(out.age_days_sum, 0);
        issued += out.issued;
        break;
      }
      case 3:
        removed += sum(inv.remove_expired(p, today));
        ASSERT_EQ(units_expiring_before(inv, p, today), 0);
        break;
      default: {
        const DayNumber usable_until = today + static_cast<DayNumber>(random.below(10));
        for (const Batch& b : inv.take_for_shipment(p, g, static_cast<std::int64_t>(random.below(25)), usable_until)) {
          ASSERT_GE(b.expires, usable_until);
          ASSERT_GT(b.units, 0);
          shipped += b.units;
        }
        break;
      }
    }
    if (random.below(50) == 0) ++today;
    if (step % 50 == 0) expect_consistent(inv);
    // has_expired may say yes when nothing is due (a lower bound), never no
    // when something is: outdating skips the sites and products it says no for.
    for (const Product q : kProducts) {
      if (units_expiring_before(inv, q, today) > 0) {
        ASSERT_TRUE(inv.has_expired(q, today)) << "step " << step;
        ASSERT_TRUE(inv.has_expired(today)) << "step " << step;
      }
    }
    std::int64_t on_hand = 0;
    for (const Product q : kProducts) on_hand += inv.on_hand(q);
    ASSERT_EQ(added, on_hand + issued + removed + shipped) << "step " << step;
  }
  expect_consistent(inv);
  EXPECT_GT(issued, 0);
  EXPECT_GT(removed, 0);
  EXPECT_GT(shipped, 0);
}

}  // namespace
}  // namespace giotmau::blood
