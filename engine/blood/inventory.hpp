#pragma once
// The stock of one holding site (a blood centre or a hospital bank): for every
// product and group, batches of units ordered by expiry day.
#include <array>
#include <cstdint>
#include <deque>
#include <limits>
#include <vector>

#include "blood/blood_types.hpp"
#include "blood/calendar.hpp"

namespace giotmau::blood {

enum class IssuePolicy : std::uint8_t {
  Fifo,  // oldest first (earliest expiry): the default, fewest outdates
  Lifo,  // newest first: freshest blood to patients, more outdates
};

// Units of one product and group made on the same day with the same expiry.
// A unit may be issued through its expiry day and is outdated the day after.
struct Batch {
  DayNumber made;
  DayNumber expires;
  std::int64_t units;
};

using GroupCounts = std::array<std::int64_t, kGroupCount>;

struct IssueOutcome {
  std::int64_t issued = 0;              // units issued, exact + substituted
  GroupCounts issued_by_unit_group{};   // which groups left the stock
  GroupCounts substituted_by_unit_group{};  // of those, units given to another group
  std::int64_t age_days_sum = 0;        // sum over issued units of (today - made)
  GroupCounts age_days_by_unit_group{};  // the same, by the group of the unit
};

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

  // Batches of one product and group, earliest expiry first.
  const std::deque<Batch>& batches(Product product, BloodGroup group) const noexcept;

 private:
  struct Shelf {
    std::deque<Batch> batches;  // sorted by expires, ascending
    std::int64_t units = 0;
  };
  Shelf& shelf(Product p, BloodGroup g) noexcept { return shelves_[index(p) * kGroupCount + index(g)]; }
  const Shelf& shelf(Product p, BloodGroup g) const noexcept { return shelves_[index(p) * kGroupCount + index(g)]; }

  std::array<Shelf, kProductCount * kGroupCount> shelves_{};
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
