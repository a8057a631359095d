#pragma once
// Counter-based random streams (Random123 Philox4x32-10).
//
// A stream is identified by (seed, stream id); its n-th draw is a pure function
// of (seed, stream id, n). Nothing is shared between streams, so the numbers an
// entity sees never depend on thread timing or on what other entities drew.
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>

namespace giotmau::kernel {

// Mixes two 64-bit values into one (splitmix64 finaliser); used to derive
// stream ids from structured keys (replication, LP, entity, purpose).
constexpr std::uint64_t mix64(std::uint64_t a, std::uint64_t b) noexcept {
  std::uint64_t z = a ^ (b + 0x9E3779B97F4A7C15ULL + (a << 6) + (a >> 2));
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class RandomStream {
 public:
  RandomStream() = default;
  RandomStream(std::uint64_t seed, std::uint64_t stream_id) noexcept
      : key_{{static_cast<std::uint32_t>(stream_id), static_cast<std::uint32_t>(stream_id >> 32)}},
        seed_lo_(static_cast<std::uint32_t>(seed)),
        seed_hi_(static_cast<std::uint32_t>(seed >> 32)) {}

  std::uint32_t next_u32() noexcept {
    if (next_ == 4) refill();
    return block_[next_++];
  }
  std::uint64_t next_u64() noexcept {
    const std::uint64_t hi = next_u32();
    return (hi << 32) | next_u32();
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform in (0, 1]: safe to take the logarithm of.
  double uniform_pos() noexcept { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }
  // Uniform integer in [0, n), n > 0 (Lemire's multiply-shift, 32-bit range).
  std::uint32_t below(std::uint32_t n) noexcept {
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>(next_u32()) * n) >> 32);
  }
  bool bernoulli(double p) noexcept { return uniform() < p; }
  double exponential(double mean) noexcept { return -mean * std::log(uniform_pos()); }

  std::uint64_t draws() const noexcept { return counter_ * 4 + next_ - 4; }

 private:
  void refill() noexcept {
    r123::Philox4x32::ctr_type ctr{{static_cast<std::uint32_t>(counter_),
                                    static_cast<std::uint32_t>(counter_ >> 32), seed_lo_, seed_hi_}};
    block_ = r123::Philox4x32{}(ctr, key_);
    ++counter_;
    next_ = 0;
  }

  r123::Philox4x32::key_type key_{{0, 0}};
  r123::Philox4x32::ctr_type block_{{0, 0, 0, 0}};
  std::uint64_t counter_ = 0;
  std::uint32_t seed_lo_ = 0;
  std::uint32_t seed_hi_ = 0;
  unsigned next_ = 4;
};

}  // namespace giotmau::kernel
