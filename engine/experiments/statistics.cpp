#include "experiments/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

namespace giotmau::experiments {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

void check_probability(double p, const char* what) {
  if (!(p > 0 && p < 1)) throw std::invalid_argument(std::string(what) + ": probability must lie in (0, 1)");
}

// Lentz's continued fraction for the incomplete beta function (converges
// fast for x < (a + 1) / (a + b + 2); the caller swaps the arguments otherwise).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-15;
  const auto guard = [](double v) { return std::fabs(v) < kTiny ? kTiny : v; };
  double c = 1;
  double d = 1 / guard(1 - (a + b) * x / (a + 1));
  double h = d;
  for (int m = 1; m <= 500; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
    d = 1 / guard(1 + aa * d);
    c = guard(1 + aa / c);
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
    d = 1 / guard(1 + aa * d);
    c = guard(1 + aa / c);
    const double step = d * c;
    h *= step;
    if (std::fabs(step - 1) < kEpsilon) break;
  }
  return h;
}

// The regularised incomplete beta function I_x(a, b).
double incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

// P(T > t) for t >= 0, computed directly so that far tails keep their precision.
double student_t_upper_tail(double t, double df) { return 0.5 * incomplete_beta(df / 2, 0.5, df / (df + t * t)); }

double student_t_density(double t, double df) {
  const double log_norm = std::lgamma((df + 1) / 2) - std::lgamma(df / 2) - 0.5 * std::log(df * std::numbers::pi);
  return std::exp(log_norm - (df + 1) / 2 * std::log1p(t * t / df));
}

// Hill (1970), CACM algorithm 396, in the form R's qt uses: the quantile for
// the two-sided tail probability `two_sided`, accurate to a few digits; exact
// for df 1 and 2.
double hill_t_quantile(double two_sided, double df) {
  if (df == 1) return 1 / std::tan(two_sided * std::numbers::pi / 2);
  if (df == 2) return std::sqrt(2 / (two_sided * (2 - two_sided)) - 2);
  const double a = 1 / (df - 0.5);
  const double b = 48 / (a * a);
  double c = ((20700 * a / b - 98) * a - 16) * a + 96.36;
  const double d = ((94.5 / (b + c) - 3) / b + 1) * std::sqrt(a * std::numbers::pi / 2) * df;
  double y = std::pow(d * two_sided, 2 / df);
  if ((df < 2.1 && two_sided > 0.5) || y > 0.05 + a) {
    const double x = normal_quantile(0.5 * two_sided);
    y = x * x;
    if (df < 5) c += 0.3 * (df - 4.5) * (x + 0.6);
    c = (((0.05 * d * x - 5) * x - 7) * x - 2) * x + b + c;
    y = (((((0.4 * y + 6.3) * y + 36) * y + 94.5) / c - y - 3) / b + 1) * x;
    y = std::expm1(a * y * y);
  } else {
    y = ((1 / (((df + 6) / (df * y) - 0.089 * d - 0.822) * (df + 2) * 3) + 0.5 / (df + 4)) * y - 1) * (df + 1) /
            (df + 2) +
        1 / y;
  }
  return std::sqrt(df * y);
}

double sample_variance(std::span<const double> values, double mean) {
  double sum = 0;
  for (double v : values) sum += (v - mean) * (v - mean);
  return values.size() > 1 ? sum / static_cast<double>(values.size() - 1) : 0.0;
}

double mean_of(std::span<const double> values) {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? kNaN : sum / static_cast<double>(values.size());
}

double two_sided_quantile(double confidence, double df) {
  check_probability(confidence, "confidence");
  return student_t_quantile(1 - (1 - confidence) / 2, df);
}

}  // namespace

double normal_quantile(double p) {
  check_probability(p, "normal_quantile");
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                                 1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                                 6.680131188771972e+01, -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                                 -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                                 3.754408661907416e+00};
  constexpr double kLow = 0.02425;
  const auto tail = [&](double q) {
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  };
  if (p < kLow) return tail(std::sqrt(-2 * std::log(p)));
  if (p > 1 - kLow) return -tail(std::sqrt(-2 * std::log1p(-p)));
  const double q = p - 0.5;
  const double r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

double student_t_cdf(double t, double df) {
  if (!(df > 0)) throw std::invalid_argument("student_t_cdf: degrees of freedom must be positive");
  const double upper = student_t_upper_tail(std::fabs(t), df);
  return t >= 0 ? 1 - upper : upper;
}

double student_t_quantile(double p, double df) {
  check_probability(p, "student_t_quantile");
  if (!(df > 0)) throw std::invalid_argument("student_t_quantile: degrees of freedom must be positive");
  if (p < 0.5) return -student_t_quantile(1 - p, df);
  if (p == 0.5) return 0;
  // Newton on the upper tail, which keeps its precision where 1 - p does not.
  const double upper = 1 - p;
  double t = hill_t_quantile(2 * upper, df);
  for (int i = 0; i < 20; ++i) {
    const double step = (student_t_upper_tail(t, df) - upper) / student_t_density(t, df);
    t += step;
    if (std::fabs(step) <= 1e-13 * (1 + t)) break;
  }
  return t;
}

Estimate estimate(std::span<const double> values, double confidence) {
  Estimate e;
  e.n = values.size();
  e.mean = mean_of(values);
  e.stddev = std::sqrt(sample_variance(values, e.mean));
  e.half_width = e.n >= 2 ? two_sided_quantile(confidence, static_cast<double>(e.n - 1)) * e.stddev /
                                std::sqrt(static_cast<double>(e.n))
                          : kNaN;
  return e;
}

Estimate welch_difference(std::span<const double> a, std::span<const double> b, double confidence) {
  const Estimate ea = estimate(a, confidence);
  const Estimate eb = estimate(b, confidence);
  Estimate e;
  e.n = std::min(ea.n, eb.n);
  e.mean = eb.mean - ea.mean;
  const double va = ea.stddev * ea.stddev / static_cast<double>(ea.n);
  const double vb = eb.stddev * eb.stddev / static_cast<double>(eb.n);
  e.stddev = std::sqrt(va + vb);  // of the difference of means
  if (e.n < 2) {
    e.half_width = kNaN;
  } else if (va + vb == 0) {
    e.half_width = 0;
  } else {
    // Welch-Satterthwaite degrees of freedom.
    const double df = (va + vb) * (va + vb) /
                      (va * va / static_cast<double>(ea.n - 1) + vb * vb / static_cast<double>(eb.n - 1));
    e.half_width = two_sided_quantile(confidence, df) * e.stddev;
  }
  return e;
}

}  // namespace giotmau::experiments
