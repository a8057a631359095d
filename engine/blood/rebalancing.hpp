#pragma once
// Planning inter-regional rebalancing: which centre sends how many units of one
// blood group to which other centre. A pure function of the centres' surplus and
// shortfall and the travel times between them, so that it can be tested (and
// reasoned about) without the kernel; the national coordinator LP calls it once
// per group on every planning evening (engine/blood/model.cpp).
#include <cstdint>
#include <vector>

namespace giotmau::blood {

// One planning problem over `n` nodes (centres), for one blood group.
struct RebalancingProblem {
  std::vector<std::int64_t> surplus;     // n: units each node can give away
  std::vector<std::int64_t> shortfall;   // n: units each node needs
  std::vector<double> travel_minutes;    // n x n, row = from; infinity: unreachable
  double cost_per_minute = 1.0;          // cost of moving one unit for one minute, >= 0
};

// `units` to move from node `from` to node `to`.
struct PlannedTransfer {
  int from = 0;
  int to = 0;
  std::int64_t units = 0;
};

// A min-cost maximum flow: as many units as can reach a node short of them
// (at most min(total surplus, total shortfall) when every pair is reachable),
// at the least total travel cost, never more than a node's surplus out of it nor
// more than its shortfall into it, and nothing between unreachable nodes. A node
// with both surplus and shortfall covers itself first. Transfers come sorted by
// (from, to), one per pair. Throws std::invalid_argument on inconsistent sizes,
// negative quantities or a negative or non-finite cost per minute.
std::vector<PlannedTransfer> plan_rebalancing(const RebalancingProblem& problem);

// The total cost of `transfers` under `problem`'s travel times and cost per minute.
double transfer_cost(const RebalancingProblem& problem, const std::vector<PlannedTransfer>& transfers);

}  // namespace giotmau::blood
