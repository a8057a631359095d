#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <vector>

#include "blood/sampling.hpp"

namespace giotmau::blood {
namespace {

constexpr int kDraws = 200'000;
// Tolerance in standard errors; with fixed seeds the tests are deterministic,
// and 6 SE keeps them far from the edge for any reasonable stream.
constexpr double kZ = 6.0;

struct Summary {
  double mean = 0;
  double variance = 0;  // unbiased
  double m4 = 0;        // fourth central moment
  double n = 0;
};

Summary summarize(const std::vector<double>& xs) {
  Summary s;
  s.n = static_cast<double>(xs.size());
  for (const double x : xs) s.mean += x;
  s.mean /= s.n;
  double m2 = 0, m4 = 0;
  for (const double x : xs) {
    const double d = (x - s.mean) * (x - s.mean);
    m2 += d;
    m4 += d * d;
  }
  s.variance = m2 / (s.n - 1);
  s.m4 = m4 / s.n;
  return s;
}

// Checks the sample mean and variance against the expected ones, each within
// kZ standard errors (the variance's from the sample fourth moment).
void expect_moments(const std::vector<double>& xs, double mean, double variance, const std::string& what) {
  const Summary s = summarize(xs);
  const double se_mean = std::sqrt(variance / s.n);
  const double se_var = std::sqrt(std::max(s.m4 - s.variance * s.variance, 0.0) / s.n);
  EXPECT_NEAR(s.mean, mean, kZ * se_mean + 1e-12) << what << ": mean";
  EXPECT_NEAR(s.variance, variance, kZ * se_var + 1e-12) << what << ": variance";
}

template <typename Draw>
std::vector<double> draw_many(int count, Draw&& draw) {
  std::vector<double> xs(static_cast<std::size_t>(count));
  for (double& x : xs) x = static_cast<double>(draw());
  return xs;
}

// Pearson's chi-square of integer samples against a pmf, bins of expected
// count >= 5 around the mode with the tails pooled into the end bins; fails
// if the statistic exceeds df + 6 sqrt(2 df).
void expect_fits(const std::vector<double>& xs, const std::function<double(std::int64_t)>& pmf, std::int64_t mode,
                 std::int64_t max_k, const std::string& what) {
  const double n = static_cast<double>(xs.size());
  std::int64_t lo = mode, hi = mode;
  while (lo > 0 && n * pmf(lo - 1) >= 5) --lo;
  while (hi < max_k && n * pmf(hi + 1) >= 5) ++hi;
  ASSERT_GT(hi, lo) << what;
  std::vector<double> expected(static_cast<std::size_t>(hi - lo + 1));
  double below = 0;
  for (std::int64_t k = 0; k <= lo; ++k) below += pmf(k);
  expected.front() = below;
  double inner = 0;
  for (std::int64_t k = lo + 1; k < hi; ++k) inner += expected[static_cast<std::size_t>(k - lo)] = pmf(k);
  expected.back() = std::max(0.0, 1 - below - inner);
  std::vector<double> observed(expected.size(), 0.0);
  for (const double x : xs) {
    const auto k = std::clamp(static_cast<std::int64_t>(x), lo, hi);
    observed[static_cast<std::size_t>(k - lo)] += 1;
  }
  double chi2 = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const double e = expected[i] * n;
    chi2 += (observed[i] - e) * (observed[i] - e) / e;
  }
  const double df = static_cast<double>(expected.size() - 1);
  EXPECT_LT(chi2, df + 6 * std::sqrt(2 * df)) << what << " (" << expected.size() << " bins)";
}

double poisson_pmf(double mean, std::int64_t k) {
  const double kd = static_cast<double>(k);
  return std::exp(kd * std::log(mean) - mean - std::lgamma(kd + 1));
}

double binomial_pmf(std::int64_t n, double p, std::int64_t k) {
  const double nd = static_cast<double>(n), kd = static_cast<double>(k);
  return std::exp(std::lgamma(nd + 1) - std::lgamma(kd + 1) - std::lgamma(nd - kd + 1) + kd * std::log(p) +
                  (nd - kd) * std::log1p(-p));
}

TEST(Sampling, StandardNormalMoments) {
  RandomStream r(11, 1);
  const auto xs = draw_many(kDraws, [&] { return standard_normal(r); });
  expect_moments(xs, 0.0, 1.0, "normal");
  const auto within_one = std::count_if(xs.begin(), xs.end(), [](double x) { return std::abs(x) < 1; });
  EXPECT_NEAR(static_cast<double>(within_one) / kDraws, 0.682689492, kZ * std::sqrt(0.2166 / kDraws));
}

TEST(Sampling, PoissonMomentsAndShape) {
  std::uint64_t stream = 0;
  for (const double mean : {0.5, 3.0, 9.9, 10.0, 50.0, 5000.0}) {
    RandomStream r(12, ++stream);
    const auto xs = draw_many(kDraws, [&] { return poisson(mean, r); });
    const std::string what = "poisson(" + std::to_string(mean) + ")";
    ASSERT_GE(*std::min_element(xs.begin(), xs.end()), 0.0) << what;
    expect_moments(xs, mean, mean, what);
    expect_fits(xs, [mean](std::int64_t k) { return poisson_pmf(mean, k); }, static_cast<std::int64_t>(mean),
                std::numeric_limits<std::int64_t>::max(), what);
  }
}

TEST(Sampling, BinomialMomentsAndShape) {
  struct Case {
    std::int64_t n;
    double p;
  };
  // Inversion and BTRD on both sides of n*p = 10, and the p > 1/2 mirror.
  const std::array<Case, 11> cases = {{{20, 0.3},
                                       {1000, 0.005},
                                       {1'000'000'000, 2e-9},
                                       {25, 0.4},
                                       {100, 0.5},
                                       {1000, 0.3},
                                       {200'000, 0.45},
                                       {15, 0.7},
                                       {50, 0.99},
                                       {1'000'000, 0.999},
                                       {3, 0.5}}};
  std::uint64_t stream = 0;
  for (const Case& c : cases) {
    const auto n = c.n;  // copies, not structured bindings: clang 14 (the asan build) cannot capture those
    const auto p = c.p;
    RandomStream r(13, ++stream);
    const auto xs = draw_many(kDraws, [&] { return binomial(n, p, r); });
    const std::string what = "binomial(" + std::to_string(n) + ", " + std::to_string(p) + ")";
    ASSERT_GE(*std::min_element(xs.begin(), xs.end()), 0.0) << what;
    ASSERT_LE(*std::max_element(xs.begin(), xs.end()), static_cast<double>(n)) << what;
    const double nd = static_cast<double>(n);
    expect_moments(xs, nd * p, nd * p * (1 - p), what);
    expect_fits(xs, [n, p](std::int64_t k) { return k > n ? 0.0 : binomial_pmf(n, p, k); },
                static_cast<std::int64_t>(static_cast<double>(n + 1) * p), n, what);
  }
}

double hypergeometric_pmf(std::int64_t population, std::int64_t successes, std::int64_t draws, std::int64_t k) {
  if (k < std::max<std::int64_t>(0, draws - (population - successes)) || k > std::min(draws, successes)) return 0.0;
  const auto log_choose = [](std::int64_t n, std::int64_t r) {
    return std::lgamma(static_cast<double>(n) + 1) - std::lgamma(static_cast<double>(r) + 1) -
           std::lgamma(static_cast<double>(n - r) + 1);
  };
  return std::exp(log_choose(successes, k) + log_choose(population - successes, draws - k) -
                  log_choose(population, draws));
}

TEST(Sampling, HypergeometricMomentsAndShape) {
  struct Case {
    std::int64_t population, successes, draws;
  };
  // Few and many draws (the left-out side is walked), rare and common successes.
  const std::array<Case, 6> cases = {{{50, 10, 12}, {2'500, 500, 640}, {2'500, 500, 2'400},
                                      {1'000, 990, 300}, {400, 3, 350}, {1'000, 500, 500}}};
  std::uint64_t stream = 100;
  for (const Case& c : cases) {
    // Named copies, not a structured binding: clang 14 (the sanitizer build) cannot capture one.
    const std::int64_t population = c.population, successes = c.successes, draws = c.draws;
    RandomStream r(17, ++stream);
    const auto xs = draw_many(kDraws / 10, [&] { return hypergeometric(population, successes, draws, r); });
    const std::string what = "hypergeometric(" + std::to_string(population) + ", " + std::to_string(successes) +
                             ", " + std::to_string(draws) + ")";
    const double N = static_cast<double>(population), K = static_cast<double>(successes),
                 n = static_cast<double>(draws);
    const double mean = n * K / N;
    expect_moments(xs, mean, n * (K / N) * (1 - K / N) * (N - n) / (N - 1), what);
    expect_fits(xs, [=](std::int64_t k) { return hypergeometric_pmf(population, successes, draws, k); },
                static_cast<std::int64_t>((n + 1) * (K + 1) / (N + 2)), std::min(draws, successes), what);
  }
  RandomStream r(17, 1);
  EXPECT_EQ(hypergeometric(100, 0, 50, r), 0);
  EXPECT_EQ(hypergeometric(100, 100, 50, r), 50);
  EXPECT_EQ(hypergeometric(100, 30, 100, r), 30);
  EXPECT_EQ(hypergeometric(100, 30, 0, r), 0);
}

TEST(Sampling, NegativeBinomialHasVarianceMeanPlusMeanSquaredOverK) {
  struct Case {
    double mean, k;
  };
  const std::array<Case, 4> cases = {{{5, 2}, {100, 0.5}, {2, 50}, {40, 8}}};
  std::uint64_t stream = 0;
  for (const Case& c : cases) {
    const double mean = c.mean;
    const double k = c.k;
    RandomStream r(14, ++stream);
    const auto xs = draw_many(kDraws, [&] { return negative_binomial(mean, k, r); });
    const std::string what = "negbin(" + std::to_string(mean) + ", " + std::to_string(k) + ")";
    expect_moments(xs, mean, mean + mean * mean / k, what);
    // NB pmf: C(k+x-1, x) (k/(k+m))^k (m/(k+m))^x.
    const auto pmf = [mean, k](std::int64_t x) {
      const double xd = static_cast<double>(x);
      return std::exp(std::lgamma(k + xd) - std::lgamma(k) - std::lgamma(xd + 1) + k * std::log(k / (k + mean)) +
                      xd * std::log(mean / (k + mean)));
    };
    const auto mode = static_cast<std::int64_t>(k > 1 ? std::floor(mean * (k - 1) / k) : 0);
    expect_fits(xs, pmf, mode, std::numeric_limits<std::int64_t>::max(), what);
  }
}

TEST(Sampling, NegativeBinomialWithoutDispersionIsPoisson) {
  for (const double k : {0.0, -1.0, std::numeric_limits<double>::infinity()}) {
    RandomStream r(15, 1);
    const auto xs = draw_many(kDraws, [&] { return negative_binomial(7.0, k, r); });
    expect_moments(xs, 7.0, 7.0, "negbin(7, " + std::to_string(k) + ")");
  }
}

TEST(Sampling, GammaMoments) {
  std::uint64_t stream = 0;
  for (const double shape : {0.5, 1.0, 7.5}) {
    RandomStream r(16, ++stream);
    const double scale = 2.0;
    const auto xs = draw_many(kDraws, [&] { return gamma(shape, scale, r); });
    ASSERT_GE(*std::min_element(xs.begin(), xs.end()), 0.0);
    expect_moments(xs, shape * scale, shape * scale * scale, "gamma(" + std::to_string(shape) + ")");
    // Exponential for shape 1: P(X > scale) = e^-1.
    if (shape == 1.0) {
      const auto above = std::count_if(xs.begin(), xs.end(), [&](double x) { return x > scale; });
      const double q = std::exp(-1.0);
      EXPECT_NEAR(static_cast<double>(above) / kDraws, q, kZ * std::sqrt(q * (1 - q) / kDraws));
    }
  }
  RandomStream r(16, 99);
  const auto tiny = draw_many(kDraws, [&] { return gamma(0.05, 1.0, r); });
  EXPECT_NEAR(summarize(tiny).mean, 0.05, kZ * std::sqrt(0.05 / kDraws));
}

TEST(Sampling, MultinomialSumsToNWithTheRightShares) {
  const std::array<double, 6> weights = {1.0, 2.0, 0.0, 3.0, 4.0, 0.0};
  constexpr double kTotal = 10.0;
  constexpr std::int64_t n = 1000;
  constexpr int kRounds = 20'000;
  RandomStream r(17, 1);
  std::array<std::vector<double>, 6> per_category;
  std::array<std::int64_t, 6> counts{};
  for (int round = 0; round < kRounds; ++round) {
    multinomial(n, weights, counts, r);
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
      ASSERT_GE(counts[i], 0);
      sum += counts[i];
      per_category[i].push_back(static_cast<double>(counts[i]));
    }
    ASSERT_EQ(sum, n);
    ASSERT_EQ(counts[2], 0);
    ASSERT_EQ(counts[5], 0);
  }
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double p = weights[i] / kTotal;
    expect_moments(per_category[i], static_cast<double>(n) * p, static_cast<double>(n) * p * (1 - p),
                   "multinomial category " + std::to_string(i));
  }
}

TEST(Sampling, MultinomialEdgeCases) {
  RandomStream r(18, 1);
  std::array<std::int64_t, 3> counts{7, 7, 7};
  const std::array<double, 3> w = {0.2, 0.3, 0.5};
  multinomial(0, w, counts, r);
  EXPECT_EQ(counts, (std::array<std::int64_t, 3>{0, 0, 0}));
  const std::array<double, 3> only_middle = {0.0, 4.0, 0.0};
  multinomial(12345, only_middle, counts, r);
  EXPECT_EQ(counts, (std::array<std::int64_t, 3>{0, 12345, 0}));
  // Large n with tiny shares still sums exactly.
  const std::array<double, 3> skewed = {1e-9, 1.0, 1e-6};
  multinomial(1'000'000'000, skewed, counts, r);
  EXPECT_EQ(counts[0] + counts[1] + counts[2], 1'000'000'000);
}

TEST(Sampling, CategoricalFrequencies) {
  const std::array<double, 5> weights = {0.0, 1.0, 0.0, 3.0, 6.0};
  RandomStream r(19, 1);
  std::array<int, 5> hits{};
  for (int i = 0; i < kDraws; ++i) ++hits[categorical(weights, r)];
  EXPECT_EQ(hits[0], 0);
  EXPECT_EQ(hits[2], 0);
  for (const std::size_t i : {1u, 3u, 4u}) {
    const double p = weights[i] / 10.0;
    EXPECT_NEAR(static_cast<double>(hits[i]) / kDraws, p, kZ * std::sqrt(p * (1 - p) / kDraws)) << i;
  }
  const std::array<double, 1> single = {2.5};
  EXPECT_EQ(categorical(single, r), 0u);
}

TEST(Sampling, CategoricalTableDrawsWhatCategoricalDraws) {
  const std::array<double, 8> weights = {0.4158, 0.0042, 0.0, 0.2178, 0.297, 0.0003, 0.0594, 0.0};
  const CategoricalTable table(weights);
  RandomStream a(23, 1), b(23, 1);
  for (int i = 0; i < kDraws; ++i) ASSERT_EQ(table(a), categorical(weights, b)) << i;
  const std::array<double, 1> single = {2.5};
  EXPECT_EQ(CategoricalTable(single)(a), 0u);
}

// The draws of the samplers a hospital keeps from day to day, checked against
// the values poisson() and multinomial() gave before they existed (at commit
// 73e9e58, by the program in this test's history): a cached set-up must not
// change a single draw or the number of random words read. Three means in
// turn from one stream, 20,000 draws, as in a hospital whose mean changes.
struct GoldenPoisson {
  double mean;
  std::int64_t sum;
  std::uint64_t hash;
  std::uint64_t words;
};
constexpr std::array<GoldenPoisson, 7> kGoldenPoisson = {{
    {0.7, 21105, 14594412324111929963ULL, 40000},
    {3.5, 105188, 2155020999443420450ULL, 40000},
    {9.99, 299896, 17177421946760776836ULL, 80738},  // 9.99 by inversion, 14.985 and 19.98 by PTRS
    {10.0, 299622, 1259636265026008033ULL, 102912},
    {10.7, 320576, 15999287931290827195ULL, 101984},
    {37.25, 1118593, 7642561842069086327ULL, 95356},
    {250.0, 7501580, 14216186423660641615ULL, 91512},
}};

TEST(Sampling, PoissonSamplerDrawsWhatPoissonDrewBefore) {
  for (const GoldenPoisson& g : kGoldenPoisson) {
    const std::array<double, 3> means = {g.mean, g.mean * 1.5, g.mean * 2};
    std::array<PoissonSampler, 3> samplers = {PoissonSampler(means[0]), PoissonSampler(means[1]),
                                              PoissonSampler(means[2])};
    RandomStream cached(7, 11), fresh(7, 11);
    std::uint64_t hash_cached = 0, hash_fresh = 0;
    std::int64_t sum_cached = 0, sum_fresh = 0;
    for (int i = 0; i < 20000; ++i) {
      const std::int64_t k = samplers[static_cast<std::size_t>(i % 3)](cached);
      sum_cached += k;
      hash_cached = kernel::mix64(hash_cached, static_cast<std::uint64_t>(k));
      const std::int64_t f = poisson(means[static_cast<std::size_t>(i % 3)], fresh);
      sum_fresh += f;
      hash_fresh = kernel::mix64(hash_fresh, static_cast<std::uint64_t>(f));
    }
    EXPECT_EQ(sum_cached, g.sum) << g.mean;
    EXPECT_EQ(hash_cached, g.hash) << g.mean;
    EXPECT_EQ(cached.draws(), g.words) << g.mean;
    EXPECT_EQ(sum_fresh, g.sum) << g.mean;
    EXPECT_EQ(hash_fresh, g.hash) << g.mean;
    EXPECT_EQ(fresh.draws(), g.words) << g.mean;
  }
  RandomStream r(1, 1);
  PoissonSampler none(0.0);
  EXPECT_EQ(none(r), 0);
  EXPECT_EQ(r.draws(), 0u);
}

TEST(Sampling, MultinomialTableSplitsAsMultinomialDid) {
  struct Golden {
    std::vector<double> weights;
    std::uint64_t hash;
    std::uint64_t words;
  };
  const std::array<Golden, 3> golden = {{
      {{0, 0, 1, 0, 0, 0, 0, 0}, 8061163970591733763ULL, 0},  // one group: no draws
      {{0.38, 0.21, 0.27, 0.06, 0.03, 0.02, 0.02, 0.01}, 17384866869770557000ULL, 78314},
      {{0, 0.5, 0, 0.5}, 6180390913276458407ULL, 18214},
  }};
  for (const Golden& g : golden) {
    const MultinomialTable table(g.weights);
    RandomStream a(3, 5), b(3, 5);
    std::vector<std::int64_t> from_table(g.weights.size()), from_function(g.weights.size());
    std::uint64_t hash = 0;
    for (int i = 0; i < 5000; ++i) {
      table(i % 97, from_table, a);
      multinomial(i % 97, g.weights, from_function, b);
      ASSERT_EQ(from_table, from_function) << i;
      EXPECT_EQ(std::accumulate(from_table.begin(), from_table.end(), std::int64_t{0}), i % 97);
      for (const std::int64_t x : from_table) hash = kernel::mix64(hash, static_cast<std::uint64_t>(x));
    }
    EXPECT_EQ(hash, g.hash);
    EXPECT_EQ(a.draws(), g.words);
    EXPECT_EQ(b.draws(), g.words);
  }
}

TEST(Sampling, DegenerateParameters) {
  RandomStream r(20, 1);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(poisson(0.0, r), 0);
    EXPECT_EQ(poisson(-3.0, r), 0);
    EXPECT_EQ(binomial(0, 0.4, r), 0);
    EXPECT_EQ(binomial(-5, 0.4, r), 0);
    EXPECT_EQ(binomial(17, 0.0, r), 0);
    EXPECT_EQ(binomial(17, 1.0, r), 17);
    EXPECT_EQ(binomial(1'000'000, 1.0, r), 1'000'000);
    EXPECT_EQ(negative_binomial(0.0, 2.0, r), 0);
    const auto one = binomial(1, 0.5, r);
    EXPECT_TRUE(one == 0 || one == 1);
  }
}

TEST(Sampling, SameStreamSameDraws) {
  RandomStream a(21, 5), b(21, 5);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(poisson(30.0, a), poisson(30.0, b));
    EXPECT_EQ(binomial(500, 0.2, a), binomial(500, 0.2, b));
    EXPECT_EQ(gamma(2.5, 1.0, a), gamma(2.5, 1.0, b));
  }
}

}  // namespace
}  // namespace giotmau::blood
