#include "cli/progress.hpp"

#include <unistd.h>

#include <string>

namespace giotmau::cli {

namespace {

constexpr int kBarWidth = 24;

std::string clock_time(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

}  // namespace

bool stderr_is_terminal() { return isatty(fileno(stderr)) == 1; }

ProgressBar::ProgressBar(std::FILE* out, bool enabled) : out_(out), enabled_(enabled) {}

void ProgressBar::update(const experiments::Progress& p) {
  if (!enabled_ || p.total == 0) return;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const double share = static_cast<double>(p.done) / static_cast<double>(p.total);
  const int filled = static_cast<int>(share * kBarWidth);
  const std::string bar = std::string(static_cast<std::size_t>(filled), '#') +
                          std::string(static_cast<std::size_t>(kBarWidth - filled), '.');
  const std::string eta = p.done > 0 ? clock_time(elapsed * static_cast<double>(p.total - p.done) /
                                                  static_cast<double>(p.done))
                                     : "?";
  // \r and "erase to end of line": the bar overwrites itself.
  std::fprintf(out_, "\r\033[K[%s] %zu/%zu replications, %lld simulated days, %s elapsed, ETA %s", bar.c_str(),
               p.done, p.total, static_cast<long long>(p.simulated_days), clock_time(elapsed).c_str(), eta.c_str());
  std::fflush(out_);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (!drawn_) return;
  std::fputc('\n', out_);
  std::fflush(out_);
  drawn_ = false;
}

experiments::ProgressCallback ProgressBar::callback() {
  if (!enabled_) return {};
  return [this](const experiments::Progress& p) { update(p); };
}

}  // namespace giotmau::cli
