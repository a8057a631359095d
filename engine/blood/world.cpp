// Building the world from a scenario: areas, sites, LPs, network, sessions.
#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "blood/memory.hpp"
#include "blood/model.hpp"
#include "blood/sampling.hpp"

namespace giotmau::blood {

namespace {

std::uint64_t name_stream(std::string_view kind, std::string_view name) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : kind) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  h = (h ^ 0x2F) * 0x100000001B3ULL;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  return h;
}

template <class Map>
int lookup(const Map& names, const std::string& name, const char* what) {
  const auto it = names.find(name);
  if (it == names.end()) throw std::invalid_argument(std::string("unknown ") + what + " '" + name + "'");
  return it->second;
}

class WorldBuilder {
 public:
  WorldBuilder(const Scenario& scenario, int days_override) : w_(std::make_shared<World>()) {
    w_->scenario = scenario;
    w_->first_day = scenario.start;
    w_->days = days_override > 0 ? std::min(days_override, scenario.days()) : scenario.days();
    const TrendSpec& trend = scenario.trend;
    w_->growing_demand = trend.population_growth_per_year != 0 || trend.demand_growth_per_year != 0;
    w_->growing_plan = trend.plan_growth_per_year != 0;
    if (w_->days <= 0) throw std::invalid_argument("the scenario ends before it starts");
  }

  std::shared_ptr<const World> build() {
    add_areas();
    add_sites();
    assign_lps();
    add_leaves();
    add_measure_rows();
    add_network();
    add_demand();
    add_campaigns();
    add_sessions();
    decide_recruit_records();
    add_coordinator();
    add_order_rules();
    return w_;
  }

 private:
  const Scenario& sc() const { return w_->scenario; }

  void add_areas() {
    for (const AreaSpec& a : sc().areas) {
      if (!area_ids_.emplace(a.name, static_cast<int>(w_->area_names.size())).second)
        throw std::invalid_argument("duplicate area '" + a.name + "'");
      w_->area_names.push_back(a.name);
      w_->area_display_names.push_back(a.display_name.empty() ? a.name : a.display_name);
    }
    w_->area_parent.assign(w_->area_names.size(), -1);
    is_leaf_.assign(w_->area_names.size(), true);
    for (std::size_t i = 0; i < sc().areas.size(); ++i) {
      if (sc().areas[i].parent.empty()) continue;
      const int parent = lookup(area_ids_, sc().areas[i].parent, "parent area");
      w_->area_parent[i] = parent;
      is_leaf_[static_cast<std::size_t>(parent)] = false;
    }
  }

  void add_sites() {
    for (const CentreSpec& c : sc().centres) {
      Site s;
      s.name = c.name;
      s.kind = SiteKind::Centre;
      s.area = lookup(area_ids_, c.area, "area");
      s.is_hub = c.hub.empty();
      s.order_up_to_days = c.order_up_to_days;
      s.reserve_days = c.reserve_days;
      s.surplus_days = c.surplus_days;
      s.initial_bags = c.bag_stock;
      s.bag_reorder_point = c.bag_reorder_point;
      s.bag_order_quantity = c.bag_order_quantity;
      s.bag_procurement_delay_days = c.bag_procurement_delay_days;
      s.costs = c.costs;
      s.storage_red_cell_units = c.storage_red_cell_units;
      s.stream = name_stream("centre", c.name);
      add_site(std::move(s));
    }
    for (std::size_t i = 0; i < sc().centres.size(); ++i) {
      const CentreSpec& c = sc().centres[i];
      if (c.hub.empty()) continue;
      const int hub = lookup(site_ids_, c.hub, "hub");
      if (!w_->sites[static_cast<std::size_t>(hub)].is_hub) throw std::invalid_argument("'" + c.hub + "' is not a hub");
      w_->sites[i].supplier = hub;
    }
    for (const HospitalSpec& h : sc().hospitals) {
      Site s;
      s.name = h.name;
      s.kind = SiteKind::Hospital;
      s.area = lookup(area_ids_, h.area, "area");
      s.external_supplier = h.centre == "external";
      s.external_lead_days = static_cast<int>(h.external_lead_time_days);
      if (!s.external_supplier) s.supplier = lookup(site_ids_, h.centre, "centre");
      s.order_up_to_days = h.order_up_to_days;
      s.reorder_point_units = h.reorder_point_units;
      s.order_up_to_units = h.order_up_to_units;
      s.standing_order_units = h.standing_order_units;
      s.order_policy = h.order_policy;
      s.review = h.review;
      s.costs = h.costs;
      s.stream = name_stream("hospital", h.name);
      add_site(std::move(s));
    }
  }

  void add_site(Site s) {
    if (!site_ids_.emplace(s.name, static_cast<int>(w_->sites.size())).second)
      throw std::invalid_argument("duplicate site '" + s.name + "'");
    w_->sites.push_back(std::move(s));
  }

  // One LP per centre; hospitals join their centre's; a hospital with an
  // external supplier gets an LP of its own.
  void assign_lps() {
    kernel::LpId next = 0;
    for (Site& s : w_->sites) {
      if (s.kind == SiteKind::Centre || s.external_supplier) s.lp = next++;
    }
    for (Site& s : w_->sites) {
      if (s.kind == SiteKind::Hospital && !s.external_supplier) s.lp = w_->sites[static_cast<std::size_t>(s.supplier)].lp;
    }
    w_->lp_count = next;
    w_->lp_sites.assign(next, {});
    w_->lp_leaves.assign(next, {});
    for (std::size_t i = 0; i < w_->sites.size(); ++i) {
      Site& s = w_->sites[i];
      s.local = static_cast<int>(w_->lp_sites[s.lp].size());
      w_->lp_sites[s.lp].push_back(static_cast<int>(i));
    }
  }

  int centre_of_area(int area) const {
    for (int a = area; a >= 0; a = w_->area_parent[static_cast<std::size_t>(a)]) {
      const std::string& centre = sc().areas[static_cast<std::size_t>(a)].centre;
      if (!centre.empty()) return lookup(site_ids_, centre, "centre");
    }
    // No centre named on the way up: the centre located in the nearest enclosing area.
    for (int a = area; a >= 0; a = w_->area_parent[static_cast<std::size_t>(a)]) {
      for (std::size_t i = 0; i < w_->sites.size(); ++i) {
        if (w_->sites[i].kind == SiteKind::Centre && w_->sites[i].area == a) return static_cast<int>(i);
      }
    }
    return -1;
  }

  void add_leaves() {
    for (std::size_t a = 0; a < sc().areas.size(); ++a) {
      if (!is_leaf_[a]) continue;
      const AreaSpec& spec = sc().areas[a];
      const int centre = centre_of_area(static_cast<int>(a));
      if (centre < 0) {
        if (spec.population == 0) continue;  // nobody to collect from
        throw std::invalid_argument("area '" + spec.name + "' reaches no blood centre");
      }
      Leaf leaf;
      leaf.area = static_cast<int>(a);
      leaf.centre = centre;
      leaf.lp = w_->sites[static_cast<std::size_t>(centre)].lp;
      leaf.population = spec.population;
      leaf.engagement = spec.engagement;
      leaf.student_share = spec.student_share;
      leaf.known_donors = known_donors_at_start(spec);
      leaf.eligible_population =
          std::max<std::int64_t>(0, std::llround(static_cast<double>(spec.population) * spec.eligible_share) - leaf.known_donors);
      leaf.stream = name_stream("area", spec.name);
      leaf.local = static_cast<int>(w_->lp_leaves[leaf.lp].size());
      w_->lp_leaves[leaf.lp].push_back(static_cast<int>(w_->leaves.size()));
      w_->leaves.push_back(leaf);
    }
  }

  void add_measure_rows() {
    w_->lp_areas.assign(w_->lp_count, {});
    w_->lp_area_row.assign(w_->lp_count, std::vector<int>(w_->area_names.size(), -1));
    auto touch = [&](kernel::LpId lp, int area) {
      int& row = w_->lp_area_row[lp][static_cast<std::size_t>(area)];
      if (row >= 0) return;
      row = static_cast<int>(w_->lp_areas[lp].size());
      w_->lp_areas[lp].push_back(area);
    };
    for (const Site& s : w_->sites) touch(s.lp, s.area);
    for (const Leaf& l : w_->leaves) touch(l.lp, l.area);
  }

  // Shortest paths over the links; sites of one area are `local_travel_minutes` apart.
  void add_network() {
    std::vector<Road> roads;
    for (const LinkSpec& l : sc().links) {
      roads.push_back({lookup(site_ids_, l.from, "site"), lookup(site_ids_, l.to, "site"), l.travel_minutes});
    }
    for (std::size_t i = 0; i < w_->sites.size(); ++i) {
      for (std::size_t j = i + 1; j < w_->sites.size(); ++j) {
        if (w_->sites[i].area == w_->sites[j].area)
          roads.push_back({static_cast<int>(i), static_cast<int>(j), sc().local_travel_minutes});
      }
    }
    w_->network = TransportNetwork(static_cast<int>(w_->sites.size()), roads);
    kernel::Tick lookahead = kTicksPerDay;
    for (const Site& s : w_->sites) {
      if (s.supplier < 0) continue;
      const int self = site_ids_.at(s.name);
      if (!w_->network.reachable(self, s.supplier))
        throw std::invalid_argument("no route between '" + s.name + "' and its supplier '" +
                                    w_->sites[static_cast<std::size_t>(s.supplier)].name + "'");
      if (w_->sites[static_cast<std::size_t>(s.supplier)].lp != s.lp)
        lookahead = std::min(lookahead, w_->travel_ticks(self, s.supplier));
    }
    w_->lookahead = std::max<kernel::Tick>(1, lookahead);
  }

  // Expected requests per day of each hospital, and the usage each centre serves.
  void add_demand() {
    const DemandSpec& d = sc().demand;
    for (Site& s : w_->sites) {
      if (s.kind != SiteKind::Hospital) continue;
      const HospitalSpec& h = sc().hospitals[static_cast<std::size_t>(&s - w_->sites.data()) - sc().centres.size()];
      const double served = h.population_served > 0 ? h.population_served
                                                     : static_cast<double>(sc().areas[static_cast<std::size_t>(s.area)].population);
      for (std::size_t p = 0; p < kProductCount; ++p) {
        s.demand_per_day[p] = d.products[p].per_1000_population_per_year * served / 1000.0 / 365.0 + d.products[p].fixed_per_day;
        for (std::size_t g = 0; g < kGroupCount; ++g)
          s.usage_per_day[p * kGroupCount + g] = s.demand_per_day[p] * d.group_shares[g];
      }
      for (std::size_t i = 0; i < d.surges.size(); ++i) {
        if (area_covered(d.surges[i].areas, s.area)) s.demand_surges.push_back(static_cast<int>(i));
      }
    }
    for (Site& h : w_->sites) {
      if (h.kind != SiteKind::Hospital || h.supplier < 0) continue;
      Site& centre = w_->sites[static_cast<std::size_t>(h.supplier)];
      for (std::size_t k = 0; k < kStockKinds; ++k) centre.usage_per_day[k] += h.usage_per_day[k];
    }
    // What a centre's collections serve: its own usage, and a hub's region too.
    for (Site& c : w_->sites) {
      if (c.kind != SiteKind::Centre) continue;
      for (std::size_t g = 0; g < kGroupCount; ++g) c.red_cells_served_per_day += c.usage_per_day[stock_index(Product::RedCells, group_at(g))];
    }
    for (const Site& c : w_->sites) {
      if (c.kind != SiteKind::Centre || c.supplier < 0) continue;
      double own = 0;
      for (std::size_t g = 0; g < kGroupCount; ++g) own += c.usage_per_day[stock_index(Product::RedCells, group_at(g))];
      w_->sites[static_cast<std::size_t>(c.supplier)].red_cells_served_per_day += own;
    }
  }

  // Who reviews when, in each LP, and the kinds each site's review looks at
  // (BloodModel::order_quantities): those with a standing order or an
  // order-up-to level in units of the product, or a usage to cover.
  void add_order_rules() {
    w_->lp_reviewers.assign(w_->lp_sites.size(), {});
    for (std::size_t lp = 0; lp < w_->lp_sites.size(); ++lp) {
      for (const SiteKind kind : {SiteKind::Hospital, SiteKind::Centre}) {
        for (int i : w_->lp_sites[lp]) {
          const Site& s = w_->sites[static_cast<std::size_t>(i)];
          if (s.kind != kind) continue;
          const ReviewTime when = kind == SiteKind::Hospital ? s.review : ReviewTime::Evening;
          w_->lp_reviewers[lp][static_cast<std::size_t>(when)].push_back(i);
        }
      }
    }
    for (Site& s : w_->sites) {
      for (std::size_t k = 0; k < kStockKinds; ++k) {
        const std::size_t p = k / kGroupCount;
        if (s.standing_order_units[p] > 0 || s.order_up_to_units[p] > 0 || s.usage_per_day[k] > 0.0)
          s.order_kinds.push_back(static_cast<std::uint8_t>(k));
      }
    }
  }

  // Whether `area` is one of `areas` or below one of them (empty: everywhere).
  bool area_covered(const std::vector<std::string>& areas, int area) const {
    if (areas.empty()) return true;
    for (const std::string& name : areas) {
      const int root = lookup(area_ids_, name, "area");
      for (int a = area; a >= 0; a = w_->area_parent[static_cast<std::size_t>(a)]) {
        if (a == root) return true;
      }
    }
    return false;
  }

  std::vector<bool> leaves_under(const std::vector<std::string>& areas) const {
    std::vector<bool> covers(w_->leaves.size(), areas.empty());
    for (const std::string& name : areas) {
      const int root = lookup(area_ids_, name, "area");
      for (std::size_t l = 0; l < w_->leaves.size(); ++l) {
        for (int a = w_->leaves[l].area; a >= 0; a = w_->area_parent[static_cast<std::size_t>(a)]) {
          if (a == root) covers[l] = true;
        }
      }
    }
    return covers;
  }

  void add_campaigns() {
    for (const CampaignSpec& c : sc().campaigns) {
      w_->campaigns.push_back(
          Campaign{c.name, c.start, c.end, c.turnout_factor, c.recruitment_factor, leaves_under(c.areas), c.segments});
    }
  }

  void add_sessions() {
    w_->sessions_by_lp.assign(w_->lp_count, {});
    for (const SessionSpec& s : sc().sessions) add_session(s, -1);
    for (std::size_t c = 0; c < sc().campaigns.size(); ++c) {
      for (const SessionSpec& s : sc().campaigns[c].sessions) add_session(s, static_cast<int>(c));
    }
    for (auto& list : w_->sessions_by_lp) {
      std::stable_sort(list.begin(), list.end(), [](const SessionDay& a, const SessionDay& b) { return a.day < b.day; });
    }
  }

  // A session in a later year of a growing plan: more places, invitations and walk-ins.
  static void grow(SessionDay& session, const SessionSpec& spec, std::int64_t capacity, double factor) {
    const double places = (capacity > 0 ? static_cast<double>(capacity) : 250.0) * factor;
    session.capacity = capacity > 0 ? std::max<std::int64_t>(1, std::llround(static_cast<double>(capacity) * factor)) : 0;
    session.invitations = spec.invitations_per_capacity * places;
    session.walk_in = spec.walk_in_per_capacity * places;
  }

  void add_session(const SessionSpec& spec, int campaign) {
    const std::vector<bool> covers = leaves_under({spec.area});
    const bool recurring = std::any_of(spec.weekdays.begin(), spec.weekdays.end(), [](bool b) { return b; });
    const DayNumber last = w_->first_day + w_->days - 1;
    std::vector<DayNumber> days;
    if (recurring) {
      for (DayNumber d = std::max(spec.from, w_->first_day); d <= std::min(spec.to, last); ++d) {
        if (spec.weekdays[weekday(d)]) days.push_back(d);
      }
    } else if (spec.date >= w_->first_day && spec.date <= last) {
      days.push_back(spec.date);
    }
    std::size_t leaf_count = 0;
    for (bool c : covers) leaf_count += c;
    for (std::size_t l = 0; l < w_->leaves.size(); ++l) {
      if (!covers[l]) continue;
      const Leaf& leaf = w_->leaves[l];
      const std::int64_t capacity =
          spec.capacity_per_100k > 0 ? std::max<std::int64_t>(1, std::llround(spec.capacity_per_100k * static_cast<double>(leaf.population) / 1e5))
                                     : spec.capacity;
      DriveRecord record;
      record.name = spec.name;
      record.area = w_->area_names[static_cast<std::size_t>(leaf.area)];
      record.organiser = spec.organiser;
      record.campaign = spec.campaign;
      record.first_day = days.empty() ? (recurring ? spec.from : spec.date) : days.front();
      record.sessions = static_cast<int>(days.size());
      record.target_units = leaf_count > 0 ? spec.target_units / static_cast<std::int64_t>(leaf_count) : 0;
      if (w_->growing_plan) {
        record.target_units = std::llround(static_cast<double>(record.target_units) * w_->plan_growth(record.first_day));
      }
      const int drive = static_cast<int>(w_->drive_templates.size());
      w_->drive_templates.push_back(record);
      const double places = capacity > 0 ? static_cast<double>(capacity) : 250.0;
      SessionDay session;
      session.leaf = static_cast<int>(l);
      session.drive = drive;
      session.campaign = campaign;
      session.stream = kernel::mix64(leaf.stream, name_stream("session", spec.name));
      session.capacity = capacity;
      session.invitations = spec.invitations_per_capacity * places;
      session.walk_in = spec.walk_in_per_capacity * places;
      session.invited = spec.segments;
      if (spec.resources.queued) {
        session.resources = static_cast<int>(w_->session_resources.size());
        w_->session_resources.push_back(spec.resources);
      }
      for (DayNumber d : days) {
        session.day = d;
        if (w_->growing_plan) grow(session, spec, capacity, w_->plan_growth(d));
        w_->sessions_by_lp[leaf.lp].push_back(session);
      }
    }
  }

  // Whether each leaf's pool keeps its recruits as individual donors. Only a
  // session that invites known donors (any invitations: the stock rules'
  // invitation_factor() only multiplies them) or a queued session (its queue
  // follows each donor) ever reads a recruit again; campaigns change factors
  // only, apart from their own sessions, which are looked at here too. Nothing
  // else reads a pool's donors: results count what sessions report, never the
  // pool. A leaf no such session covers keeps counts only, and its sessions
  // draw their walk-ins in aggregate (RecruitRecords::Counts): the same law,
  // without a Donor per recruit. Decided from the scenario's sessions, not
  // from the days simulated, so that a run cut short (--days) draws what the
  // whole run draws on its days.
  void decide_recruit_records() {
    for (Leaf& leaf : w_->leaves) leaf.keeps_recruits = false;
    auto look_at = [&](const SessionSpec& spec) {
      if (spec.invitations_per_capacity == 0.0 && !spec.resources.queued) return;
      const std::vector<bool> covers = leaves_under({spec.area});
      for (std::size_t l = 0; l < w_->leaves.size(); ++l) {
        if (covers[l]) w_->leaves[l].keeps_recruits = true;
      }
    };
    for (const SessionSpec& s : sc().sessions) look_at(s);
    for (const CampaignSpec& c : sc().campaigns) {
      for (const SessionSpec& s : c.sessions) look_at(s);
    }
  }

  // Rebalancing: one more LP, after all the others, for the national
  // coordinator; it holds no sites, leaves, sessions or measures.
  void add_coordinator() {
    const RebalancingSpec& spec = sc().policy.rebalancing;
    if (!spec.enabled) return;
    if (spec.every_days < 1) throw std::invalid_argument("rebalancing: every_days must be at least 1");
    if (!(spec.short_days >= 0) || !(spec.surplus_days >= spec.short_days))
      throw std::invalid_argument("rebalancing: need 0 <= short_days <= surplus_days");
    if (spec.min_remaining_shelf_days_on_arrival < 0)
      throw std::invalid_argument("rebalancing: min_remaining_shelf_days_on_arrival must not be negative");
    if (!std::isfinite(spec.cost_per_minute) || spec.cost_per_minute < 0)
      throw std::invalid_argument("rebalancing: cost_per_minute must be a finite number >= 0");
    w_->rebalancing_node.assign(w_->sites.size(), -1);
    for (std::size_t i = 0; i < w_->sites.size(); ++i) {
      if (w_->sites[i].kind != SiteKind::Centre) continue;
      w_->rebalancing_node[i] = static_cast<int>(w_->rebalancing_centres.size());
      w_->rebalancing_centres.push_back(static_cast<int>(i));
    }
    const std::size_t n = w_->rebalancing_centres.size();
    w_->rebalancing_minutes.assign(n * n, 0);
    for (std::size_t i = 0; i < n; ++i) {
      for (std::size_t j = 0; j < n; ++j)
        w_->rebalancing_minutes[i * n + j] =
            w_->network.travel_minutes(w_->rebalancing_centres[i], w_->rebalancing_centres[j]);
    }
    w_->coordinator_lp = static_cast<kernel::LpId>(w_->lp_count++);
    w_->lp_sites.emplace_back();
    w_->lp_leaves.emplace_back();
    w_->lp_areas.emplace_back();
    w_->lp_area_row.emplace_back(w_->area_names.size(), -1);
    w_->sessions_by_lp.emplace_back();
  }

  std::shared_ptr<World> w_;
  std::unordered_map<std::string, int> area_ids_, site_ids_;
  std::vector<bool> is_leaf_;
};

}  // namespace

kernel::Tick World::travel_ticks(int from, int to) const {
  return static_cast<kernel::Tick>(std::llround(network.travel_minutes(from, to) * static_cast<double>(kTicksPerMinute)));
}

std::shared_ptr<const World> build_world(const Scenario& scenario, int days_override) {
  return WorldBuilder(scenario, days_override).build();
}

namespace {

// Walk-ins each leaf's sessions expect over the run, before the day's factors
// (presence, campaigns, appeals): the room its pool reserves for recruits.
std::vector<std::int64_t> expected_walk_ins(const World& world) {
  std::vector<double> walk_ins(world.leaves.size(), 0.0);
  for (const auto& sessions : world.sessions_by_lp) {
    for (const SessionDay& s : sessions) walk_ins[static_cast<std::size_t>(s.leaf)] += s.walk_in;
  }
  std::vector<std::int64_t> rounded(walk_ins.size());
  for (std::size_t l = 0; l < walk_ins.size(); ++l) rounded[l] = std::llround(std::min(walk_ins[l], 1e18));
  return rounded;
}

}  // namespace

std::vector<LpState> initial_states(const World& world, std::uint64_t seed, InitialStock& initial_stock) {
  const Scenario& sc = world.scenario;
  const std::vector<std::int64_t> walk_ins = expected_walk_ins(world);
  initial_stock.assign(world.area_names.size() * kGroupCount * kProductCount, 0);
  std::vector<LpState> states(world.lp_count);
  for (std::size_t lp = 0; lp < world.lp_count; ++lp) {
    LpState& st = states[lp];
    st.seed = seed;
    st.measures = DailyMeasures(world.days, static_cast<int>(world.lp_areas[lp].size()));
    st.area_row = &world.lp_area_row[lp];
    st.drive_slot.assign(world.drive_templates.size(), -1);
    for (int leaf_index : world.lp_leaves[lp]) {
      const Leaf& leaf = world.leaves[static_cast<std::size_t>(leaf_index)];
      kernel::RandomStream random(seed, leaf.stream);
      TurnoutParameters turnout = sc.turnout;
      turnout.student_share_of_recruits = leaf.student_share;
      InitialPool pool = sc.initial_pool;
      pool.known_donors = leaf.known_donors;
      pool.student_share = leaf.student_share;
      const RecruitPlan recruits{leaf.keeps_recruits ? RecruitRecords::Individuals : RecruitRecords::Counts,
                                 walk_ins[static_cast<std::size_t>(leaf_index)]};
      DonorPool donors(turnout, leaf.eligible_population, pool, world.first_day, random, recruits);
      st.leaves.push_back(LeafState{std::move(donors)});
    }
    for (int site_index : world.lp_sites[lp]) {
      const Site& site = world.sites[static_cast<std::size_t>(site_index)];
      SiteState ss;
      ss.bags = site.initial_bags;
      const double days = site.kind == SiteKind::Hospital ? sc.hospitals[static_cast<std::size_t>(site_index) - sc.centres.size()].initial_stock_days
                                                          : sc.centres[static_cast<std::size_t>(site_index)].initial_stock_days;
      // Initial stock: `days` of usage, ages spread evenly over the first half of the shelf life.
      for (std::size_t p = 0; p < kProductCount; ++p) {
        const int shelf = sc.processing.shelf_life_days[p];
        for (std::size_t g = 0; g < kGroupCount; ++g) {
          const auto units = static_cast<std::int64_t>(std::llround(site.usage_per_day[p * kGroupCount + g] * days));
          const int spread = std::max(1, shelf / 2);
          for (int age = 0; age < spread && units > 0; ++age) {
            const std::int64_t share = units * (age + 1) / spread - units * age / spread;
            if (share == 0) continue;
            const DayNumber made = world.first_day - age;
            ss.stock.add(product_at(p), group_at(g), Batch{made, made + shelf - 1, share});
          }
          initial_stock[(static_cast<std::size_t>(site.area) * kGroupCount + g) * kProductCount + p] += units;
        }
      }
      st.sites.push_back(std::move(ss));
    }
  }
  if (world.rebalancing()) states[world.coordinator_lp].coordinator.balance.assign(world.rebalancing_centres.size(), {});
  return states;
}

namespace {

// Whole years from the trend's base year (the first simulated year unless given).
int years_after(const Scenario& sc, DayNumber first_day, DayNumber day) {
  const int base = sc.trend.base_year != 0 ? sc.trend.base_year : civil_date(first_day).year;
  return civil_date(day).year - base;
}

}  // namespace

double World::demand_growth(DayNumber day) const {
  const TrendSpec& t = scenario.trend;
  return std::pow((1 + t.population_growth_per_year) * (1 + t.demand_growth_per_year), years_after(scenario, first_day, day));
}

double World::plan_growth(DayNumber day) const {
  return std::pow(1 + scenario.trend.plan_growth_per_year, years_after(scenario, first_day, day));
}

}  // namespace giotmau::blood
