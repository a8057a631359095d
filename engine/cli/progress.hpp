#pragma once
// The progress bar on stderr for long experiments: replications done, days
// simulated, elapsed time and an estimate of the time left. Drawn only on a
// terminal, so that logs and pipes never see carriage returns.
#include <chrono>
#include <cstdio>

#include "experiments/replications.hpp"

namespace giotmau::cli {

// stderr is a terminal (where a bar that redraws itself makes sense).
bool stderr_is_terminal();

class ProgressBar {
 public:
  ProgressBar(std::FILE* out, bool enabled);
  ~ProgressBar() { finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // Redraws the bar; calls must not overlap (experiments serialise them).
  void update(const experiments::Progress& p);
  // Ends the bar's line, if one was drawn.
  void finish();

  // A callback for experiments, or an empty one when the bar is disabled.
  experiments::ProgressCallback callback();

 private:
  std::FILE* out_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

}  // namespace giotmau::cli
