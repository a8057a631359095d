#include "io/overrides.hpp"

#include <toml++/toml.h>

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>

#include "io/apply_overrides.hpp"

namespace giotmau::io {

namespace {

// One step of a key path: a key, and optionally what follows it in brackets
// (an index into an array, or the name of an entry of an array of tables).
struct Step {
  std::string key;
  std::optional<std::string> selector;
};

// Splits at '.' outside brackets: names in brackets may hold dots.
std::optional<std::vector<Step>> split_key(std::string_view key) {
  std::vector<Step> steps;
  std::string part, selector;
  bool in_brackets = false, has_selector = false;
  const auto finish = [&]() -> bool {
    if (part.empty()) return false;
    steps.push_back({part, has_selector ? std::optional<std::string>(selector) : std::nullopt});
    part.clear();
    selector.clear();
    has_selector = false;
    return true;
  };
  for (const char c : key) {
    if (in_brackets) {
      if (c == ']') {
        in_brackets = false;
      } else {
        selector += c;
      }
    } else if (c == '[') {
      if (has_selector || part.empty()) return std::nullopt;
      in_brackets = has_selector = true;
    } else if (c == '.') {
      if (!finish()) return std::nullopt;
    } else if (has_selector) {
      return std::nullopt;  // text after "]" that is not "."
    } else {
      part += c;
    }
  }
  if (in_brackets || !finish()) return std::nullopt;
  return steps;
}

std::optional<std::size_t> index_of(const std::string& selector) {
  std::size_t i = 0;
  const auto [end, error] = std::from_chars(selector.data(), selector.data() + selector.size(), i);
  if (error != std::errc{} || end != selector.data() + selector.size()) return std::nullopt;
  return i;
}

std::string kind(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "text";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "true or false";
    case toml::node_type::date: return "a date";
    default: return "a " + std::string(toml::impl::node_type_friendly_names[static_cast<int>(n.type())]);
  }
}

std::string names_in(const toml::array& array) {
  std::string names;
  std::size_t shown = 0;
  for (const toml::node& e : array) {
    const auto* t = e.as_table();
    const auto* name = t ? t->get_as<std::string>("name") : nullptr;
    if (!name) continue;
    if (shown == 12) return names + ", ...";
    names += (shown++ ? ", " : "") + name->get();
  }
  return names.empty() ? "none" : names;
}

class Applier {
 public:
  explicit Applier(const ScenarioOverride& o) : o_(o), label_("--set " + o.text()) {}

  void apply(toml::table& document, std::vector<ScenarioIssue>& issues) {
    auto value = parse_value();
    if (!value) return issues.push_back(issue(problem_));
    const auto steps = split_key(o_.key);
    if (!steps) {
      return issues.push_back(issue("expected a key path like demand.red_cells.per_1000_population_per_year or "
                                    "area[NAME].population, got '" + o_.key + "'"));
    }
    if (!place(document, *steps, std::move(*value))) issues.push_back(issue(problem_));
  }

 private:
  ScenarioIssue issue(std::string message) const { return ScenarioIssue{label_, 1, 1, o_.key, std::move(message)}; }

  // The value as TOML reads it (its source names the --set argument); a bare
  // word that is not TOML is kept as text.
  std::optional<toml::table> parse(const std::string& text) const {
    try {
      return toml::parse("v = " + text, label_);
    } catch (const toml::parse_error&) {
      return std::nullopt;
    }
  }

  std::optional<toml::table> parse_value() {
    if (o_.value.empty()) {
      problem_ = "expected a value after '=': a number, true or false, a date, or text";
      return std::nullopt;
    }
    auto parsed = parse(o_.value);
    if (parsed && parsed->size() == 1 && parsed->get("v") != nullptr) return parsed;
    return toml::table{{"v", o_.value}};  // not a TOML value: text (validation says if text is wrong there)
  }

  // Walks to the last step and puts the value there.
  bool place(toml::table& document, const std::vector<Step>& steps, toml::table value_holder) {
    toml::node* here = &document;
    std::string path;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const Step& s = steps[i];
      const bool last = i + 1 == steps.size();
      toml::table* table = here->as_table();
      if (!table) return fail("'" + path + "' is " + kind(*here) + ", not a table: it has no key '" + s.key + "'");
      path += (path.empty() ? "" : ".") + s.key;
      toml::node* child = table->get(s.key);
      if (last && !s.selector) return set(*table, s.key, child, std::move(value_holder));
      if (!child) {
        if (s.selector) return fail("the scenario has no '" + path + "' to select [" + *s.selector + "] from");
        table->insert(s.key, toml::table{});  // a table the file leaves to its defaults
        child = table->get(s.key);
      }
      if (s.selector) {
        toml::array* array = child->as_array();
        if (!array) return fail("'" + path + "' is " + kind(*child) + ", not an array: [" + *s.selector + "] selects nothing");
        const auto at = select(*array, *s.selector, path);
        if (!at) return false;
        path += "[" + *s.selector + "]";
        if (last) return replace(*array, *at, std::move(value_holder), path);
        child = array->get(*at);
      }
      here = child;
    }
    return true;
  }

  std::optional<std::size_t> select(const toml::array& array, const std::string& selector, const std::string& path) {
    if (const auto i = index_of(selector)) {
      if (*i < array.size()) return i;
      fail("index " + selector + " is out of range: '" + path + "' has " + std::to_string(array.size()) +
           " entries (0 to " + std::to_string(array.size()) + " - 1)");
      return std::nullopt;
    }
    for (std::size_t i = 0; i < array.size(); ++i) {
      const auto* t = array.get(i)->as_table();
      const auto* name = t ? t->get_as<std::string>("name") : nullptr;
      if (name && name->get() == selector) return i;
    }
    fail("no entry named '" + selector + "' in '" + path + "'; names: " + names_in(array));
    return std::nullopt;
  }

  // The new value, of the type already there (an integer where a number is
  // expected reads as a number; a whole number where an integer is, as one).
  std::optional<toml::table> fitted(const toml::node* existing, toml::table holder) {
    toml::node& v = *holder.get("v");
    // std::move: a copied toml++ node loses its source, which messages cite.
    if (!existing || existing->type() == v.type()) return std::optional<toml::table>(std::move(holder));
    // Converted by reading the value again in the other form, so that it
    // keeps a source for the messages that cite it.
    if (existing->is_floating_point() && v.is_integer()) {
      if (auto again = parse(std::to_string(v.as_integer()->get()) + ".0")) return again;
      return toml::table{{"v", static_cast<double>(v.as_integer()->get())}};
    }
    if (existing->is_integer() && v.is_floating_point()) {
      const double x = v.as_floating_point()->get();
      if (std::isfinite(x) && x == std::floor(x) && std::abs(x) < 9.0e15) {
        if (auto again = parse(std::to_string(static_cast<std::int64_t>(x)))) return again;
      }
    }
    fail("expected " + kind(*existing) + " (as the scenario has there), got " + kind(v) + " '" + o_.value + "'");
    return std::nullopt;
  }

  bool set(toml::table& table, const std::string& key, const toml::node* existing, toml::table holder) {
    // A list of values (segments, month factors) may be replaced whole by a
    // list; validation then checks its elements as it would in the file.
    const bool whole_list = existing && existing->is_array() && !existing->is_array_of_tables() &&
                            holder.get("v") != nullptr && holder.get("v")->is_array();
    if (!whole_list && existing && (existing->is_table() || existing->is_array())) {
      return fail("'" + o_.key + "' is " + kind(*existing) + "; --set changes single values (name one inside it)");
    }
    auto value = fitted(existing, std::move(holder));
    if (!value) return false;
    table.erase(key);
    table.insert(key, std::move(*value->get("v")));  // an unknown key is left for validation to name
    return true;
  }

  bool replace(toml::array& array, std::size_t at, toml::table holder, const std::string& path) {
    const toml::node* existing = array.get(at);
    if (existing->is_table() || existing->is_array()) {
      return fail("'" + path + "' is " + kind(*existing) + "; --set changes single values (name one inside it)");
    }
    auto value = fitted(existing, std::move(holder));
    if (!value) return false;
    array.replace(array.cbegin() + static_cast<std::ptrdiff_t>(at), std::move(*value->get("v")));
    return true;
  }

  bool fail(std::string message) {
    problem_ = std::move(message);
    return false;
  }

  const ScenarioOverride& o_;
  std::string label_;
  std::string problem_;
};

}  // namespace

ScenarioOverride parse_override(std::string_view argument) {
  const auto eq = argument.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    throw std::invalid_argument("--set '" + std::string(argument) +
                                "': expected KEY=VALUE, e.g. demand.red_cells.per_1000_population_per_year=14");
  }
  return {std::string(argument.substr(0, eq)), std::string(argument.substr(eq + 1))};
}

ScenarioSweep parse_sweep(std::string_view argument) {
  const std::string text(argument);
  const auto bad = [&](const std::string& why) {
    return std::invalid_argument("--vary '" + text + "': " + why +
                                 "; expected KEY=LOW:HIGH[:STEPS], e.g. "
                                 "demand.red_cells.per_1000_population_per_year=13:18:6");
  };
  const auto eq = argument.find('=');
  if (eq == std::string_view::npos || eq == 0) throw bad("no KEY=");
  std::vector<std::string> parts;
  std::string part;
  for (const char c : argument.substr(eq + 1)) {
    if (c == ':') {
      parts.push_back(part);
      part.clear();
    } else {
      part += c;
    }
  }
  parts.push_back(part);
  if (parts.size() < 2 || parts.size() > 3) throw bad("expected two or three numbers separated by ':'");
  const auto number = [&](const std::string& s, const char* what) {
    double x = 0;
    const auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), x);
    if (s.empty() || error != std::errc{} || end != s.data() + s.size() || !std::isfinite(x)) {
      throw bad(std::string(what) + " '" + s + "' is not a number");
    }
    return x;
  };
  const double low = number(parts[0], "LOW");
  const double high = number(parts[1], "HIGH");
  double steps = 5;
  if (parts.size() == 3) steps = number(parts[2], "STEPS");
  if (steps != std::floor(steps) || steps < 2 || steps > 101) throw bad("STEPS must be a whole number from 2 to 101");
  if (!(low < high)) throw bad("LOW must be below HIGH");
  ScenarioSweep sweep{std::string(argument.substr(0, eq)), {}, text};
  const auto n = static_cast<int>(steps);
  for (int i = 0; i < n; ++i) sweep.values.push_back(i + 1 == n ? high : low + (high - low) * i / (n - 1));
  return sweep;
}

ScenarioOverride sweep_point(const ScenarioSweep& sweep, double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.17g", value);
  std::string v = text;
  // Shortest form that reads back exactly: 13.5, not 13.500000000000002.
  for (int digits = 1; digits <= 17; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, value);
    if (std::strtod(text, nullptr) == value) {
      v = text;
      break;
    }
  }
  return {sweep.key, v};
}

std::vector<ScenarioIssue> apply_overrides(toml::table& document, const std::vector<ScenarioOverride>& overrides) {
  std::vector<ScenarioIssue> issues;
  for (const ScenarioOverride& o : overrides) Applier(o).apply(document, issues);
  return issues;
}

}  // namespace giotmau::io
