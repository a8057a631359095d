#pragma once
// Writes the results of a set of replications to one HDF5 file (layout:
// docs/hdf5-layout.md), readable as netCDF-4 by xarray/h5netcdf.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
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

// What a results file says about itself: enough to check that parts of one
// experiment (job-array parts, MPI shards) belong together before merging.
struct ResultsFileInfo {
  std::filesystem::path path;
  std::string giotmau_version, git_commit, scenario_sha256, scenario_toml;
  std::string start_date, end_date;          // ISO dates of the simulated period
  std::uint64_t seed = 0;                    // the base seed
  std::vector<std::size_t> replications;     // the replication indices it holds, in file order
};

// Reads a results file's description; std::invalid_argument when it is not one.
ResultsFileInfo read_results_info(const std::filesystem::path& path);

// Parts can be merged when they come from the same build, scenario, seed and
// period and no replication is in two of them; otherwise throws
// std::invalid_argument naming the files and what differs.
void check_mergeable(const std::vector<ResultsFileInfo>& parts);

// Writes the replications of one experiment to one file as they finish, so
// that memory holds only the replications in flight, not all of them. The
// file is created at once under a temporary name beside `path` (every dataset
// sized for `replications`: the indices of the replications it will hold, as
// in `run --replications A:B`), each write() fills one replication's slabs
// and table rows, and commit() moves the complete file into place. Destroyed
// without commit() (an exception, a failed replication), it removes the
// temporary file. Not thread-safe: callers serialise write() calls.
class ResultsWriter {
 public:
  ResultsWriter(std::filesystem::path path, std::shared_ptr<const blood::World> world,
                std::vector<std::size_t> replications, const ResultsMetadata& meta, bool force);
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  // The replication indices the file holds, ascending.
  const std::vector<std::size_t>& replications() const noexcept;

  // Replication `index`'s results (it must be one of those given, written once).
  void write(std::size_t index, const blood::RunResult& result);

  // Every replication of `part` (a results file of the same scenario, seed and
  // world), copied as stored: compressed chunks are moved, never decoded.
  void copy(const ResultsFileInfo& part);

  // Closes the file and moves it to `path` (refusing to replace an existing
  // file unless `force`). Throws if a replication was never written.
  // `before_commit` (tests) runs on the closed temporary file first.
  void commit(const std::function<void(const std::filesystem::path& temporary)>& before_commit = {});

 private:
  struct State;
  std::unique_ptr<State> state_;
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
