#pragma once
// A fresh directory for a test's files, removed afterwards.
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

namespace giotmau::testing {

namespace fs = std::filesystem;

// A fresh directory under the system temp directory, removed afterwards.
class TempDir {
 public:
  TempDir() {
    // ctest may run test processes side by side: the name must be new.
    std::random_device random;
    do {
      path_ = fs::temp_directory_path() / ("giotmau_test_" + std::to_string(random()) + std::to_string(random()));
    } while (!fs::create_directory(path_));
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `text`, then `filler_bytes` of comment lines (for oversized files).
  fs::path write(const std::string& name, const std::string& text, std::size_t filler_bytes = 0) const {
    const fs::path file = path_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out << text;
    const std::string line = "#" + std::string(1022, 'x') + "\n";
    for (std::size_t written = 0; written < filler_bytes; written += line.size()) out << line;
    return file;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace giotmau::testing
