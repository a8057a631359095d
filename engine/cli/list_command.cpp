#include "cli/list_command.hpp"

#include <cstdio>
#include <stdexcept>
#include <vector>

#include "cli/commands.hpp"
#include "cli/text.hpp"
#include "io/names.hpp"
#include "io/scenario_toml.hpp"

namespace giotmau::cli {

namespace {

using blood::Scenario;

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string num(double v, int decimals = 2) { return fixed(v, decimals); }

std::string weekdays(const std::array<bool, 7>& days) {
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  std::string s;
  for (std::size_t i = 0; i < 7; ++i) {
    if (!days[i]) continue;
    if (!s.empty()) s += ',';
    s += kDays[i];
  }
  return s;
}

// A table: header and rows of cells, columns as wide as their widest cell.
void print_table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) width[c] = display_width(header[c]) + 2;
  for (const auto& r : rows) {
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], display_width(r[c]) + 2);
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string row;
    for (std::size_t c = 0; c < cells.size(); ++c) row += pad(cells[c], width[c]);
    print_row(stdout, row);
  };
  line(header);
  for (const auto& r : rows) line(r);
}

template <class Spec>
std::vector<io::KnownName> known(const std::vector<Spec>& specs) {
  std::vector<io::KnownName> k;
  for (const Spec& s : specs) {
    if constexpr (requires { s.display_name; }) {
      k.push_back({s.name, s.display_name});
    } else {
      k.push_back({s.name, ""});
    }
  }
  return k;
}

// The one entry NAME stands for, or every entry when NAME is empty.
template <class Spec>
std::vector<const Spec*> chosen(const std::vector<Spec>& specs, const std::string& name, const char* kind) {
  std::vector<const Spec*> out;
  const std::string resolved = name.empty() ? "" : io::resolve_name(name, known(specs));
  if (!name.empty() && resolved.empty()) {
    throw std::invalid_argument("list: no " + std::string(kind) + " named '" + name + "'" +
                                io::did_you_mean(name, known(specs)));
  }
  for (const Spec& s : specs) {
    if (resolved.empty() || s.name == resolved) out.push_back(&s);
  }
  return out;
}

void list_areas(const Scenario& sc, const std::string& name) {
  std::vector<std::vector<std::string>> rows;
  for (const auto* a : chosen(sc.areas, name, "area")) {
    rows.push_back({a->name, or_dash(a->display_name), or_dash(a->parent), std::to_string(a->population),
                    or_dash(a->centre), num(a->engagement), num(a->student_share), num(a->known_donor_share, 4)});
  }
  print_table({"name", "display name", "parent", "population", "centre", "engagement", "students", "known donors"},
              rows);
}

void list_centres(const Scenario& sc, const std::string& name) {
  std::vector<std::vector<std::string>> rows;
  for (const auto* c : chosen(sc.centres, name, "centre")) {
    rows.push_back({c->name, or_dash(c->display_name), c->area, c->hub.empty() ? "(hub)" : c->hub,
                    num(c->order_up_to_days, 1), num(c->initial_stock_days, 1),
                    c->bag_stock < 0 ? "unlimited" : std::to_string(c->bag_stock)});
  }
  print_table({"name", "display name", "area", "hub", "order-up-to days", "initial days", "bags"}, rows);
}

void list_hospitals(const Scenario& sc, const std::string& name) {
  std::vector<std::vector<std::string>> rows;
  for (const auto* h : chosen(sc.hospitals, name, "hospital")) {
    rows.push_back({h->name, or_dash(h->display_name), h->area, h->centre,
                    h->population_served > 0 ? num(h->population_served, 0) : "(the area's)",
                    num(h->order_up_to_days, 1)});
  }
  print_table({"name", "display name", "area", "centre", "population served", "order-up-to days"}, rows);
}

void list_sessions(const Scenario& sc, const std::string& name) {
  std::vector<blood::SessionSpec> all = sc.sessions;
  for (const auto& c : sc.campaigns) all.insert(all.end(), c.sessions.begin(), c.sessions.end());
  std::vector<std::vector<std::string>> rows;
  for (const auto* s : chosen(all, name, "session")) {
    const bool recurring = !weekdays(s->weekdays).empty();
    const std::string when = recurring ? blood::iso_date(s->from) + ".." + blood::iso_date(s->to) + " " +
                                             weekdays(s->weekdays)
                                       : blood::iso_date(s->date);
    const std::string capacity =
        s->capacity_per_100k > 0 ? num(s->capacity_per_100k, 1) + "/100k" : std::to_string(s->capacity);
    rows.push_back({s->name, s->area, or_dash(s->organiser), when, capacity, std::to_string(s->target_units),
                    or_dash(s->campaign), blood::segments_label(s->segments)});
  }
  print_table({"name", "area", "organiser", "when", "capacity", "target", "campaign", "segments"}, rows);
}

void list_campaigns(const Scenario& sc, const std::string& name) {
  std::vector<std::vector<std::string>> rows;
  for (const auto* c : chosen(sc.campaigns, name, "campaign")) {
    std::string areas;
    for (const auto& a : c->areas) areas += (areas.empty() ? "" : ",") + a;
    rows.push_back({c->name, or_dash(c->display_name), blood::iso_date(c->start), blood::iso_date(c->end),
                    areas.empty() ? "(everywhere)" : areas, num(c->turnout_factor), num(c->recruitment_factor),
                    std::to_string(c->sessions.size()), blood::segments_label(c->segments)});
  }
  print_table({"name", "display name", "start", "end", "areas", "turnout", "recruitment", "sessions", "segments"},
              rows);
}

}  // namespace

int list_command(const ListArguments& args) {
  const io::LoadedScenario loaded = io::load_scenario(args.scenario);
  const Scenario& sc = loaded.scenario;
  if (args.what == "areas") list_areas(sc, args.name);
  else if (args.what == "centres") list_centres(sc, args.name);
  else if (args.what == "hospitals") list_hospitals(sc, args.name);
  else if (args.what == "sessions") list_sessions(sc, args.name);
  else if (args.what == "campaigns") list_campaigns(sc, args.name);
  else throw std::invalid_argument("list: unknown kind '" + args.what + "'");
  return kDone;
}

}  // namespace giotmau::cli
