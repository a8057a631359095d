#pragma once
// Removing half-written files when the run is interrupted (Ctrl-C, kill).
//
// This is the one piece of process-wide state in giotmau, and it has to be:
// a signal handler cannot be given arguments, so the paths it must remove
// live in a fixed table of static slots. A writer registers its temporary
// file with a TemporaryFileGuard for as long as the file may exist under the
// temporary name; if SIGINT or SIGTERM arrives meanwhile, the handler unlinks
// every registered path and ends the process with _exit(128 + signal), the
// shell's convention for "killed by a signal". The handler uses only
// async-signal-safe operations (lock-free atomic loads, unlink, _exit).
//
// Registering a guard is always safe; the handler only runs once
// install_interrupt_handlers() has been called (the command-line program does
// so at start-up; libraries and tests need not).
#include <cstddef>
#include <filesystem>

namespace giotmau::results {

inline constexpr std::size_t kMaxGuardedFiles = 16;
inline constexpr std::size_t kMaxGuardedPathBytes = 4096;

// Installs the SIGINT/SIGTERM handler. Idempotent and thread-safe.
void install_interrupt_handlers();

// True once install_interrupt_handlers() has run.
bool interrupt_handlers_installed() noexcept;

class TemporaryFileGuard {
 public:
  // Registers `path` for removal on interrupt. Throws std::length_error when
  // the path is longer than kMaxGuardedPathBytes - 1 bytes and
  // std::runtime_error when kMaxGuardedFiles guards are already alive.
  explicit TemporaryFileGuard(const std::filesystem::path& path);
  // Unregisters only: by then the owner has renamed the file or removed it.
  ~TemporaryFileGuard();
  TemporaryFileGuard(const TemporaryFileGuard&) = delete;
  TemporaryFileGuard& operator=(const TemporaryFileGuard&) = delete;

 private:
  std::size_t slot_;
};

}  // namespace giotmau::results
