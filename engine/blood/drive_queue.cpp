// The queueing network of a donation session. See drive_queue.hpp.
#include "blood/drive_queue.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "blood/sampling.hpp"

namespace giotmau::blood {

double Duration::draw(RandomStream& random) const {
  switch (shape) {
    case Shape::Fixed:
      return mean_minutes;
    case Shape::Exponential:
      return random.exponential(mean_minutes);
    case Shape::Gamma: {
      if (mean_minutes <= 0) return 0.0;
      if (sd_minutes <= 0) return mean_minutes;
      const double shape_k = (mean_minutes * mean_minutes) / (sd_minutes * sd_minutes);
      return gamma(shape_k, mean_minutes / shape_k, random);
    }
    case Shape::Lognormal: {
      if (mean_minutes <= 0) return 0.0;
      if (sd_minutes <= 0) return mean_minutes;
      const double sigma2 = std::log1p((sd_minutes * sd_minutes) / (mean_minutes * mean_minutes));
      const double mu = std::log(mean_minutes) - sigma2 / 2;
      return std::exp(mu + std::sqrt(sigma2) * standard_normal(random));
    }
    case Shape::Unlimited:
      break;
  }
  return std::numeric_limits<double>::infinity();
}

int SessionResources::staff() const noexcept {
  return std::max(1, static_cast<int>(std::lround(beds * staff_per_bed)));
}

// ---- the tally ---------------------------------------------------------------

double QueueTally::mean_wait_minutes() const noexcept {
  return arrived > 0 ? wait_minutes_sum / static_cast<double>(arrived) : std::nan("");
}

double QueueTally::mean_system_minutes() const noexcept {
  return arrived > 0 ? system_minutes_sum / static_cast<double>(arrived) : std::nan("");
}

double QueueTally::p90_wait_minutes() const noexcept {
  if (arrived <= 0) return std::nan("");
  // The smallest m with at least 90% of the arrivals waiting m minutes or less.
  const auto needed = static_cast<std::int64_t>(std::ceil(0.9 * static_cast<double>(arrived)));
  std::int64_t seen = 0;
  for (std::size_t m = 0; m < wait_histogram.size(); ++m) {
    seen += wait_histogram[m];
    if (seen >= needed) return static_cast<double>(m);
  }
  return static_cast<double>(wait_histogram.size());
}

double QueueTally::bed_utilisation() const noexcept {
  return bed_available_minutes > 0 ? bed_busy_minutes / bed_available_minutes : std::nan("");
}

void QueueTally::add_wait(kernel::Tick minutes) {
  if (wait_histogram.empty()) wait_histogram.assign(kWaitHistogramMinutes + 1, 0);
  const auto bin = static_cast<std::size_t>(std::clamp<kernel::Tick>(minutes, 0, kWaitHistogramMinutes));
  ++wait_histogram[bin];
  wait_minutes_sum += static_cast<double>(minutes);
}

void QueueTally::add(const QueueTally& o) {
  arrived += o.arrived;
  left_impatient += o.left_impatient;
  sent_home_at_closing += o.sent_home_at_closing;
  deferred += o.deferred;
  donated += o.donated;
  wait_minutes_sum += o.wait_minutes_sum;
  system_minutes_sum += o.system_minutes_sum;
  if (!o.wait_histogram.empty()) {
    if (wait_histogram.empty()) wait_histogram.assign(o.wait_histogram.size(), 0);
    for (std::size_t i = 0; i < o.wait_histogram.size(); ++i) wait_histogram[i] += o.wait_histogram[i];
  }
  bed_busy_minutes += o.bed_busy_minutes;
  bed_available_minutes += o.bed_available_minutes;
  sessions += o.sessions;
}

// ---- the queue -----------------------------------------------------------------

DriveQueue::DriveQueue(const SessionResources& resources, const DriveFlowSpec& flow,
                       const std::array<double, kDonorKindCount>& deferral, const std::array<double, 3>& volume_shares,
                       RandomStream random)
    : resources_(resources),
      flow_(&flow),
      deferral_(deferral),
      volume_shares_(volume_shares),
      random_(random),
      staff_(resources.staff()) {
  if (resources.registration_desks < 1 || resources.screening_desks < 1 || resources.beds < 1)
    throw std::invalid_argument("DriveQueue: a queued session needs at least one desk of each kind and one bed");
  if (resources.closes_minute <= resources.opens_minute)
    throw std::invalid_argument("DriveQueue: a session must close after it opens");
}

std::vector<DriveQueue::Timer> DriveQueue::open(std::vector<Visitor> visitors, kernel::Tick midnight,
                                                kernel::Tick now) {
  // Shuffle, so that who comes early does not follow the pool's memory order.
  for (std::size_t i = visitors.size(); i > 1; --i) {
    std::swap(visitors[i - 1], visitors[random_.below(static_cast<std::uint32_t>(i))]);
  }
  const kernel::Tick opens = midnight + resources_.opens_minute;
  const kernel::Tick closes = midnight + resources_.closes_minute;
  const kernel::Tick span = closes - opens;
  std::vector<kernel::Tick> arrivals(visitors.size());
  if (resources_.appointment_slot_minutes > 0) {
    // Appointments fill the slots evenly, in order; everyone comes at the start of their slot.
    const kernel::Tick slots = std::max<kernel::Tick>(1, span / resources_.appointment_slot_minutes);
    for (std::size_t i = 0; i < arrivals.size(); ++i) {
      const auto slot = static_cast<kernel::Tick>(i) * slots / static_cast<kernel::Tick>(arrivals.size());
      arrivals[i] = opens + slot * resources_.appointment_slot_minutes;
    }
  } else {
    // Independent arrival times with the hourly profile's density (a
    // conditional Poisson process): an hour by its weight, a minute uniformly in it.
    const auto hours = static_cast<std::size_t>((span + 59) / 60);
    std::vector<double> weights(hours, 1.0);
    for (std::size_t h = 0; h < hours && !resources_.arrival_profile.empty(); ++h) {
      weights[h] = h < resources_.arrival_profile.size() ? resources_.arrival_profile[h] : 0.0;
    }
    // The last hour may be cut short by closing: weigh it by the minutes it has.
    const kernel::Tick last_hour_minutes = span - static_cast<kernel::Tick>(hours - 1) * 60;
    weights.back() *= static_cast<double>(last_hour_minutes) / 60.0;
    if (std::accumulate(weights.begin(), weights.end(), 0.0) <= 0) weights.assign(hours, 1.0);
    for (kernel::Tick& t : arrivals) {
      const auto h = static_cast<kernel::Tick>(categorical(weights, random_));
      const kernel::Tick minutes = h + 1 == static_cast<kernel::Tick>(hours) ? last_hour_minutes : 60;
      t = opens + h * 60 + static_cast<kernel::Tick>(random_.below(static_cast<std::uint32_t>(minutes)));
    }
    std::sort(arrivals.begin(), arrivals.end());
  }
  return open_at(std::move(visitors), arrivals, opens, closes, now);
}

std::vector<DriveQueue::Timer> DriveQueue::open_at(std::vector<Visitor> visitors,
                                                   const std::vector<kernel::Tick>& arrivals, kernel::Tick opens,
                                                   kernel::Tick closes, kernel::Tick now) {
  opens_ = opens;
  closes_ = closes;
  last_bed_free_ = opens;
  visitors_.clear();
  visitors_.reserve(visitors.size());
  // Each visitor's whole day is drawn up front, in visitor order: the same
  // donor then has the same patience, service times and screening result
  // whatever the desks and beds (common random numbers across scenarios).
  for (const Visitor& v : visitors) {
    Visit visit{v};
    visit.patience_left = draw_ticks(flow_->patience);
    visit.volume = static_cast<std::uint8_t>(categorical(volume_shares_, random_));
    visit.deferred = random_.bernoulli(deferral_[static_cast<std::size_t>(v.kind)]);
    visit.registration = service_ticks(flow_->registration);
    visit.screening = service_ticks(flow_->screening);
    visit.setup = service_ticks(flow_->bed_setup);
    visit.bleed = service_ticks(flow_->donation_by_volume[visit.volume]);
    visit.rest = service_ticks(flow_->rest);
    visitors_.push_back(visit);
  }
  present_ = visitors_.size();
  tally_ = QueueTally{};
  tally_.sessions = 1;
  std::vector<Timer> timers;
  timers.reserve(visitors_.size() + 1);
  for (std::size_t i = 0; i < visitors_.size(); ++i) {
    timers.push_back({std::max<kernel::Tick>(0, arrivals[i] - now), EventKind::Arrive, static_cast<std::int32_t>(i)});
  }
  timers.push_back({std::max<kernel::Tick>(0, closes - now), EventKind::Close, -1});
  return timers;
}

// Service times are finite (the loader allows "unlimited" for patience only);
// a year of minutes bounds a pathological draw.
std::int32_t DriveQueue::service_ticks(const Duration& d) {
  return static_cast<std::int32_t>(std::min<kernel::Tick>(draw_ticks(d), 366 * 24 * 60));
}

kernel::Tick DriveQueue::draw_ticks(const Duration& d) {
  const double minutes = d.draw(random_);
  if (!(minutes < 1e12)) return kernel::kNever;
  return std::max<kernel::Tick>(0, std::llround(minutes));
}

bool DriveQueue::server_free(Step step) const noexcept {
  switch (step) {
    case Step::Registration:
      return busy_[0] < resources_.registration_desks;
    case Step::Screening:
      return busy_[1] < resources_.screening_desks;
    case Step::Donation:
      return busy_[2] < resources_.beds && staff_busy_ < staff_;
    default:
      return true;
  }
}

void DriveQueue::handle(EventKind kind, std::int32_t v, kernel::Tick now, std::vector<Timer>& timers,
                        std::vector<Ended>& ended) {
  switch (kind) {
    case EventKind::Arrive: {
      Visit& visit = visitors_[static_cast<std::size_t>(v)];
      visit.arrived = now;
      ++tally_.arrived;
      join(v, Step::Registration, now, timers, ended);
      break;
    }
    case EventKind::Done: {
      Visit& visit = visitors_[static_cast<std::size_t>(v)];
      const Step step = visit.step;
      if (step == Step::Registration || step == Step::Screening) --busy_[static_cast<std::size_t>(step)];
      switch (step) {
        case Step::Registration:
          join(v, Step::Screening, now, timers, ended);
          break;
        case Step::Screening:
          if (visit.deferred) {
            ++tally_.deferred;
            leave(v, VisitEnd::Deferred, now, ended);
          } else {
            join(v, Step::Donation, now, timers, ended);
          }
          break;
        case Step::Donation: {
          --busy_[2];
          last_bed_free_ = std::max(last_bed_free_, now);
          ++tally_.donated;
          ended.push_back({v, VisitEnd::Donated});  // the unit exists now; rest is the donor's time only
          visit.step = Step::Rest;
          timers.push_back({visit.rest, EventKind::Done, v});
          break;
        }
        case Step::Rest:
          visit.step = Step::Gone;
          tally_.system_minutes_sum += static_cast<double>(now - visit.arrived);
          tally_.add_wait(visit.waited);
          --present_;
          break;
        case Step::Gone:
          break;
      }
      serve_waiting(step, now, timers);
      break;
    }
    case EventKind::StaffFree:
      --staff_busy_;
      serve_waiting(Step::Donation, now, timers);
      break;
    case EventKind::GiveUp: {
      Visit& visit = visitors_[static_cast<std::size_t>(v)];
      // Stale timers (the donor was served, or left) are ignored: only a
      // donor still waiting whose patience is used up leaves.
      if (visit.waiting && now - visit.waiting_since >= visit.patience_left) {
        stop_waiting(visit, now);
        ++tally_.left_impatient;
        leave(v, VisitEnd::Left, now, ended);
      }
      break;
    }
    case EventKind::Close: {
      closed_ = true;
      auto& q = queue_[0];
      for (std::size_t i = head_[0]; i < q.size(); ++i) {
        Visit& visit = visitors_[static_cast<std::size_t>(q[i])];
        if (!visit.waiting) continue;
        stop_waiting(visit, now);
        ++tally_.sent_home_at_closing;
        leave(q[i], VisitEnd::Left, now, ended);
      }
      head_[0] = q.size();
      break;
    }
  }
}

void DriveQueue::join(std::int32_t v, Step step, kernel::Tick now, std::vector<Timer>& timers,
                      std::vector<Ended>& ended) {
  Visit& visit = visitors_[static_cast<std::size_t>(v)];
  visit.step = step;
  const auto q = static_cast<std::size_t>(step);
  // FIFO: a free server goes to whoever waits first.
  if (head_[q] == queue_[q].size() && server_free(step)) {
    start_service(v, timers);
    return;
  }
  if (visit.patience_left <= 0) {  // balks: no patience left for any wait
    ++tally_.left_impatient;
    leave(v, VisitEnd::Left, now, ended);
    return;
  }
  visit.waiting = true;
  visit.waiting_since = now;
  queue_[q].push_back(v);
  if (visit.patience_left != kernel::kNever) timers.push_back({visit.patience_left, EventKind::GiveUp, v});
}

void DriveQueue::stop_waiting(Visit& visit, kernel::Tick now) {
  const kernel::Tick waited = now - visit.waiting_since;
  visit.waiting = false;
  visit.waited += waited;
  if (visit.patience_left != kernel::kNever) visit.patience_left -= waited;
}

void DriveQueue::serve_waiting(Step step, kernel::Tick now, std::vector<Timer>& timers) {
  if (step == Step::Rest || step == Step::Gone) return;
  const auto q = static_cast<std::size_t>(step);
  auto& queue = queue_[q];
  while (head_[q] < queue.size() && server_free(step)) {
    const std::int32_t v = queue[head_[q]++];
    Visit& visit = visitors_[static_cast<std::size_t>(v)];
    if (!visit.waiting) continue;  // left already
    stop_waiting(visit, now);
    start_service(v, timers);
  }
  if (head_[q] == queue.size()) {
    queue.clear();
    head_[q] = 0;
  }
}

void DriveQueue::start_service(std::int32_t v, std::vector<Timer>& timers) {
  Visit& visit = visitors_[static_cast<std::size_t>(v)];
  switch (visit.step) {
    case Step::Registration:
      ++busy_[0];
      timers.push_back({visit.registration, EventKind::Done, v});
      break;
    case Step::Screening:
      ++busy_[1];
      timers.push_back({visit.screening, EventKind::Done, v});
      break;
    case Step::Donation: {
      ++busy_[2];
      ++staff_busy_;
      const kernel::Tick setup = visit.setup;
      const kernel::Tick bleed = visit.bleed;
      timers.push_back({setup, EventKind::StaffFree, -1});
      timers.push_back({setup + bleed, EventKind::Done, v});
      tally_.bed_busy_minutes += static_cast<double>(setup + bleed);
      break;
    }
    default:
      break;
  }
}

void DriveQueue::leave(std::int32_t v, VisitEnd end, kernel::Tick now, std::vector<Ended>& ended) {
  Visit& visit = visitors_[static_cast<std::size_t>(v)];
  visit.step = Step::Gone;
  tally_.system_minutes_sum += static_cast<double>(now - visit.arrived);
  tally_.add_wait(visit.waited);
  --present_;
  ended.push_back({v, end});
}

QueueTally DriveQueue::tally() const {
  QueueTally t = tally_;
  const kernel::Tick until = std::max(closes_, last_bed_free_);
  t.bed_available_minutes = static_cast<double>(resources_.beds) * static_cast<double>(until - opens_);
  return t;
}

}  // namespace giotmau::blood
