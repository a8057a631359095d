#pragma once
// The transport network between sites (centres and hospitals): travel times
// from shortest paths over the scenario's links (Boost.Graph).
#include <string>
#include <vector>

namespace giotmau::blood {

struct Road {
  int from;
  int to;
  double travel_minutes;
};

class TransportNetwork {
 public:
  // `sites` nodes; roads are two-way.
  TransportNetwork(int sites, const std::vector<Road>& roads);

  // Shortest travel time in minutes; infinity when unreachable, 0 to itself.
  double travel_minutes(int from, int to) const { return minutes_[static_cast<std::size_t>(from) * sites_ + to]; }
  bool reachable(int from, int to) const;
  int sites() const noexcept { return sites_; }

 private:
  int sites_;
  std::vector<double> minutes_;  // sites x sites
};

}  // namespace giotmau::blood
