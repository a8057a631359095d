#pragma once
// Plain-text tables for people: cells padded to a width counted in characters
// on screen (not bytes: "±" and Vietnamese names are multi-byte UTF-8).
#include <cmath>
#include <cstdio>
#include <string>

namespace giotmau::cli {

inline std::size_t display_width(const std::string& s) {
  std::size_t w = 0;
  for (const char c : s) w += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return w;
}

inline std::string pad(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s + ' ' : s + std::string(width - w, ' ');
}

// A table row without the padding after its last cell.
inline void print_row(std::FILE* out, std::string row) {
  while (!row.empty() && row.back() == ' ') row.pop_back();
  std::fprintf(out, "%s\n", row.c_str());
}

inline std::string fixed(double v, int decimals, bool sign = false) {
  if (!std::isfinite(v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, sign ? "%+.*f" : "%.*f", decimals, v);
  return buf;
}

inline std::string percent(double confidence) {
  const double p = 100 * confidence;
  return fixed(p, p == std::round(p) ? 0 : 1) + "%";
}

}  // namespace giotmau::cli
