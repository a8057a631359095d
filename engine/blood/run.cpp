#include "blood/run.hpp"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

namespace giotmau::blood {

namespace {

// Whether the LP's measure rows are the world's areas, in order.
bool lp_records_all_areas(const World& world, kernel::LpId lp) {
  const std::vector<int>& rows = world.lp_areas[lp];
  if (rows.size() != world.area_names.size()) return false;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (rows[r] != static_cast<int>(r)) return false;
  }
  return true;
}

}  // namespace

RunResult run(std::shared_ptr<const World> world, const RunOptions& options) {
  RunResult result;
  result.world = world;
  result.seed = options.seed;
  const auto started = std::chrono::steady_clock::now();  // donor pools and stock included
  std::vector<LpState> states = initial_states(*world, options.seed, result.initial_stock);
  kernel::Simulation<BloodModel> sim(BloodModel(world), std::move(states),
                                     kernel::KernelConfig{world->lookahead, options.seed, options.threads});
  for (kernel::LpId lp = 0; lp < world->lp_count; ++lp) sim.schedule(lp, 6 * kTicksPerHour, BloodEvent{});

  result.kernel = sim.run_until(world->days * kTicksPerDay);
  result.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  result.trace_hash = sim.trace_hash();

  // One LP recording every area in order (a small system) already holds the
  // run's measures: take them rather than add them into a new copy.
  const bool one_lp_holds_all = world->lp_count == 1 && lp_records_all_areas(*world, 0);
  result.measures = one_lp_holds_all ? std::move(sim.state(0).measures)
                                     : DailyMeasures(world->days, static_cast<int>(world->area_names.size()));
  result.drives = world->drive_templates;
  for (kernel::LpId lp = 0; lp < world->lp_count; ++lp) {
    const LpState& st = sim.state(lp);
    if (!one_lp_holds_all) result.measures.add_rows(st.measures, world->lp_areas[lp]);
    for (const auto& [drive, counts] : st.drives) {
      DriveRecord& r = result.drives[static_cast<std::size_t>(drive)];
      r.invited += counts.invited;
      r.registered += counts.registered;
      r.deferred += counts.deferred;
      r.donated += counts.donated;
      r.new_donors += counts.new_donors;
      r.queue.add(counts.queue);
    }
    result.issued_age_days_sum += st.issued_age_days_sum;
    result.appeals += st.appeals;
    result.appeal_log.insert(result.appeal_log.end(), st.appeal_log.begin(), st.appeal_log.end());
    result.sessions_short_of_bags += st.sessions_short_of_bags;
    result.sessions_capped += st.sessions_capped;
    result.sessions_postponed += st.sessions_postponed;
    result.rebalanced_units += st.rebalanced_units;
  }
  std::sort(result.appeal_log.begin(), result.appeal_log.end(), [](const AppealRecord& a, const AppealRecord& b) {
    return a.day != b.day ? a.day < b.day : a.site < b.site;
  });
  return result;
}

namespace {

// Every area's stock, day by day, product by group:
//   on_hand(d) = on_hand(d-1) + produced - discarded + received - issued - outdated - shipped.
void check_area_flows(const RunResult& result, std::vector<std::string>& problems) {
  const DailyMeasures& m = result.measures;
  const World& world = *result.world;
  for (int a = 0; a < m.areas(); ++a) {
    for (std::size_t p = 0; p < kProductCount; ++p) {
      for (std::size_t g = 0; g < kGroupCount; ++g) {
        const Product product = product_at(p);
        const BloodGroup group = group_at(g);
        std::int64_t before = result.initial_stock[(static_cast<std::size_t>(a) * kGroupCount + g) * kProductCount + p];
        for (int d = 0; d < m.days(); ++d) {
          const auto at = [&](Measure x) { return m.at(x, d, a, group, product); };
          const std::int64_t expected = before + at(Measure::Produced) - at(Measure::Discarded) + at(Measure::Received) -
                                        at(Measure::Issued) - at(Measure::Outdated) - at(Measure::Shipped);
          if (expected != at(Measure::OnHand)) {
            problems.push_back(world.area_names[static_cast<std::size_t>(a)] + " " + std::string(kProductNames[p]) + " " +
                               std::string(kGroupLabels[g]) + " day " + std::to_string(d) + ": on hand " +
                               std::to_string(at(Measure::OnHand)) + " != yesterday + in - out = " + std::to_string(expected));
            break;
          }
          before = at(Measure::OnHand);
        }
      }
    }
  }
}

}  // namespace

std::vector<std::string> check_conservation(const RunResult& result) {
  const DailyMeasures& m = result.measures;
  std::vector<std::string> problems;
  for (std::size_t p = 0; p < kProductCount; ++p) {
    for (std::size_t g = 0; g < kGroupCount; ++g) {
      const Product product = product_at(p);
      const BloodGroup group = group_at(g);
      std::int64_t held = 0;  // on hand + in transit, the day before
      for (int a = 0; a < m.areas(); ++a) held += result.initial_stock[(static_cast<std::size_t>(a) * kGroupCount + g) * kProductCount + p];
      for (int d = 0; d < m.days(); ++d) {
        std::int64_t in = 0, out = 0, now = 0;
        for (int a = 0; a < m.areas(); ++a) {
          in += m.at(Measure::Produced, d, a, group, product);
          out += m.at(Measure::Issued, d, a, group, product) + m.at(Measure::Outdated, d, a, group, product) +
                 m.at(Measure::Discarded, d, a, group, product);
          now += m.at(Measure::OnHand, d, a, group, product) + m.at(Measure::InTransit, d, a, group, product);
        }
        if (held + in - out != now) {
          problems.push_back(std::string(kProductNames[p]) + " " + std::string(kGroupLabels[g]) + " day " +
                             std::to_string(d) + ": held " + std::to_string(held) + " + produced " + std::to_string(in) +
                             " - used/lost " + std::to_string(out) + " != on hand + in transit " + std::to_string(now));
          break;  // one message per product and group is enough
        }
        held = now;
      }
    }
  }
  check_area_flows(result, problems);
  return problems;
}

}  // namespace giotmau::blood
