#pragma once
// Donor segments a campaign or a session can target.
//
// Two axes: occupation (students, workers = everyone who is not a student)
// and kind (first-time, repeat, regular, by donations so far). Within an axis
// the named segments add up (OR); across the axes they narrow (AND); an axis
// with no segment named is the whole axis. So ["students"] is every student,
// ["workers", "first-time"] the workers who are first-time donors, and
// ["students", "workers", "regular"] every regular donor. No segments: everyone.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace giotmau::blood {

enum class DonorKind : std::uint8_t { FirstTime, Repeat, Regular };
inline constexpr std::size_t kDonorKindCount = 3;

// Index of a donor's (occupation, kind) cell: kind * 2 + student.
inline constexpr std::size_t kSegmentCells = 2 * kDonorKindCount;
constexpr std::size_t segment_cell(bool student, DonorKind kind) noexcept {
  return static_cast<std::size_t>(kind) * 2 + (student ? 1 : 0);
}

struct DonorSegments {
  static constexpr std::uint8_t kWorkers = 1, kStudents = 2;  // bit (1 << student)
  static constexpr std::uint8_t kAllOccupations = kWorkers | kStudents;
  static constexpr std::uint8_t kAllKinds = (1 << kDonorKindCount) - 1;  // bit (1 << kind)

  std::uint8_t occupations = kAllOccupations;
  std::uint8_t kinds = kAllKinds;

  bool everyone() const noexcept { return occupations == kAllOccupations && kinds == kAllKinds; }
  bool contains(bool student, DonorKind kind) const noexcept {
    return ((occupations >> (student ? 1 : 0)) & 1U) != 0 && ((kinds >> static_cast<unsigned>(kind)) & 1U) != 0;
  }
  bool contains_cell(std::size_t cell) const noexcept {
    return contains(cell % 2 == 1, static_cast<DonorKind>(cell / 2));
  }
  // New donors are first-time donors: a segment without them recruits no one.
  bool recruits() const noexcept { return contains_kind(DonorKind::FirstTime); }
  bool contains_kind(DonorKind kind) const noexcept { return ((kinds >> static_cast<unsigned>(kind)) & 1U) != 0; }
  bool contains_occupation(bool student) const noexcept { return ((occupations >> (student ? 1 : 0)) & 1U) != 0; }
  friend bool operator==(const DonorSegments&, const DonorSegments&) = default;
};

// The names scenario files use, in this order.
inline constexpr std::array<std::string_view, 5> kSegmentNames = {"students", "workers", "first-time", "repeat",
                                                                  "regular"};

// The names of `segments` as a scenario would write them, comma-separated
// ("students", "workers,first-time"); "everyone" when no axis is narrowed.
inline std::string segments_label(const DonorSegments& segments) {
  if (segments.everyone()) return "everyone";
  std::string label;
  const auto add = [&label](std::string_view name) {
    if (!label.empty()) label += ',';
    label += name;
  };
  if (segments.occupations != DonorSegments::kAllOccupations) {
    add(kSegmentNames[segments.contains_occupation(true) ? 0 : 1]);
  }
  if (segments.kinds != DonorSegments::kAllKinds) {
    for (std::size_t k = 0; k < kDonorKindCount; ++k) {
      if (segments.contains_kind(static_cast<DonorKind>(k))) add(kSegmentNames[2 + k]);
    }
  }
  return label;
}

// Builds the segments from names (each one of kSegmentNames); returns false
// and leaves `segments` as it was when a name is unknown (`bad`: its index).
template <typename Names>
bool segments_from_names(const Names& names, DonorSegments& segments, std::size_t& bad) {
  std::uint8_t occupations = 0, kinds = 0;
  std::size_t i = 0;
  for (const auto& name : names) {
    if (name == kSegmentNames[0]) {
      occupations |= DonorSegments::kStudents;
    } else if (name == kSegmentNames[1]) {
      occupations |= DonorSegments::kWorkers;
    } else if (name == kSegmentNames[2]) {
      kinds |= 1U << static_cast<unsigned>(DonorKind::FirstTime);
    } else if (name == kSegmentNames[3]) {
      kinds |= 1U << static_cast<unsigned>(DonorKind::Repeat);
    } else if (name == kSegmentNames[4]) {
      kinds |= 1U << static_cast<unsigned>(DonorKind::Regular);
    } else {
      bad = i;
      return false;
    }
    ++i;
  }
  segments.occupations = occupations == 0 ? DonorSegments::kAllOccupations : occupations;
  segments.kinds = kinds == 0 ? DonorSegments::kAllKinds : kinds;
  return true;
}

}  // namespace giotmau::blood
