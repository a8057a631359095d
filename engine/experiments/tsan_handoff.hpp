#pragma once
// Tells ThreadSanitizer about the hand-off of work to oneTBB's threads and of
// results back, which it cannot see: Debian's libtbb is not built with TSan,
// so the synchronisation inside it (a task's start after it was spawned, its
// end before parallel_for returns) is invisible and every first access looks
// like a race. Without TSan these are empty inline functions.
//
// Use: release() before arena.execute and at the end of each task body;
// acquire() at the start of each task body and after arena.execute returns.
#if defined(__SANITIZE_THREAD__)
#define GIOTMAU_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define GIOTMAU_TSAN 1
#endif
#endif

#ifdef GIOTMAU_TSAN
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#endif

namespace giotmau::experiments {

class TaskHandoff {
 public:
  void release() noexcept {
#ifdef GIOTMAU_TSAN
    __tsan_release(this);
#endif
  }
  void acquire() noexcept {
#ifdef GIOTMAU_TSAN
    __tsan_acquire(this);
#endif
  }

 private:
  [[maybe_unused]] char token_ = 0;  // its address is the synchronisation object TSan tracks (unused without it)
};

}  // namespace giotmau::experiments
