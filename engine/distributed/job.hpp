#pragma once
// The processes of one job. Under `mpirun -np K`, giotmau runs as K ranks of
// one MPI job and spreads each experiment's replications across them;
// otherwise (or in a build without MPI) the job is this process alone and
// everything runs as in a plain run. Replication r has the same seed on
// whichever rank runs it, so a K-rank job gives bit-identical results.
//
// MPI itself is process-wide state; a Job is its one owner (created once, in
// main), and the rest of giotmau sees it only through this interface.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "experiments/replications.hpp"

namespace giotmau::distributed {

class Job {
 public:
  // Joins the MPI job when the process was started by an MPI launcher
  // (mpirun/mpiexec, srun); otherwise a job of one process, without MPI.
  Job(int& argc, char**& argv);
  Job() = default;  // this process alone
  ~Job();
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  bool distributed() const noexcept { return size_ > 1; }
  bool is_root() const noexcept { return rank_ == 0; }

  // Replications [first, first + count) of [0, n) that this rank runs: contiguous blocks, in rank order.
  std::pair<std::size_t, std::size_t> share(std::size_t n) const noexcept;

  // True on every rank when `ok` is true on every rank.
  bool all(bool ok) const;
  // Rank 0's `text` on every rank.
  std::string broadcast(const std::string& text) const;
  // Every rank's `text`, in rank order, on every rank.
  std::vector<std::string> all_gather(const std::string& text) const;

  // Ends the whole job now, with `exit_code` (mpirun passes it on): the other
  // ranks are killed with SIGTERM, which removes their temporary files.
  [[noreturn]] void abort(int exit_code) const;

 private:
  int rank_ = 0;
  int size_ = 1;
  bool initialised_ = false;
};

// Runs replications options.first .. first + options.replications - 1 spread
// over the job's ranks (each rank its block, on its own threads; on_result is
// called on the rank that ran the replication), and returns the whole set on
// every rank, in index order, exactly as run_replications would in one process
// (full results are kept only for a job of one process).
experiments::ReplicationSet run_replications(const Job& job, std::shared_ptr<const blood::World> world,
                                             const experiments::ReplicationOptions& options);

// A replication's summary as bytes and back (what ranks exchange).
std::string serialise(const experiments::Replication& r);
experiments::Replication deserialise(const std::string& bytes, std::size_t& offset);

}  // namespace giotmau::distributed
