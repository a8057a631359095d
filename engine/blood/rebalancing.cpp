// Rebalancing as a min-cost flow (Boost.Graph, successive shortest paths):
//   source -> each node with surplus     capacity = surplus,   cost 0
//   giver  -> each reachable taker       capacity = min(both), cost = travel cost
//   each node with shortfall -> sink     capacity = shortfall, cost 0
// Travel times are already shortest paths over the network, so direct
// giver -> taker arcs are enough: routing through a third centre never helps.
#include "blood/rebalancing.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/successive_shortest_path_nonnegative_weights.hpp>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace giotmau::blood {

namespace {

using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using Edge = Traits::edge_descriptor;
using Graph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS, boost::no_property,
    boost::property<boost::edge_capacity_t, std::int64_t,
                    boost::property<boost::edge_residual_capacity_t, std::int64_t,
                                    boost::property<boost::edge_reverse_t, Edge,
                                                    boost::property<boost::edge_weight_t, double>>>>>;

// Costs are whole numbers of thousandths held in doubles: sums of them stay
// exact, so the reduced costs Dijkstra sees are never a rounding error below
// zero (which Boost rejects as a negative edge), and an unreached vertex's
// "infinite" distance does not overflow as an integer would.
constexpr double kCostScale = 1000.0;

// The flow network with the residual and reverse-edge maps the algorithm needs.
class FlowNetwork {
 public:
  explicit FlowNetwork(std::size_t vertices) : graph_(vertices) {}

  Edge add_arc(std::size_t from, std::size_t to, std::int64_t capacity, double cost) {
    const Edge forward = boost::add_edge(from, to, graph_).first;
    const Edge backward = boost::add_edge(to, from, graph_).first;
    auto capacities = boost::get(boost::edge_capacity, graph_);
    auto weights = boost::get(boost::edge_weight, graph_);
    auto reverse = boost::get(boost::edge_reverse, graph_);
    capacities[forward] = capacity;
    capacities[backward] = 0;
    weights[forward] = cost;
    weights[backward] = -cost;
    reverse[forward] = backward;
    reverse[backward] = forward;
    return forward;
  }

  void solve(std::size_t source, std::size_t sink) {
    boost::successive_shortest_path_nonnegative_weights(graph_, source, sink);
  }

  std::int64_t flow(Edge arc) const {
    return boost::get(boost::edge_capacity, graph_, arc) - boost::get(boost::edge_residual_capacity, graph_, arc);
  }

 private:
  Graph graph_;
};

void validate(const RebalancingProblem& p) {
  const std::size_t n = p.surplus.size();
  if (p.shortfall.size() != n || p.travel_minutes.size() != n * n)
    throw std::invalid_argument("rebalancing: surplus, shortfall and travel times disagree on the number of centres");
  const auto negative = [](std::int64_t units) { return units < 0; };
  if (std::any_of(p.surplus.begin(), p.surplus.end(), negative) ||
      std::any_of(p.shortfall.begin(), p.shortfall.end(), negative))
    throw std::invalid_argument("rebalancing: surplus and shortfall must not be negative");
  if (!std::isfinite(p.cost_per_minute) || p.cost_per_minute < 0)
    throw std::invalid_argument("rebalancing: the cost per minute must be a finite number >= 0");
  if (std::any_of(p.travel_minutes.begin(), p.travel_minutes.end(), [](double m) { return m < 0; }))
    throw std::invalid_argument("rebalancing: travel times must not be negative");
}

bool reachable(double minutes) { return std::isfinite(minutes); }

}  // namespace

std::vector<PlannedTransfer> plan_rebalancing(const RebalancingProblem& problem) {
  validate(problem);
  const std::size_t n = problem.surplus.size();
  // A node that both has and needs units serves itself before anyone else.
  std::vector<std::int64_t> give(n), need(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int64_t own = std::min(problem.surplus[i], problem.shortfall[i]);
    give[i] = problem.surplus[i] - own;
    need[i] = problem.shortfall[i] - own;
  }
  const std::size_t source = n, sink = n + 1;
  FlowNetwork network(n + 2);
  struct Arc {
    int from, to;
    Edge edge;
  };
  std::vector<Arc> arcs;
  for (std::size_t i = 0; i < n; ++i) {
    if (give[i] > 0) network.add_arc(source, i, give[i], 0);
    if (need[i] > 0) network.add_arc(i, sink, need[i], 0);
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (give[i] == 0) continue;
    for (std::size_t j = 0; j < n; ++j) {
      const double minutes = problem.travel_minutes[i * n + j];
      if (j == i || need[j] == 0 || !reachable(minutes)) continue;
      const double cost = std::round(minutes * problem.cost_per_minute * kCostScale);
      arcs.push_back({static_cast<int>(i), static_cast<int>(j),
                      network.add_arc(i, j, std::min(give[i], need[j]), cost)});
    }
  }
  if (arcs.empty()) return {};
  network.solve(source, sink);
  std::vector<PlannedTransfer> transfers;
  for (const Arc& arc : arcs) {  // added in (from, to) order
    const std::int64_t units = network.flow(arc.edge);
    if (units > 0) transfers.push_back({arc.from, arc.to, units});
  }
  return transfers;
}

double transfer_cost(const RebalancingProblem& problem, const std::vector<PlannedTransfer>& transfers) {
  const std::size_t n = problem.surplus.size();
  double cost = 0;
  for (const PlannedTransfer& t : transfers) {
    cost += static_cast<double>(t.units) * problem.travel_minutes[static_cast<std::size_t>(t.from) * n +
                                                                  static_cast<std::size_t>(t.to)] *
            problem.cost_per_minute;
  }
  return cost;
}

}  // namespace giotmau::blood
