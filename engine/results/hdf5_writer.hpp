#pragma once
// Writes the results of a set of replications to one HDF5 file (layout:
// docs/hdf5-layout.md), readable as netCDF-4 by xarray/h5netcdf.
#include <cstdint>
#include <filesystem>
#include <functional>
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
// into a temporary file beside it (`<path>.tmp-<pid>`), renamed over `path`
// only once complete, so that a reader never sees a half-written file. The
// temporary file is removed on any exception, and on SIGINT/SIGTERM when
// install_interrupt_handlers() (results/interrupt.hpp) has been called.
// Refuses to replace an existing `path` unless `force`: throws
// std::runtime_error saying so, as for every other failure (HDF5's own
// diagnostics are in the message, not printed to stderr).
void write_results(const std::filesystem::path& path, const std::vector<blood::RunResult>& replications,
                   const ResultsMetadata& meta, bool force);

// The temporary name write_results uses for `path` in this process.
std::filesystem::path temporary_path_for(const std::filesystem::path& path);

// Runs `write` on a temporary file beside `path` (removed on failure and, once
// install_interrupt_handlers() has run, on SIGINT/SIGTERM), then moves it to
// `path`; without `force` an existing `path` is never replaced. Every result
// file giotmau writes goes through here.
void write_atomically(const std::filesystem::path& path, bool force,
                      const std::function<void(const std::filesystem::path& temporary)>& write);

namespace detail {
// write_results with a test seam: `before_commit` runs on the complete,
// closed temporary file just before it is moved into place (tests make it
// throw, or create `path` behind the writer's back).
void write_results(const std::filesystem::path& path, const std::vector<blood::RunResult>& replications,
                   const ResultsMetadata& meta, bool force,
                   const std::function<void(const std::filesystem::path& temporary)>& before_commit);
}  // namespace detail

}  // namespace giotmau::results
