#pragma once
// What a scenario's donor pools hold in memory: the one figure large enough
// to exhaust a machine within the documented limits (a population of 2e9 with
// every person a known donor). Validation estimates it before a run starts.
#include <cmath>
#include <cstdint>

#include "blood/donors.hpp"
#include "blood/scenario.hpp"

namespace giotmau::blood {

// Known donors a leaf area's pool starts with.
inline std::int64_t known_donors_at_start(const AreaSpec& area) {
  return std::llround(static_cast<double>(area.population) * area.known_donor_share);
}

// Each known donor: the Donor record and its slot in the invitation scratch
// list (DonorPool). Recruits add to it as the run goes on, in pools whose
// sessions invite or queue donors (elsewhere recruits are only counted).
inline constexpr std::uint64_t kBytesPerKnownDonor = sizeof(Donor) + sizeof(std::uint32_t);

}  // namespace giotmau::blood
