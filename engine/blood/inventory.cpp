#include "blood/inventory.hpp"

#include <algorithm>
#include <iterator>
#include <limits>

namespace giotmau::blood {
namespace {

bool same_lot(const Batch& a, const Batch& b) noexcept { return a.made == b.made && a.expires == b.expires; }

// Takes up to `wanted` units from the back (latest expiry) towards the front,
// stopping at batches that expired before `today`.
template <typename Take>
std::int64_t take_backward(BatchQueue& batches, std::int64_t wanted, DayNumber today, Take&& take) {
  std::int64_t taken = 0;
  while (taken < wanted && !batches.empty() && batches.back().expires >= today) {
    Batch& back = batches.back();
    const std::int64_t n = std::min(back.units, wanted - taken);
    take(back, n);
    taken += n;
    back.units -= n;
    if (back.units == 0) batches.pop_back();
  }
  return taken;
}

}  // namespace

void Inventory::add(Product product, BloodGroup group, Batch batch) {
  if (batch.units <= 0) return;
  Shelf& s = shelf(product, group);
  s.units += batch.units;
  stocked_ |= std::uint32_t{1} << shelf_index(product, group);
  DayNumber& floor = expiry_floor_[index(product)];
  floor = std::min(floor, batch.expires);
  auto& batches = s.batches;
  // Common case: fresh units expire no earlier than anything on the shelf.
  if (batches.empty() || batches.back().expires <= batch.expires) {
    if (!batches.empty() && same_lot(batches.back(), batch)) {
      batches.back().units += batch.units;
    } else {
      batches.push_back(batch);
    }
    return;
  }
  // Otherwise (e.g. a shipment of older units) insert after equal expiries.
  const auto pos = std::upper_bound(batches.begin(), batches.end(), batch.expires,
                                    [](DayNumber e, const Batch& b) { return e < b.expires; });
  if (pos != batches.begin() && same_lot(*std::prev(pos), batch)) {
    std::prev(pos)->units += batch.units;
  } else {
    batches.insert(pos, batch);
  }
}

std::int64_t Inventory::on_hand(Product product) const noexcept {
  std::int64_t total = 0;
  for (std::size_t g = 0; g < kGroupCount; ++g) total += shelf(product, group_at(g)).units;
  return total;
}

std::int64_t Inventory::usable_on(Product product, BloodGroup group, DayNumber day) const noexcept {
  const Shelf& s = shelf(product, group);
  std::int64_t dead = 0;  // sorted by expiry: the units no longer usable are a prefix
  for (const Batch& b : s.batches) {
    if (b.expires >= day) break;
    dead += b.units;
  }
  return s.units - dead;
}

std::int64_t Inventory::expiring_on(Product product, BloodGroup group, DayNumber day) const noexcept {
  std::int64_t units = 0;
  for (const Batch& b : shelf(product, group).batches) {
    if (b.expires > day) break;
    if (b.expires == day) units += b.units;
  }
  return units;
}

GroupCounts Inventory::remove_expired(Product product, DayNumber today) {
  GroupCounts removed{};
  if (!has_expired(product, today)) return removed;
  DayNumber floor = std::numeric_limits<DayNumber>::max();
  // Only the shelves holding units (often one or two groups of eight).
  const std::uint32_t stocked_groups = (stocked_ >> shelf_index(product, group_at(0))) & ((1u << kGroupCount) - 1);
  for_each_set_bit(stocked_groups, [&](std::size_t g) {
    Shelf& s = shelf(product, group_at(g));
    // Sorted by expiry, so the expired batches are a prefix.
    while (!s.batches.empty() && s.batches.front().expires < today) {
      removed[g] += s.batches.front().units;
      s.batches.pop_front();
    }
    take_units(product, group_at(g), removed[g]);
    if (!s.batches.empty()) floor = std::min(floor, s.batches.front().expires);
  });
  expiry_floor_[index(product)] = floor;
  return removed;
}

IssueOutcome Inventory::issue(Product product, BloodGroup patient, std::int64_t units, IssuePolicy policy,
                              bool substitute, DayNumber today) {
  IssueOutcome out;
  if (units <= 0) return out;
  const BloodGroup exact[] = {patient};
  const std::span<const BloodGroup> order =
      substitute ? issue_preference(product, patient) : std::span<const BloodGroup>(exact);
  auto count_age = [&out, today](const Batch& b, std::int64_t n) {
    out.age_days_sum += static_cast<std::int64_t>(today - b.made) * n;
  };
  for (const BloodGroup g : order) {
    if (out.issued == units) break;
    Shelf& s = shelf(product, g);
    if (s.units == 0) continue;
    const std::int64_t wanted = units - out.issued;
    const std::int64_t age_before = out.age_days_sum;
    const std::int64_t taken = policy == IssuePolicy::Fifo
                                   ? s.batches.take_forward(s.batches.first_usable(today), wanted, count_age)
                                   : take_backward(s.batches, wanted, today, count_age);
    take_units(product, g, taken);
    out.issued += taken;
    out.issued_by_unit_group[index(g)] += taken;
    out.age_days_by_unit_group[index(g)] += out.age_days_sum - age_before;
    if (g != patient) out.substituted_by_unit_group[index(g)] += taken;
  }
  return out;
}

std::vector<Batch> Inventory::take_for_shipment(Product product, BloodGroup group, std::int64_t units,
                                                DayNumber usable_until) {
  std::vector<Batch> shipped;
  take_for_shipment(product, group, units, usable_until, [&shipped](const Batch& b) { shipped.push_back(b); });
  return shipped;
}

std::span<const Batch> Inventory::batches(Product product, BloodGroup group) const noexcept {
  const BatchQueue& batches = shelf(product, group).batches;
  return {batches.begin(), batches.end()};
}

}  // namespace giotmau::blood
