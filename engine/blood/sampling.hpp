#pragma once
// Random variates the model needs, drawn from a kernel random stream. All are
// exact samplers (no normal approximations), so small and large means alike
// have the right distribution.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "kernel/random.hpp"

namespace giotmau::blood {

using kernel::RandomStream;

double standard_normal(RandomStream& random);
// Gamma(shape, scale), mean shape*scale; shape > 0 (Marsaglia–Tsang).
double gamma(double shape, double scale, RandomStream& random);
// Poisson(mean), mean >= 0 (inversion for small means, PTRS for large ones).
std::int64_t poisson(double mean, RandomStream& random);
// Binomial(n, p), n >= 0, 0 <= p <= 1 (inversion for small n*p, BTRD otherwise).
std::int64_t binomial(std::int64_t n, double p, RandomStream& random);
// Hypergeometric: successes among `draws` items taken without replacement from
// `population` items of which `successes` are successes (all >= 0, successes and
// draws <= population). Sequential draws, O(min(draws, population - draws)):
// exact, and cheap for the hundreds of draws a session needs.
std::int64_t hypergeometric(std::int64_t population, std::int64_t successes, std::int64_t draws,
                            RandomStream& random);
// Negative binomial with the given mean and dispersion k (variance = mean + mean^2/k),
// as a gamma–Poisson mixture; k = +inf or k <= 0 gives Poisson.
std::int64_t negative_binomial(double mean, double dispersion, RandomStream& random);
// Splits n among the categories with the given weights (need not sum to 1;
// all >= 0, sum > 0; at most MultinomialTable's 16 categories).
void multinomial(std::int64_t n, std::span<const double> weights, std::span<std::int64_t> counts,
                 RandomStream& random);

// poisson() for a mean drawn from many times (a hospital's daily demand, the
// same mean day after day): the set-up poisson() does per call (PTRS's
// constants and logarithms, or exp(-mean)) done once. The same draws, bit for
// bit, and the same random words.
class PoissonSampler {
 public:
  explicit PoissonSampler(double mean = 0) noexcept;
  double mean() const noexcept { return mean_; }
  std::int64_t operator()(RandomStream& random);

 private:
  std::int64_t ptrs(RandomStream& random);
  double mean_ = 0;
  double p0_ = 1;  // inversion (mean < 10): exp(-mean)
  double b_ = 0, a_ = 0, v_r_ = 0;  // PTRS (mean >= 10)
  // PTRS's slower test's logarithms, taken when it first runs (most draws
  // never need them, so a sampler used once does not pay for them).
  double log_mean_ = 0, log_inv_alpha_ = 0;
  bool logs_taken_ = false;
};

// multinomial() over fixed weights (the patients' group shares), with the
// conditional probabilities of its successive binomials computed once, for
// weights split many times (multinomial() builds one per call). A split with
// one weighted category draws nothing.
class MultinomialTable {
 public:
  explicit MultinomialTable(std::span<const double> weights);
  std::size_t size() const noexcept { return size_; }
  // counts.size() == size(); n >= 0.
  void operator()(std::int64_t n, std::span<std::int64_t> counts, RandomStream& random) const;

 private:
  static constexpr std::size_t kMaxCategories = 16;
  std::size_t size_ = 0;
  std::size_t last_ = 0;       // the category that takes what is left; size_ if none has weight
  std::size_t step_count_ = 0;
  std::array<double, kMaxCategories> probabilities_{};  // weighted categories before the last
  std::array<std::size_t, kMaxCategories> indices_{};   // their indices
};
// Index drawn with probability proportional to weights.
std::size_t categorical(std::span<const double> weights, RandomStream& random);

// categorical() with the running sums computed once, for weights drawn from
// many times (a pool's million donors): the same draws, bit for bit.
class CategoricalTable {
 public:
  explicit CategoricalTable(std::span<const double> weights);
  std::size_t operator()(RandomStream& random) const noexcept { return at(random.uniform()); }
  // The category of a uniform u in [0, 1) already drawn.
  std::size_t at(double u) const noexcept {
    const double target = u * total_;
    for (std::size_t i = 0; i < bound_count_; ++i) {
      if (target < bounds_[i]) return indices_[i];
    }
    return last_;
  }

 private:
  static constexpr std::size_t kMaxCategories = 16;
  double total_ = 0.0;
  std::size_t last_ = 0;
  std::size_t bound_count_ = 0;
  std::array<double, kMaxCategories> bounds_{};        // running sums, categories before the last
  std::array<std::size_t, kMaxCategories> indices_{};  // their indices
};

}  // namespace giotmau::blood
