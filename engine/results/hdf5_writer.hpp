#pragma once
// Writes the results of a set of replications to one HDF5 file (layout:
// docs/hdf5-layout.md), readable as netCDF-4 by xarray/h5netcdf.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "blood/run.hpp"

namespace giotmau::results {

struct ResultsMetadata {
  std::string giotmau_version;
  std::string git_commit;
  std::string scenario_sha256;
  std::string scenario_toml;  // the resolved scenario text, stored as /scenario
  std::uint64_t seed = 0;     // the base seed the replications' seeds derive from
};

// Writes all replications (they must share one world) to `path` atomically:
// into a temporary file beside it (`<path>.tmp-<random>`, created exclusively:
// results/destination.hpp), moved to `path`
// only once complete, so that a reader never sees a half-written file. The
// temporary file is removed on any exception, and on SIGINT/SIGTERM when
// install_interrupt_handlers() (results/interrupt.hpp) has been called.
// Refuses to replace an existing `path` unless `force`: throws
// std::runtime_error saying so, as for every other failure (HDF5's own
// diagnostics are in the message, not printed to stderr).
void write_results(const std::filesystem::path& path, const std::vector<blood::RunResult>& replications,
                   const ResultsMetadata& meta, bool force);

// A result that could not be written (a full disk, a file-size limit, an I/O
// error, a file that appeared at the destination meanwhile): the message says
// which file and why. Not bad input, and not a bug in giotmau.
class WriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Runs `write` on a temporary file beside `path` (removed on failure and, once
// install_interrupt_handlers() has run, on SIGINT/SIGTERM), then moves it to
// `path`; without `force` an existing `path` is never replaced. Every result
// file giotmau writes goes through here. Failures throw WriteError.
void write_atomically(const std::filesystem::path& path, bool force,
                      const std::function<void(const std::filesystem::path& temporary)>& write);

// Stops HDF5 from closing, at process exit, files whose close already failed.
// When a write fails (a full disk), HDF5 1.10 leaves the file half-closed in
// its tables, and its exit handler then crashes on it (signal 11 in
// H5F__close_cb) after giotmau has reported the error. Every file giotmau
// writes is closed, and its close checked, before it is committed, so the
// exit handler has nothing else to do. Must run before any other HDF5 call:
// the command line calls it first thing.
void skip_hdf5_exit_cleanup();

namespace detail {
// write_results with a test seam: `before_commit` runs on the complete,
// closed temporary file just before it is moved into place (tests make it
// throw, or create `path` behind the writer's back).
void write_results(const std::filesystem::path& path, const std::vector<blood::RunResult>& replications,
                   const ResultsMetadata& meta, bool force,
                   const std::function<void(const std::filesystem::path& temporary)>& before_commit);
}  // namespace detail

}  // namespace giotmau::results
