#include <gtest/gtest.h>

#include <cmath>

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
