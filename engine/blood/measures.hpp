#pragma once
// What a run records. Daily measures are kept per area (the area a site or a
// donor pool belongs to), blood group and product, in whole units.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "blood/blood_types.hpp"
#include "blood/calendar.hpp"
#include "blood/drive_queue.hpp"
#include "blood/segments.hpp"
#include "blood/zeroed_pages.hpp"

namespace giotmau::blood {

// Per area x group x product. Requested and shortage count by the patient's
// group; issued, substituted and all stock flows by the group of the unit.
enum class Measure : std::uint8_t {
  Produced,     // components made from donations (or delivered by an external supplier)
  Requested,    // new hospital requests
  Issued,       // units issued to patients (exact + substituted)
  Substituted,  // of those, given to a patient of another (compatible) group
  Shortage,     // requests lost unmet (emergencies the same day, elective after the maximum wait)
  Discarded,    // components of donations that failed testing
  Outdated,     // units that expired in stock
  Ordered,      // units ordered by hospitals and centres
  OnHand,       // stock at the end of the day
  InTransit,    // units shipped by sites of this area and not yet arrived at the end of the day
  Received,     // units arrived by shipment from another site
  Shipped,      // units sent by shipment to another site
  IssuedAgeDays,  // sum over the units issued of their age (today - made), in days
};
inline constexpr std::size_t kMeasureCount = 13;
inline constexpr std::array<std::string_view, kMeasureCount> kMeasureNames = {
    "produced", "requested", "issued", "substituted", "shortage",
    "discarded", "outdated", "ordered", "on_hand", "in_transit",
    "received", "shipped", "issued_age_days"};
// Flows and stocks are booked on the day of the evening stock count (23:00)
// that first reflects them, so that for every area, group and product
//   on_hand(d) = on_hand(d-1) + produced(d) - discarded(d) + received(d)
//                - issued(d) - outdated(d) - shipped(d).

// A dense day x area x group x product array for each measure, plus donations
// collected per day x area x group. The arrays start at zero without writing
// it (ZeroedPages: most cells of a small system stay zero, and their pages
// untouched); they are built at their final size and never resized.
class DailyMeasures {
 public:
  template <class T>
  using Cells = std::vector<T, ZeroedPages<T>>;

  DailyMeasures() = default;
  DailyMeasures(int days, int areas)
      : days_(days), areas_(areas),
        cells_(static_cast<std::size_t>(days) * areas * kGroupCount * kProductCount * kMeasureCount),
        collected_(static_cast<std::size_t>(days) * areas * kGroupCount),
        cost_(static_cast<std::size_t>(days) * areas),
        segments_(static_cast<std::size_t>(days) * areas * kSegmentCells) {}

  std::int64_t& at(Measure m, int day, int area, BloodGroup g, Product p) {
    return cells_[cell(m, day, area, g, p)];
  }
  std::int64_t at(Measure m, int day, int area, BloodGroup g, Product p) const {
    return cells_[cell(m, day, area, g, p)];
  }
  std::int64_t& collected(int day, int area, BloodGroup g) {
    return collected_[(static_cast<std::size_t>(day) * areas_ + area) * kGroupCount + index(g)];
  }
  std::int64_t collected(int day, int area, BloodGroup g) const {
    return collected_[(static_cast<std::size_t>(day) * areas_ + area) * kGroupCount + index(g)];
  }
  // Whole-blood donations by the donor's segment_cell() (blood/segments.hpp).
  std::int64_t& donated_by_segment(int day, int area, std::size_t cell) {
    return segments_[(static_cast<std::size_t>(day) * areas_ + area) * kSegmentCells + cell];
  }
  std::int64_t donated_by_segment(int day, int area, std::size_t cell) const {
    return segments_[(static_cast<std::size_t>(day) * areas_ + area) * kSegmentCells + cell];
  }
  // Money: the day's cost of the sites of an area (SiteCosts), revenue subtracted.
  double& cost(int day, int area) { return cost_[static_cast<std::size_t>(day) * areas_ + area]; }
  double cost(int day, int area) const { return cost_[static_cast<std::size_t>(day) * areas_ + area]; }
  // Adds `part`, whose area r is this one's area rows[r].
  void add_rows(const DailyMeasures& part, const std::vector<int>& rows) {
    constexpr std::size_t kCell = kGroupCount * kProductCount;
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      for (int d = 0; d < days_; ++d) {
        for (std::size_t r = 0; r < rows.size(); ++r) {
          const std::size_t from = ((m * days_ + d) * part.areas_ + r) * kCell;
          const std::size_t to = ((m * days_ + d) * areas_ + rows[r]) * kCell;
          for (std::size_t c = 0; c < kCell; ++c) cells_[to + c] += part.cells_[from + c];
        }
      }
    }
    for (int d = 0; d < days_; ++d) {
      for (std::size_t r = 0; r < rows.size(); ++r) {
        for (std::size_t g = 0; g < kGroupCount; ++g) {
          collected_[(static_cast<std::size_t>(d) * areas_ + rows[r]) * kGroupCount + g] +=
              part.collected_[(static_cast<std::size_t>(d) * part.areas_ + r) * kGroupCount + g];
        }
        cost_[static_cast<std::size_t>(d) * areas_ + rows[r]] += part.cost_[static_cast<std::size_t>(d) * part.areas_ + r];
        for (std::size_t c = 0; c < kSegmentCells; ++c) {
          segments_[(static_cast<std::size_t>(d) * areas_ + rows[r]) * kSegmentCells + c] +=
              part.segments_[(static_cast<std::size_t>(d) * part.areas_ + r) * kSegmentCells + c];
        }
      }
    }
  }

  // Asks for the cache lines a day's bookings will write. Each measure's row
  // of a day lies on its own lines, far from the other measures', and is
  // first written that day: a miss per measure per day, paid inside the
  // bookings unless requested ahead (9% of the peer benchmark's CPU).
  void prefetch_day(int day) const noexcept {
    constexpr std::size_t kRow = kGroupCount * kProductCount;
    for (std::size_t m = 0; m < kMeasureCount; ++m) {
      const std::int64_t* first = cells_.data() + (m * days_ + day) * areas_ * kRow;
      for (std::size_t i = 0; i < areas_ * kRow; i += 8) __builtin_prefetch(first + i, 1);
    }
  }
  int days() const noexcept { return days_; }
  int areas() const noexcept { return areas_; }
  // Raw layout for writers: [measure][day][area][group][product] and [day][area][group].
  const Cells<std::int64_t>& cells() const noexcept { return cells_; }
  const Cells<std::int64_t>& collected_cells() const noexcept { return collected_; }
  const Cells<double>& cost_cells() const noexcept { return cost_; }  // [day][area]

 private:
  std::size_t cell(Measure m, int day, int area, BloodGroup g, Product p) const {
    return (((static_cast<std::size_t>(m) * days_ + day) * areas_ + area) * kGroupCount + index(g)) * kProductCount +
           index(p);
  }
  int days_ = 0;
  int areas_ = 0;
  Cells<std::int64_t> cells_;
  Cells<std::int64_t> collected_;
  Cells<double> cost_;
  Cells<std::int64_t> segments_;  // [day][area][segment cell]
};

// One named drive (or recurring series) in one leaf area, over the run.
struct DriveRecord {
  std::string name;
  std::string area;
  std::string organiser;
  std::string campaign;
  DayNumber first_day = 0;
  int sessions = 0;
  std::int64_t target_units = 0;
  std::int64_t invited = 0;
  std::int64_t registered = 0;
  std::int64_t deferred = 0;
  std::int64_t donated = 0;
  std::int64_t new_donors = 0;
  QueueTally queue;              // sessions with resources only (queue.sessions > 0)
};

// One emergency appeal: a centre whose red cells ran low called donors in.
struct AppealRecord {
  DayNumber day = 0;   // the evening it went out
  int site = 0;        // the centre (World::sites)
  int area = 0;        // the centre's area
  // While its uplift lasted (until the centre's next appeal): whole-blood
  // donations at the sessions of the leaves the centre serves, and the part
  // of them the appeal brought in, estimated as donations x (1 - 1/f) with f
  // the appeal's turnout factor that day (what they would have been without
  // it, had turnout scaled with f).
  std::int64_t donated_units = 0;
  double brought_in_units = 0;
};

// Stock that started the run, per area x group x product (for the books).
using InitialStock = std::vector<std::int64_t>;

}  // namespace giotmau::blood
