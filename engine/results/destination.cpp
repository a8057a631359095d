#include "results/destination.hpp"

#include "results/interrupt.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>
#include <set>
#include <system_error>

#include "results/interrupt.hpp"

namespace giotmau::results {

namespace fs = std::filesystem;

namespace {

// Appended piece by piece: "'" + s + "'" trips gcc 12's -Wrestrict false positive at -O3.
std::string quoted(const fs::path& p) {
  std::string text(1, '\'');
  text += p.native();
  text += '\'';
  return text;
}

std::string error_text(int error) { return std::strerror(error); }

// The directory a file at `path` goes in.
fs::path directory_of(const fs::path& path) { return path.has_parent_path() ? path.parent_path() : fs::path("."); }

// A name no one can guess: 64 bits from the operating system's generator.
std::string random_hex() {
  std::random_device device;
  const std::uint64_t bits = (std::uint64_t{device()} << 32) ^ device();
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(bits));
  return text;
}

// Keeps the temporary name within NAME_MAX (255 bytes) when the result's own
// name is long: at most 200 bytes of it, then ".tmp-" and 16 hex digits.
std::string temporary_name(const fs::path& path) {
  std::string name = path.filename().string().substr(0, 200);
  return name + ".tmp-" + random_hex();
}

// What is at `path` itself (a link is not followed); nullopt-like false when nothing.
bool lstat_path(const fs::path& path, struct stat& st, int& error) {
  if (::lstat(path.c_str(), &st) == 0) return true;
  error = errno;
  return false;
}

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISLNK(mode)) return "a symbolic link";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

void check_what_is_there(const Destination& d, const std::string& what, bool force) {
  struct stat st {};
  int error = 0;
  if (!lstat_path(d.path, st, error)) {
    // Nothing there (or no directory to hold it: the directory check says so).
    if (error == ENOENT || error == ENOTDIR) return;
    throw DestinationError(what + ": cannot inspect it: " + error_text(error));
  }
  if (S_ISLNK(st.st_mode)) {
    throw DestinationError(what + " is a symbolic link; giotmau does not write through links (name the file "
                           "itself, or remove the link)");
  }
  if (S_ISDIR(st.st_mode)) throw DestinationError(what + " is a directory; expected a file name");
  if (!S_ISREG(st.st_mode)) {
    throw DestinationError(what + " is " + kind_of(st.st_mode) + "; --force replaces regular files only");
  }
  if (!force) throw DestinationError(what + " exists; use --force to replace it");
}

void check_directory(const Destination& d, const std::string& what) {
  const fs::path dir = directory_of(d.path);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    const int error = errno;
    if (error == ENOENT) throw DestinationError(what + ": directory " + quoted(dir) + " does not exist");
    if (error == ENOTDIR) throw DestinationError(what + ": " + quoted(dir) + " is not a directory");
    throw DestinationError(what + ": directory " + quoted(dir) + ": " + error_text(error));
  }
  if (!S_ISDIR(st.st_mode)) throw DestinationError(what + ": " + quoted(dir) + " is not a directory");
  // Permissions, read-only mounts, /proc, quotas on inodes, ACLs: only
  // creating a file there says for sure (and root ignores mode bits).
  try {
    // Guarded like any temporary file: an interrupt now must not leave it.
    std::optional<TemporaryFileGuard> guard;
    const fs::path probe = create_temporary_beside(d.path, [&guard](const fs::path& name) { guard.emplace(name); });
    ::unlink(probe.c_str());
  } catch (const std::exception& e) {  // the directory's refusal, or a path too long to guard
    throw DestinationError(what + ": " + e.what());
  }
}

std::string describe(const Destination& d) {
  return (d.option.empty() ? std::string("output") : d.option) + " " + quoted(d.path);
}

}  // namespace

void check_names_a_file(const Destination& d) {
  const std::string what = describe(d);
  if (d.path.empty()) throw DestinationError(what + ": an empty path names no file");
  const std::string& text = d.path.native();
  const fs::path name = d.path.filename();
  if (text.back() == '/' || name.empty() || name == "." || name == "..") {
    throw DestinationError(what + " names a directory; expected a file name");
  }
}

void check_destination(const Destination& d, bool force) {
  const std::string what = describe(d);
  check_names_a_file(d);
  check_what_is_there(d, what, force);
  check_directory(d, what);
}

void check_destinations(const std::vector<Destination>& destinations, bool force) {
  std::set<fs::path> seen;
  for (const Destination& d : destinations) {
    check_destination(d, force);
    std::error_code ignored;
    const fs::path canonical = fs::weakly_canonical(fs::absolute(d.path), ignored);
    if (!seen.insert(canonical.empty() ? fs::absolute(d.path) : canonical).second) {
      throw DestinationError(describe(d) + ": another output names the same file");
    }
  }
}

fs::path create_temporary_beside(const fs::path& path, const std::function<void(const fs::path& name)>& before_create) {
  const fs::path dir = fs::absolute(directory_of(path));
  for (int attempt = 0; attempt < 16; ++attempt) {
    const fs::path candidate = dir / temporary_name(path);
    if (before_create) before_create(candidate);
    // O_EXCL: fails on anything already there, a link (dangling or not) included.
    const int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd >= 0) {
      ::close(fd);
      return candidate;
    }
    const int error = errno;
    if (error != EEXIST) {
      throw std::runtime_error("cannot create a file in " + quoted(dir) + ": " + error_text(error));
    }
  }
  throw std::runtime_error("cannot create a temporary file in " + quoted(dir) + ": every name tried was taken");
}

void commit_temporary(const fs::path& temporary, const fs::path& path, bool force) {
  const auto exists = [&] {
    return std::runtime_error(path.string() + " already exists; not overwriting it (use --force to replace it)");
  };
  struct stat st {};
  int error = 0;
  if (!force) {
    // link() never replaces anything, a dangling link included: no window
    // between a check and the move.
    if (::link(temporary.c_str(), path.c_str()) == 0) {
      ::unlink(temporary.c_str());  // the result is in place; a stray name is not worth failing for
      return;
    }
    error = errno;
    if (error == EEXIST) throw exists();
    // File systems without hard links: check, then rename.
    if (error != EPERM && error != EOPNOTSUPP && error != EMLINK) {
      throw std::runtime_error("cannot move " + quoted(temporary) + " to " + quoted(path) + ": " + error_text(error));
    }
    if (lstat_path(path, st, error)) throw exists();
  } else if (lstat_path(path, st, error) && !S_ISREG(st.st_mode)) {
    // Checked before the run too; something else may have appeared since.
    throw std::runtime_error(path.string() + " is now " + kind_of(st.st_mode) +
                             "; --force replaces regular files only");
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    error = errno;
    throw std::runtime_error("cannot move " + quoted(temporary) + " to " + quoted(path) + ": " + error_text(error));
  }
}

}  // namespace giotmau::results
