#pragma once
// Counter-based random streams (Random123 Philox4x32-10).
//
// A stream is identified by (seed, stream id); its n-th draw is a pure function
// of (seed, stream id, n). Nothing is shared between streams, so the numbers an
// entity sees never depend on thread timing or on what other entities drew.
#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

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
  // The next out.size() values of next_u32(), in order, bit for bit; whole
  // blocks are computed eight at a time where AVX2 allows (a draw-heavy
  // loop's cheaper path).
  void next_u32s(std::span<std::uint32_t> out) noexcept {
    std::size_t i = 0;
    while (i < out.size() && next_ < 4) out[i++] = block_[next_++];
#if defined(__x86_64__) && defined(__GNUC__)
    if (out.size() - i >= 32 && __builtin_cpu_supports("avx2")) {
      for (; out.size() - i >= 32; i += 32) philox_lanes_avx2(out.data() + i);
    }
#endif
    for (; out.size() - i >= 4; i += 4) {
      refill();
      for (unsigned j = 0; j < 4; ++j) out[i + j] = block_[j];
      next_ = 4;
    }
    while (i < out.size()) out[i++] = next_u32();
  }
  // uniform()'s value from the two words it reads (hi first, as next_u64).
  static double uniform_of(std::uint32_t hi, std::uint32_t lo) noexcept {
    return static_cast<double>(((static_cast<std::uint64_t>(hi) << 32) | lo) >> 11) * 0x1.0p-53;
  }
  std::uint64_t next_u64() noexcept {
    const std::uint64_t hi = next_u32();
    return (hi << 32) | next_u32();
  }
  // Uniform in [0, 1) with 53 random bits.
  double uniform() noexcept {
    const std::uint32_t hi = next_u32();
    return uniform_of(hi, next_u32());
  }
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

#if defined(__x86_64__) && defined(__GNUC__)
  // The high and low halves of m * x in each 32-bit lane.
  __attribute__((target("avx2"))) static void mulhilo_lanes_avx2(__m256i m, __m256i x, __m256i& hi,
                                                                 __m256i& lo) noexcept {
    const __m256i even = _mm256_mul_epu32(m, x);
    const __m256i odd = _mm256_mul_epu32(m, _mm256_srli_epi64(x, 32));
    const __m256i low_halves = _mm256_set_epi32(0, -1, 0, -1, 0, -1, 0, -1);
    hi = _mm256_or_si256(_mm256_srli_epi64(even, 32), _mm256_andnot_si256(low_halves, odd));
    lo = _mm256_or_si256(_mm256_and_si256(even, low_halves), _mm256_slli_epi64(odd, 32));
  }
  // Philox4x32-10 of eight consecutive counters at once, each lane as
  // Random123 computes one block (rounds, multipliers and key schedule of
  // <Random123/philox.h>): eight blocks in AVX2 registers, one 32-bit lane
  // each, where the processor has them (checked at run time: the build
  // targets plain x86-64). Writes 32 words, block after block.
  __attribute__((target("avx2"))) void philox_lanes_avx2(std::uint32_t* out) noexcept {
    const auto lane = [](std::uint64_t v) { return static_cast<int>(static_cast<std::uint32_t>(v)); };
    const std::uint64_t c = counter_;
    __m256i c0 = _mm256_set_epi32(lane(c + 7), lane(c + 6), lane(c + 5), lane(c + 4), lane(c + 3), lane(c + 2),
                                  lane(c + 1), lane(c));
    __m256i c1 = _mm256_set_epi32(lane((c + 7) >> 32), lane((c + 6) >> 32), lane((c + 5) >> 32),
                                  lane((c + 4) >> 32), lane((c + 3) >> 32), lane((c + 2) >> 32),
                                  lane((c + 1) >> 32), lane(c >> 32));
    __m256i c2 = _mm256_set1_epi32(static_cast<int>(seed_lo_));
    __m256i c3 = _mm256_set1_epi32(static_cast<int>(seed_hi_));
    const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53U));  // PHILOX_M4x32_0
    const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57U));  // PHILOX_M4x32_1
    std::uint32_t k0 = key_.v[0];
    std::uint32_t k1 = key_.v[1];
    for (int round = 0; round < 10; ++round) {
      if (round > 0) {
        k0 += 0x9E3779B9U;  // PHILOX_W32_0
        k1 += 0xBB67AE85U;  // PHILOX_W32_1
      }
      __m256i hi0, lo0, hi1, lo1;
      mulhilo_lanes_avx2(m0, c0, hi0, lo0);
      mulhilo_lanes_avx2(m1, c2, hi1, lo1);
      c0 = _mm256_xor_si256(_mm256_xor_si256(hi1, c1), _mm256_set1_epi32(static_cast<int>(k0)));
      c1 = lo1;
      c2 = _mm256_xor_si256(_mm256_xor_si256(hi0, c3), _mm256_set1_epi32(static_cast<int>(k1)));
      c3 = lo0;
    }
    // Transpose, within each 128-bit half: blocks l and l + 4 side by side.
    const __m256i t0 = _mm256_unpacklo_epi32(c0, c1);
    const __m256i t1 = _mm256_unpacklo_epi32(c2, c3);
    const __m256i t2 = _mm256_unpackhi_epi32(c0, c1);
    const __m256i t3 = _mm256_unpackhi_epi32(c2, c3);
    const __m256i b04 = _mm256_unpacklo_epi64(t0, t1);
    const __m256i b15 = _mm256_unpackhi_epi64(t0, t1);
    const __m256i b26 = _mm256_unpacklo_epi64(t2, t3);
    const __m256i b37 = _mm256_unpackhi_epi64(t2, t3);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), _mm256_permute2x128_si256(b04, b15, 0x20));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 8), _mm256_permute2x128_si256(b26, b37, 0x20));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 16), _mm256_permute2x128_si256(b04, b15, 0x31));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 24), _mm256_permute2x128_si256(b26, b37, 0x31));
    counter_ += 8;
  }
#endif

  r123::Philox4x32::key_type key_{{0, 0}};
  r123::Philox4x32::ctr_type block_{{0, 0, 0, 0}};
  std::uint64_t counter_ = 0;
  std::uint32_t seed_lo_ = 0;
  std::uint32_t seed_hi_ = 0;
  unsigned next_ = 4;
};

}  // namespace giotmau::kernel
