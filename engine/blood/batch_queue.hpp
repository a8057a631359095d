#pragma once
// The batches on one shelf, earliest expiry first, in a vector with a moving
// front. Batches mostly arrive at the back and leave at the front (issued,
// shipped, outdated); a shelf holds a few dozen. std::deque, used before,
// allocated and freed a block whenever its front or back crossed one, several
// times a day per shelf; this keeps one buffer and slides the live batches
// back to its start only when the dead front is at least as long as they are
// (so each batch moves at most once per batch removed: amortised O(1)).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "blood/calendar.hpp"

namespace giotmau::blood {

// Units of one product and group made on the same day with the same expiry.
// A unit may be issued through its expiry day and is outdated the day after.
struct Batch {
  DayNumber made;
  DayNumber expires;
  std::int64_t units;
};

class BatchQueue {
 public:
  using iterator = Batch*;
  using const_iterator = const Batch*;

  bool empty() const noexcept { return head_ == items_.size(); }
  std::size_t size() const noexcept { return items_.size() - head_; }
  iterator begin() noexcept { return items_.data() + head_; }
  iterator end() noexcept { return items_.data() + items_.size(); }
  const_iterator begin() const noexcept { return items_.data() + head_; }
  const_iterator end() const noexcept { return items_.data() + items_.size(); }
  Batch& front() noexcept { return items_[head_]; }
  Batch& back() noexcept { return items_.back(); }
  const Batch& front() const noexcept { return items_[head_]; }
  const Batch& back() const noexcept { return items_.back(); }
  const Batch& operator[](std::size_t i) const noexcept { return items_[head_ + i]; }

  void push_back(const Batch& batch) {
    if (items_.size() == items_.capacity() && 2 * head_ >= items_.size()) compact();
    items_.push_back(batch);
  }
  void pop_front() noexcept {
    ++head_;
    if (empty()) clear();
  }
  void pop_back() noexcept {
    items_.pop_back();
    if (empty()) clear();
  }
  void insert(const_iterator pos, const Batch& batch) {
    items_.insert(items_.begin() + (pos - items_.data()), batch);
  }
  void erase(const_iterator first, const_iterator last) {
    if (first == begin()) {
      head_ += static_cast<std::size_t>(last - first);
      if (empty()) clear();
      return;
    }
    items_.erase(items_.begin() + (first - items_.data()), items_.begin() + (last - items_.data()));
  }

  // First batch that may still be issued on `day` (expires on or after it).
  // Usually it is the front or close to it (the expired leave every day), so
  // look there before searching the rest.
  iterator first_usable(DayNumber day) noexcept {
    iterator it = begin();
    for (int near_front = 0; near_front < 4 && it != end(); ++near_front, ++it) {
      if (it->expires >= day) return it;
    }
    return std::partition_point(it, end(), [day](const Batch& b) { return b.expires < day; });
  }

  // Takes up to `wanted` units from batches [from, end) in order, erasing the
  // batches emptied; calls `take(batch, units)` for each part taken. Returns
  // the units taken.
  template <typename Take>
  std::int64_t take_forward(iterator from, std::int64_t wanted, Take&& take) {
    std::int64_t taken = 0;
    iterator it = from;
    for (; it != end() && taken < wanted; ++it) {
      const std::int64_t n = std::min(it->units, wanted - taken);
      take(*it, n);
      taken += n;
      if (n < it->units) {
        it->units -= n;
        break;  // this batch is only partly used, and stays
      }
    }
    erase(from, it);
    return taken;
  }

 private:
  void clear() noexcept {
    items_.clear();
    head_ = 0;
  }
  void compact() {
    items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }

  std::vector<Batch> items_;  // live batches are [head_, size())
  std::size_t head_ = 0;
};

}  // namespace giotmau::blood
