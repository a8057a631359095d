#pragma once
// Donors as agents. Each area keeps the donors it knows (who gave before) and
// an eligible population from which new donors are recruited.
#include <array>
#include <cstdint>
#include <vector>

#include "blood/blood_types.hpp"
#include "blood/calendar.hpp"
#include "blood/sampling.hpp"
#include "blood/segments.hpp"
#include "kernel/random.hpp"

namespace giotmau::blood {

using kernel::RandomStream;

inline constexpr DayNumber kNeverDonated = -1'000'000;

struct Donor {
  DayNumber last_donation = kNeverDonated;
  std::uint16_t donations = 0;
  BloodGroup group = BloodGroup::OPos;
  bool student : 1 = false;
  // Left a queued session without donating (waited too long); cleared by the
  // next donation. Their response probability is multiplied by
  // TurnoutParameters::return_factor_after_leaving meanwhile.
  bool left_queue : 1 = false;
};

// Volumes a whole-blood donation can have.
inline constexpr std::array<int, 3> kDonationVolumesMl = {250, 350, 450};

struct TurnoutParameters {
  // Probability that an invited, eligible donor of each kind comes, just after
  // becoming eligible again (or, for a never-donated recruit, when first asked).
  std::array<double, kDonorKindCount> response_probability{0.10, 0.25, 0.45};
  // The probability decays as exp(-days since eligible / lapse_days); <= 0 means no decay.
  std::array<double, kDonorKindCount> lapse_days{240.0, 540.0, 1080.0};
  // Share of registered donors deferred on the day (low haemoglobin, blood pressure, illness).
  std::array<double, kDonorKindCount> deferral_probability{0.14, 0.07, 0.04};
  int min_interval_days = 84;      // 12 weeks between whole-blood donations
  int repeat_after_donations = 2;  // donations that make a donor "repeat"
  int regular_after_donations = 3; // donations that make a donor "regular"
  std::array<double, 3> volume_shares{0.33, 0.64, 0.03};  // 250 / 350 / 450 ml
  std::array<double, kGroupCount> group_shares{};          // of new recruits; set by the scenario
  double student_share_of_recruits = 0.5;
  // Multiplies the response probability of a donor who last left a queued
  // session without donating, until they donate again (docs/scenario-format.md).
  double return_factor_after_leaving = 0.8;
};

// What the day of a session is like.
struct SessionConditions {
  DayNumber day = 0;
  std::int64_t capacity = 0;        // donors the session can register
  std::int64_t invitations = 0;     // known donors invited (distinct, drawn uniformly)
  double walk_in_mean = 0.0;        // expected new donors recruited on the spot
  double turnout_factor = 1.0;      // campaigns x appeals; multiplies every response probability
  double student_presence = 1.0;    // 0..1: share of students in town (summer, Tết)
  double worker_presence = 1.0;     // 0..1: share of non-students in town (Tết)
  // Segment-targeted campaigns (blood/segments.hpp): a further factor on the
  // response of each (kind, student) cell, indexed by segment_cell(), and on
  // the recruitment of new students [1] and workers [0].
  std::array<double, kSegmentCells> segment_turnout{1, 1, 1, 1, 1, 1};
  std::array<double, 2> recruitment_by_occupation{1, 1};
  // A session for some segments only: its invitations go to those donors, its
  // walk-ins are of its occupations (none when first-time donors are left out).
  DonorSegments invited{};
};

struct SessionOutcome {
  std::int64_t invited = 0;
  std::int64_t ineligible = 0;      // invited but within the minimum interval
  std::int64_t registered = 0;
  std::int64_t turned_away = 0;     // came but the session was full
  std::int64_t deferred = 0;
  std::int64_t donated = 0;
  std::int64_t new_donors = 0;      // recruited walk-ins, whether deferred or not
  std::array<std::int64_t, kGroupCount> donated_by_group{};
  std::array<std::int64_t, 3> donated_by_volume{};  // 250 / 350 / 450 ml
  // By the donor's segment_cell() on the day (the kind before this donation counts).
  std::array<std::int64_t, kSegmentCells> donated_by_segment{};
  std::int64_t volume_ml = 0;
};

struct InitialPool {
  std::int64_t known_donors = 0;
  std::array<double, kDonorKindCount> kind_shares{0.35, 0.25, 0.40};
  double student_share = 0.5;
  // Last donations are spread uniformly over this many days before the start.
  int last_donation_spread_days = 365;
};

// How many donors last gave on each day: counts those still within the minimum
// interval without reading the donors themselves.
class LastDonationDays {
 public:
  void add(DayNumber day) {
    // Donations come day by day, so the day's count is nearly always there.
    const auto at = static_cast<std::size_t>(day - origin_);
    if (day >= origin_ && at < counts_.size()) {
      ++counts_[at];
      return;
    }
    add_outside(day);
  }
  void remove(DayNumber day);
  // Donors whose last donation is on `first` or later.
  std::int64_t on_or_after(DayNumber first) const noexcept;

 private:
  void add_outside(DayNumber day);  // a day before origin_ or past the last counted
  DayNumber origin_ = 0;               // day of counts_[0]
  std::vector<std::int32_t> counts_;   // donors by last-donation day
};

// Per donor kind, the response's lapse decay by whole days since eligibility
// (a session's cache of exp(); the same values, bit for bit).
using DecayTables = std::array<std::vector<double>, kDonorKindCount>;

// What a pool keeps of the walk-ins its sessions recruit. Individuals: each
// becomes a Donor that later sessions can invite and queues follow. Counts:
// nothing reads them again (the world decides: Leaf::keeps_recruits), so a
// session draws its recruits' deferrals, groups and occupations in aggregate
// (binomial and multinomial counts, the same law as donor by donor) and keeps
// none; the pool then takes no invitations and no queued sessions.
enum class RecruitRecords { Individuals, Counts };

struct RecruitPlan {
  RecruitRecords records = RecruitRecords::Individuals;
  // Recruits expected over the run: room made for them up front, so that a
  // large pool is not copied when it first grows. A guess: only speed and
  // memory depend on it.
  std::int64_t expected = 0;
};

class DonorPool {
 public:
  DonorPool(const TurnoutParameters& turnout, std::int64_t eligible_population, const InitialPool& initial,
            DayNumber start_day, RandomStream& random, RecruitPlan recruits = {});

  DonorKind kind(const Donor& donor) const noexcept;
  bool eligible(const Donor& donor, DayNumber day) const noexcept;
  // Probability that this donor responds on `conditions` (before capacity).
  double response_probability(const Donor& donor, const SessionConditions& conditions) const noexcept;

  // Runs one session: invite, respond, recruit walk-ins, register up to
  // capacity, defer, donate. Updates the donors who gave.
  SessionOutcome run_session(const SessionConditions& conditions, RandomStream& random);

  // A queued session's first half: invite, respond, recruit walk-ins and
  // register up to capacity as run_session does, but leave deferral and
  // donation to the queue: the indices of the donors who come (recruits
  // included, already in the pool) are appended to `arrivals`. The outcome's
  // deferred, donated and volume counts stay zero.
  SessionOutcome admit(const SessionConditions& conditions, RandomStream& random, std::vector<std::uint32_t>& arrivals);
  // A queued session's second half, donor by donor.
  void donated(std::uint32_t donor, DayNumber day);
  void left_without_donating(std::uint32_t donor);

  // The known donors: the initial ones and, when the pool keeps Individuals,
  // its recruits.
  const std::vector<Donor>& donors() const noexcept { return donors_; }
  std::int64_t eligible_population() const noexcept { return eligible_population_; }
  const TurnoutParameters& turnout() const noexcept { return turnout_; }

 private:
  // run_session (arrivals null) or admit.
  SessionOutcome hold(const SessionConditions& conditions, RandomStream& random, std::vector<std::uint32_t>* arrivals);
  // hold() when the pool keeps no recruits (RecruitRecords::Counts).
  SessionOutcome hold_counted(const SessionConditions& conditions, RandomStream& random,
                              std::vector<std::uint32_t>* arrivals);

  TurnoutParameters turnout_;
  RecruitRecords records_;
  std::int64_t eligible_population_;  // people not yet known as donors
  std::vector<Donor> donors_;
  LastDonationDays last_donations_;         // of donors_, to count the ineligible
  std::vector<std::uint64_t> drawn_bits_;   // session scratch: which donors are drawn (all clear between sessions)
  std::vector<std::uint32_t> candidates_;   // session scratch: donors touched, respondents first
  DecayTables decay_tables_;
  CategoricalTable recruit_groups_;  // of turnout_.group_shares, built once rather than per session
};

}  // namespace giotmau::blood
