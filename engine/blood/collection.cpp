#include "blood/collection.hpp"

#include <algorithm>
#include <cmath>

namespace giotmau::blood {

std::int64_t intake_room(const CollectionSpec& spec, std::int64_t storage_units, const RedCellPosition& position) {
  std::int64_t room = kNoIntakeLimit;
  if (spec.intake_cap_days > 0) {
    // Rounded down: the cap is never exceeded.
    const auto cap = static_cast<std::int64_t>(std::floor(spec.intake_cap_days * position.usage_per_day + 1e-9));
    room = std::max<std::int64_t>(0, cap - position.units);
  }
  if (storage_units >= 0) {
    const std::int64_t free = std::max<std::int64_t>(0, storage_units - position.centre_units);
    room = room == kNoIntakeLimit ? free : std::min(room, free);
  }
  return room;
}

double invitation_factor(const CollectionSpec& spec, const RedCellPosition& position) {
  if (spec.push_below_days <= 0) return 1.0;
  const bool low = static_cast<double>(position.units) < spec.push_below_days * position.usage_per_day;
  return low ? spec.push_invitation_factor : 1.0;
}

}  // namespace giotmau::blood
