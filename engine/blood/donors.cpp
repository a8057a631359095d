// Donors as agents: the pool an area knows, and sessions that invite, register,
// defer and bleed them. See donors.hpp for the model.
#include "blood/donors.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
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
    const auto kind = static_cast<DonorKind>(k);
    rates.base[k][0] = base * conditions.worker_presence * conditions.segment_turnout[segment_cell(false, kind)];
    rates.base[k][1] = base * conditions.student_presence * conditions.segment_turnout[segment_cell(true, kind)];
    rates.inverse_lapse[k] = turnout.lapse_days[k] > 0.0 ? 1.0 / turnout.lapse_days[k] : 0.0;
  }
  rates.after_leaving = turnout.return_factor_after_leaving;
  return rates;
}

// exp(-days * inverse_lapse): the decay of a response `days` after becoming eligible.
double lapse_decay(DayNumber days, double inverse_lapse) noexcept {
  return std::exp(-static_cast<double>(days) * inverse_lapse);
}

// For an eligible donor. A never-donated recruit has nothing to lapse from.
// `decay(kind, days)` returns lapse_decay(days, rates.inverse_lapse[kind]),
// computed or looked up.
template <typename Decay>
double response_of(const ResponseRates& rates, DonorKind kind, const Donor& donor, DayNumber day,
                   int min_interval_days, Decay&& decay) noexcept {
  const auto k = static_cast<std::size_t>(kind);
  double p = rates.base[k][donor.student ? 1 : 0];
  if (rates.inverse_lapse[k] > 0.0 && donor.last_donation != kNeverDonated) {
    const DayNumber since_eligible = day - donor.last_donation - min_interval_days;
    if (since_eligible > 0) p *= decay(k, since_eligible);
  }
  if (donor.left_queue) p *= rates.after_leaving;
  return std::clamp(p, 0.0, 1.0);
}

// Who of the would-be recruits is in town: students and workers weighted by
// their presence (and by campaigns aimed at them). Those who do come are
// students in proportion, so that an empty campus brings no student walk-ins.
// A session for one occupation recruits only its own, all its walk-ins at that
// occupation's presence; one whose segments leave out first-time donors
// recruits no one.
struct WalkInMix {
  double presence = 0.0;       // multiplies walk_in_mean
  double student_share = 0.0;  // of the walk-ins who come
};

WalkInMix walk_in_mix(const TurnoutParameters& turnout, const SessionConditions& conditions) {
  const DonorSegments& invited = conditions.invited;
  if (!invited.recruits()) return WalkInMix{};
  double student_weight = turnout.student_share_of_recruits;
  double worker_weight = 1.0 - turnout.student_share_of_recruits;
  if (invited.occupations != DonorSegments::kAllOccupations) {
    student_weight = invited.contains_occupation(true) ? 1.0 : 0.0;
    worker_weight = invited.contains_occupation(false) ? 1.0 : 0.0;
  }
  const double students =
      student_weight * std::max(0.0, conditions.student_presence) * conditions.recruitment_by_occupation[1];
  const double workers =
      worker_weight * std::max(0.0, conditions.worker_presence) * conditions.recruitment_by_occupation[0];
  WalkInMix mix;
  mix.presence = students + workers;
  mix.student_share = mix.presence > 0.0 ? std::min(1.0, students / mix.presence) : 0.0;
  return mix;
}

// The highest response probability any donor can have in this session: the
// base rate before decay, which only lowers it.
double highest_response(const ResponseRates& rates) {
  double highest = 0.0;
  for (const auto& by_student : rates.base) {
    for (const double p : by_student) highest = std::max(highest, p);
  }
  return std::clamp(highest, 0.0, 1.0);
}

// How far ahead of the donor being read the loop asks for the next ones: enough
// to keep several cache misses in flight.
constexpr std::uint32_t kPrefetchDistance = 16;

// Decays are tabulated by day up to this many days after eligibility (ten
// years), beyond which they are computed.
constexpr DayNumber kTabulatedDecayDays = 3650;

// One session's work on the pool's storage. A helper rather than members so
// that donors.hpp stays small.
//
// Why sessions are cheap: a pool holds tens of thousands of donors and a
// session invites hundreds, at random places in memory, and reading each one
// was a cache miss. Each invitee responds independently with probability
// p <= `reach_`, so the law is unchanged if a uniform random subset of the
// invitees is marked with probability `reach_` (thinning), only the marked ones
// are read, and each responds with probability p / reach_. The marked
// invitees are themselves a uniform random subset of the pool, of size
// Binomial(invitations, reach_), so they are drawn directly; the invitees
// never read are only counted: how many were ineligible is hypergeometric,
// from the pool's count of donors within the minimum interval.
class Session {
 public:
  Session(const DonorPool& pool, std::vector<Donor>& donors, LastDonationDays& last_donations,
          std::vector<std::uint64_t>& drawn_bits, std::vector<std::uint32_t>& candidates,
          DecayTables& decay_tables, const CategoricalTable& recruit_groups, const SessionConditions& conditions,
          RandomStream& random)
      : pool_(pool),
        turnout_(pool.turnout()),
        donors_(donors),
        last_donations_(last_donations),
        drawn_bits_(drawn_bits),
        candidates_(candidates),
        decay_tables_(decay_tables),
        conditions_(conditions),
        rates_(response_rates(pool.turnout(), conditions)),
        reach_(highest_response(rates_)),
        mix_(walk_in_mix(pool.turnout(), conditions)),
        recruit_groups_(recruit_groups),
        random_(random) {}

  // Leaves the responding invitees' indices at the front of the candidates
  // vector and returns how many there are.
  std::uint32_t invite(std::int64_t invitations) {
    if (!conditions_.invited.everyone()) return invite_segments(invitations);
    const auto n = static_cast<std::uint32_t>(donors_.size());
    const auto m = static_cast<std::uint32_t>(std::clamp<std::int64_t>(invitations, 0, n));
    outcome_.invited = m;
    const auto marked = static_cast<std::uint32_t>(binomial(m, reach_, random_));
    draw_distinct(marked, n);
    std::uint32_t respondents = 0;
    std::int64_t ineligible_read = 0;
    for (std::uint32_t i = 0; i < marked; ++i) {
      if (i + kPrefetchDistance < marked) __builtin_prefetch(&donors_[candidates_[i + kPrefetchDistance]]);
      const std::uint32_t index = candidates_[i];
      const Donor& donor = donors_[index];
      if (!pool_.eligible(donor, conditions_.day)) {
        ++ineligible_read;
        continue;
      }
      const double p = response_of(rates_, pool_.kind(donor), donor, conditions_.day, turnout_.min_interval_days,
                                   [this](std::size_t k, DayNumber days) { return decay(k, days); });
      if (p >= reach_ || random_.uniform() * reach_ < p) candidates_[respondents++] = index;
    }
    const std::int64_t ineligible_in_pool =
        last_donations_.on_or_after(conditions_.day - turnout_.min_interval_days + 1);
    outcome_.ineligible = ineligible_read + hypergeometric(n - marked, ineligible_in_pool - ineligible_read,
                                                           m - marked, random_);
    return respondents;
  }

  // A session for some segments: `invitations` go to a uniform random subset
  // of the donors in them. Such sessions are few (targeted drives), so the pool
  // is scanned for its members and every invitee read: no thinning, and the
  // ineligible are counted, not drawn.
  std::uint32_t invite_segments(std::int64_t invitations) {
    candidates_.clear();
    for (std::uint32_t i = 0; i < static_cast<std::uint32_t>(donors_.size()); ++i) {
      if (conditions_.invited.contains(donors_[i].student, pool_.kind(donors_[i]))) candidates_.push_back(i);
    }
    const auto members = static_cast<std::uint32_t>(candidates_.size());
    const auto m = static_cast<std::uint32_t>(std::clamp<std::int64_t>(invitations, 0, members));
    outcome_.invited = m;
    std::uint32_t respondents = 0;
    for (std::uint32_t i = 0; i < m; ++i) {
      std::swap(candidates_[i], candidates_[i + random_.below(members - i)]);  // partial Fisher-Yates
      const std::uint32_t index = candidates_[i];
      const Donor& donor = donors_[index];
      if (!pool_.eligible(donor, conditions_.day)) {
        ++outcome_.ineligible;
        continue;
      }
      const double p = response_of(rates_, pool_.kind(donor), donor, conditions_.day, turnout_.min_interval_days,
                                   [this](std::size_t k, DayNumber days) { return decay(k, days); });
      if (random_.uniform() < p) candidates_[respondents++] = index;
    }
    return respondents;
  }

  // Walk-ins who arrive; they are not donors until registered.
  std::int64_t walk_ins(std::int64_t eligible_population) {
    const double mean = conditions_.walk_in_mean * mix_.presence;
    if (!(mean > 0.0)) return 0;
    const std::int64_t room = kMaxPoolSize - static_cast<std::int64_t>(donors_.size());
    return std::min({poisson(mean, random_), eligible_population, room});
  }

  // Registers a uniformly random subset of the arrivals (respondents first in
  // the candidates vector, then walk-ins) up to capacity: selection sampling
  // (Knuth's algorithm S) gives the same law as shuffling the arrivals and
  // taking the first `capacity`, without touching memory for them.
  // Returns the number of walk-ins registered.
  std::int64_t register_arrivals(std::uint32_t respondents, std::int64_t walk_in_arrivals) {
    std::int64_t remaining = respondents + walk_in_arrivals;
    std::int64_t places = register_up_to_capacity(remaining);
    for (std::uint32_t i = 0; i < respondents && places > 0; ++i, --remaining) {
      if (chosen(remaining, places)) {
        --places;
        if (admitted_) {
          admitted_->push_back(candidates_[i]);
          continue;
        }
        Donor& donor = donors_[candidates_[i]];
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
  // A recruit draws three uniforms (group, student, deferral; two when the
  // queue decides the deferral), so a batch of recruits' random words is drawn
  // at once: the same words in the same order, their blocks computed together.
  void recruit(std::int64_t count) {
    outcome_.new_donors = count;
    const std::size_t words_each = admitted_ ? 4 : 6;
    for (std::int64_t first = 0; first < count; first += kRecruitBatch) {
      const auto batch = static_cast<std::size_t>(std::min<std::int64_t>(kRecruitBatch, count - first));
      const std::span<std::uint32_t> words(recruit_words_.data(), batch * words_each);
      random_.next_u32s(words);
      for (std::size_t w = 0; w < words.size(); w += words_each) {
        Donor donor;
        donor.group = group_at(recruit_groups_.at(RandomStream::uniform_of(words[w], words[w + 1])));
        donor.student = RandomStream::uniform_of(words[w + 2], words[w + 3]) < mix_.student_share;
        if (admitted_) {
          admitted_->push_back(static_cast<std::uint32_t>(donors_.size()));
        } else {
          attend(donor, DonorKind::FirstTime, RandomStream::uniform_of(words[w + 4], words[w + 5]));
        }
        donors_.push_back(donor);
      }
    }
  }

  // Of `arrivals`, those the session registers (up to capacity; 0: no limit),
  // the rest turned away; says nothing of who (without invitations, the
  // walk-ins are all alike, so no draw is needed). Returns the number registered.
  std::int64_t register_up_to_capacity(std::int64_t arrivals) {
    const std::int64_t places = conditions_.capacity > 0 ? std::min(conditions_.capacity, arrivals) : arrivals;
    outcome_.registered = places;
    outcome_.turned_away = arrivals - places;
    return places;
  }

  // recruit() for a pool that keeps no recruits: the same law in aggregate.
  // Each recruit is deferred, of a group and a student independently, so the
  // deferred are Binomial(count, p) and the groups and occupations of those
  // who give are multinomial among them; only counts are drawn.
  void recruit_counts(std::int64_t count) {
    outcome_.new_donors = count;
    if (count == 0) return;
    constexpr auto kFirstTime = DonorKind::FirstTime;
    const std::int64_t deferred =
        binomial(count, turnout_.deferral_probability[static_cast<std::size_t>(kFirstTime)], random_);
    const std::int64_t donated = count - deferred;
    outcome_.deferred += deferred;
    outcome_.donated += donated;
    std::array<std::int64_t, kGroupCount> by_group{};
    multinomial(donated, turnout_.group_shares, by_group, random_);
    for (std::size_t g = 0; g < kGroupCount; ++g) outcome_.donated_by_group[g] += by_group[g];
    const std::int64_t students = binomial(donated, mix_.student_share, random_);
    outcome_.donated_by_segment[segment_cell(true, kFirstTime)] += students;
    outcome_.donated_by_segment[segment_cell(false, kFirstTime)] += donated - students;
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
  // Fills the candidates vector with `count` distinct indices below n, a
  // uniform random subset. Few are drawn by rejecting repeats (a bit per
  // donor marks those drawn); most, by drawing those left out and taking the
  // rest in memory order. The bits are all clear again on return.
  void draw_distinct(std::uint32_t count, std::uint32_t n) {
    candidates_.clear();
    if (count == 0) return;
    const std::size_t words = (static_cast<std::size_t>(n) + 63) / 64;
    if (drawn_bits_.size() < words) drawn_bits_.resize(words, 0);
    const bool take_drawn = count <= n / 2;
    const std::uint32_t to_draw = take_drawn ? count : n - count;
    // Draws come in batches of as many as are still missing, their bits
    // prefetched before they are tested: the draws and their order are those of
    // drawing one at a time, but the cache misses overlap.
    std::uint32_t drawn = 0;
    while (drawn < to_draw) {
      batch_.resize(to_draw - drawn);
      for (std::uint32_t& index : batch_) {
        index = random_.below(n);
        __builtin_prefetch(&drawn_bits_[index / 64]);
      }
      for (const std::uint32_t index : batch_) {
        std::uint64_t& word = drawn_bits_[index / 64];
        const std::uint64_t bit = std::uint64_t{1} << (index % 64);
        if (word & bit) continue;
        word |= bit;
        ++drawn;
        if (take_drawn) candidates_.push_back(index);
      }
    }
    if (take_drawn) {
      for (const std::uint32_t index : candidates_) drawn_bits_[index / 64] = 0;
      return;
    }
    for (std::size_t w = 0; w < words; ++w) {
      std::uint64_t kept = ~drawn_bits_[w];
      if (w + 1 == words && n % 64 != 0) kept &= (std::uint64_t{1} << (n % 64)) - 1;
      drawn_bits_[w] = 0;
      for (; kept != 0; kept &= kept - 1) {
        candidates_.push_back(static_cast<std::uint32_t>(w * 64 + static_cast<std::size_t>(std::countr_zero(kept))));
      }
    }
  }

  // lapse_decay() of kind k, from the pool's table for the days a run meets.
  double decay(std::size_t k, DayNumber days) {
    std::vector<double>& table = decay_tables_[k];
    if (days >= kTabulatedDecayDays) return lapse_decay(days, rates_.inverse_lapse[k]);
    while (table.size() <= static_cast<std::size_t>(days)) {
      table.push_back(lapse_decay(static_cast<DayNumber>(table.size()), rates_.inverse_lapse[k]));
    }
    return table[static_cast<std::size_t>(days)];
  }

  // Whether the next of `remaining` arrivals takes one of `places` places.
  bool chosen(std::int64_t remaining, std::int64_t places) {
    return places >= remaining ||
           random_.below(static_cast<std::uint32_t>(remaining)) < static_cast<std::uint32_t>(places);
  }

  void attend(Donor& donor, DonorKind kind) { attend(donor, kind, random_.uniform()); }
  // `u`: the uniform of the deferral's Bernoulli draw.
  void attend(Donor& donor, DonorKind kind, double u) {
    if (u < turnout_.deferral_probability[static_cast<std::size_t>(kind)]) {
      ++outcome_.deferred;
      return;
    }
    if (donor.last_donation != kNeverDonated) last_donations_.remove(donor.last_donation);
    donor.last_donation = conditions_.day;
    last_donations_.add(conditions_.day);
    if (donor.donations < std::numeric_limits<std::uint16_t>::max()) ++donor.donations;
    ++outcome_.donated;
    ++outcome_.donated_by_group[index(donor.group)];
    ++outcome_.donated_by_segment[segment_cell(donor.student, kind)];
  }

  const DonorPool& pool_;
  const TurnoutParameters& turnout_;
  std::vector<Donor>& donors_;
  LastDonationDays& last_donations_;
  std::vector<std::uint64_t>& drawn_bits_;
  std::vector<std::uint32_t>& candidates_;
  std::vector<std::uint32_t> batch_;
  static constexpr std::int64_t kRecruitBatch = 64;
  std::array<std::uint32_t, 6 * kRecruitBatch> recruit_words_;
  DecayTables& decay_tables_;
  const SessionConditions& conditions_;
  const ResponseRates rates_;
  const double reach_;  // highest response probability this session
  const WalkInMix mix_;
  const CategoricalTable& recruit_groups_;
  RandomStream& random_;
  SessionOutcome outcome_;
  std::vector<std::uint32_t>* admitted_ = nullptr;
};

// Room a pool makes for recruits when it is built: for those expected, but
// never more than the first growth would take anyway (the vector doubles), or
// than a small pool's 8 MB, so that a guess far too high costs nothing.
std::int64_t room_for_recruits(const RecruitPlan& recruits, std::int64_t known_donors, std::int64_t eligible_population) {
  if (recruits.records != RecruitRecords::Individuals) return 0;
  constexpr std::int64_t kSmallPoolRecruits = std::int64_t{1} << 20;
  return std::max<std::int64_t>(0, std::min({recruits.expected, eligible_population, kMaxPoolSize - known_donors,
                                             std::max(known_donors, kSmallPoolRecruits)}));
}

// What an initial donor is drawn from.
struct InitialDraws {
  const TurnoutParameters& turnout;
  const InitialPool& initial;
  CategoricalTable kinds;
  CategoricalTable groups;
};

Donor initial_donor(const InitialDraws& draws, DayNumber start_day, RandomStream& random) {
  const TurnoutParameters& turnout = draws.turnout;
  const InitialPool& initial = draws.initial;
  Donor donor;
  int donations = 1;  // a first-time donor
  switch (draws.kinds(random)) {
    case 1: donations = turnout.repeat_after_donations; break;
    case 2:
      donations = turnout.regular_after_donations + static_cast<int>(random.below(kRegularExtraDonations));
      break;
    default: break;
  }
  donor.donations = static_cast<std::uint16_t>(std::clamp(donations, 1, 0xFFFF));
  donor.group = group_at(draws.groups(random));
  donor.student = random.bernoulli(initial.student_share);
  const auto spread = static_cast<std::uint32_t>(std::max(1, initial.last_donation_spread_days));
  donor.last_donation = start_day - 1 - static_cast<DayNumber>(random.below(spread));
  return donor;
}

}  // namespace

DonorPool::DonorPool(const TurnoutParameters& turnout, std::int64_t eligible_population, const InitialPool& initial,
                     DayNumber start_day, RandomStream& random, RecruitPlan recruits)
    : turnout_(checked(turnout)),
      records_(recruits.records),
      eligible_population_(eligible_population),
      recruit_groups_(turnout_.group_shares) {
  if (eligible_population < 0) invalid("eligible_population must be >= 0");
  if (initial.known_donors < 0 || initial.known_donors > kMaxPoolSize) invalid("known_donors out of range");
  if (!usable_weights(initial.kind_shares)) invalid("kind_shares must be non-negative with a positive sum");
  if (!is_probability(initial.student_share)) invalid("student_share must be in [0, 1]");
  const auto n = static_cast<std::size_t>(initial.known_donors);
  donors_.reserve(n + static_cast<std::size_t>(room_for_recruits(recruits, initial.known_donors, eligible_population)));
  const InitialDraws draws{turnout_, initial, CategoricalTable(initial.kind_shares),
                           CategoricalTable(turnout_.group_shares)};
  for (std::size_t i = 0; i < n; ++i) {
    donors_.push_back(initial_donor(draws, start_day, random));
    last_donations_.add(donors_.back().last_donation);
  }
}

void LastDonationDays::add_outside(DayNumber day) {
  if (counts_.empty()) origin_ = day;
  if (day < origin_) {
    counts_.insert(counts_.begin(), static_cast<std::size_t>(origin_ - day), 0);
    origin_ = day;
  }
  const auto at = static_cast<std::size_t>(day - origin_);
  if (at >= counts_.size()) counts_.resize(at + 1, 0);
  ++counts_[at];
}

void LastDonationDays::remove(DayNumber day) {
  const auto at = static_cast<std::size_t>(day - origin_);
  if (day < origin_ || at >= counts_.size() || counts_[at] == 0) {
    throw std::logic_error("LastDonationDays: removing a donation that was never added");
  }
  --counts_[at];
}

std::int64_t LastDonationDays::on_or_after(DayNumber first) const noexcept {
  const std::int64_t offset = static_cast<std::int64_t>(first) - origin_;
  std::int64_t count = 0;
  for (auto at = static_cast<std::size_t>(std::max<std::int64_t>(offset, 0)); at < counts_.size(); ++at) {
    count += counts_[at];
  }
  return count;
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
  if (!eligible(donor, conditions.day) || !conditions.invited.contains(donor.student, kind(donor))) return 0.0;
  const ResponseRates rates = response_rates(turnout_, conditions);
  return response_of(rates, kind(donor), donor, conditions.day, turnout_.min_interval_days,
                     [&rates](std::size_t k, DayNumber days) { return lapse_decay(days, rates.inverse_lapse[k]); });
}

SessionOutcome DonorPool::run_session(const SessionConditions& conditions, RandomStream& random) {
  return hold(conditions, random, nullptr);
}

SessionOutcome DonorPool::admit(const SessionConditions& conditions, RandomStream& random,
                                std::vector<std::uint32_t>& arrivals) {
  return hold(conditions, random, &arrivals);
}

SessionOutcome DonorPool::hold(const SessionConditions& conditions, RandomStream& random,
                               std::vector<std::uint32_t>* arrivals) {
  if (records_ == RecruitRecords::Counts) return hold_counted(conditions, random, arrivals);
  Session session(*this, donors_, last_donations_, drawn_bits_, candidates_, decay_tables_, recruit_groups_, conditions,
                  random);
  if (arrivals != nullptr) session.admit_into(*arrivals);
  const std::uint32_t respondents = session.invite(conditions.invitations);
  const std::int64_t walk_ins = session.walk_ins(eligible_population_);
  const std::int64_t recruits = session.register_arrivals(respondents, walk_ins);
  session.recruit(recruits);
  eligible_population_ -= recruits;
  return session.finish();
}

// A session of a pool that keeps no recruits: walk-ins only, drawn in
// aggregate. Invitations would reach known donors but never the recruits, and
// a queue follows each donor, so the world gives such a pool neither.
SessionOutcome DonorPool::hold_counted(const SessionConditions& conditions, RandomStream& random,
                                       std::vector<std::uint32_t>* arrivals) {
  if (conditions.invitations > 0 || arrivals != nullptr) {
    throw std::logic_error("DonorPool: a pool that keeps no recruits cannot invite donors or queue them");
  }
  Session session(*this, donors_, last_donations_, drawn_bits_, candidates_, decay_tables_, recruit_groups_, conditions,
                  random);
  const std::int64_t recruits = session.register_up_to_capacity(session.walk_ins(eligible_population_));
  session.recruit_counts(recruits);
  eligible_population_ -= recruits;
  return session.finish();
}

void DonorPool::donated(std::uint32_t index, DayNumber day) {
  Donor& donor = donors_.at(index);
  if (donor.last_donation != kNeverDonated) last_donations_.remove(donor.last_donation);
  last_donations_.add(day);
  donor.last_donation = day;
  donor.left_queue = false;
  if (donor.donations < std::numeric_limits<std::uint16_t>::max()) ++donor.donations;
}

void DonorPool::left_without_donating(std::uint32_t index) { donors_.at(index).left_queue = true; }

}  // namespace giotmau::blood
