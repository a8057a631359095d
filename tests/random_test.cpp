#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "kernel/random.hpp"

namespace giotmau::kernel {
namespace {

TEST(RandomStream, IsAPureFunctionOfSeedStreamAndPosition) {
  RandomStream a(5, 9), b(5, 9), other_stream(5, 10), other_seed(6, 9);
  int same_as_other_stream = 0, same_as_other_seed = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto x = a.next_u32();
    EXPECT_EQ(x, b.next_u32());
    same_as_other_stream += x == other_stream.next_u32();
    same_as_other_seed += x == other_seed.next_u32();
  }
  EXPECT_LT(same_as_other_stream, 3);
  EXPECT_LT(same_as_other_seed, 3);
  EXPECT_EQ(a.draws(), 1000u);
}

// The bulk path computes blocks eight at a time with its own copy of
// Philox4x32-10: it must give Random123's values, from any starting position
// and for any length, and leave the stream where as many next_u32() would.
TEST(RandomStream, BulkDrawsAreTheSameAsOneAtATime) {
  for (const std::uint64_t seed : {std::uint64_t{0}, std::uint64_t{7}, ~std::uint64_t{0} - 3}) {
    for (std::size_t skip = 0; skip < 6; ++skip) {
      for (const std::size_t length : {0, 1, 3, 4, 5, 31, 32, 33, 100, 257}) {
        RandomStream one(seed, 0x123456789ULL), bulk(seed, 0x123456789ULL);
        for (std::size_t i = 0; i < skip; ++i) {
          one.next_u32();
          bulk.next_u32();
        }
        std::vector<std::uint32_t> words(length);
        bulk.next_u32s(words);
        for (std::size_t i = 0; i < length; ++i) ASSERT_EQ(words[i], one.next_u32()) << seed << " " << skip << " " << i;
        EXPECT_EQ(bulk.draws(), one.draws());
        EXPECT_EQ(bulk.next_u32(), one.next_u32());
        EXPECT_EQ(RandomStream::uniform_of(words.size() > 1 ? words[0] : 1, words.size() > 1 ? words[1] : 2),
                  [&] {
                    RandomStream again(seed, 0x123456789ULL);
                    for (std::size_t i = 0; i < skip; ++i) again.next_u32();
                    return words.size() > 1 ? again.uniform() : RandomStream::uniform_of(1, 2);
                  }());
      }
    }
  }
}

TEST(RandomStream, UniformAndExponentialHaveTheRightMoments) {
  RandomStream r(1, 2);
  constexpr int n = 200'000;
  double sum_u = 0, sum_e = 0, sum_below = 0;
  for (int i = 0; i < n; ++i) {
    const double u = r.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum_u += u;
    sum_e += r.exponential(3.0);
    sum_below += r.below(10);
  }
  EXPECT_NEAR(sum_u / n, 0.5, 0.005);
  EXPECT_NEAR(sum_e / n, 3.0, 0.03);
  EXPECT_NEAR(sum_below / n, 4.5, 0.03);
}

}  // namespace
}  // namespace giotmau::kernel
