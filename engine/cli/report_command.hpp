#pragma once
// `giotmau report RESULTS.h5 [MORE.h5 ...] -o report.html [--lang vi|en]`.
#include <string>
#include <vector>

namespace giotmau::cli {

struct ReportArguments {
  std::vector<std::string> files;  // results files and at most one comparison file
  std::string output;              // the HTML file
  std::string lang = "vi";         // vi | en
  bool force = false;              // replace an existing output
};

// Checks the inputs (they exist and are HDF5) and the destination (not there
// unless --force, in a directory that exists) before any work, then runs
// analysis/report.py. Throws std::invalid_argument for bad input; returns
// the exit code.
int report_command(const ReportArguments& args);

}  // namespace giotmau::cli
