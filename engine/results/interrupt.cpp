#include "results/interrupt.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string>

namespace giotmau::results {

namespace {

// Reading an atomic from a signal handler is only safe when it is lock-free.
static_assert(std::atomic<int>::is_always_lock_free);
static_assert(std::atomic<bool>::is_always_lock_free);

// One registered path. `claimed` hands slots to guards (across threads);
// `armed` tells the handler the path is complete and should be removed: it is
// set after the path is written (release) and read before it is used (acquire).
struct Slot {
  std::atomic<bool> claimed{false};
  std::atomic<int> armed{0};
  char path[kMaxGuardedPathBytes] = {};
};

Slot g_slots[kMaxGuardedFiles];
std::atomic<bool> g_installed{false};

extern "C" void remove_guarded_files_and_exit(int signal_number) {
  for (Slot& slot : g_slots) {
    if (slot.armed.load(std::memory_order_acquire) != 0) ::unlink(slot.path);
  }
  ::_exit(128 + signal_number);
}

std::size_t claim_slot() {
  for (std::size_t i = 0; i < kMaxGuardedFiles; ++i) {
    bool expected = false;
    if (g_slots[i].claimed.compare_exchange_strong(expected, true)) return i;
  }
  throw std::runtime_error("too many temporary files guarded at once (at most " + std::to_string(kMaxGuardedFiles) +
                           ")");
}

}  // namespace

void install_interrupt_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_handler = remove_guarded_files_and_exit;
    // A second Ctrl-C while the handler runs must not cut the clean-up short.
    sigemptyset(&action.sa_mask);
    sigaddset(&action.sa_mask, SIGINT);
    sigaddset(&action.sa_mask, SIGTERM);
    action.sa_flags = 0;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    g_installed.store(true);
  });
}

bool interrupt_handlers_installed() noexcept { return g_installed.load(); }

TemporaryFileGuard::TemporaryFileGuard(const std::filesystem::path& path) {
  const std::string& text = path.native();
  if (text.size() >= kMaxGuardedPathBytes) {
    throw std::length_error("temporary file path too long to guard (" + std::to_string(text.size()) + " bytes): " +
                            text);
  }
  slot_ = claim_slot();
  Slot& slot = g_slots[slot_];
  std::memcpy(slot.path, text.c_str(), text.size() + 1);
  slot.armed.store(1, std::memory_order_release);
}

TemporaryFileGuard::~TemporaryFileGuard() {
  Slot& slot = g_slots[slot_];
  slot.armed.store(0, std::memory_order_release);
  slot.claimed.store(false);
}

}  // namespace giotmau::results
