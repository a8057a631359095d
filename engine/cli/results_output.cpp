#include "cli/results_output.hpp"

#include <cstdio>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>

namespace giotmau::cli {

namespace fs = std::filesystem;

namespace {

std::vector<std::size_t> indices(std::size_t first, std::size_t count) {
  std::vector<std::size_t> out(count);
  for (std::size_t i = 0; i < count; ++i) out[i] = first + i;
  return out;
}

// Unpredictable, so that no file planted beside the output can be taken for a shard.
std::string random_token() {
  std::random_device device;
  const auto value = (static_cast<unsigned long long>(device()) << 32) ^ device();
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", value);
  return text;
}

}  // namespace

ResultsOutput::ResultsOutput(const distributed::Job& job, fs::path path, std::shared_ptr<const blood::World> world,
                             std::size_t first, std::size_t count, const results::ResultsMetadata& meta, bool force)
    : job_(job), path_(std::move(path)), world_(std::move(world)), first_(first), count_(count), meta_(meta),
      force_(force) {
  if (!job_.distributed()) {
    writer_ = std::make_unique<results::ResultsWriter>(path_, world_, indices(first, count), meta, force);
    return;
  }
  token_ = job_.broadcast(job_.is_root() ? random_token() : std::string());
  const auto [offset, mine] = job_.share(count);
  if (mine > 0) {
    writer_ = std::make_unique<results::ResultsWriter>(shard_path(job_.rank()), world_,
                                                       indices(first + offset, mine), meta, false);
  }
}

ResultsOutput::~ResultsOutput() {
  writer_.reset();  // an uncommitted file is removed
  if (shard_guard_) {
    std::error_code ignored;
    fs::remove(shard_path(job_.rank()), ignored);
  }
}

fs::path ResultsOutput::shard_path(int rank) const {
  // Appended piece by piece: GCC 12 warns (-Wrestrict, a false positive) on "." + std::string.
  std::string name(1, '.');
  name.append(path_.filename().string()).append(1, '.').append(token_).append(".rank").append(std::to_string(rank));
  return path_.parent_path() / name;
}

void ResultsOutput::write(std::size_t index, const blood::RunResult& result) {
  if (!writer_) throw std::logic_error("results: replication " + std::to_string(index) + " is not this rank's");
  writer_->write(index, result);
}

void ResultsOutput::commit() {
  if (!job_.distributed()) {
    writer_->commit();
    return;
  }
  bool ok = true;
  if (writer_) {
    try {
      shard_guard_.emplace(shard_path(job_.rank()));
      writer_->commit();
    } catch (const std::exception&) {
      ok = false;
    }
  }
  if (!job_.all(ok)) {
    throw std::runtime_error("results: a rank could not write its part of " + path_.string());
  }
  ok = true;
  std::string failure;
  if (job_.is_root()) {
    try {
      results::ResultsWriter merged(path_, world_, indices(first_, count_), meta_, force_);
      const auto ranks = static_cast<std::size_t>(job_.size());
      for (std::size_t rank = 0; rank < ranks; ++rank) {
        if (count_ * (rank + 1) / ranks == count_ * rank / ranks) continue;  // a rank with no replications
        merged.copy(results::read_results_info(shard_path(static_cast<int>(rank))));
      }
      merged.commit();
    } catch (const std::exception& e) {
      ok = false;
      failure = e.what();
    }
  }
  if (!job_.all(ok)) {
    throw std::runtime_error(job_.is_root() ? failure : "results: rank 0 could not write " + path_.string());
  }
}

}  // namespace giotmau::cli
