// Output destinations checked before a run, and the temporary files results
// are written to (results/destination.hpp).
#include "results/destination.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace {

namespace fs = std::filesystem;
using namespace giotmau::results;

class DestinationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("giotmau-destination-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string refusal(const fs::path& path, bool force) {
    try {
      check_destination({path, "-o"}, force);
    } catch (const DestinationError& e) {
      return e.what();
    }
    return {};
  }
  static bool says(const std::string& message, const std::string& part) {
    return message.find(part) != std::string::npos;
  }
  std::size_t entries() const { return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir_), {})); }

  fs::path dir_;
};

TEST_F(DestinationTest, AcceptsANewFileInAnExistingDirectoryAndLeavesNothing) {
  EXPECT_EQ(refusal(dir_ / "new.h5", false), "");
  EXPECT_EQ(entries(), 0u);  // the probe file is gone
}

TEST_F(DestinationTest, RefusesPathsThatNameNoFile) {
  EXPECT_TRUE(says(refusal("", false), "empty path"));
  EXPECT_TRUE(says(refusal(dir_.string() + "/", false), "names a directory"));
  EXPECT_TRUE(says(refusal(".", false), "names a directory"));
  EXPECT_TRUE(says(refusal(dir_ / "..", false), "names a directory"));
  EXPECT_TRUE(says(refusal(dir_, true), "is a directory"));  // --force does not make a directory a file
}

TEST_F(DestinationTest, ForceReplacesRegularFilesOnly) {
  std::ofstream(dir_ / "old.h5") << "x";
  EXPECT_TRUE(says(refusal(dir_ / "old.h5", false), "exists; use --force"));
  EXPECT_EQ(refusal(dir_ / "old.h5", true), "");
  fs::create_symlink("old.h5", dir_ / "link.h5");
  fs::create_symlink("nowhere.h5", dir_ / "dangling.h5");
  ASSERT_EQ(::mkfifo((dir_ / "fifo.h5").c_str(), 0600), 0);
  EXPECT_TRUE(says(refusal(dir_ / "link.h5", true), "symbolic link"));
  EXPECT_TRUE(says(refusal(dir_ / "dangling.h5", false), "symbolic link"));
  EXPECT_TRUE(says(refusal(dir_ / "fifo.h5", true), "a FIFO; --force replaces regular files only"));
  EXPECT_TRUE(says(refusal("/dev/null", true), "a character device"));
}

TEST_F(DestinationTest, RefusesMissingAndUnwritableDirectories) {
  std::ofstream(dir_ / "plain") << "x";
  EXPECT_TRUE(says(refusal(dir_ / "missing" / "x.h5", false), "does not exist"));
  EXPECT_TRUE(says(refusal(dir_ / "plain" / "x.h5", false), "is not a directory"));
  EXPECT_TRUE(says(refusal("/proc/x.h5", false), "cannot create a file in '/proc'"));
}

TEST_F(DestinationTest, TwoOutputsNamingOneFileAreRefused) {
  EXPECT_THROW(check_destinations({{dir_ / "a.h5", "-o"}, {dir_ / "." / "a.h5", "--hdf5"}}, false), DestinationError);
  EXPECT_NO_THROW(check_destinations({{dir_ / "a.csv", "-o"}, {dir_ / "a.h5", "--hdf5"}}, false));
}

TEST_F(DestinationTest, TemporaryFilesAreNewEmptyRegularFilesWithUnguessableNames) {
  std::set<std::string> names;
  for (int i = 0; i < 20; ++i) {
    const fs::path t = create_temporary_beside(dir_ / "out.h5");
    EXPECT_EQ(t.parent_path(), fs::absolute(dir_));
    EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(t)));
    EXPECT_EQ(fs::file_size(t), 0u);
    EXPECT_EQ(t.filename().string().rfind("out.h5.tmp-", 0), 0u) << t;
    names.insert(t.filename().string());
  }
  EXPECT_EQ(names.size(), 20u);
}

TEST_F(DestinationTest, CommitNeverReplacesALinkOrAnythingButARegularFile) {
  std::ofstream(dir_ / "victim") << "victim";
  fs::create_symlink("victim", dir_ / "out.h5");
  for (const bool force : {false, true}) {
    const fs::path t = create_temporary_beside(dir_ / "out.h5");
    std::ofstream(t) << "result";
    EXPECT_THROW(commit_temporary(t, dir_ / "out.h5", force), std::runtime_error);
    EXPECT_TRUE(fs::is_symlink(dir_ / "out.h5"));
    fs::remove(t);
  }
  std::ifstream in(dir_ / "victim");
  std::string text;
  in >> text;
  EXPECT_EQ(text, "victim");

  std::ofstream(dir_ / "old.h5") << "old";
  const fs::path t = create_temporary_beside(dir_ / "old.h5");
  std::ofstream(t) << "new";
  commit_temporary(t, dir_ / "old.h5", true);
  EXPECT_FALSE(fs::exists(t));
  std::ifstream replaced(dir_ / "old.h5");
  replaced >> text;
  EXPECT_EQ(text, "new");
}

}  // namespace
