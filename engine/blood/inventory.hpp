#pragma once
// The stock of one holding site (a blood centre or a hospital bank): for every
// product and group, batches of units ordered by expiry day.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "blood/batch_queue.hpp"
#include "blood/blood_types.hpp"
#include "blood/calendar.hpp"

namespace giotmau::blood {

enum class IssuePolicy : std::uint8_t {
  Fifo,  // oldest first (earliest expiry): the default, fewest outdates
  Lifo,  // newest first: freshest blood to patients, more outdates
};

using GroupCounts = std::array<std::int64_t, kGroupCount>;

struct IssueOutcome {
  std::int64_t issued = 0;              // units issued, exact + substituted
  GroupCounts issued_by_unit_group{};   // which groups left the stock
  GroupCounts substituted_by_unit_group{};  // of those, units given to another group
  std::int64_t age_days_sum = 0;        // sum over issued units of (today - made)
  GroupCounts age_days_by_unit_group{};  // the same, by the group of the unit
};

// Calls visit(i) for each set bit i of `bits`, ascending: the shelves or kinds
// a bit set such as Inventory::stocked_kinds() names.
template <typename Visit>
void for_each_set_bit(std::uint32_t bits, Visit&& visit) {
  for (; bits != 0; bits &= bits - 1) visit(static_cast<std::size_t>(std::countr_zero(bits)));
}

class Inventory {
 public:
  void add(Product product, BloodGroup group, Batch batch);
  std::int64_t on_hand(Product product, BloodGroup group) const noexcept { return shelf(product, group).units; }
  std::int64_t on_hand(Product product) const noexcept;

  // Units that may still be issued on `day` (last usable day on or after it).
  std::int64_t usable_on(Product product, BloodGroup group, DayNumber day) const noexcept;
  // Units whose last usable day is exactly `day`.
  std::int64_t expiring_on(Product product, BloodGroup group, DayNumber day) const noexcept;

  // Removes the units whose expiry day is before `today`; returns them per group.
  GroupCounts remove_expired(Product product, DayNumber today);
  // Whether some unit of the product expires before `today` (remove_expired
  // would remove something). Cheap: a site checks it three times a day.
  bool has_expired(Product product, DayNumber today) const noexcept { return today > expiry_floor_[index(product)]; }
  // The same for any product: lets a site with nothing due be passed over at once.
  bool has_expired(DayNumber today) const noexcept {
    return today > std::ranges::min(expiry_floor_);
  }

  // Issues up to `units` to a patient of group `patient`: the exact group first,
  // then, if `substitute`, compatible groups in issue_preference order. Within
  // a group the batches go in `policy` order. Units with expiry < today are
  // never issued (call remove_expired first).
  IssueOutcome issue(Product product, BloodGroup patient, std::int64_t units, IssuePolicy policy, bool substitute,
                     DayNumber today);

  // Takes up to `units` of exactly this group for a shipment, earliest expiry
  // first among batches that expire on or after `usable_until` (so that they
  // can still be used on arrival). Returns the batches taken.
  std::vector<Batch> take_for_shipment(Product product, BloodGroup group, std::int64_t units,
                                       DayNumber usable_until);
  // The same, handing each batch taken to `sink(const Batch&)` (straight into
  // a shipment, with no list in between); returns the units taken.
  template <typename Sink>
  std::int64_t take_for_shipment(Product product, BloodGroup group, std::int64_t units, DayNumber usable_until,
                                 Sink&& sink) {
    if (units <= 0) return 0;
    Shelf& s = shelf(product, group);
    const std::int64_t taken =
        s.batches.take_forward(s.batches.first_usable(usable_until), units,
                               [&sink](const Batch& b, std::int64_t n) { sink(Batch{b.made, b.expires, n}); });
    take_units(product, group, taken);
    return taken;
  }

  // Batches of one product and group, earliest expiry first.
  std::span<const Batch> batches(Product product, BloodGroup group) const noexcept;

  // The shelves holding units, as a bit set: bit index(p) * kGroupCount +
  // index(g) (the model's stock_index) is set while on_hand(p, g) > 0. Lets a
  // daily count visit only the few kinds a site holds.
  std::uint32_t stocked_kinds() const noexcept { return stocked_; }

 private:
  struct Shelf {
    BatchQueue batches;  // sorted by expires, ascending
    std::int64_t units = 0;
  };
  static constexpr std::size_t shelf_index(Product p, BloodGroup g) noexcept { return index(p) * kGroupCount + index(g); }
  Shelf& shelf(Product p, BloodGroup g) noexcept { return shelves_[shelf_index(p, g)]; }
  const Shelf& shelf(Product p, BloodGroup g) const noexcept { return shelves_[shelf_index(p, g)]; }
  // Books `units` leaving a shelf: its total, and the stocked bit once empty.
  void take_units(Product p, BloodGroup g, std::int64_t units) noexcept {
    Shelf& s = shelf(p, g);
    s.units -= units;
    if (s.units == 0) stocked_ &= ~(std::uint32_t{1} << shelf_index(p, g));
  }

  std::array<Shelf, kProductCount * kGroupCount> shelves_{};
  static_assert(kProductCount * kGroupCount <= 32, "stocked_ has a bit per shelf");
  std::uint32_t stocked_ = 0;
  // Per product, a day no unit expires before (exact after remove_expired;
  // issuing and shipping only raise the true earliest expiry, so it stays a
  // lower bound). Lets remove_expired skip the shelves when nothing is due.
  std::array<DayNumber, kProductCount> expiry_floor_ = filled_expiry_floor();
  static constexpr std::array<DayNumber, kProductCount> filled_expiry_floor() noexcept {
    std::array<DayNumber, kProductCount> floor{};
    floor.fill(std::numeric_limits<DayNumber>::max());
    return floor;
  }
};

}  // namespace giotmau::blood
