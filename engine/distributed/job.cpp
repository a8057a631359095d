#include "distributed/job.hpp"

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <type_traits>
#include <utility>

#if GIOTMAU_WITH_MPI
#include <mpi.h>
#endif

namespace giotmau::distributed {

namespace {

// Launchers announce themselves in the environment: Open MPI's mpirun, MPICH
// and Intel's Hydra (PMI), Slurm's srun with PMIx.
bool started_by_mpi_launcher() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"}) {
    if (std::getenv(name) != nullptr) return true;
  }
  return false;
}

template <typename T>
void put(std::string& out, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.append(reinterpret_cast<const char*>(&value), sizeof value);
}

template <typename T>
T take(const std::string& in, std::size_t& offset) {
  static_assert(std::is_trivially_copyable_v<T>);
  if (offset + sizeof(T) > in.size()) throw std::runtime_error("distributed: a truncated replication record");
  T value;
  std::memcpy(&value, in.data() + offset, sizeof value);
  offset += sizeof value;
  return value;
}

#if GIOTMAU_WITH_MPI
void check(int status, const char* what) {
  if (status != MPI_SUCCESS) throw std::runtime_error(std::string("MPI: ") + what + " failed");
}
#endif

}  // namespace

Job::Job(int& argc, char**& argv) {
#if GIOTMAU_WITH_MPI
  if (!started_by_mpi_launcher()) return;
  int provided = 0;
  // Only the main thread calls MPI; oneTBB's workers never do.
  check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  initialised_ = true;
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
#else
  (void)argc;
  (void)argv;
  (void)started_by_mpi_launcher;
#endif
}

Job::~Job() {
#if GIOTMAU_WITH_MPI
  if (initialised_) MPI_Finalize();
#endif
}

std::pair<std::size_t, std::size_t> Job::share(std::size_t n) const noexcept {
  const auto k = static_cast<std::size_t>(rank_), ranks = static_cast<std::size_t>(size_);
  const std::size_t first = n * k / ranks, end = n * (k + 1) / ranks;
  return {first, end - first};
}

bool Job::all(bool ok) const {
#if GIOTMAU_WITH_MPI
  if (!initialised_) return ok;
  int mine = ok ? 1 : 0, every = 0;
  check(MPI_Allreduce(&mine, &every, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce");
  return every == 1;
#else
  return ok;
#endif
}

std::string Job::broadcast(const std::string& text) const {
#if GIOTMAU_WITH_MPI
  if (!initialised_) return text;
  auto length = static_cast<std::uint64_t>(text.size());
  check(MPI_Bcast(&length, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD), "MPI_Bcast");
  std::string out = is_root() ? text : std::string(length, '\0');
  check(MPI_Bcast(out.data(), static_cast<int>(length), MPI_CHAR, 0, MPI_COMM_WORLD), "MPI_Bcast");
  return out;
#else
  return text;
#endif
}

std::vector<std::string> Job::all_gather(const std::string& text) const {
#if GIOTMAU_WITH_MPI
  if (!initialised_) return {text};
  const int length = static_cast<int>(text.size());
  std::vector<int> lengths(static_cast<std::size_t>(size_)), offsets(static_cast<std::size_t>(size_));
  check(MPI_Allgather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather");
  int total = 0;
  for (std::size_t k = 0; k < lengths.size(); ++k) {
    offsets[k] = total;
    total += lengths[k];
  }
  std::string all(static_cast<std::size_t>(total), '\0');
  check(MPI_Allgatherv(text.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR,
                       MPI_COMM_WORLD),
        "MPI_Allgatherv");
  std::vector<std::string> out;
  for (std::size_t k = 0; k < lengths.size(); ++k) {
    out.push_back(all.substr(static_cast<std::size_t>(offsets[k]), static_cast<std::size_t>(lengths[k])));
  }
  return out;
#else
  return {text};
#endif
}

void Job::abort(int exit_code) const {
#if GIOTMAU_WITH_MPI
  if (initialised_) MPI_Abort(MPI_COMM_WORLD, exit_code);
#endif
  std::exit(exit_code);
}

std::string serialise(const experiments::Replication& r) {
  std::string out;
  put(out, static_cast<std::uint64_t>(r.index));
  put(out, r.seed);
  put(out, r.national);
  put(out, static_cast<std::uint64_t>(r.regions.size()));
  for (const auto& region : r.regions) put(out, region);
  put(out, static_cast<std::uint64_t>(r.provinces.size()));
  for (const auto& province : r.provinces) put(out, province);
  put(out, r.months);
  put(out, static_cast<std::uint64_t>(r.years.size()));
  for (const auto& year : r.years) put(out, year);
  for (const auto& months : r.year_months) put(out, months);
  put(out, static_cast<std::uint64_t>(r.conservation_problems.size()));
  for (const std::string& p : r.conservation_problems) {
    put(out, static_cast<std::uint64_t>(p.size()));
    out += p;
  }
  put(out, r.events);
  put(out, r.trace_hash);
  put(out, r.wall_seconds);
  return out;
}

experiments::Replication deserialise(const std::string& in, std::size_t& offset) {
  experiments::Replication r;
  r.index = static_cast<std::size_t>(take<std::uint64_t>(in, offset));
  r.seed = take<std::uint64_t>(in, offset);
  r.national = take<experiments::KpiValues>(in, offset);
  r.regions.resize(static_cast<std::size_t>(take<std::uint64_t>(in, offset)));
  for (auto& region : r.regions) region = take<experiments::KpiValues>(in, offset);
  r.provinces.resize(static_cast<std::size_t>(take<std::uint64_t>(in, offset)));
  for (auto& province : r.provinces) province = take<experiments::KpiValues>(in, offset);
  r.months = take<decltype(r.months)>(in, offset);
  r.years.resize(static_cast<std::size_t>(take<std::uint64_t>(in, offset)));
  for (auto& year : r.years) year = take<experiments::KpiValues>(in, offset);
  r.year_months.resize(r.years.size());
  for (auto& months : r.year_months) months = take<std::array<experiments::KpiValues, 12>>(in, offset);
  r.conservation_problems.resize(static_cast<std::size_t>(take<std::uint64_t>(in, offset)));
  for (std::string& p : r.conservation_problems) {
    const auto length = static_cast<std::size_t>(take<std::uint64_t>(in, offset));
    if (offset + length > in.size()) throw std::runtime_error("distributed: a truncated replication record");
    p = in.substr(offset, length);
    offset += length;
  }
  r.events = take<std::uint64_t>(in, offset);
  r.trace_hash = take<std::uint64_t>(in, offset);
  r.wall_seconds = take<double>(in, offset);
  return r;
}

experiments::ReplicationSet run_replications(const Job& job, std::shared_ptr<const blood::World> world,
                                             const experiments::ReplicationOptions& options) {
  if (!job.distributed()) return experiments::run_replications(std::move(world), options);
  const auto started = std::chrono::steady_clock::now();
  const auto [offset, count] = job.share(options.replications);
  experiments::ReplicationSet mine;
  std::string bytes;
  if (count > 0) {
    experiments::ReplicationOptions part = options;
    part.first = options.first + offset;
    part.replications = count;
    part.keep_results = false;
    mine = experiments::run_replications(world, part);
    for (const experiments::Replication& r : mine.replications) bytes += serialise(r);
  }
  experiments::ReplicationSet set = experiments::empty_set(world, options.base_seed);
  for (const std::string& part : job.all_gather(bytes)) {
    std::size_t at = 0;
    while (at < part.size()) set.replications.push_back(deserialise(part, at));
  }
  set.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return set;
}

}  // namespace giotmau::distributed
