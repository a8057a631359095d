// Student-t quantiles against printed tables, and intervals that cover what
// they should.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "experiments/statistics.hpp"
#include "kernel/random.hpp"

namespace giotmau::experiments {
namespace {

struct TableValue {
  double p;
  double df;
  double t;
};

// Two-sided 90/95/99% critical values, e.g. any statistics textbook's table
// (values to 6 decimals).
constexpr TableValue kTable[] = {
    {0.975, 1, 12.706205}, {0.975, 2, 4.302653},  {0.975, 3, 3.182446},  {0.975, 4, 2.776445},
    {0.975, 5, 2.570582},  {0.975, 9, 2.262157},  {0.975, 10, 2.228139}, {0.975, 15, 2.131450},
    {0.975, 19, 2.093024}, {0.975, 29, 2.045230}, {0.975, 30, 2.042272}, {0.975, 60, 2.000298},
    {0.975, 99, 1.984217}, {0.975, 120, 1.979930}, {0.95, 1, 6.313752}, {0.95, 5, 2.015048},
    {0.95, 10, 1.812461},  {0.95, 30, 1.697261},  {0.995, 1, 63.656741}, {0.995, 5, 4.032143},
    {0.995, 10, 3.169273}, {0.995, 30, 2.749996},
};

TEST(Statistics, TQuantilesMatchTheTable) {
  for (const TableValue& v : kTable) {
    EXPECT_NEAR(student_t_quantile(v.p, v.df), v.t, 1e-5) << "p " << v.p << " df " << v.df;
    EXPECT_NEAR(student_t_quantile(1 - v.p, v.df), -v.t, 1e-5) << "lower tail, df " << v.df;
  }
}

TEST(Statistics, TQuantilesApproachTheNormalOnes) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963985, 1e-8);
  EXPECT_NEAR(normal_quantile(0.995), 2.575829304, 1e-8);
  EXPECT_NEAR(normal_quantile(0.1), -1.281551566, 1e-8);
  EXPECT_NEAR(student_t_quantile(0.975, 1e7), 1.959963985, 1e-6);
  EXPECT_DOUBLE_EQ(student_t_quantile(0.5, 7), 0.0);
}

TEST(Statistics, TQuantileInvertsTheDistributionFunction) {
  for (double df : {1.0, 1.5, 2.0, 3.0, 7.0, 25.0, 500.0}) {
    for (double p : {1e-6, 0.01, 0.2, 0.6, 0.9, 0.999, 1 - 1e-7}) {
      const double t = student_t_quantile(p, df);
      EXPECT_NEAR(student_t_cdf(t, df), p, 1e-10 * std::max(1.0, p / (1 - p))) << "df " << df << " p " << p;
    }
  }
  // The Cauchy distribution (df 1) in closed form.
  EXPECT_NEAR(student_t_cdf(1.0, 1), 0.75, 1e-12);
  EXPECT_NEAR(student_t_quantile(0.9, 1), std::tan(std::numbers::pi * 0.4), 1e-9);
}

TEST(Statistics, RejectsImpossibleArguments) {
  EXPECT_THROW(student_t_quantile(0, 3), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(1, 3), std::invalid_argument);
  EXPECT_THROW(student_t_quantile(0.9, 0), std::invalid_argument);
  EXPECT_THROW(normal_quantile(1.5), std::invalid_argument);
}

TEST(Statistics, EstimateOfFiveValues) {
  const std::vector<double> v{1, 2, 3, 4, 5};
  const Estimate e = estimate(v);
  EXPECT_EQ(e.n, 5u);
  EXPECT_DOUBLE_EQ(e.mean, 3.0);
  EXPECT_NEAR(e.stddev, std::sqrt(2.5), 1e-12);
  EXPECT_NEAR(e.half_width, 2.776445105 * std::sqrt(2.5) / std::sqrt(5.0), 1e-8);
  EXPECT_FALSE(estimate(std::vector<double>{4.0}).has_interval());
  EXPECT_TRUE(std::isnan(estimate(std::vector<double>{4.0}).half_width));
  const Estimate zero = estimate(std::vector<double>{0, 0, 0});
  EXPECT_EQ(zero.half_width, 0.0);
  EXPECT_FALSE(zero.excludes_zero());
}

double standard_normal(kernel::RandomStream& rng) {
  return std::sqrt(-2 * std::log(rng.uniform_pos())) * std::cos(2 * std::numbers::pi * rng.uniform());
}

// The known case: samples of 5 from N(10, 3^2). A 95% t interval must cover
// 10 in 95% of samples; a normal (z) interval would cover it in only ~88%.
TEST(Statistics, ConfidenceIntervalCoversTheTrueMean) {
  constexpr int kTrials = 4000;
  kernel::RandomStream rng(42, 1);
  int covered = 0;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<double> sample(5);
    for (double& x : sample) x = 10 + 3 * standard_normal(rng);
    const Estimate e = estimate(sample);
    covered += e.low() <= 10 && 10 <= e.high();
  }
  const double coverage = static_cast<double>(covered) / kTrials;
  EXPECT_NEAR(coverage, 0.95, 0.014);  // four binomial standard deviations
}

TEST(Statistics, WelchDifferenceOfIndependentSamples) {
  const std::vector<double> a{1, 2, 3, 4, 5};
  const std::vector<double> b{3, 5, 7, 9, 11};
  const Estimate d = welch_difference(a, b);
  EXPECT_DOUBLE_EQ(d.mean, 4.0);
  // se^2 = 2.5/5 + 10/5 = 2.5; df = 2.5^2 / (0.5^2/4 + 2^2/4) = 6.25 / 1.0625
  const double df = 6.25 / 1.0625;
  EXPECT_NEAR(d.half_width, student_t_quantile(0.975, df) * std::sqrt(2.5), 1e-10);
  EXPECT_TRUE(d.excludes_zero());
}

}  // namespace
}  // namespace giotmau::experiments
