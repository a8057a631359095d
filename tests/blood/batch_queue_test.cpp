#include "blood/batch_queue.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <vector>

#include "kernel/random.hpp"

namespace giotmau::blood {

// Found by argument-dependent lookup from gtest and std::equal.
bool operator==(const Batch& a, const Batch& b) { return a.made == b.made && a.expires == b.expires && a.units == b.units; }

namespace {

std::vector<Batch> contents(const BatchQueue& q) { return {q.begin(), q.end()}; }
std::vector<Batch> contents(const std::deque<Batch>& d) { return {d.begin(), d.end()}; }

TEST(BatchQueue, FrontAndBackBehaveAsAQueue) {
  BatchQueue q;
  EXPECT_TRUE(q.empty());
  for (DayNumber d = 1; d <= 5; ++d) q.push_back(Batch{d, d + 10, d});
  EXPECT_EQ(q.size(), 5u);
  q.pop_front();
  q.pop_front();
  EXPECT_EQ(q.front().made, 3);
  EXPECT_EQ(q.back().made, 5);
  EXPECT_EQ(q[1].made, 4);
  q.pop_back();
  EXPECT_EQ(q.size(), 2u);
  q.pop_front();
  q.pop_front();
  EXPECT_TRUE(q.empty());
  q.push_back(Batch{9, 19, 1});
  EXPECT_EQ(q.front().made, 9);
  EXPECT_EQ(q.size(), 1u);
}

TEST(BatchQueue, FirstUsableIsTheFirstBatchExpiringOnOrAfterTheDay) {
  BatchQueue q;
  for (DayNumber d = 1; d <= 30; ++d) q.push_back(Batch{d, 2 * d, 1});  // expiries 2, 4, ..., 60
  for (DayNumber day = 0; day <= 62; ++day) {
    const auto first = q.first_usable(day);
    const auto expected = std::find_if(q.begin(), q.end(), [day](const Batch& b) { return b.expires >= day; });
    ASSERT_EQ(first, expected) << "day " << day;
  }
  BatchQueue empty;
  EXPECT_EQ(empty.first_usable(5), empty.end());
}

TEST(BatchQueue, TakeForwardLeavesAPartlyUsedBatch) {
  BatchQueue q;
  for (DayNumber d = 1; d <= 4; ++d) q.push_back(Batch{d, d + 2, 5});
  std::vector<Batch> taken;
  auto take = [&taken](const Batch& b, std::int64_t n) { taken.push_back(Batch{b.made, b.expires, n}); };
  // From the second batch (expiring on day 4 or later): 5 from it, 2 from the third.
  EXPECT_EQ(q.take_forward(q.first_usable(4), 7, take), 7);
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0], (Batch{2, 4, 5}));
  EXPECT_EQ(taken[1], (Batch{3, 5, 2}));
  EXPECT_EQ(contents(q), (std::vector<Batch>{{1, 3, 5}, {3, 5, 3}, {4, 6, 5}}));
  // More than there is, from the front: everything goes.
  EXPECT_EQ(q.take_forward(q.begin(), 100, take), 13);
  EXPECT_TRUE(q.empty());
}

// Random operations applied to a BatchQueue and to the std::deque it replaced
// leave the same batches in the same order, through many compactions.
TEST(BatchQueue, MatchesADequeUnderRandomUse) {
  kernel::RandomStream random(11, 7);
  BatchQueue q;
  std::deque<Batch> d;
  auto below = [&random](std::size_t n) { return static_cast<std::size_t>(random.below(static_cast<std::uint32_t>(n))); };
  DayNumber day = 0;
  for (int step = 0; step < 20000; ++step) {
    const auto op = below(6);
    if (op <= 1) {  // a new batch at the back
      ++day;
      const Batch b{day, day + static_cast<DayNumber>(below(40)), 1 + static_cast<std::int64_t>(below(9))};
      q.push_back(b);
      d.push_back(b);
    } else if (op == 2 && !d.empty()) {
      q.pop_front();
      d.pop_front();
    } else if (op == 3 && !d.empty()) {
      q.pop_back();
      d.pop_back();
    } else if (op == 4) {  // insert in the middle
      const std::size_t at = d.empty() ? 0 : below(d.size() + 1);
      const Batch b{-step, -step, 1};
      q.insert(q.begin() + at, b);
      d.insert(d.begin() + static_cast<std::ptrdiff_t>(at), b);
    } else if (op == 5 && !d.empty()) {  // erase a range, often a prefix
      const std::size_t first = below(2) == 0 ? 0 : below(d.size());
      const std::size_t last = first + below(d.size() - first + 1);
      q.erase(q.begin() + first, q.begin() + last);
      d.erase(d.begin() + static_cast<std::ptrdiff_t>(first), d.begin() + static_cast<std::ptrdiff_t>(last));
    }
    ASSERT_EQ(q.size(), d.size());
    if (step % 97 == 0) {
      ASSERT_EQ(contents(q), contents(d));
    }
  }
  EXPECT_EQ(contents(q), contents(d));
}

}  // namespace
}  // namespace giotmau::blood
