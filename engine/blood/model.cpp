// The daily cycle of an LP and its exchanges with the hub.
#include "blood/model.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <map>
#include <span>
#include <stdexcept>
#include <utility>

#include "blood/rebalancing.hpp"
#include "blood/sampling.hpp"

namespace giotmau::blood {

namespace {

constexpr kernel::Tick kMorning = 6 * kTicksPerHour;
constexpr kernel::Tick kDemand = 12 * kTicksPerHour;
constexpr kernel::Tick kReview = 18 * kTicksPerHour;
constexpr kernel::Tick kEvening = 23 * kTicksPerHour;

// A factor fading exponentially from `peak` at day 0 towards 1; 1 before day 0.
double fading(double peak, double days_since, double decay_days) {
  if (days_since < 0) return 1.0;
  return 1.0 + (peak - 1.0) * std::exp(-days_since / std::max(decay_days, 1e-9));
}

bool in_window(DayNumber day, DayNumber centre, int before, int after) {
  return day >= centre - before && day <= centre + after;
}

// Around any year's Tết (a period of several years has one a year).
bool near_tet(const SeasonSpec& season, DayNumber day, int before, int after) {
  if (season.tet_by_year.empty()) return in_window(day, season.tet, before, after);
  return std::any_of(season.tet_by_year.begin(), season.tet_by_year.end(),
                     [&](DayNumber tet) { return in_window(day, tet, before, after); });
}

// Random stream purposes, mixed into the per-day stream ids.
enum class Purpose : std::uint64_t { Demand = 1, Testing = 2, Session = 3, Queue = 4 };

kernel::RandomStream daily_stream(std::uint64_t seed, std::uint64_t entity, DayNumber day, Purpose purpose,
                                  std::uint64_t detail = 0) {
  const auto day_key = static_cast<std::uint64_t>(static_cast<std::int64_t>(day));
  return kernel::RandomStream(seed, kernel::mix64(kernel::mix64(entity, day_key), (static_cast<std::uint64_t>(purpose) << 56) ^ detail));
}

BloodEvent phase(BloodEvent::Kind kind) {
  BloodEvent e;
  e.kind = kind;
  return e;
}

constexpr std::array<std::size_t, kGroupCount> kAllGroups = [] {
  std::array<std::size_t, kGroupCount> all{};
  for (std::size_t g = 0; g < kGroupCount; ++g) all[g] = g;
  return all;
}();

Product product_of(std::size_t kind) { return product_at(kind / kGroupCount); }
BloodGroup group_of(std::size_t kind) { return group_at(kind % kGroupCount); }

// `poisson` keeps the Poisson set-up of the last mean drawn from (a hospital's
// mean repeats day after day).
std::int64_t draw_requests(const ProductDemandSpec& spec, double mean, PoissonSampler& poisson,
                           kernel::RandomStream& random) {
  if (mean <= 0) return 0;
  if (poisson.mean() != mean) poisson = PoissonSampler(mean);
  switch (spec.distribution) {
    case DemandDistribution::NegativeBinomial:
      return negative_binomial(mean, spec.dispersion, random);
    case DemandDistribution::Gamma:
      if (spec.dispersion > 0) return std::llround(gamma(spec.dispersion, mean / spec.dispersion, random));
      return poisson(random);
    case DemandDistribution::Deterministic:
      return std::llround(mean);
    case DemandDistribution::Poisson:
      break;
  }
  return poisson(random);
}

}  // namespace

BloodModel::BloodModel(std::shared_ptr<const World> world)
    : world_(std::move(world)), group_split_(world_->scenario.demand.group_shares) {
  const Scenario& sc = world_->scenario;
  const DemandSpec& d = sc.demand;
  for (std::size_t g = 0; g < kGroupCount; ++g) {
    if (d.group_shares[g] > 0) patient_groups_.push_back(g);
  }
  day_demand_factors_.resize(static_cast<std::size_t>(world_->days));
  if (world_->growing_demand) day_demand_growth_.resize(static_cast<std::size_t>(world_->days));
  for (int i = 0; i < world_->days; ++i) {
    const DayNumber day = world_->first_day + i;
    for (std::size_t p = 0; p < kProductCount; ++p) {
      const ProductDemandSpec& pd = d.products[p];
      const auto& months = pd.month_factors ? *pd.month_factors : d.month_factors;
      double factor = d.weekday_factors[weekday(day)] * months[month_index(day)];
      if (near_tet(sc.season, day, pd.tet_surge_days_before.value_or(d.tet_surge_days_before),
                   pd.tet_surge_days_after.value_or(d.tet_surge_days_after)))
        factor *= pd.tet_surge_factor.value_or(d.tet_surge_factor);
      day_demand_factors_[static_cast<std::size_t>(i)][p] = factor;
    }
    if (world_->growing_demand) day_demand_growth_[static_cast<std::size_t>(i)] = world_->demand_growth(day);
  }
}

KindList nonzero_kinds(const StockCounts& counts) {
  KindList kinds;
  for (std::size_t k = 0; k < kStockKinds; ++k) {
    if (counts[k] != 0) kinds.push_back(KindUnits{static_cast<std::uint8_t>(k), counts[k]});
  }
  return kinds;
}

StockCounts all_kinds(const KindList& kinds) {
  StockCounts counts{};
  for (const KindUnits& k : kinds) counts[k.kind] = k.units;
  return counts;
}

std::int64_t& BloodModel::measure(State& state, Measure m, DayNumber day, int area, std::size_t kind) const {
  return state.measures.at(m, day - world_->first_day, (*state.area_row)[static_cast<std::size_t>(area)], group_of(kind),
                           product_of(kind));
}

void BloodModel::book(State& state, Measure m, DayNumber day, int area, std::size_t kind, std::int64_t units) const {
  if (units == 0 || day - world_->first_day >= world_->days) return;
  measure(state, m, day, area, kind) += units;
}

void BloodModel::charge(State& state, DayNumber day, int area, double amount) const {
  if (amount == 0 || day - world_->first_day >= world_->days) return;
  state.measures.cost(day - world_->first_day, (*state.area_row)[static_cast<std::size_t>(area)]) += amount;
}

void BloodModel::handle(Ctx& ctx, State& state, const Event& event) const {
  const World& w = *world_;
  if (ctx.self() == w.coordinator_lp) {
    coordinate(ctx, state, event);
    return;
  }
  const auto day = static_cast<DayNumber>(w.first_day + ctx.now() / kTicksPerDay);
  const kernel::Tick since_midnight = ctx.now() % kTicksPerDay;
  switch (event.kind) {
    case Event::Kind::Morning:
      state.measures.prefetch_day(static_cast<int>(day - w.first_day));  // today's bookings
      outdate(state, ctx.self(), day, day);  // only units that arrived after yesterday's count
      procure_bags(state, ctx.self(), day);
      finish_testing(state, day);
      hold_sessions(ctx, state, day);
      review(ctx, state, day, ReviewTime::Morning);
      ctx.schedule(kDemand - since_midnight, phase(Event::Kind::Demand));
      break;
    case Event::Kind::Demand:
      demand(state, ctx.self(), day);
      ctx.schedule(kReview - since_midnight, phase(Event::Kind::Review));
      break;
    case Event::Kind::Review:
      outdate(state, ctx.self(), day, day + 1);
      review(ctx, state, day, ReviewTime::Evening);
      ctx.schedule(kEvening - since_midnight, phase(Event::Kind::Evening));
      break;
    case Event::Kind::Evening:
      evening(ctx, state, day);
      send_status(ctx, state, day);
      if (day + 1 < w.first_day + w.days) {
        ctx.schedule(kTicksPerDay + kMorning - since_midnight, phase(Event::Kind::Morning));
      }
      break;
    case Event::Kind::Order:
      fill_order(ctx, state, event);
      break;
    case Event::Kind::Shipment:
      receive(state, event, day);
      break;
    case Event::Kind::Transfer:
      carry_out_transfer(ctx, state, event);
      break;
    case Event::Kind::Status:
      throw std::logic_error("blood model: a status reached a centre's LP instead of the coordinator");
    case Event::Kind::QueueArrive:
    case Event::Kind::QueueDone:
    case Event::Kind::QueueStaffFree:
    case Event::Kind::QueueGiveUp:
    case Event::Kind::QueueClose:
      queue_event(ctx, state, event);
      break;
  }
}

// ---- morning: expiry, testing, sessions --------------------------------------

// A unit whose last usable day is d leaves the stock after the demand of day d
// and is booked as outdated on day d (on the next day only if it arrived after
// day d's evening count).
void BloodModel::outdate(State& state, kernel::LpId lp, DayNumber day, DayNumber usable_from) const {
  const World& w = *world_;
  const DayNumber booked = booking_day(state, day);
  for (int s : w.lp_sites[lp]) {
    const Site& site = w.sites[static_cast<std::size_t>(s)];
    Inventory& stock = state.sites[static_cast<std::size_t>(site.local)].stock;
    if (!stock.has_expired(usable_from)) continue;  // most sites on most checks
    for (std::size_t p = 0; p < kProductCount; ++p) {
      if (!stock.has_expired(product_at(p), usable_from)) continue;  // nor the counts by group
      const GroupCounts outdated = stock.remove_expired(product_at(p), usable_from);
      for (std::size_t g = 0; g < kGroupCount; ++g) {
        if (outdated[g] == 0) continue;
        book(state, Measure::Outdated, booked, site.area, p * kGroupCount + g, outdated[g]);
        charge(state, booked, site.area, site.costs.per_unit_outdated * static_cast<double>(outdated[g]));
      }
    }
  }
}

// Donations whose tests are done become components: red cells from every
// donation, plasma from a share, platelets pooled from a share. Components of
// donations that failed a test are produced and discarded.
void BloodModel::finish_testing(State& state, DayNumber day) const {
  const World& w = *world_;
  const ProcessingSpec& proc = w.scenario.processing;
  while (!state.testing.empty() && state.testing.front().ready <= day) {
    const TestingBatch batch = state.testing.front();
    state.testing.pop_front();
    const Site& centre = w.sites[static_cast<std::size_t>(batch.centre)];
    SiteState& cs = state.sites[static_cast<std::size_t>(centre.local)];
    auto random = daily_stream(state.seed, centre.stream, day, Purpose::Testing, static_cast<std::uint64_t>(batch.collected));
    auto put = [&](Product p, std::size_t g, std::int64_t good, std::int64_t bad) {
      const std::size_t kind = stock_index(p, group_at(g));
      measure(state, Measure::Produced, day, centre.area, kind) += good + bad;
      if (bad > 0) measure(state, Measure::Discarded, day, centre.area, kind) += bad;
      if (good > 0) {
        const int shelf = proc.shelf_life_days[index(p)];
        cs.stock.add(p, group_at(g), Batch{batch.collected, batch.collected + shelf - 1, good});
      }
    };
    for (std::size_t g = 0; g < kGroupCount; ++g) {
      const std::int64_t n = batch.donations[g];
      if (n == 0) continue;
      const std::int64_t failed = binomial(n, proc.discard_share, random);
      put(Product::RedCells, g, n - failed, failed);
      put(Product::Plasma, g, binomial(n - failed, proc.plasma_share, random), binomial(failed, proc.plasma_share, random));
      auto& waiting = cs.platelet_donations[g];
      waiting += binomial(n - failed, proc.platelet_share, random);
      const std::int64_t pools = waiting / std::max(1, proc.platelet_pool_size);
      waiting -= pools * std::max(1, proc.platelet_pool_size);
      if (pools > 0) put(Product::Platelets, g, pools, 0);
    }
  }
}

// A campaign aimed at some segments: its turnout factor on their cells only;
// its recruitment factor on new donors of its occupations (all of them:
// `recruitment`), unless it leaves out first-time donors, whom recruits are.
void BloodModel::aim_campaign(const Campaign& c, SessionConditions& conditions, double& recruitment) {
  for (std::size_t cell = 0; cell < kSegmentCells; ++cell) {
    if (c.segments.contains_cell(cell)) conditions.segment_turnout[cell] *= c.turnout_factor;
  }
  if (!c.segments.recruits()) return;
  if (c.segments.occupations == DonorSegments::kAllOccupations) {
    recruitment *= c.recruitment_factor;
    return;
  }
  for (const bool student : {false, true}) {
    if (c.segments.contains_occupation(student)) conditions.recruitment_by_occupation[student ? 1 : 0] *= c.recruitment_factor;
  }
}

double BloodModel::appeal_factor(const State& state, const Site& centre, DayNumber day, double peak) const {
  const AppealSpec& appeals = world_->scenario.appeals;
  if (!appeals.enabled) return 1.0;
  const DayNumber start = state.sites[static_cast<std::size_t>(centre.local)].last_appeal;
  return fading(peak, day - start, appeals.decay_days);
}

void BloodModel::hold_sessions(Ctx& ctx, State& state, DayNumber day) const {
  const World& w = *world_;
  const kernel::LpId lp = ctx.self();
  const Scenario& sc = w.scenario;
  const auto& sessions = w.sessions_by_lp[lp];
  // Who is in town today.
  const unsigned month = month_index(day);
  double students = sc.season.student_presence_by_month[month];
  double workers = sc.season.worker_presence_by_month[month];
  if (near_tet(sc.season, day, sc.season.tet_days_before, sc.season.tet_days_after)) {
    students = std::min(students, sc.season.tet_student_presence);
    workers = std::min(workers, sc.season.tet_worker_presence);
  }
  while (state.next_session < sessions.size() && sessions[state.next_session].day <= day) {
    const SessionDay& s = sessions[state.next_session++];
    const Leaf& leaf = w.leaves[static_cast<std::size_t>(s.leaf)];
    const Site& centre = w.sites[static_cast<std::size_t>(leaf.centre)];
    const double appeal_turnout = appeal_factor(state, centre, day, sc.appeals.turnout_factor);
    double turnout = leaf.engagement * appeal_turnout;
    double recruitment = appeal_factor(state, centre, day, sc.appeals.walk_in_factor);
    SessionConditions conditions;
    for (const Campaign& c : w.campaigns) {
      if (day >= c.start && day <= c.end && c.covers_leaf[static_cast<std::size_t>(s.leaf)]) {
        if (!c.segments.everyone()) {
          aim_campaign(c, conditions, recruitment);
          continue;
        }
        turnout *= c.turnout_factor;
        recruitment *= c.recruitment_factor;
      }
    }
    conditions.day = day;
    conditions.capacity = s.capacity;
    SiteState& cs = state.sites[static_cast<std::size_t>(centre.local)];
    if (cs.bags >= 0) {  // no more registrations than bags (capacity 0 means unlimited)
      if (s.capacity <= 0 || cs.bags < s.capacity) {
        conditions.capacity = std::max<std::int64_t>(cs.bags, 0);
        ++state.sessions_short_of_bags;
      }
      if (conditions.capacity == 0) continue;
    }
    // Stock-responsive collection: no more donors than the stock has room for,
    // more invitations while it is low (only looked at when a rule is on).
    double invitations = s.invitations;
    if (sc.collection.intake_cap_days > 0 || sc.collection.push_below_days > 0 || centre.storage_red_cell_units >= 0) {
      const RedCellPosition position = red_cell_position(state, lp, leaf.centre);
      const std::int64_t room = intake_room(sc.collection, centre.storage_red_cell_units, position);
      if (room != kNoIntakeLimit && (conditions.capacity <= 0 || room < conditions.capacity)) {
        if (room == 0) {
          ++state.sessions_postponed;
          continue;
        }
        conditions.capacity = room;
        ++state.sessions_capped;
      }
      invitations *= invitation_factor(sc.collection, position);
    }
    conditions.invitations = std::llround(invitations);
    conditions.walk_in_mean = s.walk_in * recruitment;
    conditions.turnout_factor = turnout;
    conditions.student_presence = students;
    conditions.worker_presence = workers;
    conditions.invited = s.invited;
    LeafState& ls = state.leaves[static_cast<std::size_t>(leaf.local)];
    auto random = daily_stream(state.seed, s.stream, day, Purpose::Session);
    if (s.resources >= 0) {
      open_queue(ctx, state, s, conditions, ls.pool, random);
      continue;
    }
    const SessionOutcome out = ls.pool.run_session(conditions, random);
    if (cs.bags >= 0) cs.bags -= out.donated;
    if (cs.last_appeal_record >= 0 && appeal_turnout > 1.0) {
      AppealRecord& appeal = state.appeal_log[static_cast<std::size_t>(cs.last_appeal_record)];
      appeal.donated_units += out.donated;
      appeal.brought_in_units += static_cast<double>(out.donated) * (1.0 - 1.0 / appeal_turnout);
    }

    for (std::size_t g = 0; g < kGroupCount; ++g) {
      state.measures.collected(day - w.first_day, (*state.area_row)[static_cast<std::size_t>(leaf.area)], group_at(g)) +=
          out.donated_by_group[g];
    }
    for (std::size_t cell = 0; cell < kSegmentCells; ++cell) {
      state.measures.donated_by_segment(day - w.first_day, (*state.area_row)[static_cast<std::size_t>(leaf.area)],
                                        cell) += out.donated_by_segment[cell];
    }
    DriveRecord& r = drive_record(state, s.drive);
    r.invited += out.invited;
    r.registered += out.registered;
    r.deferred += out.deferred;
    r.donated += out.donated;
    r.new_donors += out.new_donors;

    const DayNumber ready = day + sc.processing.testing_delay_days;
    if (state.testing.empty() || state.testing.back().ready != ready || state.testing.back().centre != leaf.centre) {
      state.testing.push_back(TestingBatch{ready, day, leaf.centre, {}});
    }
    for (std::size_t g = 0; g < kGroupCount; ++g) state.testing.back().donations[g] += out.donated_by_group[g];
  }
}

DriveRecord& BloodModel::drive_record(State& state, int drive) const {
  auto& slot = state.drive_slot[static_cast<std::size_t>(drive)];
  if (slot < 0) {
    slot = static_cast<int>(state.drives.size());
    state.drives.emplace_back(drive, DriveRecord{});
  }
  return state.drives[static_cast<std::size_t>(slot)].second;
}

// ---- queued sessions: donors through desks and beds, minute by minute ---------

namespace {

BloodEvent queue_event_of(const DriveQueue::Timer& timer, int slot) {
  using K = BloodEvent::Kind;
  BloodEvent e;
  switch (timer.kind) {
    case DriveQueue::EventKind::Arrive: e.kind = K::QueueArrive; break;
    case DriveQueue::EventKind::Done: e.kind = K::QueueDone; break;
    case DriveQueue::EventKind::StaffFree: e.kind = K::QueueStaffFree; break;
    case DriveQueue::EventKind::GiveUp: e.kind = K::QueueGiveUp; break;
    case DriveQueue::EventKind::Close: e.kind = K::QueueClose; break;
  }
  e.site = slot;
  e.from = timer.visitor;
  return e;
}

DriveQueue::EventKind queue_kind_of(BloodEvent::Kind kind) {
  using K = BloodEvent::Kind;
  switch (kind) {
    case K::QueueArrive: return DriveQueue::EventKind::Arrive;
    case K::QueueDone: return DriveQueue::EventKind::Done;
    case K::QueueStaffFree: return DriveQueue::EventKind::StaffFree;
    case K::QueueGiveUp: return DriveQueue::EventKind::GiveUp;
    default: return DriveQueue::EventKind::Close;
  }
}

}  // namespace

// Those who chose to come (registered up to capacity, as without queues) are
// handed to the session's queue; what becomes of them is decided by its events.
void BloodModel::open_queue(Ctx& ctx, State& state, const SessionDay& s, const SessionConditions& conditions,
                            DonorPool& pool, RandomStream& random) const {
  const World& w = *world_;
  std::vector<std::uint32_t> arrivals;
  const SessionOutcome out = pool.admit(conditions, random, arrivals);
  DriveRecord& r = drive_record(state, s.drive);
  r.invited += out.invited;
  r.registered += out.registered;
  r.new_donors += out.new_donors;
  const Leaf& leaf = w.leaves[static_cast<std::size_t>(s.leaf)];
  SiteState& cs = state.sites[static_cast<std::size_t>(w.sites[static_cast<std::size_t>(leaf.centre)].local)];
  if (cs.bags >= 0) cs.bags -= out.registered;  // a bag per registration; those not used come back

  std::vector<DriveQueue::Visitor> visitors;
  visitors.reserve(arrivals.size());
  for (const std::uint32_t d : arrivals) visitors.push_back({d, pool.kind(pool.donors()[d])});
  const int slot = static_cast<int>(state.open_sessions.size());
  OpenSession& open = state.open_sessions.emplace_back();
  open.day = s.day;
  open.leaf = s.leaf;
  open.drive = s.drive;
  open.queue.emplace(w.session_resources[static_cast<std::size_t>(s.resources)], w.scenario.drive_flow,
                     pool.turnout().deferral_probability, pool.turnout().volume_shares,
                     daily_stream(state.seed, s.stream, s.day, Purpose::Queue));
  const kernel::Tick midnight = static_cast<kernel::Tick>(s.day - w.first_day) * kTicksPerDay;
  for (const DriveQueue::Timer& t : open.queue->open(std::move(visitors), midnight, ctx.now())) {
    ctx.schedule(t.delay, queue_event_of(t, slot));
  }
}

void BloodModel::queue_event(Ctx& ctx, State& state, const Event& event) const {
  const World& w = *world_;
  OpenSession& open = state.open_sessions.at(static_cast<std::size_t>(event.site));
  if (!open.queue) return;  // a patience timer outliving its session
  std::vector<DriveQueue::Timer> timers;
  std::vector<DriveQueue::Ended> ended;
  open.queue->handle(queue_kind_of(event.kind), event.from, ctx.now(), timers, ended);
  for (const DriveQueue::Timer& t : timers) ctx.schedule(t.delay, queue_event_of(t, event.site));

  const Leaf& leaf = w.leaves[static_cast<std::size_t>(open.leaf)];
  DonorPool& pool = state.leaves[static_cast<std::size_t>(leaf.local)].pool;
  SiteState& cs = state.sites[static_cast<std::size_t>(w.sites[static_cast<std::size_t>(leaf.centre)].local)];
  DriveRecord& r = drive_record(state, open.drive);
  for (const DriveQueue::Ended& e : ended) {
    const std::uint32_t donor = open.queue->visitor(e.visitor).donor;
    switch (e.end) {
      case VisitEnd::Donated: {
        const Donor& who = pool.donors()[donor];
        const std::size_t cell = segment_cell(who.student, pool.kind(who));  // before this donation counts
        pool.donated(donor, open.day);
        ++r.donated;
        record_donation(state, open, who.group, cell);
        break;
      }
      case VisitEnd::Deferred:
        ++r.deferred;
        if (cs.bags >= 0) ++cs.bags;
        break;
      case VisitEnd::Left:
        pool.left_without_donating(donor);
        if (cs.bags >= 0) ++cs.bags;
        break;
    }
  }
  if (open.queue->finished()) {
    r.queue.add(open.queue->tally());
    open.queue.reset();
  }
}

// A unit collected by a queued session: counted on the session's day and sent
// to testing with that day's batch of its centre.
void BloodModel::record_donation(State& state, const OpenSession& open, BloodGroup group, std::size_t cell) const {
  const World& w = *world_;
  const Leaf& leaf = w.leaves[static_cast<std::size_t>(open.leaf)];
  ++state.measures.collected(open.day - w.first_day, (*state.area_row)[static_cast<std::size_t>(leaf.area)], group);
  ++state.measures.donated_by_segment(open.day - w.first_day, (*state.area_row)[static_cast<std::size_t>(leaf.area)],
                                      cell);
  const DayNumber ready = open.day + w.scenario.processing.testing_delay_days;
  auto batch = std::find_if(state.testing.rbegin(), state.testing.rend(), [&](const TestingBatch& b) {
    return b.ready == ready && b.collected == open.day && b.centre == leaf.centre;
  });
  if (batch == state.testing.rend()) {
    // Keep the queue sorted by readiness: finish_testing takes from the front.
    auto at = std::find_if(state.testing.begin(), state.testing.end(), [&](const TestingBatch& b) { return b.ready > ready; });
    at = state.testing.insert(at, TestingBatch{ready, open.day, leaf.centre, {}});
    ++at->donations[index(group)];
    return;
  }
  ++batch->donations[index(group)];
}

// A centre's red cells as its collection rules see them: on hand at the sites
// of its LP (the centre and the hospitals it supplies) and donations to it
// still in testing (each will give one red-cell unit unless it fails a test).
RedCellPosition BloodModel::red_cell_position(const State& state, kernel::LpId lp, int centre) const {
  const World& w = *world_;
  const Site& c = w.sites[static_cast<std::size_t>(centre)];
  RedCellPosition p;
  p.usage_per_day = c.red_cells_served_per_day;
  for (int s : w.lp_sites[lp]) {
    const Site& site = w.sites[static_cast<std::size_t>(s)];
    const Inventory& stock = state.sites[static_cast<std::size_t>(site.local)].stock;
    std::int64_t units = 0;
    for (std::size_t g = 0; g < kGroupCount; ++g) units += stock.on_hand(Product::RedCells, group_at(g));
    p.units += units;
    if (s == centre) p.centre_units += units;
  }
  for (const TestingBatch& b : state.testing) {
    if (b.centre != centre) continue;
    std::int64_t donations = 0;
    for (const std::int64_t n : b.donations) donations += n;
    p.units += donations;
    p.centre_units += donations;
  }
  return p;
}

// Bags ordered earlier arrive; a centre low on bags orders more.
void BloodModel::procure_bags(State& state, kernel::LpId lp, DayNumber day) const {
  for (int s : world_->lp_sites[lp]) {
    const Site& site = world_->sites[static_cast<std::size_t>(s)];
    SiteState& ss = state.sites[static_cast<std::size_t>(site.local)];
    if (site.kind != SiteKind::Centre || ss.bags < 0) continue;
    std::int64_t on_order = 0;
    while (!ss.bag_deliveries.empty() && ss.bag_deliveries.front().first <= day) {
      ss.bags += ss.bag_deliveries.front().second;
      ss.bag_deliveries.pop_front();
    }
    for (const auto& delivery : ss.bag_deliveries) on_order += delivery.second;
    if (site.bag_order_quantity > 0 && ss.bags + on_order <= site.bag_reorder_point) {
      ss.bag_deliveries.emplace_back(day + site.bag_procurement_delay_days, site.bag_order_quantity);
    }
  }
}

// ---- noon: hospital demand -----------------------------------------------------

void BloodModel::demand(State& state, kernel::LpId lp, DayNumber day) const {
  for (int s : world_->lp_sites[lp]) {
    const Site& site = world_->sites[static_cast<std::size_t>(s)];
    if (site.kind == SiteKind::Hospital) serve_hospital(state, site, day);
  }
}

// The day's demand multiplier of product p at a hospital: weekday, month and
// Tết surge (the product's own when given, else the shared ones; the same for
// every hospital, so computed once per day in the constructor), the demand
// surges over its area, and yearly growth, multiplied in that order.
double BloodModel::demand_factor(const Site& site, DayNumber day, std::size_t p) const {
  const DemandSpec& d = world_->scenario.demand;
  const auto i = static_cast<std::size_t>(day - world_->first_day);
  assert(i < day_demand_factors_.size());  // demand is drawn on the run's days only
  double factor = day_demand_factors_[i][p];
  for (const int s : site.demand_surges) {
    const DemandSurgeSpec& surge = d.surges[static_cast<std::size_t>(s)];
    if (surge.products[p] && day >= surge.start && day <= surge.end) factor *= surge.factor;
  }
  if (world_->growing_demand) factor *= day_demand_growth_[i];
  return factor;
}

void BloodModel::serve_hospital(State& state, const Site& site, DayNumber day) const {
  const Scenario& sc = world_->scenario;
  const DemandSpec& d = sc.demand;
  SiteState& hs = state.sites[static_cast<std::size_t>(site.local)];

  auto issue = [&](Product p, BloodGroup patient, std::int64_t units) {
    if (units <= 0) return std::int64_t{0};
    const IssueOutcome out = hs.stock.issue(p, patient, units, sc.policy.issue, sc.policy.substitution, day);
    // Without substitution only the patient's group leaves the stock.
    const std::size_t first = sc.policy.substitution ? 0 : index(patient);
    const std::size_t end = sc.policy.substitution ? kGroupCount : first + 1;
    for (std::size_t g = first; g < end && out.issued > 0; ++g) {
      // Substitutions and ages are of the units issued: none where none were.
      if (out.issued_by_unit_group[g] == 0) continue;
      const std::size_t kind = index(p) * kGroupCount + g;
      book(state, Measure::Issued, day, site.area, kind, out.issued_by_unit_group[g]);
      book(state, Measure::Substituted, day, site.area, kind, out.substituted_by_unit_group[g]);
      book(state, Measure::IssuedAgeDays, day, site.area, kind, out.age_days_by_unit_group[g]);
    }
    charge(state, day, site.area, -site.costs.revenue_per_unit_issued * static_cast<double>(out.issued));
    state.issued_age_days_sum += static_cast<double>(out.age_days_sum);
    return out.issued;
  };

  for (std::size_t p = 0; p < kProductCount; ++p) {
    const Product product = product_at(p);
    // A product this hospital never asks for, with nobody waiting (never
    // anybody without elective waits): nothing to draw or issue (draw_requests
    // draws nothing for a zero mean).
    if (site.demand_per_day[p] == 0.0 &&
        (d.max_wait_days <= 0 || std::all_of(hs.backlog.begin() + static_cast<std::ptrdiff_t>(p * kGroupCount),
                                             hs.backlog.begin() + static_cast<std::ptrdiff_t>((p + 1) * kGroupCount),
                                             [](const auto& waiting) { return waiting.empty(); }))) {
      continue;
    }
    auto random = daily_stream(state.seed, site.stream, day, Purpose::Demand, p);
    const std::int64_t total = draw_requests(d.products[p], site.demand_per_day[p] * demand_factor(site, day, p),
                                             hs.demand_poisson[p], random);
    std::array<std::int64_t, kGroupCount> requests{};
    if (total > 0) group_split_(total, requests, random);
    // Only patients' groups get requests, and without elective waits no
    // backlog ever forms: the other groups have nobody to serve.
    for (const std::size_t g : d.max_wait_days > 0 ? std::span<const std::size_t>(kAllGroups) : patient_groups_) {
      const std::size_t kind = p * kGroupCount + g;
      auto& waiting = hs.backlog[kind];
      if (requests[g] == 0 && waiting.empty()) continue;  // nobody of this group to serve
      const BloodGroup patient = group_at(g);
      std::int64_t lost = 0;
      // Elective requests still waiting: the oldest first; those waited too long are lost.
      while (!waiting.empty() && waiting.front().day < day - d.max_wait_days) {
        lost += waiting.front().units;
        waiting.pop_front();
      }
      for (auto it = waiting.begin(); it != waiting.end();) {
        it->units -= issue(product, patient, it->units);
        if (it->units > 0) break;
        it = waiting.erase(it);
      }
      if (requests[g] > 0) {
        measure(state, Measure::Requested, day, site.area, kind) += requests[g];
        const std::int64_t emergency = binomial(requests[g], d.emergency_share, random);
        lost += emergency - issue(product, patient, emergency);
        const std::int64_t elective = requests[g] - emergency;
        const std::int64_t unmet = elective - issue(product, patient, elective);
        if (unmet > 0) {
          if (d.max_wait_days > 0) {
            waiting.push_back(PendingRequest{day, unmet});
          } else {
            lost += unmet;
          }
        }
      }
      if (lost > 0) {
        measure(state, Measure::Shortage, day, site.area, kind) += lost;
        charge(state, day, site.area, site.costs.per_unit_short * static_cast<double>(lost));
      }
    }
  }
}

// ---- evening review: orders and surplus ---------------------------------------------

// What a site orders of each kind: its standing order, or by its policy from
// its inventory position, which counts only the stock still usable at the
// next demand (`next_demand`) plus what is on order.
KindList BloodModel::order_quantities(const State& state, const Site& site, DayNumber next_demand) const {
  const Scenario& sc = world_->scenario;
  const SiteState& ss = state.sites[static_cast<std::size_t>(site.local)];
  KindList orders;
  for (const std::size_t k : site.order_kinds) {  // no rule orders the others
    const Product p = product_of(k);
    const std::int64_t S = site.order_up_to_units[index(p)];
    const std::int64_t standing = site.standing_order_units[index(p)];
    std::int64_t order = 0;
    // Looked up only where a rule reads it (never negative).
    const auto inventory_position = [&] { return ss.stock.usable_on(p, group_of(k), next_demand) + ss.on_order[k]; };
    const double share = sc.demand.group_shares[k % kGroupCount];
    if (standing > 0) {
      order = std::llround(static_cast<double>(standing) * share);
    } else if (S > 0) {  // textbook rules in units, split by the patients' group shares
      const auto S_k = static_cast<std::int64_t>(std::llround(static_cast<double>(S) * share));
      const std::int64_t position = inventory_position();
      if (site.order_policy == OrderPolicy::WasteConscious) {
        // Hendrix et al. (2019): replace too what will outdate unused.
        const std::int64_t mu = std::llround(site.demand_per_day[index(p)] * share);
        const std::int64_t oldest = ss.stock.expiring_on(p, group_of(k), next_demand);
        order = position < S_k ? S_k - position + std::max<std::int64_t>(oldest - mu, 0) : 0;
      } else {
        const auto s_k = static_cast<std::int64_t>(std::llround(static_cast<double>(site.reorder_point_units[index(p)]) * share));
        order = position <= s_k ? std::max<std::int64_t>(0, S_k - position) : 0;
      }
    } else if (site.usage_per_day[k] > 0.0 &&  // else the target is 0 and so is the order
               (site.kind == SiteKind::Hospital || (site.supplier >= 0 && sc.policy.hub_supply))) {
      const auto target = static_cast<std::int64_t>(std::ceil(site.order_up_to_days * site.usage_per_day[k] - 1e-9));
      order = target > 0 ? std::max<std::int64_t>(0, target - inventory_position()) : 0;
    }
    if (order > 0) orders.push_back(KindUnits{static_cast<std::uint8_t>(k), order});
  }
  return orders;
}

void BloodModel::review(Ctx& ctx, State& state, DayNumber day, ReviewTime when) const {
  const World& w = *world_;
  const Scenario& sc = w.scenario;
  const DayNumber next_demand = when == ReviewTime::Morning ? day : day + 1;
  // Hospitals first (World::lp_reviewers): they draw on their centre's stock
  // before it reorders.
  for (int s : w.lp_reviewers[ctx.self()][static_cast<std::size_t>(when)]) {
    const Site& site = w.sites[static_cast<std::size_t>(s)];
    SiteState& ss = state.sites[static_cast<std::size_t>(site.local)];
    const KindList order = order_quantities(state, site, next_demand);
    const bool any = !order.empty();
    for (const auto [k, units] : order) {
      ss.on_order[k] += units;
      measure(state, Measure::Ordered, day, site.area, k) += units;
      charge(state, day, site.area, site.costs.per_unit_ordered * static_cast<double>(units));
    }
    if (site.kind == SiteKind::Hospital) {
      if (!any) continue;
      if (site.external_supplier) {
        Event delivery{Event::Kind::Shipment, s, -1, true, order, {}};
        const DayNumber arrival = day + std::max(1, site.external_lead_days);
        for (const auto [k, units] : order) {
          const int shelf = sc.processing.shelf_life_days[index(product_of(k))];
          delivery.lines.push_back(ShipmentLine{product_of(k), group_of(k), Batch{arrival, arrival + shelf - 1, units}});
        }
        // On the shelf at 05:00 on the day of arrival, before that day's morning.
        const kernel::Tick on_shelf = std::max<kernel::Tick>(1, (arrival - w.first_day) * kTicksPerDay + 5 * kTicksPerHour - ctx.now());
        ctx.schedule(on_shelf, std::move(delivery));
      } else {
        ship(ctx, state, site.supplier, s, order, order, sc.policy.min_remaining_shelf_days);
      }
      continue;
    }
    if (site.is_hub) continue;
    if (any && sc.policy.hub_supply) {
      const Site& hub = w.sites[static_cast<std::size_t>(site.supplier)];
      ctx.send(hub.lp, ctx.lookahead(), Event{Event::Kind::Order, site.supplier, s, false, order, {}});
    }
    if (!sc.policy.hub_supply) continue;
    // Red cells and plasma beyond the surplus level go to the hub (a kind
    // not in stock has none to send).
    KindList surplus;
    for_each_set_bit(ss.stock.stocked_kinds(), [&](std::size_t k) {
      if (product_of(k) == Product::Platelets) return;
      const auto keep = static_cast<std::int64_t>(std::ceil(site.surplus_days * site.usage_per_day[k]));
      const std::int64_t units = ss.stock.on_hand(product_of(k), group_of(k)) - keep;
      if (units > 0) surplus.push_back(KindUnits{static_cast<std::uint8_t>(k), units});
    });
    if (!surplus.empty()) ship(ctx, state, s, site.supplier, surplus, KindList{}, sc.policy.min_remaining_shelf_days);
  }
}

void BloodModel::fill_order(Ctx& ctx, State& state, const Event& order) const {
  const Site& hub = world_->sites[static_cast<std::size_t>(order.site)];
  const SiteState& hs = state.sites[static_cast<std::size_t>(hub.local)];
  KindList give;
  for (const auto [k, wanted] : order.quantities) {
    const auto reserve = static_cast<std::int64_t>(std::ceil(hub.reserve_days * hub.usage_per_day[k]));
    const std::int64_t spare = hs.stock.on_hand(product_of(k), group_of(k)) - reserve;
    const std::int64_t units = std::clamp<std::int64_t>(spare, 0, wanted);
    if (units > 0) give.push_back(KindUnits{k, units});
  }
  ship(ctx, state, order.site, order.from, give, order.quantities, world_->scenario.policy.min_remaining_shelf_days);
}

kernel::Tick BloodModel::shipping_delay(int from, int to, kernel::Tick departure) const {
  const World& w = *world_;
  kernel::Tick delay = w.travel_ticks(from, to);
  if (w.sites[static_cast<std::size_t>(to)].lp != w.sites[static_cast<std::size_t>(from)].lp)
    delay = std::max(delay, w.lookahead);
  // Nothing arrives exactly at the evening stock count, so that sender and
  // receiver agree on whether a shipment is still on the road.
  if ((departure + delay) % kTicksPerDay == kEvening) ++delay;
  return delay;
}

std::int64_t BloodModel::ship(Ctx& ctx, State& state, int from, int to, const KindList& wanted,
                              const KindList& answers, int min_remaining_days) const {
  const World& w = *world_;
  const Site& source = w.sites[static_cast<std::size_t>(from)];
  const Site& target = w.sites[static_cast<std::size_t>(to)];
  const kernel::Tick delay = shipping_delay(from, to, ctx.now());
  const kernel::Tick arrival = ctx.now() + delay;
  const DayNumber arrival_day = static_cast<DayNumber>(w.first_day + arrival / kTicksPerDay);
  const DayNumber usable_until = arrival_day + min_remaining_days;

  Event shipment{Event::Kind::Shipment, to, from, false, answers, {}};
  Inventory& stock = state.sites[static_cast<std::size_t>(source.local)].stock;
  std::int64_t total = 0;
  for (const auto [k, units] : wanted) {
    const Product product = product_of(k);
    const BloodGroup group = group_of(k);
    const std::int64_t sent = stock.take_for_shipment(product, group, units, usable_until, [&](const Batch& b) {
      shipment.lines.push_back(ShipmentLine{product, group, b});
    });
    if (sent > 0) {
      state.in_transit.push_back(InTransit{arrival, from, sent, k});
      book(state, Measure::Shipped, booking_day(state, static_cast<DayNumber>(w.first_day + ctx.now() / kTicksPerDay)),
           source.area, k, sent);
    }
    total += sent;
  }
  const bool answers_an_order = std::any_of(answers.begin(), answers.end(), [](const KindUnits& q) { return q.units > 0; });
  if (shipment.lines.empty() && !answers_an_order) return 0;
  ctx.send(target.lp, delay, std::move(shipment));
  return total;
}

void BloodModel::receive(State& state, const Event& shipment, DayNumber day) const {
  const Site& site = world_->sites[static_cast<std::size_t>(shipment.site)];
  SiteState& ss = state.sites[static_cast<std::size_t>(site.local)];
  const DayNumber booked = booking_day(state, day);
  for (const ShipmentLine& line : shipment.lines) {
    ss.stock.add(line.product, line.group, line.batch);
    book(state, shipment.produced_on_arrival ? Measure::Produced : Measure::Received, booked, site.area,
         stock_index(line.product, line.group), line.batch.units);
  }
  for (const auto [k, units] : shipment.quantities) ss.on_order[k] = std::max<std::int64_t>(0, ss.on_order[k] - units);
}

// ---- evening: the books, and appeals ---------------------------------------------------

void BloodModel::evening(Ctx& ctx, State& state, DayNumber day) const {
  const World& w = *world_;
  const AppealSpec& appeals = w.scenario.appeals;
  const auto& sites = w.lp_sites[ctx.self()];
  outdate(state, ctx.self(), day, day + 1);  // units that arrived since the review
  for (int s : sites) {
    const Site& site = w.sites[static_cast<std::size_t>(s)];
    const Inventory& stock = state.sites[static_cast<std::size_t>(site.local)].stock;
    for_each_set_bit(stock.stocked_kinds(), [&](std::size_t k) {
      const std::int64_t units = stock.on_hand(product_of(k), group_of(k));
      measure(state, Measure::OnHand, day, site.area, k) += units;
      charge(state, day, site.area, site.costs.per_unit_day_held * static_cast<double>(units));  // carried into tomorrow
    });
  }
  state.counted_through = day;
  std::erase_if(state.in_transit, [&](const InTransit& t) { return t.arrival <= ctx.now(); });
  for (const InTransit& t : state.in_transit) {
    measure(state, Measure::InTransit, day, w.sites[static_cast<std::size_t>(t.from)].area, t.kind) += t.units;
  }
  if (!appeals.enabled) return;
  // An appeal goes out when the red cells of some group, across the centre and
  // the hospitals it supplies, fall below the threshold in days of supply.
  for (int s : sites) {
    const Site& centre = w.sites[static_cast<std::size_t>(s)];
    if (centre.kind != SiteKind::Centre) continue;
    SiteState& cs = state.sites[static_cast<std::size_t>(centre.local)];
    if (day - cs.last_appeal < appeals.cooldown_days) continue;
    bool low = false;
    for (std::size_t g = 0; g < kGroupCount && !low; ++g) {
      const std::size_t k = stock_index(Product::RedCells, group_at(g));
      if (centre.usage_per_day[k] < 1.0) continue;  // too rare a group to judge by days of supply
      std::int64_t units = 0;
      for (int other : sites) units += state.sites[static_cast<std::size_t>(w.sites[static_cast<std::size_t>(other)].local)].stock.on_hand(Product::RedCells, group_at(g));
      low = static_cast<double>(units) < appeals.threshold_days * centre.usage_per_day[k];
    }
    if (!low) continue;
    cs.last_appeal = day + appeals.delay_days;
    ++state.appeals;
    cs.last_appeal_record = static_cast<int>(state.appeal_log.size());
    state.appeal_log.push_back(AppealRecord{day, s, centre.area, 0, 0.0});
  }
}

// ---- rebalancing across regions ---------------------------------------------------
//
// Timeline of one planning evening, with L the lookahead and t the evening count:
//   t        every centre sends the coordinator its status            (delay L)
//   t + L    the coordinator, once it has them all, plans and sends
//            each centre with surplus its Transfer instructions       (delay L)
//   t + 2L   the centre ships, as any shipment (in transit, then received)

namespace {

constexpr std::size_t red_cells(std::size_t g) { return stock_index(Product::RedCells, group_at(g)); }

// Units of one product and group that are still usable on `usable_until`.
std::int64_t usable_units(const Inventory& stock, std::size_t kind, DayNumber usable_until) {
  std::int64_t units = 0;
  for (const Batch& b : stock.batches(product_of(kind), group_of(kind))) {
    if (b.expires >= usable_until) units += b.units;
  }
  return units;
}

// Red cells a centre keeps for its own usage before it counts any as surplus.
std::int64_t surplus_keep(const Site& centre, std::size_t kind, const RebalancingSpec& spec) {
  return static_cast<std::int64_t>(std::ceil(spec.surplus_days * centre.usage_per_day[kind] - 1e-9));
}

}  // namespace

// The day until which units leaving `centre` at `departure` must last to be
// usable the required days after even its longest trip to another centre.
DayNumber BloodModel::transfer_usable_until(int centre, kernel::Tick departure) const {
  const World& w = *world_;
  kernel::Tick slowest = 0;
  for (int other : w.rebalancing_centres) {
    if (other != centre && w.network.reachable(centre, other))
      slowest = std::max(slowest, shipping_delay(centre, other, departure));
  }
  const auto arrival_day = static_cast<DayNumber>(w.first_day + (departure + slowest) / kTicksPerDay);
  return arrival_day + w.scenario.policy.rebalancing.min_remaining_shelf_days_on_arrival;
}

// A centre's red cells per group: + surplus (beyond `surplus_days` of its usage,
// and only units that would still be usable the required days after the
// longest trip to any other centre), - shortfall (up to `short_days` of usage).
void BloodModel::send_status(Ctx& ctx, const State& state, DayNumber day) const {
  const World& w = *world_;
  const RebalancingSpec& spec = w.scenario.policy.rebalancing;
  if (!w.rebalancing() || (day - w.first_day) % std::max(1, spec.every_days) != 0) return;
  for (int s : w.lp_sites[ctx.self()]) {
    const Site& centre = w.sites[static_cast<std::size_t>(s)];
    if (centre.kind != SiteKind::Centre) continue;
    // The instruction comes back 2L later, and the units leave then.
    const DayNumber usable_until = transfer_usable_until(s, ctx.now() + 2 * w.lookahead);
    const Inventory& stock = state.sites[static_cast<std::size_t>(centre.local)].stock;
    StockCounts balance{};
    for (std::size_t g = 0; g < kGroupCount; ++g) {
      const std::size_t k = red_cells(g);
      const std::int64_t on_hand = stock.on_hand(Product::RedCells, group_at(g));
      const std::int64_t surplus =
          std::min(on_hand - surplus_keep(centre, k, spec), usable_units(stock, k, usable_until));
      // Rounded down, so that a group too rare to use a whole unit in
      // `short_days` is never short.
      const auto low = static_cast<std::int64_t>(std::floor(spec.short_days * centre.usage_per_day[k]));
      balance[k] = surplus > 0 ? surplus : -std::max<std::int64_t>(0, low - on_hand);
    }
    ctx.send(w.coordinator_lp, w.lookahead, Event{Event::Kind::Status, -1, s, false, nonzero_kinds(balance), {}});
  }
}

// The coordinator's instruction: ship to `transfer.site`. Stock used since the
// status is not shipped: the centre never goes below its own surplus level.
void BloodModel::carry_out_transfer(Ctx& ctx, State& state, const Event& transfer) const {
  const World& w = *world_;
  const RebalancingSpec& spec = w.scenario.policy.rebalancing;
  const Site& centre = w.sites[static_cast<std::size_t>(transfer.from)];
  const Inventory& stock = state.sites[static_cast<std::size_t>(centre.local)].stock;
  const StockCounts instructed = all_kinds(transfer.quantities);
  StockCounts wanted{};
  for (std::size_t g = 0; g < kGroupCount; ++g) {
    const std::size_t k = red_cells(g);
    const std::int64_t spare = stock.on_hand(Product::RedCells, group_at(g)) - surplus_keep(centre, k, spec);
    wanted[k] = std::clamp<std::int64_t>(spare, 0, instructed[k]);
  }
  state.rebalanced_units += ship(ctx, state, transfer.from, transfer.site, nonzero_kinds(wanted), KindList{},
                                 spec.min_remaining_shelf_days_on_arrival);
}

// The coordinator gathers the statuses of one evening (they all arrive at the
// same tick, in sender order) and plans once it has every centre's.
void BloodModel::coordinate(Ctx& ctx, State& state, const Event& event) const {
  if (event.kind != Event::Kind::Status) return;  // the daily cycle is not the coordinator's
  const World& w = *world_;
  CoordinatorState& c = state.coordinator;
  const kernel::Tick sent = ctx.now() - w.lookahead;
  if (sent != c.collecting) {
    c.collecting = sent;
    c.received = 0;
    for (auto& node : c.balance) node.fill(0);
  }
  auto& node = c.balance[static_cast<std::size_t>(w.rebalancing_node[static_cast<std::size_t>(event.from)])];
  const StockCounts status = all_kinds(event.quantities);
  for (std::size_t g = 0; g < kGroupCount; ++g) node[g] = status[red_cells(g)];
  if (++c.received == w.rebalancing_centres.size()) plan_transfers(ctx, c);
}

void BloodModel::plan_transfers(Ctx& ctx, CoordinatorState& c) const {
  const World& w = *world_;
  const std::size_t n = w.rebalancing_centres.size();
  // Transfers planned earlier that the statuses cannot show yet: the source
  // still held the units, or they had not reached the destination.
  std::erase_if(c.expected, [&](const ExpectedTransfer& t) { return t.arrives <= c.collecting; });
  for (const ExpectedTransfer& t : c.expected) {
    const std::size_t g = static_cast<std::size_t>(t.kind % kGroupCount);
    std::int64_t& from = c.balance[static_cast<std::size_t>(w.rebalancing_node[static_cast<std::size_t>(t.from)])][g];
    std::int64_t& to = c.balance[static_cast<std::size_t>(w.rebalancing_node[static_cast<std::size_t>(t.to)])][g];
    if (t.shipped > c.collecting && from > 0) from = std::max<std::int64_t>(0, from - t.units);
    if (to < 0) to = std::min<std::int64_t>(0, to + t.units);
  }
  // One instruction per (source, destination), in a fixed order.
  std::map<std::pair<int, int>, StockCounts> instructions;
  RebalancingProblem problem;
  problem.travel_minutes = w.rebalancing_minutes;
  problem.cost_per_minute = w.scenario.policy.rebalancing.cost_per_minute;
  for (std::size_t g = 0; g < kGroupCount; ++g) {
    problem.surplus.assign(n, 0);
    problem.shortfall.assign(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      problem.surplus[i] = std::max<std::int64_t>(0, c.balance[i][g]);
      problem.shortfall[i] = std::max<std::int64_t>(0, -c.balance[i][g]);
    }
    for (const PlannedTransfer& t : plan_rebalancing(problem)) {
      const int from = w.rebalancing_centres[static_cast<std::size_t>(t.from)];
      const int to = w.rebalancing_centres[static_cast<std::size_t>(t.to)];
      instructions[{from, to}][red_cells(g)] += t.units;
      const kernel::Tick shipped = ctx.now() + w.lookahead;
      c.expected.push_back({from, to, red_cells(g), t.units, shipped, shipped + shipping_delay(from, to, shipped)});
      c.planned_units += t.units;
    }
  }
  for (const auto& [route, units] : instructions) {
    const Site& source = w.sites[static_cast<std::size_t>(route.first)];
    ctx.send(source.lp, w.lookahead, Event{Event::Kind::Transfer, route.second, route.first, false, nonzero_kinds(units), {}});
  }
}

}  // namespace giotmau::blood
