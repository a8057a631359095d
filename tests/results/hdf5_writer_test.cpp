// The HDF5 results file: layout, contents against the run, and the safety of
// writing it (no overwrite without force, no temporary file left behind).
#include "results/hdf5_writer.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>
#include <hdf5_hl.h>

#include <csignal>
#include <fstream>
#include <numeric>
#include <random>
#include <sstream>

#include "blood/kpi.hpp"
#include "results/hdf5_handle.hpp"
#include "results/interrupt.hpp"
#include "support/small_scenarios.hpp"

namespace giotmau::results {
namespace {

namespace fs = std::filesystem;
using blood::kGroupCount;
using blood::kMeasureNames;
using blood::kProductCount;
using blood::RunResult;

constexpr int kDays = 60;

// ------------------------------------------------------------------ fixtures

// Two replications of the three-province scenario, run once for all tests.
const std::vector<RunResult>& replications() {
  static const std::vector<RunResult> runs = [] {
    const auto world = blood::build_world(giotmau::testing::three_provinces(kDays));
    return std::vector<RunResult>{blood::run(world, {.seed = 1, .threads = 1}),
                                  blood::run(world, {.seed = 2, .threads = 1})};
  }();
  return runs;
}

ResultsMetadata metadata() {
  return {.giotmau_version = "0.1.0-test",
          .git_commit = "abc1234",
          .scenario_sha256 = std::string(64, 'f'),
          .scenario_toml = "name = \"three-provinces\"\n# Tết \xE2\x80\x94 UTF-8\n",
          .seed = 1};
}

// A fresh, empty directory per test.
class Hdf5Writer : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device random;
    dir_ = fs::temp_directory_path() / ("giotmau-hdf5-test-" + std::to_string(random()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::vector<std::string> listing() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  // Writes the shared replications once per test and opens the file.
  Handle written() {
    const fs::path file = dir_ / "results.h5";
    write_results(file, replications(), metadata(), false);
    return checked(H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "opening results");
  }

  fs::path dir_;
};

std::string slurp(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// ------------------------------------------------------------------ reading helpers

Handle open_dataset(hid_t file, const std::string& name) {
  return checked(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose, "opening " + name);
}

std::vector<hsize_t> shape(hid_t dataset) {
  Handle space = checked(H5Dget_space(dataset), H5Sclose, "space");
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.get())));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

std::string string_attribute(hid_t object, const char* name) {
  Handle attribute = checked(H5Aopen(object, name, H5P_DEFAULT), H5Aclose, name);
  Handle type = checked(H5Aget_type(attribute.get()), H5Tclose, "type");
  EXPECT_TRUE(H5Tis_variable_str(type.get()) > 0) << name;
  char* text = nullptr;
  check(H5Aread(attribute.get(), type.get(), &text), name);
  std::string value(text);
  H5free_memory(text);
  return value;
}

template <typename T>
T number_attribute(hid_t object, const char* name, hid_t memory_type) {
  Handle attribute = checked(H5Aopen(object, name, H5P_DEFAULT), H5Aclose, name);
  T value{};
  check(H5Aread(attribute.get(), memory_type, &value), name);
  return value;
}

std::vector<std::string> strings(hid_t file, const std::string& name) {
  Handle dataset = open_dataset(file, name);
  Handle type = checked(H5Dget_type(dataset.get()), H5Tclose, "type");
  Handle space = checked(H5Dget_space(dataset.get()), H5Sclose, "space");
  std::vector<char*> raw(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  check(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), name);
  std::vector<std::string> values(raw.begin(), raw.end());
  H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, raw.data());
  return values;
}

template <typename T>
std::vector<T> numbers(hid_t file, const std::string& name, hid_t memory_type) {
  Handle dataset = open_dataset(file, name);
  Handle space = checked(H5Dget_space(dataset.get()), H5Sclose, "space");
  std::vector<T> values(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())));
  check(H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()), name);
  return values;
}

// One int64 column of a compound table (HDF5 matches members by name).
std::vector<std::int64_t> int64_column(hid_t file, const char* table, const char* column) {
  Handle type = checked(H5Tcreate(H5T_COMPOUND, sizeof(std::int64_t)), H5Tclose, "compound");
  check(H5Tinsert(type.get(), column, 0, H5T_NATIVE_INT64), column);
  return numbers<std::int64_t>(file, table, type.get());
}

std::string scale_name(hid_t scale) {
  char name[64] = {};
  H5DSget_scale_name(scale, name, sizeof name);
  return name;
}

// ------------------------------------------------------------------ layout

TEST_F(Hdf5Writer, RootAttributesAndScenarioText) {
  Handle file = written();
  const hid_t f = file.get();
  EXPECT_EQ(string_attribute(f, "giotmau_version"), "0.1.0-test");
  EXPECT_EQ(string_attribute(f, "git_commit"), "abc1234");
  EXPECT_EQ(string_attribute(f, "scenario_sha256"), std::string(64, 'f'));
  EXPECT_EQ(number_attribute<std::uint64_t>(f, "seed", H5T_NATIVE_UINT64), 1u);
  EXPECT_EQ(number_attribute<std::int32_t>(f, "replications", H5T_NATIVE_INT32), 2);
  EXPECT_EQ(string_attribute(f, "start_date"), "2025-01-01");
  EXPECT_EQ(string_attribute(f, "end_date"), "2025-03-01");  // 60 days: Jan 31 + Feb 28 + 1
  EXPECT_EQ(string_attribute(f, "tick_unit"), "minute");
  const std::string created = string_attribute(f, "created_utc");
  ASSERT_EQ(created.size(), 20u) << created;
  EXPECT_EQ(created[10], 'T');
  EXPECT_EQ(created.back(), 'Z');

  Handle scenario = open_dataset(f, "scenario");
  Handle type = checked(H5Dget_type(scenario.get()), H5Tclose, "type");
  EXPECT_EQ(H5Tget_cset(type.get()), H5T_CSET_UTF8);
  EXPECT_TRUE(shape(scenario.get()).empty());  // scalar
  char* text = nullptr;
  check(H5Dread(scenario.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), "scenario");
  EXPECT_EQ(std::string(text), metadata().scenario_toml);
  H5free_memory(text);
}

TEST_F(Hdf5Writer, DailyShapesChunksAndFilters) {
  Handle file = written();
  const hsize_t areas = replications().front().world->area_names.size();
  for (std::string_view m : kMeasureNames) {
    Handle dataset = open_dataset(file.get(), "daily/" + std::string(m));
    EXPECT_EQ(shape(dataset.get()), (std::vector<hsize_t>{2, kDays, areas, kGroupCount, kProductCount})) << m;
    Handle dcpl = checked(H5Dget_create_plist(dataset.get()), H5Pclose, "dcpl");
    hsize_t chunk[5] = {};
    ASSERT_EQ(H5Pget_chunk(dcpl.get(), 5, chunk), 5);
    EXPECT_EQ(std::vector<hsize_t>(chunk, chunk + 5), (std::vector<hsize_t>{1, kDays, 1, kGroupCount, kProductCount}));
    EXPECT_GT(H5Pget_filter_by_id2(dcpl.get(), H5Z_FILTER_SHUFFLE, nullptr, nullptr, nullptr, 0, nullptr, nullptr), -1);
    unsigned level = 0;
    std::size_t values = 1;
    ASSERT_GE(H5Pget_filter_by_id2(dcpl.get(), H5Z_FILTER_DEFLATE, nullptr, &values, &level, 0, nullptr, nullptr), 0);
    EXPECT_EQ(level, 4u);
    EXPECT_EQ(string_attribute(dataset.get(), "units"), "units");
    EXPECT_FALSE(string_attribute(dataset.get(), "long_name").empty());
  }
  Handle collected = open_dataset(file.get(), "daily/collected");
  EXPECT_EQ(shape(collected.get()), (std::vector<hsize_t>{2, kDays, areas, kGroupCount}));
  EXPECT_EQ(string_attribute(collected.get(), "units"), "whole-blood units");
  Handle stock = open_dataset(file.get(), "daily/initial_stock");
  EXPECT_EQ(shape(stock.get()), (std::vector<hsize_t>{2, areas, kGroupCount, kProductCount}));
}

TEST_F(Hdf5Writer, DimensionScalesLabelEveryAxis) {
  Handle file = written();
  const hid_t f = file.get();
  const blood::World& world = *replications().front().world;
  EXPECT_EQ(strings(f, "daily/group"), (std::vector<std::string>{"O+", "O-", "A+", "A-", "B+", "B-", "AB+", "AB-"}));
  EXPECT_EQ(strings(f, "daily/product"), (std::vector<std::string>{"red_cells", "platelets", "plasma"}));
  EXPECT_EQ(strings(f, "daily/area"), world.area_names);
  EXPECT_EQ(numbers<std::int32_t>(f, "daily/replication", H5T_NATIVE_INT32), (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(numbers<std::uint64_t>(f, "daily/seed", H5T_NATIVE_UINT64), (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(numbers<std::int32_t>(f, "daily/area_parent", H5T_NATIVE_INT32),
            std::vector<std::int32_t>(world.area_parent.begin(), world.area_parent.end()));

  const auto offsets = numbers<std::int32_t>(f, "daily/date", H5T_NATIVE_INT32);
  ASSERT_EQ(offsets.size(), static_cast<std::size_t>(kDays));
  EXPECT_EQ(offsets.front(), 0);
  EXPECT_EQ(offsets.back(), kDays - 1);
  const auto labels = strings(f, "daily/date_label");
  EXPECT_EQ(labels.front(), "2025-01-01");
  EXPECT_EQ(labels.back(), "2025-03-01");
  Handle date = open_dataset(f, "daily/date");
  EXPECT_EQ(string_attribute(date.get(), "units"), "days since 2025-01-01");
  EXPECT_EQ(string_attribute(date.get(), "calendar"), "proleptic_gregorian");

  const std::vector<std::string> axes = {"replication", "date", "area", "group", "product"};
  Handle shortage = open_dataset(f, "daily/shortage");
  for (unsigned axis = 0; axis < axes.size(); ++axis) {
    Handle scale = open_dataset(f, "daily/" + axes[axis]);
    EXPECT_GT(H5DSis_scale(scale.get()), 0) << axes[axis];
    EXPECT_EQ(scale_name(scale.get()), axes[axis]);
    EXPECT_GT(H5DSis_attached(shortage.get(), scale.get(), axis), 0) << axes[axis];
  }
}

// ------------------------------------------------------------------ contents

TEST_F(Hdf5Writer, DailyValuesEqualTheRun) {
  Handle file = written();
  const auto& runs = replications();
  for (std::size_t m = 0; m < kMeasureNames.size(); ++m) {
    const auto values = numbers<std::int64_t>(file.get(), "daily/" + std::string(kMeasureNames[m]), H5T_NATIVE_INT64);
    const std::size_t block = values.size() / runs.size();
    std::int64_t file_total = 0, run_total = 0;
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const auto first = runs[r].measures.cells().begin() + static_cast<std::ptrdiff_t>(m * block);
      const std::vector<std::int64_t> expected(first, first + static_cast<std::ptrdiff_t>(block));
      const std::vector<std::int64_t> got(values.begin() + static_cast<std::ptrdiff_t>(r * block),
                                          values.begin() + static_cast<std::ptrdiff_t>((r + 1) * block));
      EXPECT_EQ(got, expected) << kMeasureNames[m] << " replication " << r;
      run_total += std::accumulate(expected.begin(), expected.end(), std::int64_t{0});
      file_total += std::accumulate(got.begin(), got.end(), std::int64_t{0});
    }
    EXPECT_EQ(file_total, run_total) << kMeasureNames[m];
  }
  const auto collected = numbers<std::int64_t>(file.get(), "daily/collected", H5T_NATIVE_INT64);
  std::int64_t expected_collected = 0;
  for (const RunResult& r : runs) expected_collected += blood::compute_kpis(r).collected;
  EXPECT_GT(expected_collected, 0);
  EXPECT_EQ(std::accumulate(collected.begin(), collected.end(), std::int64_t{0}), expected_collected);
}

TEST_F(Hdf5Writer, TablesOfAreasDrivesAndKpis) {
  Handle file = written();
  const auto& runs = replications();
  const blood::World& world = *runs.front().world;

  Handle parent_type = checked(H5Tcreate(H5T_COMPOUND, sizeof(std::int32_t)), H5Tclose, "compound");
  check(H5Tinsert(parent_type.get(), "parent", 0, H5T_NATIVE_INT32), "parent");
  EXPECT_EQ(numbers<std::int32_t>(file.get(), "areas", parent_type.get()),
            std::vector<std::int32_t>(world.area_parent.begin(), world.area_parent.end()));

  std::int64_t donated = 0;
  std::size_t drives = 0;
  for (const RunResult& r : runs) {
    drives += r.drives.size();
    for (const auto& d : r.drives) donated += d.donated;
  }
  const auto donated_column = int64_column(file.get(), "drives", "donated");
  EXPECT_EQ(donated_column.size(), drives);
  EXPECT_EQ(std::accumulate(donated_column.begin(), donated_column.end(), std::int64_t{0}), donated);

  const auto collected = int64_column(file.get(), "kpi", "collected");
  const auto appeals = int64_column(file.get(), "kpi", "appeals");
  ASSERT_EQ(collected.size(), runs.size());
  const auto students = int64_column(file.get(), "kpi", "donated_students");
  const auto workers = int64_column(file.get(), "kpi", "donated_workers");
  const auto first_time = int64_column(file.get(), "kpi", "donated_first_time");
  const auto repeat = int64_column(file.get(), "kpi", "donated_repeat");
  const auto regular = int64_column(file.get(), "kpi", "donated_regular");
  for (std::size_t r = 0; r < runs.size(); ++r) {
    const blood::Kpis k = blood::compute_kpis(runs[r]);
    EXPECT_EQ(collected[r], k.collected);
    EXPECT_EQ(appeals[r], runs[r].appeals);
    EXPECT_EQ(students[r], k.donated_by_occupation[1]);
    EXPECT_GT(students[r], 0);
    EXPECT_GT(workers[r], 0);
    EXPECT_EQ(students[r] + workers[r], collected[r]);  // every donation has one segment on each axis
    EXPECT_EQ(first_time[r] + repeat[r] + regular[r], collected[r]);
    EXPECT_GT(regular[r], 0);
  }
}

// ------------------------------------------------------------------ safety

TEST_F(Hdf5Writer, LeavesOnlyTheResultAfterSuccess) {
  write_results(dir_ / "results.h5", replications(), metadata(), false);
  EXPECT_EQ(listing(), std::vector<std::string>{"results.h5"});
  EXPECT_GT(H5Fis_hdf5((dir_ / "results.h5").c_str()), 0);
}

TEST_F(Hdf5Writer, RefusesToOverwriteWithoutForceAndReplacesWithForce) {
  const fs::path file = dir_ / "results.h5";
  std::ofstream(file) << "keep me";
  try {
    write_results(file, replications(), metadata(), false);
    FAIL() << "overwrote an existing file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
  }
  EXPECT_EQ(slurp(file), "keep me");
  EXPECT_EQ(listing(), std::vector<std::string>{"results.h5"});

  write_results(file, replications(), metadata(), true);
  EXPECT_GT(H5Fis_hdf5(file.c_str()), 0);
  EXPECT_EQ(listing(), std::vector<std::string>{"results.h5"});
}

TEST_F(Hdf5Writer, MissingDirectoryFailsCleanlyWithTheReason) {
  const fs::path file = dir_ / "no-such-dir" / "results.h5";
  try {
    write_results(file, replications(), metadata(), false);
    FAIL() << "wrote into a missing directory";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot create a file in"), std::string::npos) << what;
    EXPECT_NE(what.find("No such file or directory"), std::string::npos) << what;
  }
  EXPECT_TRUE(listing().empty());
}

TEST_F(Hdf5Writer, FailureAfterWritingRemovesTheTemporaryFile) {
  const fs::path file = dir_ / "results.h5";
  bool saw_temporary = false;
  const auto fail = [&](const fs::path& temporary) {
    saw_temporary = fs::exists(temporary) && temporary.parent_path() == fs::absolute(dir_);
    throw std::runtime_error("simulated failure");
  };
  EXPECT_THROW(detail::write_results(file, replications(), metadata(), false, fail), std::runtime_error);
  EXPECT_TRUE(saw_temporary);
  EXPECT_TRUE(listing().empty());
}

TEST_F(Hdf5Writer, FileAppearingDuringTheWriteIsNotReplaced) {
  const fs::path file = dir_ / "results.h5";
  const auto race = [&](const fs::path&) { std::ofstream(file) << "someone else's"; };
  EXPECT_THROW(detail::write_results(file, replications(), metadata(), false, race), std::runtime_error);
  EXPECT_EQ(slurp(file), "someone else's");
  EXPECT_EQ(listing(), std::vector<std::string>{"results.h5"});
}

TEST_F(Hdf5Writer, RejectsNoReplicationsBeforeCreatingAnything) {
  EXPECT_THROW(write_results(dir_ / "results.h5", {}, metadata(), false), std::runtime_error);
  EXPECT_TRUE(listing().empty());
}

// ------------------------------------------------------------------ interrupts

TEST(Hdf5Interrupt, SignalRemovesGuardedFilesAndExitsWith128PlusSignal) {
  // The default ("fast") death-test style forks: the child sees the same file
  // name. ctest runs each test alone, so no worker threads exist to fork past.
  const fs::path file = fs::temp_directory_path() / ("giotmau-guarded-" + std::to_string(std::random_device{}()));
  std::ofstream(file) << "half written";
  EXPECT_EXIT(
      {
        install_interrupt_handlers();
        const TemporaryFileGuard guard(file);
        std::raise(SIGTERM);
      },
      ::testing::ExitedWithCode(128 + SIGTERM), "");
  EXPECT_FALSE(fs::exists(file));
  fs::remove(file);
}

TEST(Hdf5Interrupt, GuardsAreBoundedAndReleased) {
  EXPECT_THROW(TemporaryFileGuard(fs::path(std::string(kMaxGuardedPathBytes, 'x'))), std::length_error);
  {
    std::vector<std::unique_ptr<TemporaryFileGuard>> guards;
    for (std::size_t i = 0; i < kMaxGuardedFiles; ++i) {
      guards.push_back(std::make_unique<TemporaryFileGuard>("/tmp/x" + std::to_string(i)));
    }
    EXPECT_THROW(TemporaryFileGuard("/tmp/one-too-many"), std::runtime_error);
  }
  EXPECT_NO_THROW(TemporaryFileGuard("/tmp/after-release"));
}

}  // namespace
}  // namespace giotmau::results
