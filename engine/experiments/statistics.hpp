#pragma once
// Estimates across replications: means with Student-t confidence intervals.
//
// The quantiles are computed here rather than taken from a library because
// the project's only dependencies are Debian packages and none of them ships
// a t distribution. Accuracy: better than 1e-9 for any df >= 1 (Hill's
// approximation refined by Newton steps on the exact distribution function).
#include <cstddef>
#include <span>

namespace giotmau::experiments {

// The standard normal quantile: x with P(Z <= x) = p, 0 < p < 1
// (Acklam's rational approximation, relative error below 1.2e-9).
double normal_quantile(double p);

// Student's t distribution function P(T <= t) with `df` > 0 degrees of freedom.
double student_t_cdf(double t, double df);

// Student's t quantile: t with P(T <= t) = p, 0 < p < 1, df > 0.
// Throws std::invalid_argument outside that domain.
double student_t_quantile(double p, double df);

// A mean and its two-sided confidence interval mean ± half_width.
// With fewer than two values there is no interval: half_width is NaN.
struct Estimate {
  std::size_t n = 0;
  double mean = 0;
  double stddev = 0;      // sample standard deviation (n - 1 in the denominator)
  double half_width = 0;  // t(1 - (1 - confidence) / 2, n - 1) * stddev / sqrt(n)
  double low() const noexcept { return mean - half_width; }
  double high() const noexcept { return mean + half_width; }
  bool has_interval() const noexcept { return n >= 2; }
  // The interval lies wholly above or below zero.
  bool excludes_zero() const noexcept { return has_interval() && (low() > 0 || high() < 0); }
};

inline constexpr double kDefaultConfidence = 0.95;

// Mean and Student-t interval of independent values (e.g. one per replication;
// paired differences for common random numbers).
Estimate estimate(std::span<const double> values, double confidence = kDefaultConfidence);

// The difference of means mean(b) - mean(a) of two independent samples, with a
// Welch (unequal variances) interval: what the comparison would give without
// common random numbers. n is min(size a, size b); stddev is the standard
// error of the difference; the interval uses the Welch-Satterthwaite df.
Estimate welch_difference(std::span<const double> a, std::span<const double> b,
                          double confidence = kDefaultConfidence);

}  // namespace giotmau::experiments
