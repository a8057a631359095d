#pragma once
// Where a result file may go, checked before any long work starts, and the
// temporary file a result is written to before it is moved into place.
//
// Every command that writes a file calls check_destinations() on all its
// output paths first (exit 2 on a problem, nothing simulated yet), then writes
// through write_atomically() (results/hdf5_writer.hpp), which creates its
// temporary file with create_temporary_beside() and commits it with
// replace_or_link().
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace giotmau::results {

// A destination the user named that cannot (or may not) be written: bad
// input, not an internal error (the command line exits 2 on it).
class DestinationError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// One output of a command: its path, and the option that named it ("-o",
// "--hdf5"), which messages quote.
struct Destination {
  std::filesystem::path path;
  std::string option;
};

// Throws DestinationError, naming the option and the path, unless a result
// can be written at `d.path`:
//  - the path is not empty and names a file (not "dir/", ".", "..");
//  - nothing is there, or (only with `force`) a regular file: --force never
//    replaces a directory, a device, a FIFO, a socket or a symbolic link
//    (not even a dangling one: giotmau never writes through links);
//  - its directory exists, is a directory, and a file can be created in it:
//    probed by creating (exclusively) and removing a temporary file there, as
//    the writer will, which catches read-only file systems and directories,
//    /proc and the like for every user, root included.
void check_destination(const Destination& d, bool force);

// The first of check_destination()'s checks alone: `d.path` is not empty and
// names a file. For a path that others are derived from (compare -o).
void check_names_a_file(const Destination& d);

// check_destination() on each, and refuses two outputs naming one file.
void check_destinations(const std::vector<Destination>& destinations, bool force);

// Creates a new, empty file beside `path` (same directory), named
// "<name>.tmp-<random hex>", with O_CREAT|O_EXCL|O_NOFOLLOW: it never opens
// an existing file or follows a link planted at the name, and the name cannot
// be guessed in advance. Returns its path (absolute). Throws
// std::runtime_error when the directory refuses it. `before_create` is called
// with each name just before the file is created under it: registering the
// name there for removal on SIGINT/SIGTERM (results/interrupt.hpp) leaves no
// moment at which a signal could leave the file behind.
std::filesystem::path create_temporary_beside(
    const std::filesystem::path& path,
    const std::function<void(const std::filesystem::path& name)>& before_create = {});

// Moves the complete `temporary` to `path`. Without `force`, link() creates
// `path` only if nothing is there, atomically; with `force`, an existing
// regular file is replaced (rename) and anything else refused. Throws
// DestinationError when `path` may not be replaced, std::runtime_error on
// other failures; `temporary` is left for the caller to remove on failure.
void commit_temporary(const std::filesystem::path& temporary, const std::filesystem::path& path, bool force);

}  // namespace giotmau::results
