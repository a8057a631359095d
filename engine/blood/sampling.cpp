#include "blood/sampling.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace giotmau::blood {
namespace {

constexpr double kLogSqrt2Pi = 0.91893853320467274178;  // log(sqrt(2*pi))

// Correction term of Stirling's formula, fc(k) = log(k!) - [(k + 1/2) log(k + 1)
// - (k + 1) + log(sqrt(2 pi))]: exact values for small k, the asymptotic
// series (accurate to ~1e-13 from k = 10) beyond. Avoids std::lgamma, which
// writes the global `signgam` and so is not safe to call from many threads.
double stirling_correction(std::int64_t k) noexcept {
  static constexpr std::array<double, 10> kSmall = {
      0.08106146679532726,  0.04134069595540929,  0.02767792568499834, 0.02079067210376509,
      0.01664469118982119,  0.01387612882307075,  0.01189670994589177, 0.01041126526197209,
      0.009255462182712733, 0.008330563433362871};
  if (k < 10) return kSmall[static_cast<std::size_t>(k)];
  const double x = 1.0 / static_cast<double>(k + 1);
  const double x2 = x * x;
  return (1.0 / 12 - (1.0 / 360 - (1.0 / 1260 - x2 / 1680) * x2) * x2) * x;
}

double log_factorial_formula(std::int64_t k) noexcept {
  const double kp1 = static_cast<double>(k + 1);
  return (static_cast<double>(k) + 0.5) * std::log(kp1) - kp1 + kLogSqrt2Pi + stirling_correction(k);
}

// The formula's values for the small k PTRS tests most (a daily demand of
// tens of units), computed once: the same doubles without a logarithm each.
constexpr std::int64_t kLogFactorialTableSize = 256;

double log_factorial(std::int64_t k) noexcept {
  static const std::array<double, kLogFactorialTableSize> table = [] {
    std::array<double, kLogFactorialTableSize> t{};
    for (std::int64_t i = 0; i < kLogFactorialTableSize; ++i) t[static_cast<std::size_t>(i)] = log_factorial_formula(i);
    return t;
  }();
  return k < kLogFactorialTableSize ? table[static_cast<std::size_t>(k)] : log_factorial_formula(k);
}

// Binomial by sequential search of the CDF; for n*p < 10 with p <= 1/2, so
// (1-p)^n >= e^-20 or so and the loop runs about n*p + 1 times.
std::int64_t binomial_inversion(std::int64_t n, double p, RandomStream& random) {
  const double q = 1 - p;
  const double s = p / q;
  const double a = static_cast<double>(n + 1) * s;
  const double p0 = std::exp(static_cast<double>(n) * std::log1p(-p));
  for (;;) {
    double u = random.uniform();
    double pk = p0;
    for (std::int64_t k = 0; k <= n; ++k) {
      if (u < pk) return k;
      u -= pk;
      pk *= a / static_cast<double>(k + 1) - s;
    }
    // Rounding left u above the whole CDF: redraw.
  }
}

// Hörmann (1993), "The generation of binomial random variables", algorithm
// BTRD; valid for n*p >= 10 with p <= 1/2.
class Btrd {
 public:
  Btrd(std::int64_t n, double p) noexcept
      : n_(n),
        m_(static_cast<std::int64_t>(static_cast<double>(n + 1) * p)),
        r_(p / (1 - p)),
        nr_(static_cast<double>(n + 1) * r_),
        npq_(static_cast<double>(n) * p * (1 - p)) {
    const double sq = std::sqrt(npq_);
    b_ = 1.15 + 2.53 * sq;
    a_ = -0.0873 + 0.0248 * b_ + 0.01 * p;
    c_ = static_cast<double>(n) * p + 0.5;
    alpha_ = (2.83 + 5.1 / b_) * sq;
    v_r_ = 0.92 - 4.2 / b_;
  }

  std::int64_t operator()(RandomStream& random) const {
    for (;;) {
      double v = random.uniform();
      if (v <= 0.86 * v_r_) {  // the inner box: accepted without a test (~80% of draws)
        const double u = v / v_r_ - 0.43;
        return static_cast<std::int64_t>(std::floor((2 * a_ / (0.5 - std::abs(u)) + b_) * u + c_));
      }
      double u;
      if (v >= v_r_) {
        u = random.uniform() - 0.5;
      } else {
        u = v / v_r_ - 0.93;
        u = (u < 0 ? -0.5 : 0.5) - u;
        v = random.uniform() * v_r_;
      }
      const double us = 0.5 - std::abs(u);
      const double kf = std::floor((2 * a_ / us + b_) * u + c_);
      if (kf < 0 || kf > static_cast<double>(n_)) continue;
      const auto k = static_cast<std::int64_t>(kf);
      v = v * alpha_ / (a_ / (us * us) + b_);
      if (accept(k, v)) return k;
    }
  }

 private:
  bool accept(std::int64_t k, double v) const noexcept {
    const std::int64_t km = k > m_ ? k - m_ : m_ - k;
    if (km <= 15) return accept_recursive(k, v);
    // Squeeze with bounds on log(f(k)/f(m)), then the exact test.
    const double log_v = std::log(v);
    const double kmd = static_cast<double>(km);
    const double rho = (kmd / npq_) * (((kmd / 3 + 0.625) * kmd + 1.0 / 6) / npq_ + 0.5);
    const double t = -kmd * kmd / (2 * npq_);
    if (log_v < t - rho) return true;
    if (log_v > t + rho) return false;
    const double nm = static_cast<double>(n_ - m_ + 1);
    const double h = (static_cast<double>(m_) + 0.5) * std::log(static_cast<double>(m_ + 1) / (r_ * nm)) +
                     stirling_correction(m_) + stirling_correction(n_ - m_);
    const double nk = static_cast<double>(n_ - k + 1);
    const double kd = static_cast<double>(k);
    return log_v <= h + static_cast<double>(n_ + 1) * std::log(nm / nk) + (kd + 0.5) * std::log(nk * r_ / (kd + 1)) -
                        stirling_correction(k) - stirling_correction(n_ - k);
  }

  // Near the mode, f(k)/f(m) by the recurrence f(i)/f(i-1) = (n+1)r/i - r.
  bool accept_recursive(std::int64_t k, double v) const noexcept {
    double f = 1;
    for (std::int64_t i = m_ + 1; i <= k; ++i) f *= nr_ / static_cast<double>(i) - r_;
    for (std::int64_t i = k + 1; i <= m_; ++i) v *= nr_ / static_cast<double>(i) - r_;
    return v <= f;
  }

  std::int64_t n_, m_;
  double r_, nr_, npq_;
  double a_ = 0, b_ = 0, c_ = 0, alpha_ = 0, v_r_ = 0;
};

// Binomial with 0 < p <= 1/2 and n > 0.
std::int64_t binomial_lower_half(std::int64_t n, double p, RandomStream& random) {
  if (static_cast<double>(n) * p < 10) return binomial_inversion(n, p, random);
  return Btrd(n, p)(random);
}

}  // namespace

double standard_normal(RandomStream& random) {
  // Marsaglia's polar method; the second variate of the pair is dropped, as
  // samplers here keep no state between calls.
  for (;;) {
    const double x = 2 * random.uniform() - 1;
    const double y = 2 * random.uniform() - 1;
    const double s = x * x + y * y;
    if (s < 1 && s > 0) return x * std::sqrt(-2 * std::log(s) / s);
  }
}

double gamma(double shape, double scale, RandomStream& random) {
  assert(shape > 0);
  if (shape < 1) {
    // Boost: G(a) = G(a + 1) * U^(1/a) (Marsaglia & Tsang, section 6); in logs
    // so that tiny shapes underflow gracefully to 0.
    const double boost = std::exp(std::log(random.uniform_pos()) / shape);
    return gamma(shape + 1, scale, random) * boost;
  }
  // Marsaglia & Tsang (2000), "A simple method for generating gamma variables".
  const double d = shape - 1.0 / 3;
  const double c = 1 / std::sqrt(9 * d);
  for (;;) {
    double x;
    double v;
    do {
      x = standard_normal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const double u = random.uniform_pos();
    const double x2 = x * x;
    if (u < 1 - 0.0331 * x2 * x2) return d * v * scale;  // squeeze: no logarithm
    if (std::log(u) < 0.5 * x2 + d * (1 - v + std::log(v))) return d * v * scale;
  }
}

PoissonSampler::PoissonSampler(double mean) noexcept : mean_(mean) {
  if (!(mean > 0)) return;
  if (mean < 10) {
    p0_ = std::exp(-mean);  // cannot underflow for such means
    return;
  }
  b_ = 0.931 + 2.53 * std::sqrt(mean);
  a_ = -0.059 + 0.02483 * b_;
  v_r_ = 0.9277 - 3.6224 / (b_ - 2);
}

std::int64_t PoissonSampler::operator()(RandomStream& random) {
  if (!(mean_ > 0)) return 0;
  if (mean_ >= 10) return ptrs(random);
  // Sequential search of the CDF (inversion): about mean + 1 iterations, so
  // only for small means.
  for (;;) {
    double u = random.uniform();
    double p = p0_;
    for (std::int64_t k = 0; k < 200; ++k) {
      if (u < p) return k;
      u -= p;
      p *= mean_ / static_cast<double>(k + 1);
    }
    // Only reachable when rounding left u above the summed tail: redraw.
  }
}

// Hörmann (1993), "The transformed rejection method for generating Poisson
// random variables", algorithm PTRS; valid for mean >= 10.
std::int64_t PoissonSampler::ptrs(RandomStream& random) {
  const double mean = mean_, a = a_, b = b_;
  for (;;) {
    const double u = random.uniform() - 0.5;
    const double v = random.uniform_pos();
    const double us = 0.5 - std::abs(u);
    const double kf = std::floor((2 * a / us + b) * u + mean + 0.43);
    if (us >= 0.07 && v <= v_r_) return static_cast<std::int64_t>(kf);
    if (kf < 0 || (us < 0.013 && v > us)) continue;
    const auto k = static_cast<std::int64_t>(kf);
    if (!logs_taken_) {
      log_mean_ = std::log(mean);
      log_inv_alpha_ = std::log(1.1239 + 1.1328 / (b - 3.4));
      logs_taken_ = true;
    }
    if (std::log(v) + log_inv_alpha_ - std::log(a / (us * us) + b) <= -mean + kf * log_mean_ - log_factorial(k)) {
      return k;
    }
  }
}

std::int64_t poisson(double mean, RandomStream& random) {
  if (!(mean > 0)) return 0;
  return PoissonSampler(mean)(random);
}

std::int64_t binomial(std::int64_t n, double p, RandomStream& random) {
  if (n <= 0 || !(p > 0)) return 0;
  if (p >= 1) return n;
  // Both algorithms want p <= 1/2: count the failures instead.
  if (p > 0.5) return n - binomial_lower_half(n, 1 - p, random);
  return binomial_lower_half(n, p, random);
}

std::int64_t negative_binomial(double mean, double dispersion, RandomStream& random) {
  if (!(mean > 0)) return 0;
  if (!(dispersion > 0) || std::isinf(dispersion)) return poisson(mean, random);
  // Poisson with a Gamma(k, mean/k) rate: mean m, variance m + m^2/k.
  return poisson(gamma(dispersion, mean / dispersion, random), random);
}

std::int64_t hypergeometric(std::int64_t population, std::int64_t successes, std::int64_t draws,
                            RandomStream& random) {
  assert(population >= 0 && successes >= 0 && successes <= population && draws >= 0 && draws <= population);
  if (draws <= 0 || successes <= 0) return 0;
  if (successes >= population) return draws;
  // Drawing d items or leaving d out are the same experiment: walk the shorter side.
  const bool left_out = draws > population - draws;
  std::int64_t steps = left_out ? population - draws : draws;
  std::int64_t items = population, unseen_successes = successes, found = 0;
  for (; steps > 0 && unseen_successes > 0; --steps, --items) {
    if (unseen_successes == items) {  // only successes remain
      found += steps;
      break;
    }
    const bool success = items <= std::numeric_limits<std::uint32_t>::max()
                             ? random.below(static_cast<std::uint32_t>(items)) < unseen_successes
                             : random.uniform() * static_cast<double>(items) < static_cast<double>(unseen_successes);
    if (success) {
      ++found;
      --unseen_successes;
    }
  }
  return left_out ? successes - found : found;
}

void multinomial(std::int64_t n, std::span<const double> weights, std::span<std::int64_t> counts,
                 RandomStream& random) {
  assert(counts.size() == weights.size());
  const MultinomialTable split(weights);
  split(n, counts, random);
}

MultinomialTable::MultinomialTable(std::span<const double> weights) : size_(weights.size()), last_(weights.size()) {
  if (weights.size() > kMaxCategories) throw std::invalid_argument("MultinomialTable: too many categories");
  // The last category with weight takes what is left, so rounding in the
  // running weight total can never lose or misplace units.
  double total = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] > 0) {
      total += weights[i];
      last_ = i;
    }
  }
  if (last_ == weights.size()) return;
  for (std::size_t i = 0; i < last_; ++i) {
    if (!(weights[i] > 0)) continue;
    probabilities_[step_count_] = std::min(1.0, weights[i] / total);
    indices_[step_count_++] = i;
    total -= weights[i];
  }
}

void MultinomialTable::operator()(std::int64_t n, std::span<std::int64_t> counts, RandomStream& random) const {
  assert(counts.size() == size_);
  std::fill(counts.begin(), counts.end(), 0);
  if (last_ == size_ || n <= 0) return;
  std::int64_t left = n;
  for (std::size_t s = 0; s < step_count_ && left > 0; ++s) {
    const std::int64_t drawn = binomial(left, probabilities_[s], random);
    counts[indices_[s]] = drawn;
    left -= drawn;
  }
  counts[last_] = left;
}

std::size_t categorical(std::span<const double> weights, RandomStream& random) {
  double total = 0;
  std::size_t last = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] > 0) {
      total += weights[i];
      last = i;
    }
  }
  const double target = random.uniform() * total;
  double cumulative = 0;
  for (std::size_t i = 0; i < last; ++i) {
    if (!(weights[i] > 0)) continue;
    cumulative += weights[i];
    if (target < cumulative) return i;
  }
  return last;  // also absorbs rounding in the running sum
}

CategoricalTable::CategoricalTable(std::span<const double> weights) {
  if (weights.size() > kMaxCategories) throw std::invalid_argument("CategoricalTable: too many categories");
  // The same sums, in the same order, as categorical().
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] > 0) {
      total_ += weights[i];
      last_ = i;
    }
  }
  double cumulative = 0;
  for (std::size_t i = 0; i < last_; ++i) {
    if (!(weights[i] > 0)) continue;
    cumulative += weights[i];
    bounds_[bound_count_] = cumulative;
    indices_[bound_count_++] = i;
  }
}

}  // namespace giotmau::blood
