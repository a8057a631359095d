#pragma once
// Where an experiment's replications go as they finish: one results file,
// written by one ResultsWriter in a plain run; in an MPI job, one shard per
// rank (beside the output, on the shared filesystem) that rank 0 merges into
// the output chunk by chunk once every rank has finished (docs/scale-out.md).
// Either way the output appears complete or not at all, and no shard outlives
// the object.
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "distributed/job.hpp"
#include "results/hdf5_writer.hpp"
#include "results/interrupt.hpp"

namespace giotmau::cli {

class ResultsOutput {
 public:
  // Replications first .. first + count - 1 go to `path`. Collective: every rank constructs it.
  ResultsOutput(const distributed::Job& job, std::filesystem::path path, std::shared_ptr<const blood::World> world,
                std::size_t first, std::size_t count, const results::ResultsMetadata& meta, bool force);
  ~ResultsOutput();
  ResultsOutput(const ResultsOutput&) = delete;
  ResultsOutput& operator=(const ResultsOutput&) = delete;

  // On the rank that ran replication `index`.
  void write(std::size_t index, const blood::RunResult& result);
  // Collective: moves the complete output into place; throws on every rank if any part failed.
  void commit();

 private:
  std::filesystem::path shard_path(int rank) const;

  const distributed::Job& job_;
  std::filesystem::path path_;
  std::shared_ptr<const blood::World> world_;
  std::size_t first_, count_;
  results::ResultsMetadata meta_;
  bool force_;
  std::string token_;                                   // the job's shards' common name part
  std::unique_ptr<results::ResultsWriter> writer_;      // this process's file, or this rank's shard
  std::optional<results::TemporaryFileGuard> shard_guard_;  // a committed shard, until merged
};

}  // namespace giotmau::cli
