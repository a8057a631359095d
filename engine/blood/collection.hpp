#pragma once
// Stock-responsive collection: how a blood centre adapts its sessions to its
// red-cell stock. Real centres do not hold a month of stock: when stock is
// high they postpone drives and cap intake, when it is low they call more
// donors, and their cold rooms hold only so many units. These are the pure
// rules; BloodModel::hold_sessions applies them session by session.
#include <cstdint>

namespace giotmau::blood {

// Scenario keys ([collection] and the centres' storage); 0 / < 0 switch a rule off.
struct CollectionSpec {
  // > 0: a centre registers no more donors than bring its red-cell position
  // (stock at the centre and its hospitals, plus donations in testing) up to
  // this many days of the usage it serves (a hub: its hospitals' and the
  // centres' it supplies); a session with no room left is postponed (not held).
  double intake_cap_days = 0;
  // > 0: while the position is below this many days of usage, sessions invite
  // push_invitation_factor times as many known donors.
  double push_below_days = 0;
  double push_invitation_factor = 1.0;
};

// A centre's red cells as its collection rules see them, in units.
struct RedCellPosition {
  std::int64_t units = 0;          // centre + its hospitals on hand, plus red cells in testing
  std::int64_t centre_units = 0;   // the centre's own cold room: on hand at the centre plus in testing
  double usage_per_day = 0;        // red cells used per day by the patients it serves (a hub: its region too)
};

inline constexpr std::int64_t kNoIntakeLimit = -1;

// Donors the centre's sessions may still register today: the room below the
// intake cap and below the storage capacity (`storage_units` < 0: unlimited),
// never negative; kNoIntakeLimit when neither rule applies.
std::int64_t intake_room(const CollectionSpec& spec, std::int64_t storage_units, const RedCellPosition& position);

// The factor on a session's invitations: push_invitation_factor below
// push_below_days of supply, else 1.
double invitation_factor(const CollectionSpec& spec, const RedCellPosition& position);

}  // namespace giotmau::blood
