// The daily cycle of an LP and its exchanges with the hub.
#include "blood/model.hpp"

#include <algorithm>
#include <cmath>
#include <map>
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

// Random stream purposes, mixed into the per-day stream ids.
enum class Purpose : std::uint64_t { Demand = 1, Testing = 2, Session = 3 };

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

Product product_of(std::size_t kind) { return product_at(kind / kGroupCount); }
BloodGroup group_of(std::size_t kind) { return group_at(kind % kGroupCount); }

std::int64_t draw_requests(const ProductDemandSpec& spec, double mean, kernel::RandomStream& random) {
  if (mean <= 0) return 0;
  switch (spec.distribution) {
    case DemandDistribution::NegativeBinomial:
      return negative_binomial(mean, spec.dispersion, random);
    case DemandDistribution::Gamma:
      if (spec.dispersion > 0) return std::llround(gamma(spec.dispersion, mean / spec.dispersion, random));
      return poisson(mean, random);
    case DemandDistribution::Deterministic:
      return std::llround(mean);
    case DemandDistribution::Poisson:
      break;
  }
  return poisson(mean, random);
}

}  // namespace

std::int64_t& BloodModel::measure(State& state, Measure m, DayNumber day, int area, std::size_t kind) const {
  return state.measures.at(m, day - world_->first_day, (*state.area_row)[static_cast<std::size_t>(area)], group_of(kind),
                           product_of(kind));
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
      expire(state, ctx.self(), day);
      procure_bags(state, ctx.self(), day);
      finish_testing(state, day);
      hold_sessions(state, ctx.self(), day);
      ctx.schedule(kDemand - since_midnight, phase(Event::Kind::Demand));
      break;
    case Event::Kind::Demand:
      demand(state, ctx.self(), day);
      ctx.schedule(kReview - since_midnight, phase(Event::Kind::Review));
      break;
    case Event::Kind::Review:
      review(ctx, state, day);
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
  }
}

// ---- morning: expiry, testing, sessions --------------------------------------

void BloodModel::expire(State& state, kernel::LpId lp, DayNumber day) const {
  const World& w = *world_;
  for (int s : w.lp_sites[lp]) {
    const Site& site = w.sites[static_cast<std::size_t>(s)];
    Inventory& stock = state.sites[static_cast<std::size_t>(site.local)].stock;
    for (std::size_t p = 0; p < kProductCount; ++p) {
      const GroupCounts outdated = stock.remove_expired(product_at(p), day);
      for (std::size_t g = 0; g < kGroupCount; ++g) {
        if (outdated[g] != 0) measure(state, Measure::Outdated, day, site.area, p * kGroupCount + g) += outdated[g];
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

double BloodModel::appeal_factor(const State& state, const Site& centre, DayNumber day, double peak) const {
  const AppealSpec& appeals = world_->scenario.appeals;
  if (!appeals.enabled) return 1.0;
  const DayNumber start = state.sites[static_cast<std::size_t>(centre.local)].last_appeal;
  return fading(peak, day - start, appeals.decay_days);
}

void BloodModel::hold_sessions(State& state, kernel::LpId lp, DayNumber day) const {
  const World& w = *world_;
  const Scenario& sc = w.scenario;
  const auto& sessions = w.sessions_by_lp[lp];
  // Who is in town today.
  const unsigned month = month_index(day);
  double students = sc.season.student_presence_by_month[month];
  double workers = sc.season.worker_presence_by_month[month];
  if (in_window(day, sc.season.tet, sc.season.tet_days_before, sc.season.tet_days_after)) {
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
    for (const Campaign& c : w.campaigns) {
      if (day >= c.start && day <= c.end && c.covers_leaf[static_cast<std::size_t>(s.leaf)]) {
        turnout *= c.turnout_factor;
        recruitment *= c.recruitment_factor;
      }
    }
    SessionConditions conditions;
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
    conditions.invitations = std::llround(s.invitations);
    conditions.walk_in_mean = s.walk_in * recruitment;
    conditions.turnout_factor = turnout;
    conditions.student_presence = students;
    conditions.worker_presence = workers;
    LeafState& ls = state.leaves[static_cast<std::size_t>(leaf.local)];
    auto random = daily_stream(state.seed, s.stream, day, Purpose::Session);
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
    auto& slot = state.drive_slot[static_cast<std::size_t>(s.drive)];
    if (slot < 0) {
      slot = static_cast<int>(state.drives.size());
      state.drives.emplace_back(s.drive, DriveRecord{});
    }
    DriveRecord& r = state.drives[static_cast<std::size_t>(slot)].second;
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

void BloodModel::serve_hospital(State& state, const Site& site, DayNumber day) const {
  const Scenario& sc = world_->scenario;
  const DemandSpec& d = sc.demand;
  SiteState& hs = state.sites[static_cast<std::size_t>(site.local)];
  double factor = d.weekday_factors[weekday(day)] * d.month_factors[month_index(day)];
  if (in_window(day, sc.season.tet, d.tet_surge_days_before, d.tet_surge_days_after)) factor *= d.tet_surge_factor;

  auto issue = [&](Product p, BloodGroup patient, std::int64_t units) {
    if (units <= 0) return std::int64_t{0};
    const IssueOutcome out = hs.stock.issue(p, patient, units, sc.policy.issue, sc.policy.substitution, day);
    for (std::size_t g = 0; g < kGroupCount; ++g) {
      const std::size_t kind = index(p) * kGroupCount + g;
      if (out.issued_by_unit_group[g] != 0) measure(state, Measure::Issued, day, site.area, kind) += out.issued_by_unit_group[g];
      if (out.substituted_by_unit_group[g] != 0)
        measure(state, Measure::Substituted, day, site.area, kind) += out.substituted_by_unit_group[g];
    }
    state.issued_age_days_sum += static_cast<double>(out.age_days_sum);
    state.issued_age_days[static_cast<std::size_t>(day - world_->first_day) * state.measures.areas() +
                          static_cast<std::size_t>((*state.area_row)[static_cast<std::size_t>(site.area)])] +=
        static_cast<double>(out.age_days_sum);
    return out.issued;
  };

  for (std::size_t p = 0; p < kProductCount; ++p) {
    const Product product = product_at(p);
    auto random = daily_stream(state.seed, site.stream, day, Purpose::Demand, p);
    const std::int64_t total = draw_requests(d.products[p], site.demand_per_day[p] * factor, random);
    std::array<std::int64_t, kGroupCount> requests{};
    if (total > 0) multinomial(total, d.group_shares, requests, random);
    for (std::size_t g = 0; g < kGroupCount; ++g) {
      const std::size_t kind = p * kGroupCount + g;
      const BloodGroup patient = group_at(g);
      std::int64_t lost = 0;
      // Elective requests still waiting: the oldest first; those waited too long are lost.
      auto& waiting = hs.backlog[kind];
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
      if (lost > 0) measure(state, Measure::Shortage, day, site.area, kind) += lost;
    }
  }
}

// ---- evening review: orders and surplus ---------------------------------------------

void BloodModel::review(Ctx& ctx, State& state, DayNumber day) const {
  const World& w = *world_;
  const Scenario& sc = w.scenario;
  // Hospitals first: they draw on their centre's stock before it reorders.
  for (int pass = 0; pass < 2; ++pass) {
    for (int s : w.lp_sites[ctx.self()]) {
      const Site& site = w.sites[static_cast<std::size_t>(s)];
      if ((pass == 0) != (site.kind == SiteKind::Hospital)) continue;
      SiteState& ss = state.sites[static_cast<std::size_t>(site.local)];
      StockCounts order{};
      bool any = false;
      for (std::size_t k = 0; k < kStockKinds; ++k) {
        const Product p = product_of(k);
        const std::int64_t position = ss.stock.on_hand(p, group_of(k)) + ss.on_order[k];
        const std::int64_t S = site.order_up_to_units[index(p)];
        const std::int64_t standing = site.standing_order_units[index(p)];
        if (standing > 0) {
          order[k] = std::llround(static_cast<double>(standing) * sc.demand.group_shares[k % kGroupCount]);
        } else if (S > 0) {  // textbook (s, S), split by the patients' group shares
          const double share = sc.demand.group_shares[k % kGroupCount];
          const auto s_k = static_cast<std::int64_t>(std::llround(static_cast<double>(site.reorder_point_units[index(p)]) * share));
          const auto S_k = static_cast<std::int64_t>(std::llround(static_cast<double>(S) * share));
          order[k] = position <= s_k ? std::max<std::int64_t>(0, S_k - position) : 0;
        } else if (site.kind == SiteKind::Hospital || (site.supplier >= 0 && sc.policy.hub_supply)) {
          const auto target = static_cast<std::int64_t>(std::ceil(site.order_up_to_days * site.usage_per_day[k] - 1e-9));
          order[k] = std::max<std::int64_t>(0, target - position);
        }
        if (order[k] > 0) {
          any = true;
          ss.on_order[k] += order[k];
          measure(state, Measure::Ordered, day, site.area, k) += order[k];
        }
      }
      if (site.kind == SiteKind::Hospital) {
        if (!any) continue;
        if (site.external_supplier) {
          Event delivery{Event::Kind::Shipment, s, -1, true, order, {}};
          const DayNumber arrival = day + std::max(1, site.external_lead_days);
          for (std::size_t k = 0; k < kStockKinds; ++k) {
            if (order[k] == 0) continue;
            const int shelf = sc.processing.shelf_life_days[index(product_of(k))];
            delivery.lines.push_back(ShipmentLine{product_of(k), group_of(k), Batch{arrival, arrival + shelf - 1, order[k]}});
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
      // Red cells and plasma beyond the surplus level go to the hub.
      StockCounts surplus{};
      bool has_surplus = false;
      for (std::size_t k = 0; k < kStockKinds; ++k) {
        if (product_of(k) == Product::Platelets) continue;
        const auto keep = static_cast<std::int64_t>(std::ceil(site.surplus_days * site.usage_per_day[k]));
        surplus[k] = std::max<std::int64_t>(0, ss.stock.on_hand(product_of(k), group_of(k)) - keep);
        has_surplus = has_surplus || surplus[k] > 0;
      }
      if (has_surplus && sc.policy.hub_supply)
        ship(ctx, state, s, site.supplier, surplus, StockCounts{}, sc.policy.min_remaining_shelf_days);
    }
  }
}

void BloodModel::fill_order(Ctx& ctx, State& state, const Event& order) const {
  const Site& hub = world_->sites[static_cast<std::size_t>(order.site)];
  const SiteState& hs = state.sites[static_cast<std::size_t>(hub.local)];
  StockCounts give{};
  for (std::size_t k = 0; k < kStockKinds; ++k) {
    const auto reserve = static_cast<std::int64_t>(std::ceil(hub.reserve_days * hub.usage_per_day[k]));
    const std::int64_t spare = hs.stock.on_hand(product_of(k), group_of(k)) - reserve;
    give[k] = std::clamp<std::int64_t>(spare, 0, order.quantities[k]);
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

std::int64_t BloodModel::ship(Ctx& ctx, State& state, int from, int to, const StockCounts& wanted,
                              const StockCounts& answers, int min_remaining_days) const {
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
  for (std::size_t k = 0; k < kStockKinds; ++k) {
    if (wanted[k] <= 0) continue;
    std::int64_t sent = 0;
    for (const Batch& b : stock.take_for_shipment(product_of(k), group_of(k), wanted[k], usable_until)) {
      shipment.lines.push_back(ShipmentLine{product_of(k), group_of(k), b});
      sent += b.units;
    }
    if (sent > 0) state.in_transit.push_back(InTransit{arrival, from, sent, k});
    total += sent;
  }
  const bool answers_an_order = std::any_of(answers.begin(), answers.end(), [](std::int64_t q) { return q > 0; });
  if (shipment.lines.empty() && !answers_an_order) return 0;
  ctx.send(target.lp, delay, std::move(shipment));
  return total;
}

void BloodModel::receive(State& state, const Event& shipment, DayNumber day) const {
  const Site& site = world_->sites[static_cast<std::size_t>(shipment.site)];
  SiteState& ss = state.sites[static_cast<std::size_t>(site.local)];
  for (const ShipmentLine& line : shipment.lines) {
    ss.stock.add(line.product, line.group, line.batch);
    if (shipment.produced_on_arrival) {
      measure(state, Measure::Produced, day, site.area, stock_index(line.product, line.group)) += line.batch.units;
    }
  }
  for (std::size_t k = 0; k < kStockKinds; ++k) ss.on_order[k] = std::max<std::int64_t>(0, ss.on_order[k] - shipment.quantities[k]);
}

// ---- evening: the books, and appeals ---------------------------------------------------

void BloodModel::evening(Ctx& ctx, State& state, DayNumber day) const {
  const World& w = *world_;
  const AppealSpec& appeals = w.scenario.appeals;
  const auto& sites = w.lp_sites[ctx.self()];
  for (int s : sites) {
    const Site& site = w.sites[static_cast<std::size_t>(s)];
    const Inventory& stock = state.sites[static_cast<std::size_t>(site.local)].stock;
    for (std::size_t k = 0; k < kStockKinds; ++k) {
      const std::int64_t units = stock.on_hand(product_of(k), group_of(k));
      if (units != 0) measure(state, Measure::OnHand, day, site.area, k) += units;
    }
  }
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
    Event status{Event::Kind::Status, -1, s, false, {}, {}};
    for (std::size_t g = 0; g < kGroupCount; ++g) {
      const std::size_t k = red_cells(g);
      const std::int64_t on_hand = stock.on_hand(Product::RedCells, group_at(g));
      const std::int64_t surplus =
          std::min(on_hand - surplus_keep(centre, k, spec), usable_units(stock, k, usable_until));
      // Rounded down, so that a group too rare to use a whole unit in
      // `short_days` is never short.
      const auto low = static_cast<std::int64_t>(std::floor(spec.short_days * centre.usage_per_day[k]));
      status.quantities[k] = surplus > 0 ? surplus : -std::max<std::int64_t>(0, low - on_hand);
    }
    ctx.send(w.coordinator_lp, w.lookahead, std::move(status));
  }
}

// The coordinator's instruction: ship to `transfer.site`. Stock used since the
// status is not shipped: the centre never goes below its own surplus level.
void BloodModel::carry_out_transfer(Ctx& ctx, State& state, const Event& transfer) const {
  const World& w = *world_;
  const RebalancingSpec& spec = w.scenario.policy.rebalancing;
  const Site& centre = w.sites[static_cast<std::size_t>(transfer.from)];
  const Inventory& stock = state.sites[static_cast<std::size_t>(centre.local)].stock;
  StockCounts wanted{};
  for (std::size_t g = 0; g < kGroupCount; ++g) {
    const std::size_t k = red_cells(g);
    const std::int64_t spare = stock.on_hand(Product::RedCells, group_at(g)) - surplus_keep(centre, k, spec);
    wanted[k] = std::clamp<std::int64_t>(spare, 0, transfer.quantities[k]);
  }
  state.rebalanced_units +=
      ship(ctx, state, transfer.from, transfer.site, wanted, StockCounts{}, spec.min_remaining_shelf_days_on_arrival);
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
  for (std::size_t g = 0; g < kGroupCount; ++g) node[g] = event.quantities[red_cells(g)];
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
    ctx.send(source.lp, w.lookahead, Event{Event::Kind::Transfer, route.second, route.first, false, units, {}});
  }
}

}  // namespace giotmau::blood
