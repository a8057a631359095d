#pragma once
// A short list of trivially copyable values: up to N kept inline, more on the
// heap. For event payloads: the kernel moves each event through its queues a
// few times, and most events carry one or two values, so a std::vector (an
// allocation per event) and a std::array of every possible value (the bytes
// of all of them moved each time) both cost more. Moving one is copying the
// inline values and one pointer (a moved-from list holds unspecified values
// until assigned).
#include <array>
#include <cstddef>
#include <memory>
#include <type_traits>
#include <vector>

namespace giotmau::blood {

template <typename T, std::size_t N>
class InlineList {
  static_assert(std::is_trivially_copyable_v<T>, "inline values are copied as bytes");

 public:
  InlineList() = default;
  InlineList(const InlineList& other)
      : inline_(other.inline_),
        inline_size_(other.inline_size_),
        heap_(other.heap_ ? std::make_unique<std::vector<T>>(*other.heap_) : nullptr) {}
  InlineList& operator=(const InlineList& other) {
    if (this != &other) *this = InlineList(other);
    return *this;
  }
  InlineList(InlineList&&) noexcept = default;
  InlineList& operator=(InlineList&&) noexcept = default;
  ~InlineList() = default;

  std::size_t size() const noexcept { return heap_ ? heap_->size() : inline_size_; }
  bool empty() const noexcept { return size() == 0; }
  const T* begin() const noexcept { return heap_ ? heap_->data() : inline_.data(); }
  const T* end() const noexcept { return begin() + size(); }
  const T& operator[](std::size_t i) const noexcept { return begin()[i]; }

  void push_back(const T& value) {
    if (!heap_) {
      if (inline_size_ < N) {
        inline_[inline_size_++] = value;
        return;
      }
      // The list outgrows its inline room.
      heap_ = std::make_unique<std::vector<T>>(inline_.begin(), inline_.end());
    }
    heap_->push_back(value);
  }

 private:
  std::array<T, N> inline_{};
  std::size_t inline_size_ = 0;           // while not on the heap
  std::unique_ptr<std::vector<T>> heap_;  // every value, once there are more than N
};

}  // namespace giotmau::blood
