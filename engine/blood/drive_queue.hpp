#pragma once
// A donation session as a queueing network, minute by minute.
//
// A session with resources (SessionResources::queued) does not decide its
// donors in one step: those who chose to come arrive through the opening hours
// and pass four steps,
//   registration (desks) -> screening with the haemoglobin check (desks)
//   -> donation (a bed, and a staff member for the set-up at the bed) -> rest,
// waiting in a first-come-first-served queue before each of the first three.
// Screening defers some (by donor kind). A donor whose total waiting exceeds
// their patience leaves without donating (reneging; with patience 0 at the
// door, balking); so does whoever still waits for registration at closing time
// (registration closes; those registered are served to the end).
//
// DriveQueue is the state machine only: it knows nothing of the kernel. Its
// owner turns every Timer it returns into a kernel event on the session's LP
// and hands the event back to handle(); the blood model and the queueing tests
// both do exactly that. One tick = one minute; service times are drawn in
// continuous minutes and rounded to the nearest tick.
#include <array>
#include <cstdint>
#include <vector>

#include "blood/donors.hpp"
#include "kernel/random.hpp"
#include "kernel/time.hpp"

namespace giotmau::blood {

// A duration in minutes drawn from a distribution (service times, patience).
struct Duration {
  enum class Shape : std::uint8_t { Fixed, Exponential, Gamma, Lognormal, Unlimited };
  Shape shape = Shape::Fixed;
  double mean_minutes = 0;
  double sd_minutes = 0;  // Gamma and Lognormal only

  double draw(RandomStream& random) const;
  bool unlimited() const noexcept { return shape == Shape::Unlimited; }
};

// How long each step takes, and how patient donors are: the same for every
// queued session of a scenario. Defaults and their sources: docs/scenario-format.md
// ([drive_flow]).
struct DriveFlowSpec {
  Duration registration{Duration::Shape::Gamma, 2.0, 1.0};  // identity, donor record; the form is filled while queueing
  Duration screening{Duration::Shape::Gamma, 4.0, 2.0};     // physician's questions, blood pressure, haemoglobin check
  // Needle in to needle out, by volume (250 / 350 / 450 ml).
  std::array<Duration, 3> donation_by_volume{{{Duration::Shape::Gamma, 6.0, 2.0},
                                              {Duration::Shape::Gamma, 8.0, 2.5},
                                              {Duration::Shape::Gamma, 10.0, 3.0}}};
  // The staff member's time at the bed before the bleed (identity check, arm
  // preparation, venepuncture); the bed is held through it too.
  Duration bed_setup{Duration::Shape::Gamma, 4.0, 1.5};
  Duration rest{Duration::Shape::Gamma, 12.0, 4.0};  // refreshments; seats are not a constraint
  Duration patience{Duration::Shape::Gamma, 90.0, 45.0};  // total waiting a donor bears
};

// What one session brings. Minutes are since midnight (UTC+7).
struct SessionResources {
  bool queued = false;                 // false: the session is decided in one step (no queues)
  int opens_minute = 7 * 60;           // first arrival
  int closes_minute = 11 * 60 + 30;    // registration closes; those registered are served
  int registration_desks = 2;
  int screening_desks = 3;
  int beds = 10;
  double staff_per_bed = 0.5;          // bed-side staff: max(1, round(beds x this))
  std::vector<double> arrival_profile; // relative arrivals per hour from opening; empty = even
  int appointment_slot_minutes = 0;    // > 0: arrivals at evenly filled appointment slots instead

  int staff() const noexcept;
};

// What the queued sessions of one drive measured.
struct QueueTally {
  std::int64_t arrived = 0;
  std::int64_t left_impatient = 0;      // waited longer than their patience
  std::int64_t sent_home_at_closing = 0;  // still waiting for registration at closing
  std::int64_t deferred = 0;
  std::int64_t donated = 0;
  double wait_minutes_sum = 0;          // over every arrival (those who left: until they left)
  double system_minutes_sum = 0;        // arrival to leaving (donors: end of rest)
  std::vector<std::int64_t> wait_histogram;  // arrivals by whole minutes waited (last bin: that or more)
  double bed_busy_minutes = 0;
  double bed_available_minutes = 0;     // beds x (opening to the last bed freed, or closing if later)
  int sessions = 0;

  std::int64_t balked() const noexcept { return left_impatient + sent_home_at_closing; }
  double mean_wait_minutes() const noexcept;
  double p90_wait_minutes() const noexcept;  // 90th percentile, in whole minutes
  double mean_system_minutes() const noexcept;
  double bed_utilisation() const noexcept;
  void add(const QueueTally& other);
  void add_wait(kernel::Tick minutes);
};

inline constexpr std::size_t kWaitHistogramMinutes = 24 * 60;

// How a visit ended, for the donor pool.
enum class VisitEnd : std::uint8_t { Donated, Deferred, Left };

class DriveQueue {
 public:
  enum class EventKind : std::uint8_t { Arrive, Done, StaffFree, GiveUp, Close };
  // An event the owner must deliver back to handle() `delay` ticks from now.
  struct Timer {
    kernel::Tick delay;
    EventKind kind;
    std::int32_t visitor;  // -1 for StaffFree and Close
  };
  struct Ended {
    std::int32_t visitor;
    VisitEnd end;
  };
  struct Visitor {
    std::uint32_t donor = 0;  // the owner's reference (an index in the donor pool)
    DonorKind kind = DonorKind::FirstTime;
  };

  // `deferral` by donor kind; `volume_shares` 250/350/450 ml.
  DriveQueue(const SessionResources& resources, const DriveFlowSpec& flow,
             const std::array<double, kDonorKindCount>& deferral, const std::array<double, 3>& volume_shares,
             RandomStream random);

  // Opens the session at `now` (midnight of its day plus less than opens):
  // spreads the visitors' arrivals over the hours and returns the timers
  // (arrivals, closing) to schedule. Arrival times are drawn from the queue's
  // own stream; visitors are shuffled first so their order in `visitors` does not matter.
  std::vector<Timer> open(std::vector<Visitor> visitors, kernel::Tick midnight, kernel::Tick now);

  // Harness for analytic tests: visitors arrive at the given ticks (sorted),
  // the session is open until `closes`.
  std::vector<Timer> open_at(std::vector<Visitor> visitors, const std::vector<kernel::Tick>& arrivals,
                             kernel::Tick opens, kernel::Tick closes, kernel::Tick now);

  // One event; appends timers to schedule and visits that ended.
  void handle(EventKind kind, std::int32_t visitor, kernel::Tick now, std::vector<Timer>& timers,
              std::vector<Ended>& ended);

  const Visitor& visitor(std::int32_t v) const { return visitors_[static_cast<std::size_t>(v)].who; }
  std::size_t volume_index(std::int32_t v) const { return visitors_[static_cast<std::size_t>(v)].volume; }
  // Everyone has left.
  bool finished() const noexcept { return present_ == 0 && closed_; }
  // The measures; bed time is complete once finished().
  QueueTally tally() const;

 private:
  enum class Step : std::uint8_t { Registration, Screening, Donation, Rest, Gone };
  struct Visit {
    Visitor who;
    Step step = Step::Registration;
    bool waiting = false;
    bool deferred = false;  // at screening
    std::uint8_t volume = 1;
    std::int32_t registration = 0, screening = 0, setup = 0, bleed = 0, rest = 0;  // service ticks
    kernel::Tick arrived = 0;
    kernel::Tick waiting_since = 0;
    kernel::Tick patience_left = kernel::kNever;  // ticks of waiting still bearable
    kernel::Tick waited = 0;
  };
  static constexpr std::size_t kQueues = 3;

  kernel::Tick draw_ticks(const Duration& d);
  std::int32_t service_ticks(const Duration& d);
  void join(std::int32_t v, Step step, kernel::Tick now, std::vector<Timer>& timers, std::vector<Ended>& ended);
  void start_service(std::int32_t v, std::vector<Timer>& timers);
  void serve_waiting(Step step, kernel::Tick now, std::vector<Timer>& timers);
  bool server_free(Step step) const noexcept;
  void leave(std::int32_t v, VisitEnd end, kernel::Tick now, std::vector<Ended>& ended);
  void stop_waiting(Visit& visit, kernel::Tick now);

  SessionResources resources_;
  const DriveFlowSpec* flow_;
  std::array<double, kDonorKindCount> deferral_;
  std::array<double, 3> volume_shares_;
  RandomStream random_;
  std::vector<Visit> visitors_;
  std::array<std::vector<std::int32_t>, kQueues> queue_;  // FIFO with lazy removal
  std::array<std::size_t, kQueues> head_{};
  std::array<int, kQueues> busy_{};  // registration desks, screening desks, beds
  int staff_busy_ = 0;
  int staff_ = 1;
  std::size_t present_ = 0;
  bool closed_ = false;
  kernel::Tick opens_ = 0, closes_ = 0, last_bed_free_ = 0;
  QueueTally tally_;
};

}  // namespace giotmau::blood
