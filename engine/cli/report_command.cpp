// `giotmau report`: the HTML report. The charts are drawn by
// analysis/report.py (plotly, from Debian's python3-plotly), run with
// Debian's /usr/bin/python3; this command checks what it can before the work
// starts, finds the script and hands over.
#include "cli/report_command.hpp"

#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <vector>

#include "cli/commands.hpp"
#include "cli/paths.hpp"

namespace giotmau::cli {

namespace {

namespace fs = std::filesystem;

constexpr const char* kPython = "/usr/bin/python3";

// An HDF5 file starts with this signature (at offset 0 for the files giotmau writes).
bool looks_like_hdf5(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::array<char, 8> head{};
  in.read(head.data(), head.size());
  return in && std::memcmp(head.data(), "\x89HDF\r\n\x1a\n", 8) == 0;
}

void check_inputs(const ReportArguments& args) {
  for (const std::string& f : args.files) {
    if (!fs::is_regular_file(f)) throw std::invalid_argument("report: input file '" + f + "' does not exist");
    if (!looks_like_hdf5(f)) {
      throw std::invalid_argument("report: '" + f + "' is not an HDF5 file (giotmau run -o / compare -o write them)");
    }
  }
  const fs::path out = args.output;
  if (out.extension() != ".html" && out.extension() != ".htm") {
    throw std::invalid_argument("report: the output '" + args.output + "' should end in .html");
  }
  if (fs::exists(out) && !args.force) {
    throw std::invalid_argument("report: output file '" + args.output + "' exists; use --force to replace it");
  }
  const fs::path dir = out.has_parent_path() ? out.parent_path() : fs::path(".");
  if (!fs::is_directory(dir)) throw std::invalid_argument("report: output directory '" + dir.string() + "' does not exist");
}

int run_script(const fs::path& script, const ReportArguments& args) {
  std::vector<std::string> argv_strings = {kPython, script.string()};
  argv_strings.insert(argv_strings.end(), args.files.begin(), args.files.end());
  for (const std::string& a : {std::string("-o"), args.output, std::string("--lang"), args.lang}) argv_strings.push_back(a);
  if (args.force) argv_strings.emplace_back("--force");
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  std::fflush(stdout);
  const pid_t child = fork();
  if (child < 0) throw std::runtime_error(std::string("report: cannot start python: ") + std::strerror(errno));
  if (child == 0) {
    execv(kPython, argv.data());
    std::fprintf(stderr, "report: cannot run %s: %s (scripts/setup.sh installs it)\n", kPython, std::strerror(errno));
    _exit(127);
  }
  int status = 0;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) throw std::runtime_error(std::string("report: waiting for python: ") + std::strerror(errno));
  }
  if (!WIFEXITED(status)) return kInternalError;
  const int code = WEXITSTATUS(status);
  return code == 0 ? kDone : code == kBadInput ? kBadInput : kInternalError;
}

}  // namespace

int report_command(const ReportArguments& args) {
  check_inputs(args);
  const fs::path script = find_analysis_script("report.py");
  spdlog::debug("report: {} {}", kPython, script.string());
  return run_script(script, args);
}

}  // namespace giotmau::cli
