#pragma once
// Simulation time. The kernel only knows an integer tick; what a tick means is
// the model's choice. The blood model uses one tick = one minute (see
// engine/blood/calendar.hpp), PHOLD uses 2^20 ticks per PHOLD time unit.
#include <cstdint>
#include <limits>

namespace giotmau::kernel {

using Tick = std::int64_t;
using LpId = std::uint32_t;

inline constexpr Tick kNever = std::numeric_limits<Tick>::max();

}  // namespace giotmau::kernel
