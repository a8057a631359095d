// Donors as agents: the pool an area knows, and sessions that invite, register,
// defer and bleed them. See donors.hpp for the model.
#include "blood/donors.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <span>
#include <stdexcept>
#include <string>

#include "blood/sampling.hpp"

namespace giotmau::blood {

// The national model holds millions of donors; keep them to one machine word.
static_assert(sizeof(Donor) == 8, "Donor must stay 8 bytes");

namespace {

// Fallback group shares of new donors when the scenario gives none (all zero):
// ABO in Vietnam is about O 42%, B 30%, A 22%, AB 6%, and RhD-negative is rare
// (about 0.1% within each ABO group). Indexed like BloodGroup. Approximate public
// figures (shared/domain.md); scenarios should set their own.
constexpr double kRhDNegativeShare = 0.001;
constexpr std::array<double, kGroupCount> kVietnamGroupShares = {
    0.42 * (1 - kRhDNegativeShare), 0.42 * kRhDNegativeShare,  // O+, O-
    0.22 * (1 - kRhDNegativeShare), 0.22 * kRhDNegativeShare,  // A+, A-
    0.30 * (1 - kRhDNegativeShare), 0.30 * kRhDNegativeShare,  // B+, B-
    0.06 * (1 - kRhDNegativeShare), 0.06 * kRhDNegativeShare,  // AB+, AB-
};

// Initial regular donors have given regular_after_donations plus 0..this-1 more
// times; only kind() reads the count, so the spread is cosmetic.
constexpr std::uint32_t kRegularExtraDonations = 4;

// Invitations draw indices with RandomStream::below(), a 32-bit range.
constexpr std::int64_t kMaxPoolSize = std::numeric_limits<std::uint32_t>::max();

[[noreturn]] void invalid(const std::string& what) { throw std::invalid_argument("DonorPool: " + what); }

// Weights a sampler can use: finite, non-negative, with a positive sum.
bool usable_weights(std::span<const double> weights) {
  double sum = 0.0;
  for (const double w : weights) {
    if (!std::isfinite(w) || w < 0.0) return false;
    sum += w;
  }
  return sum > 0.0;
}

bool is_probability(double p) { return p >= 0.0 && p <= 1.0; }

TurnoutParameters checked(TurnoutParameters turnout) {
  if (std::all_of(turnout.group_shares.begin(), turnout.group_shares.end(), [](double s) { return s == 0.0; })) {
    turnout.group_shares = kVietnamGroupShares;
  }
  if (!usable_weights(turnout.group_shares)) invalid("group_shares must be non-negative");
  if (!usable_weights(turnout.volume_shares)) invalid("volume_shares must be non-negative with a positive sum");
  if (!is_probability(turnout.student_share_of_recruits)) invalid("student_share_of_recruits must be in [0, 1]");
  if (!is_probability(turnout.return_factor_after_leaving)) invalid("return_factor_after_leaving must be in [0, 1]");
  if (turnout.min_interval_days < 0) invalid("min_interval_days must be >= 0");
  for (const double p : turnout.deferral_probability) {
    if (!is_probability(p)) invalid("deferral_probability must be in [0, 1]");
  }
  return turnout;
}

// The factors of a response probability that depend on the session only,
// computed once per session; response_probability() uses the same code, so a
// single donor's probability and a session's draws agree to the last bit.
struct ResponseRates {
  std::array<std::array<double, 2>, kDonorKindCount> base{};  // [kind][student]
  std::array<double, kDonorKindCount> inverse_lapse{};         // 0 = no decay
  double after_leaving = 1.0;
};

ResponseRates response_rates(const TurnoutParameters& turnout, const SessionConditions& conditions) {
  ResponseRates rates;
  for (std::size_t k = 0; k < kDonorKindCount; ++k) {
    const double base = turnout.response_probability[k] * conditions.turnout_factor;
    rates.base[k][0] = base * conditions.worker_presence;
    rates.base[k][1] = base * conditions.student_presence;
    rates.inverse_lapse[k] = turnout.lapse_days[k] > 0.0 ? 1.0 / turnout.lapse_days[k] : 0.0;
  }
  rates.after_leaving = turnout.return_factor_after_leaving;
  return rates;
}

// For an eligible donor. A never-donated recruit has nothing to lapse from.
double response_of(const ResponseRates& rates, DonorKind kind, const Donor& donor, DayNumber day,
                   int min_interval_days) noexcept {
  const auto k = static_cast<std::size_t>(kind);
  double p = rates.base[k][donor.student ? 1 : 0];
  if (rates.inverse_lapse[k] > 0.0 && donor.last_donation != kNeverDonated) {
    const DayNumber since_eligible = day - donor.last_donation - min_interval_days;
    if (since_eligible > 0) p *= std::exp(-static_cast<double>(since_eligible) * rates.inverse_lapse[k]);
  }
  if (donor.left_queue) p *= rates.after_leaving;
  return std::clamp(p, 0.0, 1.0);
}

// Who of the would-be recruits is in town: students and workers weighted by
// their presence. Those who do come are students in proportion, so that an
// empty campus brings no student walk-ins.
struct WalkInMix {
  double presence = 0.0;       // multiplies walk_in_mean
  double student_share = 0.0;  // of the walk-ins who come
};

WalkInMix walk_in_mix(const TurnoutParameters& turnout, const SessionConditions& conditions) {
  const double students = turnout.student_share_of_recruits * std::max(0.0, conditions.student_presence);
  const double workers = (1.0 - turnout.student_share_of_recruits) * std::max(0.0, conditions.worker_presence);
  WalkInMix mix;
  mix.presence = students + workers;
  mix.student_share = mix.presence > 0.0 ? std::min(1.0, students / mix.presence) : 0.0;
  return mix;
}

// One session's work on the pool's storage. A helper rather than members so
// that donors.hpp stays as it is.
class Session {
 public:
  Session(const DonorPool& pool, std::vector<Donor>& donors, std::vector<std::uint32_t>& scratch,
          const SessionConditions& conditions, RandomStream& random)
      : pool_(pool),
        turnout_(pool.turnout()),
        donors_(donors),
        scratch_(scratch),
        conditions_(conditions),
        rates_(response_rates(pool.turnout(), conditions)),
        mix_(walk_in_mix(pool.turnout(), conditions)),
        random_(random) {}

  // Leaves the responding invitees' indices at the front of the scratch vector
  // and returns how many there are.
  std::uint32_t invite(std::int64_t invitations) {
    const auto n = static_cast<std::uint32_t>(donors_.size());
    const auto m = static_cast<std::uint32_t>(std::clamp<std::int64_t>(invitations, 0, n));
    outcome_.invited = m;
    return m == n ? invite_everyone() : invite_sample(m);
  }

  // Walk-ins who arrive; they are not donors until registered.
  std::int64_t walk_ins(std::int64_t eligible_population) {
    const double mean = conditions_.walk_in_mean * mix_.presence;
    if (!(mean > 0.0)) return 0;
    const std::int64_t room = kMaxPoolSize - static_cast<std::int64_t>(donors_.size());
    return std::min({poisson(mean, random_), eligible_population, room});
  }

  // Registers a uniformly random subset of the arrivals (respondents first in
  // the scratch vector, then walk-ins) up to capacity: selection sampling
  // (Knuth's algorithm S) gives the same law as shuffling the arrivals and
  // taking the first `capacity`, without touching memory for them.
  // Returns the number of walk-ins registered.
  std::int64_t register_arrivals(std::uint32_t respondents, std::int64_t walk_in_arrivals) {
    std::int64_t remaining = respondents + walk_in_arrivals;
    std::int64_t places = conditions_.capacity > 0 ? std::min(conditions_.capacity, remaining) : remaining;
    outcome_.registered = places;
    outcome_.turned_away = remaining - places;
    for (std::uint32_t i = 0; i < respondents && places > 0; ++i, --remaining) {
      if (chosen(remaining, places)) {
        --places;
        if (admitted_) {
          admitted_->push_back(scratch_[i]);
          continue;
        }
        Donor& donor = donors_[scratch_[i]];
        attend(donor, pool_.kind(donor));
      }
    }
    std::int64_t registered_walk_ins = 0;
    for (; places > 0; --remaining) {
      if (chosen(remaining, places)) {
        --places;
        ++registered_walk_ins;
      }
    }
    return registered_walk_ins;
  }

  // Registered walk-ins join the pool, whether they give today or are deferred.
  void recruit(std::int64_t count) {
    outcome_.new_donors = count;
    for (std::int64_t i = 0; i < count; ++i) {
      Donor donor;
      donor.group = group_at(categorical(turnout_.group_shares, random_));
      donor.student = random_.bernoulli(mix_.student_share);
      if (admitted_) {
        admitted_->push_back(static_cast<std::uint32_t>(donors_.size()));
      } else {
        attend(donor, DonorKind::FirstTime);
      }
      scratch_.push_back(static_cast<std::uint32_t>(donors_.size()));
      donors_.push_back(donor);
    }
  }

  // Queued sessions: record who was registered instead of deciding their day.
  void admit_into(std::vector<std::uint32_t>& arrivals) { admitted_ = &arrivals; }

  SessionOutcome finish() {
    if (outcome_.donated > 0) {
      multinomial(outcome_.donated, turnout_.volume_shares, outcome_.donated_by_volume, random_);
    }
    for (std::size_t v = 0; v < kDonationVolumesMl.size(); ++v) {
      outcome_.volume_ml += outcome_.donated_by_volume[v] * kDonationVolumesMl[v];
    }
    return outcome_;
  }

 private:
  bool responds(const Donor& donor) {
    if (!pool_.eligible(donor, conditions_.day)) {
      ++outcome_.ineligible;
      return false;
    }
    const double p = response_of(rates_, pool_.kind(donor), donor, conditions_.day, turnout_.min_interval_days);
    return random_.uniform() < p;
  }

  // Everyone is invited: walk the donors in memory order (cache-friendly) and
  // rewrite the scratch as respondents from the front, the others from the
  // back, so that it stays a permutation of the pool's indices.
  std::uint32_t invite_everyone() {
    std::uint32_t front = 0;
    auto back = static_cast<std::uint32_t>(donors_.size());
    for (std::uint32_t i = 0; i < donors_.size(); ++i) {
      if (responds(donors_[i])) {
        scratch_[front++] = i;
      } else {
        scratch_[--back] = i;
      }
    }
    return front;
  }

  // Partial Fisher-Yates on the scratch permutation: its first m entries become
  // m distinct donors drawn uniformly (whatever order earlier sessions left),
  // in O(m). Respondents are swapped to the front as they are found.
  std::uint32_t invite_sample(std::uint32_t m) {
    const auto n = static_cast<std::uint32_t>(donors_.size());
    std::uint32_t respondents = 0;
    for (std::uint32_t i = 0; i < m; ++i) {
      std::swap(scratch_[i], scratch_[i + random_.below(n - i)]);
      if (responds(donors_[scratch_[i]])) std::swap(scratch_[respondents++], scratch_[i]);
    }
    return respondents;
  }

  // Whether the next of `remaining` arrivals takes one of `places` places.
  bool chosen(std::int64_t remaining, std::int64_t places) {
    return places >= remaining ||
           random_.below(static_cast<std::uint32_t>(remaining)) < static_cast<std::uint32_t>(places);
  }

  void attend(Donor& donor, DonorKind kind) {
    if (random_.bernoulli(turnout_.deferral_probability[static_cast<std::size_t>(kind)])) {
      ++outcome_.deferred;
      return;
    }
    donor.last_donation = conditions_.day;
    if (donor.donations < std::numeric_limits<std::uint16_t>::max()) ++donor.donations;
    ++outcome_.donated;
    ++outcome_.donated_by_group[index(donor.group)];
  }

  const DonorPool& pool_;
  const TurnoutParameters& turnout_;
  std::vector<Donor>& donors_;
  std::vector<std::uint32_t>& scratch_;
  const SessionConditions& conditions_;
  const ResponseRates rates_;
  const WalkInMix mix_;
  RandomStream& random_;
  SessionOutcome outcome_;
  std::vector<std::uint32_t>* admitted_ = nullptr;
};

Donor initial_donor(const TurnoutParameters& turnout, const InitialPool& initial, DayNumber start_day,
                    RandomStream& random) {
  Donor donor;
  int donations = 1;  // a first-time donor
  switch (categorical(initial.kind_shares, random)) {
    case 1: donations = turnout.repeat_after_donations; break;
    case 2:
      donations = turnout.regular_after_donations + static_cast<int>(random.below(kRegularExtraDonations));
      break;
    default: break;
  }
  donor.donations = static_cast<std::uint16_t>(std::clamp(donations, 1, 0xFFFF));
  donor.group = group_at(categorical(turnout.group_shares, random));
  donor.student = random.bernoulli(initial.student_share);
  const auto spread = static_cast<std::uint32_t>(std::max(1, initial.last_donation_spread_days));
  donor.last_donation = start_day - 1 - static_cast<DayNumber>(random.below(spread));
  return donor;
}

}  // namespace

DonorPool::DonorPool(const TurnoutParameters& turnout, std::int64_t eligible_population, const InitialPool& initial,
                     DayNumber start_day, RandomStream& random)
    : turnout_(checked(turnout)), eligible_population_(eligible_population) {
  if (eligible_population < 0) invalid("eligible_population must be >= 0");
  if (initial.known_donors < 0 || initial.known_donors > kMaxPoolSize) invalid("known_donors out of range");
  if (!usable_weights(initial.kind_shares)) invalid("kind_shares must be non-negative with a positive sum");
  if (!is_probability(initial.student_share)) invalid("student_share must be in [0, 1]");
  const auto n = static_cast<std::size_t>(initial.known_donors);
  donors_.reserve(n);
  for (std::size_t i = 0; i < n; ++i) donors_.push_back(initial_donor(turnout_, initial, start_day, random));
  invited_scratch_.resize(n);
  std::iota(invited_scratch_.begin(), invited_scratch_.end(), std::uint32_t{0});
}

DonorKind DonorPool::kind(const Donor& donor) const noexcept {
  if (donor.donations < turnout_.repeat_after_donations) return DonorKind::FirstTime;
  if (donor.donations < turnout_.regular_after_donations) return DonorKind::Repeat;
  return DonorKind::Regular;
}

bool DonorPool::eligible(const Donor& donor, DayNumber day) const noexcept {
  return donor.last_donation == kNeverDonated || day - donor.last_donation >= turnout_.min_interval_days;
}

double DonorPool::response_probability(const Donor& donor, const SessionConditions& conditions) const noexcept {
  if (!eligible(donor, conditions.day)) return 0.0;
  return response_of(response_rates(turnout_, conditions), kind(donor), donor, conditions.day,
                     turnout_.min_interval_days);
}

SessionOutcome DonorPool::run_session(const SessionConditions& conditions, RandomStream& random) {
  Session session(*this, donors_, invited_scratch_, conditions, random);
  const std::uint32_t respondents = session.invite(conditions.invitations);
  const std::int64_t walk_ins = session.walk_ins(eligible_population_);
  const std::int64_t recruits = session.register_arrivals(respondents, walk_ins);
  session.recruit(recruits);
  eligible_population_ -= recruits;
  return session.finish();
}

SessionOutcome DonorPool::admit(const SessionConditions& conditions, RandomStream& random,
                                std::vector<std::uint32_t>& arrivals) {
  Session session(*this, donors_, invited_scratch_, conditions, random);
  session.admit_into(arrivals);
  const std::uint32_t respondents = session.invite(conditions.invitations);
  const std::int64_t walk_ins = session.walk_ins(eligible_population_);
  const std::int64_t recruits = session.register_arrivals(respondents, walk_ins);
  session.recruit(recruits);
  eligible_population_ -= recruits;
  return session.finish();
}

void DonorPool::donated(std::uint32_t index, DayNumber day) {
  Donor& donor = donors_.at(index);
  donor.last_donation = day;
  donor.left_queue = false;
  if (donor.donations < std::numeric_limits<std::uint16_t>::max()) ++donor.donations;
}

void DonorPool::left_without_donating(std::uint32_t index) { donors_.at(index).left_queue = true; }

}  // namespace giotmau::blood
