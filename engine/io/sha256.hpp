#pragma once
// SHA-256 (FIPS 180-4), to fingerprint resolved scenarios without a crypto
// dependency. Not constant-time; not for secrets.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace giotmau::io {

class Sha256 {
 public:
  using Digest = std::array<std::uint8_t, 32>;

  Sha256() noexcept;
  void update(std::string_view bytes) noexcept;
  // Pads and returns the digest; the object must not be updated afterwards.
  Digest finish() noexcept;

 private:
  void compress(const std::uint8_t* block) noexcept;

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;
  std::uint64_t length_bytes_ = 0;
};

// Lower-case hex digest of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace giotmau::io
