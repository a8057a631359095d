#pragma once
// An allocator for large arrays that start at zero (a run's daily measures:
// ten years of them are 9 MB). std::allocator writes every zero, touching
// every page before the run starts (a page fault each, and the writes); here
// the memory comes zeroed from the operating system, and a page is touched
// only when something is written to it. On Linux the whole 2 MiB stretches of
// a large array are also asked to be backed by huge pages (madvise), so ten
// years of measures cost a handful of page faults instead of two thousand.
//
// Only for types whose zero bits are their value-initialised value (integers,
// doubles), in vectors built at their final size: the allocator leaves
// value-initialisation to the zeroed memory, so a vector shrunk and grown
// again within its capacity would show old values.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>
#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace giotmau::blood {

template <class T>
class ZeroedPages {
  static_assert(std::is_trivially_default_constructible_v<T> && std::is_trivially_destructible_v<T>);

 public:
  using value_type = T;

  ZeroedPages() = default;
  template <class U>
  ZeroedPages(const ZeroedPages<U>&) noexcept {}  // NOLINT: allocators convert implicitly

  T* allocate(std::size_t n) {
#if defined(__linux__)
    if (n * sizeof(T) >= kHugePage) return static_cast<T*>(map(n * sizeof(T)));
#endif
    void* p = std::calloc(n, sizeof(T));  // zeroed; fresh pages from the system are not written
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }

  void deallocate(T* p, std::size_t n) noexcept {
#if defined(__linux__)
    if (n * sizeof(T) >= kHugePage) {
      munmap(p, round_up(n * sizeof(T), kPage));
      return;
    }
#endif
    std::free(p);
  }

  // T() is the zero the memory already holds: nothing to write.
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }

  friend bool operator==(const ZeroedPages&, const ZeroedPages&) noexcept { return true; }

 private:
  static constexpr std::size_t kPage = 4096;
  static constexpr std::size_t kHugePage = std::size_t{2} << 20;
  static constexpr std::size_t round_up(std::size_t x, std::size_t to) { return (x + to - 1) / to * to; }

#if defined(__linux__)
  // Anonymous pages (zeroed by the kernel) starting on a huge-page boundary,
  // whole huge pages inside advised as such; the tail stays in small pages,
  // so no more memory is resident than a calloc'd array would hold.
  static void* map(std::size_t bytes) {
    const std::size_t length = round_up(bytes, kPage);
    void* raw = mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = round_up(start, kHugePage);
    if (aligned > start) munmap(raw, aligned - start);
    const std::uintptr_t end = start + length + kHugePage;
    if (end > aligned + length) munmap(reinterpret_cast<void*>(aligned + length), end - (aligned + length));
    madvise(reinterpret_cast<void*>(aligned), length / kHugePage * kHugePage, MADV_HUGEPAGE);  // advice only
    return reinterpret_cast<void*>(aligned);
  }
#endif
};

}  // namespace giotmau::blood
