#include "blood/network.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>

#include <cmath>
#include <limits>

namespace giotmau::blood {

namespace {
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::no_property,
                                    boost::property<boost::edge_weight_t, double>>;
}

TransportNetwork::TransportNetwork(int sites, const std::vector<Road>& roads)
    : sites_(sites), minutes_(static_cast<std::size_t>(sites) * sites, std::numeric_limits<double>::infinity()) {
  Graph graph(static_cast<std::size_t>(sites));
  for (const Road& road : roads) boost::add_edge(road.from, road.to, road.travel_minutes, graph);
  std::vector<double> distance(static_cast<std::size_t>(sites));
  for (int source = 0; source < sites; ++source) {
    boost::dijkstra_shortest_paths(graph, source, boost::distance_map(distance.data()));
    for (int target = 0; target < sites; ++target) {
      const double d = distance[static_cast<std::size_t>(target)];
      minutes_[static_cast<std::size_t>(source) * sites + target] =
          d >= std::numeric_limits<double>::max() ? std::numeric_limits<double>::infinity() : d;
    }
  }
}

bool TransportNetwork::reachable(int from, int to) const { return std::isfinite(travel_minutes(from, to)); }

}  // namespace giotmau::blood
