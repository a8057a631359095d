#include "io/scenario_toml.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <fstream>
#include <functional>
#include <iomanip>
#include <limits>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "blood/memory.hpp"
#include "io/apply_overrides.hpp"
#include "io/names.hpp"
#include "io/prorate.hpp"
#include "io/sha256.hpp"
#include "io/yearly_dates.hpp"
#include "blood/lunar_calendar.hpp"

// Layout of this file, top to bottom:
//   1. issues and message helpers
//   2. value readers (integer, number, date, ...) with range checks
//   3. the schema machinery: a table of keys -> readers, one per spec struct
//   4. the schemas themselves (what docs/scenario-format.md lists)
//   5. cross-reference checks (names, hierarchy, dates) in ScenarioReader
//   6. file reading, pre-parse guards, overlays (extends), the public API

namespace giotmau::io {
namespace fs = std::filesystem;
using blood::DayNumber;

namespace {

// ---------------------------------------------------------------------------
// 1. Issues

constexpr std::size_t kMaxShownChars = 64;  // long keys and strings are cut in messages
// A hostile 16 MiB file could hold a million mistakes; past this many the
// rest are counted, not listed.
constexpr std::size_t kMaxIssues = 10'000;

class Issues {
 public:
  explicit Issues(std::string fallback_file) : fallback_file_(std::move(fallback_file)) {}

  // A node made while merging overlays has no source; it is blamed on the
  // start of the file the user asked for.
  void at(const toml::source_region& where, std::string key_path, std::string message) {
    const bool known = where.path && where.begin.line > 0;
    add({known ? *where.path : fallback_file_, known ? static_cast<int>(where.begin.line) : 1,
         known ? static_cast<int>(where.begin.column) : 1, std::move(key_path), std::move(message)});
  }
  void at(const toml::node* node, std::string key_path, std::string message) {
    at(node ? source_of(*node) : toml::source_region{}, std::move(key_path), std::move(message));
  }
  // At a key rather than its value, where the key says where it was written.
  void at_key(const toml::key& key, const toml::node& value, std::string key_path, std::string message) {
    at(key.source().path ? key.source() : source_of(value), std::move(key_path), std::move(message));
  }
  // Nodes made from others (yearly dates resolved, entries copied per year)
  // are blamed on the text they come from.
  void same_place(const toml::node& made, const toml::source_region& where) { places_[&made] = where; }
  toml::source_region source_of(const toml::node& node) const {
    const auto it = places_.find(&node);
    return it != places_.end() ? it->second : node.source();
  }
  void in_file(std::string file, int line, int column, std::string message) {
    add({std::move(file), line, column, {}, std::move(message)});
  }

  bool empty() const noexcept { return list_.empty(); }

  // In file order, so that they read top to bottom.
  std::vector<ScenarioIssue> take() {
    std::stable_sort(list_.begin(), list_.end(), [](const ScenarioIssue& a, const ScenarioIssue& b) {
      return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
    });
    if (dropped_ > 0) {
      list_.push_back({fallback_file_, 1, 1, {}, "... and " + std::to_string(dropped_) + " more problems not listed"});
    }
    dropped_ = 0;
    return std::exchange(list_, {});
  }

 private:
  void add(ScenarioIssue issue) {
    // A value reported once (say, a date form the calendar pass could not
    // read) is not reported again by a later check.
    const std::string place = issue.file + ":" + std::to_string(issue.line) + ":" + std::to_string(issue.column) +
                              ":" + issue.key_path;
    if (!issue.key_path.empty() && !reported_.insert(place).second) return;
    if (list_.size() < kMaxIssues) {
      list_.push_back(std::move(issue));
    } else {
      ++dropped_;
    }
  }

  std::string fallback_file_;
  std::unordered_map<const toml::node*, toml::source_region> places_;
  std::unordered_set<std::string> reported_;  // file:line:column:key path
  std::vector<ScenarioIssue> list_;
  std::size_t dropped_ = 0;
};

std::string shorten(std::string_view text) {
  if (text.size() <= kMaxShownChars) return std::string(text);
  return std::string(text.substr(0, kMaxShownChars)) + "...";
}

std::string quote_name(std::string_view text) { return "'" + shorten(text) + "'"; }

// Keys that are not bare TOML keys (group labels such as "O+") are quoted in paths.
std::string key_text(std::string_view key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  return bare ? std::string(key) : "\"" + shorten(key) + "\"";
}

std::string join(std::string_view path, std::string_view key) {
  return path.empty() ? key_text(key) : std::string(path) + "." + key_text(key);
}

std::string indexed(std::string_view path, std::size_t i) { return std::string(path) + "[" + std::to_string(i) + "]"; }

std::string where_text(const toml::node& node) {
  const auto& s = node.source();
  if (!s.path) return "an overlay";
  return *s.path + ":" + std::to_string(s.begin.line) + ":" + std::to_string(s.begin.column);
}

std::string type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    default:
      return "nothing";
  }
}

std::string show(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  if (x == std::floor(x) && std::abs(x) < 1e15) return std::to_string(static_cast<long long>(x));
  std::ostringstream out;
  out << std::setprecision(10) << x;
  return out.str();
}

template <class Labels>
std::string one_of(const Labels& labels) {
  std::string out;
  for (const auto& label : labels) {
    if (!out.empty()) out += ", ";
    out += label;
  }
  return out;
}

// ---------------------------------------------------------------------------
// 2. Value readers. Each reports its own problem and returns nullopt on one.

// Limits that keep values sane; docs/scenario-format.md lists them.
constexpr double kUnbounded = std::numeric_limits<double>::infinity();
constexpr double kMaxPopulation = 2e9;
constexpr double kMaxCapacity = 1e7;
constexpr double kMaxDays = 36500;  // a century
constexpr double kMaxMinutes = 1e5;
constexpr double kMaxFactor = 1000;
constexpr double kMaxUnits = 1e9;
constexpr double kMaxRate = 1e7;
constexpr double kMaxDonations = 1000;
constexpr double kShareSumTolerance = 1e-6;

struct Range {
  double min;
  double max;
  bool min_excluded = false;  // travel times and time constants must be > 0
};
constexpr Range kShare{0, 1};
constexpr Range kDays{0, kMaxDays};
constexpr Range kFactor{0, kMaxFactor};
constexpr Range kPositiveFactor{0, kMaxFactor, true};

bool in_range(double x, const Range& r, std::string_view kind, const toml::node& node, const std::string& path,
              Issues& issues) {
  const bool low = x < r.min || (r.min_excluded && x == r.min);
  if (!low && x <= r.max) return true;
  std::string expected;
  if (r.min == 0 && r.max == 1) {
    expected = "a share in [0, 1]";
  } else if (low) {
    expected = std::string(kind) + (r.min_excluded ? " > " : " >= ") + show(r.min);
  } else {
    expected = std::string(kind) + " <= " + show(r.max) + " (the limit for this key)";
  }
  issues.at(&node, path, "expected " + expected + ", got " + show(x));
  return false;
}

std::optional<std::int64_t> get_integer(const toml::node& node, const std::string& path, const Range& r,
                                        Issues& issues) {
  const auto* value = node.as_integer();
  if (!value) {
    issues.at(&node, path, "expected an integer, got " + type_name(node));
    return std::nullopt;
  }
  const std::int64_t x = value->get();
  if (!in_range(static_cast<double>(x), r, "an integer", node, path, issues)) return std::nullopt;
  return x;
}

// Integers are accepted where numbers are expected: `engagement = 1` is fine.
std::optional<double> get_number(const toml::node& node, const std::string& path, const Range& r, Issues& issues) {
  double x = 0;
  if (const auto* i = node.as_integer()) {
    x = static_cast<double>(i->get());
  } else if (const auto* f = node.as_floating_point()) {
    x = f->get();
  } else {
    issues.at(&node, path, "expected a number, got " + type_name(node));
    return std::nullopt;
  }
  if (!std::isfinite(x)) {
    issues.at(&node, path, "expected a finite number, got " + show(x));
    return std::nullopt;
  }
  if (!in_range(x, r, "a number", node, path, issues)) return std::nullopt;
  return x;
}

const std::string* get_string(const toml::node& node, const std::string& path, Issues& issues) {
  if (const auto* s = node.as_string()) return &s->get();
  issues.at(&node, path, "expected a string, got " + type_name(node));
  return nullptr;
}

// Silent: a TOML date, or a "YYYY-MM-DD" string that is a real date.
std::optional<DayNumber> date_value(const toml::node& node) {
  if (const auto* d = node.as_date()) {
    const toml::date& v = d->get();
    return blood::day_number({v.year, v.month, v.day});
  }
  if (const auto* s = node.as_string()) return blood::parse_iso_date(s->get());
  return std::nullopt;
}

std::optional<DayNumber> get_date(const toml::node& node, const std::string& path, Issues& issues) {
  if (const auto day = date_value(node)) return day;
  if (const auto* s = node.as_string()) {
    issues.at(&node, path, "expected a date YYYY-MM-DD, got " + quote_name(s->get()) + " (not a real date)");
  } else {
    issues.at(&node, path, "expected a date (YYYY-MM-DD), got " + type_name(node));
  }
  return std::nullopt;
}

bool sums_to_one(std::span<const double> shares, const toml::node& node, const std::string& path, Issues& issues) {
  double sum = 0;
  for (const double s : shares) sum += s;
  if (std::abs(sum - 1.0) <= kShareSumTolerance) return true;
  issues.at(&node, path, "expected shares that sum to 1 (within 1e-6), they sum to " + show(sum));
  return false;
}

// ---------------------------------------------------------------------------
// 3. Schemas: for each struct, the keys it accepts and how each is read.

enum class Need : bool { Optional, Required };

template <class T>
using Setter = std::function<void(const toml::node&, const std::string& path, T&, Issues&)>;

template <class T>
struct Field {
  std::string_view key;
  std::string_view what;  // for "missing required key" messages
  Setter<T> set;
  Need need = Need::Optional;
};

template <class T>
using Schema = std::vector<Field<T>>;

// Reads the keys of a table into `out`; unknown keys and missing required keys
// are reported. Returns the table, or nullptr when `node` is not one.
template <class T>
const toml::table* read_table(const toml::node& node, const std::string& path, const Schema<T>& schema, T& out,
                              Issues& issues) {
  const toml::table* table = node.as_table();
  if (!table) {
    issues.at(&node, path, "expected a table, got " + type_name(node));
    return nullptr;
  }
  for (auto&& [key, value] : *table) {
    const std::string key_path = join(path, key.str());
    const auto field =
        std::find_if(schema.begin(), schema.end(), [&name = key](const Field<T>& f) { return f.key == name.str(); });
    if (field == schema.end()) {
      std::vector<std::string_view> allowed;
      for (const Field<T>& f : schema) allowed.push_back(f.key);
      issues.at_key(key, value, key_path, "unknown key; allowed keys: " + one_of(allowed));
    } else {
      field->set(value, key_path, out, issues);
    }
  }
  for (const Field<T>& f : schema) {
    if (f.need == Need::Required && !table->contains(f.key)) {
      issues.at(table, join(path, f.key), "required key is missing; expected " + std::string(f.what));
    }
  }
  return table;
}

template <class T, class M>
Field<T> integer(std::string_view key, M T::*member, Range r, Need need = Need::Optional) {
  return {key, "an integer",
          [member, r](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            if (const auto x = get_integer(n, path, r, issues)) out.*member = static_cast<M>(*x);
          },
          need};
}

template <class T>
Field<T> number(std::string_view key, double T::*member, Range r) {
  return {key, "a number", [member, r](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            if (const auto x = get_number(n, path, r, issues)) out.*member = *x;
          }};
}

template <class T>
Field<T> share(std::string_view key, double T::*member) {
  return number(key, member, kShare);
}

template <class T>
Field<T> text(std::string_view key, std::string T::*member, Need need = Need::Optional) {
  return {key, "a string",
          [member](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            if (const auto* s = get_string(n, path, issues)) out.*member = *s;
          },
          need};
}

template <class T>
Field<T> flag(std::string_view key, bool T::*member) {
  return {key, "a boolean", [member](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            if (const auto* b = n.as_boolean()) {
              out.*member = b->get();
            } else {
              issues.at(&n, path, "expected a boolean, got " + type_name(n));
            }
          }};
}

template <class T>
Field<T> date(std::string_view key, DayNumber T::*member, Need need = Need::Optional) {
  return {key, "a date (YYYY-MM-DD)",
          [member](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            if (const auto day = get_date(n, path, issues)) out.*member = *day;
          },
          need};
}

// An array of exactly N numbers; `hint` says what the elements stand for.
template <std::size_t N>
std::optional<std::array<double, N>> get_numbers(const toml::node& n, const std::string& path, Range r,
                                                 std::string_view hint, bool sum_to_one, Issues& issues) {
  const auto* array = n.as_array();
  const std::string expected = "expected an array of " + std::to_string(N) + " numbers (" + std::string(hint) + ")";
  if (!array) {
    issues.at(&n, path, expected + ", got " + type_name(n));
    return std::nullopt;
  }
  if (array->size() != N) {
    issues.at(&n, path, expected + ", got " + std::to_string(array->size()) + " elements");
    return std::nullopt;
  }
  std::array<double, N> values{};
  bool ok = true;
  for (std::size_t i = 0; i < N; ++i) {
    const auto x = get_number(*array->get(i), indexed(path, i), r, issues);
    ok = ok && x.has_value();
    values[i] = x.value_or(0);
  }
  if (!ok || (sum_to_one && !sums_to_one(values, n, path, issues))) return std::nullopt;
  return values;
}

template <class T, std::size_t N>
Field<T> numbers(std::string_view key, std::array<double, N> T::*member, Range r, std::string_view hint,
                 bool sum_to_one = false) {
  return {key, "an array", [=](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            if (const auto values = get_numbers<N>(n, path, r, hint, sum_to_one, issues)) out.*member = *values;
          }};
}

// Keys whose absence means "the shared value" (std::optional members).
template <class T, std::size_t N>
Field<T> numbers(std::string_view key, std::optional<std::array<double, N>> T::*member, Range r,
                 std::string_view hint) {
  return {key, "an array", [=](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            if (const auto values = get_numbers<N>(n, path, r, hint, false, issues)) out.*member = *values;
          }};
}

template <class T>
Field<T> number(std::string_view key, std::optional<double> T::*member, Range r) {
  return {key, "a number", [member, r](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            if (const auto x = get_number(n, path, r, issues)) out.*member = *x;
          }};
}

template <class T>
Field<T> integer(std::string_view key, std::optional<int> T::*member, Range r) {
  return {key, "an integer", [member, r](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            if (const auto x = get_integer(n, path, r, issues)) out.*member = static_cast<int>(*x);
          }};
}

template <class T>
Field<T> shares(std::string_view key, std::array<double, 3> T::*member, std::string_view hint) {
  return numbers(key, member, kShare, hint, true);
}

// A table with some of `labels` as keys; `read` handles one value at index
// i. Returns whether `n` was a table with known labels only.
template <class Labels, class Read>
bool read_labelled(const toml::node& n, const std::string& path, const Labels& labels, std::string_view what,
                   Issues& issues, Read read) {
  const auto* table = n.as_table();
  if (!table) {
    issues.at(&n, path, "expected a table of " + std::string(what) + ", got " + type_name(n));
    return false;
  }
  bool known = true;
  for (auto&& [key, value] : *table) {
    const auto it = std::find(labels.begin(), labels.end(), key.str());
    const std::string key_path = join(path, key.str());
    if (it == labels.end()) {
      issues.at_key(key, value, key_path, "unknown " + std::string(what) + "; expected one of " + one_of(labels));
      known = false;
    } else {
      read(static_cast<std::size_t>(it - labels.begin()), value, key_path);
    }
  }
  return known;
}

// Product -> integer (units, days). Products left out keep their value.
template <class T, class E>
Field<T> per_product(std::string_view key, std::array<E, blood::kProductCount> T::*member, Range r) {
  return {key, "a table of product -> integer",
          [=](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            read_labelled(n, path, blood::kProductNames, "product", issues,
                          [&](std::size_t i, const toml::node& value, const std::string& key_path) {
                            if (const auto x = get_integer(value, key_path, r, issues))
                              (out.*member)[i] = static_cast<E>(*x);
                          });
          }};
}

// Blood group -> share; groups left out have share 0; the whole must sum to 1.
template <class T>
Field<T> group_shares(std::string_view key, std::array<double, blood::kGroupCount> T::*member) {
  return {key, "a table of blood group -> share",
          [=](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            std::array<double, blood::kGroupCount> values{};
            bool values_ok = true;
            const bool labels_ok =
                read_labelled(n, path, blood::kGroupLabels, "blood group", issues,
                              [&](std::size_t i, const toml::node& value, const std::string& key_path) {
                                const auto x = get_number(value, key_path, kShare, issues);
                                values_ok = values_ok && x.has_value();
                                values[i] = x.value_or(0);
                              });
            // The sum of a table with reported problems would only add noise.
            if (labels_ok && values_ok && sums_to_one(values, n, path, issues)) out.*member = values;
          }};
}

template <class T, class E>
Field<T> choice(std::string_view key, E T::*member, std::vector<std::pair<std::string_view, E>> options) {
  return {key, "a string", [=](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            const auto* s = get_string(n, path, issues);
            if (!s) return;
            const auto it = std::find_if(options.begin(), options.end(), [&](const auto& o) { return o.first == *s; });
            if (it != options.end()) {
              out.*member = it->second;
              return;
            }
            std::vector<std::string> names;
            for (const auto& o : options) names.push_back("\"" + std::string(o.first) + "\"");
            issues.at(&n, path, "expected one of " + one_of(names) + ", got " + quote_name(*s));
          }};
}

template <class T>
Field<T> weekdays(std::string_view key, std::array<bool, 7> T::*member) {
  return {key, "an array of weekday names", [=](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            const auto* array = n.as_array();
            const std::string expected = "expected an array of weekday names (" + one_of(blood::kWeekdayNames) + ")";
            if (!array) return issues.at(&n, path, expected + ", got " + type_name(n));
            if (array->empty()) return issues.at(&n, path, expected + ", got an empty array");
            std::array<bool, 7> days{};
            for (std::size_t i = 0; i < array->size(); ++i) {
              const toml::node& e = *array->get(i);
              const auto* s = e.as_string();
              const auto it = s ? std::find(blood::kWeekdayNames.begin(), blood::kWeekdayNames.end(), s->get())
                                : blood::kWeekdayNames.end();
              if (it == blood::kWeekdayNames.end()) {
                issues.at(&e, indexed(path, i), expected + ", got " + (s ? quote_name(s->get()) : type_name(e)));
              } else if (days[static_cast<std::size_t>(it - blood::kWeekdayNames.begin())]) {
                issues.at(&e, indexed(path, i), "weekday " + quote_name(s->get()) + " is listed twice");
              } else {
                days[static_cast<std::size_t>(it - blood::kWeekdayNames.begin())] = true;
              }
            }
            out.*member = days;
          }};
}

template <class T>
Field<T> names(std::string_view key, std::vector<std::string> T::*member) {
  return {key, "an array of names", [=](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            const auto* array = n.as_array();
            if (!array) return issues.at(&n, path, "expected an array of strings, got " + type_name(n));
            std::vector<std::string> values;
            for (std::size_t i = 0; i < array->size(); ++i) {
              if (const auto* s = get_string(*array->get(i), indexed(path, i), issues)) values.push_back(*s);
            }
            out.*member = std::move(values);
          }};
}

// Donor segments (blood/segments.hpp): names as people type them ("Students",
// "first_time"), folded; an unknown one is reported with the names accepted.
template <class T>
Field<T> segments(std::string_view key, blood::DonorSegments T::*member) {
  return {key, "an array of segment names", [=](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            const auto* array = n.as_array();
            if (!array) return issues.at(&n, path, "expected an array of segment names, got " + type_name(n));
            std::vector<KnownName> known;
            std::string accepted;
            for (const std::string_view s : blood::kSegmentNames) {
              known.push_back({std::string(s), {}});
              accepted += (accepted.empty() ? "" : ", ") + std::string(s);
            }
            std::vector<std::string> folded;
            bool ok = true;
            for (std::size_t i = 0; i < array->size(); ++i) {
              const auto* s = get_string(*array->get(i), indexed(path, i), issues);
              if (!s) {
                ok = false;
                continue;
              }
              folded.push_back(fold_name(*s));
              if (std::find(blood::kSegmentNames.begin(), blood::kSegmentNames.end(), folded.back()) ==
                  blood::kSegmentNames.end()) {
                issues.at(array->get(i), indexed(path, i),
                          "unknown segment " + quote_name(*s) + "; expected one of " + accepted +
                              did_you_mean(*s, known));
                ok = false;
              }
            }
            std::size_t bad = 0;
            if (ok) blood::segments_from_names(folded, out.*member, bad);
          }};
}

template <class T, class S>
Field<T> nested(std::string_view key, S T::*member, const Schema<S>& schema, Need need = Need::Optional,
                std::string_view what = "a table") {
  return {key, what,
          [member, &schema](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            read_table(n, path, schema, out.*member, issues);
          },
          need};
}

// Keys read by code outside the schema (they still count as allowed).
template <class T>
Field<T> elsewhere(std::string_view key, std::string_view what) {
  return {key, what, [](const toml::node&, const std::string&, T&, Issues&) {}};
}

// An entry of an array of tables, with where it came from for later checks.
template <class S>
struct Located {
  S spec;
  const toml::table* table;
  std::string path;  // "area[2]"

  const toml::node* node(std::string_view key) const {
    const toml::node* n = table->get(key);
    return n ? n : table;
  }
  const std::string* given_string(std::string_view key) const {
    const auto* s = table->get_as<std::string>(key);
    return s ? &s->get() : nullptr;
  }
};

template <class S>
std::vector<Located<S>> read_entries(const toml::node& node, const std::string& path, const Schema<S>& schema,
                                     Issues& issues) {
  const toml::array* array = node.as_array();
  if (!array) {
    issues.at(&node, path, "expected an array of tables, got " + type_name(node));
    return {};
  }
  std::vector<Located<S>> out;
  for (std::size_t i = 0; i < array->size(); ++i) {
    Located<S> entry{S{}, nullptr, indexed(path, i)};
    entry.table = read_table(*array->get(i), entry.path, schema, entry.spec, issues);
    if (entry.table) out.push_back(std::move(entry));
  }
  return out;
}

template <class T, class S>
Field<T> entries(std::string_view key, std::vector<Located<S>>& into, const Schema<S>& schema) {
  return {key, "an array of tables",
          [&into, &schema](const toml::node& n, const std::string& path, T&, Issues& issues) {
            into = read_entries(n, path, schema, issues);
          }};
}

// ---------------------------------------------------------------------------
// 4. The schemas (docs/scenario-format.md)

using blood::AppealSpec;
using blood::AreaSpec;
using blood::CampaignSpec;
using blood::CentreSpec;
using blood::DemandSpec;
using blood::HospitalSpec;
using blood::InitialPool;
using blood::LinkSpec;
using blood::PolicySpec;
using blood::ProcessingSpec;
using blood::ProductDemandSpec;
using blood::SeasonSpec;
using blood::StockStatusSpec;
using blood::SessionSpec;
using blood::TurnoutParameters;

// Vietnam's ABO/RhD mix (RhD- is rare, about 0.1 %).
constexpr std::array<double, blood::kGroupCount> kVietnamGroupShares = {0.4196, 0.0004, 0.2198, 0.0002,
                                                                        0.2997, 0.0003, 0.0599, 0.0001};

const Schema<AreaSpec>& area_schema() {
  using A = AreaSpec;
  static const Schema<A> schema = {
      text("name", &A::name, Need::Required),
      text("parent", &A::parent),
      integer("population", &A::population, {0, kMaxPopulation}),
      text("centre", &A::centre),
      share("eligible_share", &A::eligible_share),
      share("known_donor_share", &A::known_donor_share),
      share("student_share", &A::student_share),
      number("engagement", &A::engagement, kFactor),
      text("display_name", &A::display_name),
  };
  return schema;
}

// A site's optional cost keys (blood::SiteCosts), for any spec with `costs`.
template <class T>
Field<T> cost(std::string_view key, double blood::SiteCosts::*member) {
  return {key, "a number", [member](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            if (const auto x = get_number(n, path, {0, 1e12}, issues)) out.costs.*member = *x;
          }};
}

template <class T>
void add_cost_fields(Schema<T>& schema) {
  using C = blood::SiteCosts;
  schema.push_back(cost<T>("cost_per_unit_ordered", &C::per_unit_ordered));
  schema.push_back(cost<T>("cost_per_unit_day_held", &C::per_unit_day_held));
  schema.push_back(cost<T>("cost_per_unit_short", &C::per_unit_short));
  schema.push_back(cost<T>("cost_per_unit_outdated", &C::per_unit_outdated));
  schema.push_back(cost<T>("revenue_per_unit_issued", &C::revenue_per_unit_issued));
}

template <class T>
Schema<T> with_costs(Schema<T> schema) {
  add_cost_fields(schema);
  return schema;
}

const Schema<CentreSpec>& centre_schema() {
  using C = CentreSpec;
  static const Schema<C> schema = with_costs<C>({
      text("name", &C::name, Need::Required),
      text("area", &C::area, Need::Required),
      text("hub", &C::hub),
      number("order_up_to_days", &C::order_up_to_days, kDays),
      number("reserve_days", &C::reserve_days, kDays),
      number("surplus_days", &C::surplus_days, kDays),
      number("initial_stock_days", &C::initial_stock_days, kDays),
      integer("bag_stock", &C::bag_stock, {-1, kMaxUnits}),  // -1: bags never run out
      integer("bag_reorder_point", &C::bag_reorder_point, {0, kMaxUnits}),
      integer("bag_order_quantity", &C::bag_order_quantity, {0, kMaxUnits}),
      integer("bag_procurement_delay_days", &C::bag_procurement_delay_days, kDays),
      integer("storage_red_cell_units", &C::storage_red_cell_units, {-1, kMaxUnits}),  // -1: unlimited
      text("display_name", &C::display_name),
  });
  return schema;
}

const Schema<HospitalSpec>& hospital_schema() {
  using H = HospitalSpec;
  using O = blood::OrderPolicy;
  using R = blood::ReviewTime;
  static const Schema<H> schema = with_costs<H>({
      text("name", &H::name, Need::Required),
      text("area", &H::area, Need::Required),
      text("centre", &H::centre, Need::Required),
      number("population_served", &H::population_served, {0, kMaxPopulation}),
      number("order_up_to_days", &H::order_up_to_days, kDays),
      per_product("reorder_point_units", &H::reorder_point_units, {0, kMaxUnits}),
      per_product("order_up_to_units", &H::order_up_to_units, {0, kMaxUnits}),
      per_product("standing_order_units", &H::standing_order_units, {0, kMaxUnits}),
      number("initial_stock_days", &H::initial_stock_days, kDays),
      choice<H, O>("order_policy", &H::order_policy, {{"reorder-point", O::ReorderPoint}, {"waste-conscious", O::WasteConscious}}),
      choice<H, R>("review", &H::review, {{"evening", R::Evening}, {"morning", R::Morning}}),
      // An order placed at the review of day t is on the shelf from day t + lead time: at least 1.
      integer("external_lead_time_days", &H::external_lead_time_days, {1, kMaxDays}),
      text("display_name", &H::display_name),
  });
  return schema;
}

const Schema<LinkSpec>& link_schema() {
  using L = LinkSpec;
  static const Schema<L> schema = {
      text("from", &L::from, Need::Required),
      text("to", &L::to, Need::Required),
      {"travel_minutes", "a number > 0",
       [](const toml::node& n, const std::string& path, L& out, Issues& issues) {
         if (const auto x = get_number(n, path, {0, kMaxMinutes, true}, issues)) out.travel_minutes = *x;
       },
       Need::Required},
  };
  return schema;
}

// -- queued sessions (blood/drive_queue.hpp) -----------------------------------

using blood::Duration;
using blood::DriveFlowSpec;
using blood::SessionResources;

// Sessions hold their donors from the 06:00 morning; the last registrations by
// 20:00 leave the served time to finish before the evening stock count.
constexpr int kEarliestOpening = 6 * 60;
constexpr int kLatestClosing = 20 * 60;

// "HH:MM" or a TOML local time, as minutes since midnight.
std::optional<int> get_clock(const toml::node& node, const std::string& path, Issues& issues) {
  int hours = -1, minutes = -1;
  if (const auto* t = node.as_time()) {
    hours = t->get().hour;
    minutes = t->get().minute;
  } else if (const auto* s = node.as_string()) {
    const std::string& text = s->get();
    if (text.size() == 5 && text[2] == ':' && std::isdigit(static_cast<unsigned char>(text[0])) &&
        std::isdigit(static_cast<unsigned char>(text[1])) && std::isdigit(static_cast<unsigned char>(text[3])) &&
        std::isdigit(static_cast<unsigned char>(text[4]))) {
      hours = (text[0] - '0') * 10 + (text[1] - '0');
      minutes = (text[3] - '0') * 10 + (text[4] - '0');
    }
  }
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) {
    issues.at(&node, path, "expected a time of day \"HH:MM\" (UTC+7), got " +
                               (node.is_string() ? quote_name(node.as_string()->get()) : type_name(node)));
    return std::nullopt;
  }
  return hours * 60 + minutes;
}

const Schema<Duration>& duration_schema() {
  using D = Duration;
  using Shape = Duration::Shape;
  static const Schema<D> schema = {
      choice<D, Shape>("distribution", &D::shape,
                       {{"fixed", Shape::Fixed},
                        {"exponential", Shape::Exponential},
                        {"gamma", Shape::Gamma},
                        {"lognormal", Shape::Lognormal},
                        {"unlimited", Shape::Unlimited}}),
      number("mean_minutes", &D::mean_minutes, {0, kMaxMinutes}),
      number("sd_minutes", &D::sd_minutes, {0, kMaxMinutes}),
  };
  return schema;
}

// A distribution table; keys left out keep the default's values.
void read_duration(const toml::node& n, const std::string& path, Duration& out, Issues& issues,
                   bool unlimited_ok = false) {
  Duration d = out;
  const toml::table* table = read_table(n, path, duration_schema(), d, issues);
  if (!table) return;
  const bool spread = d.shape == Duration::Shape::Gamma || d.shape == Duration::Shape::Lognormal;
  if (d.shape == Duration::Shape::Unlimited && !unlimited_ok) {
    issues.at(table->get("distribution"), join(path, "distribution"),
              "\"unlimited\" applies only to patience; a service time must end");
  } else if (d.shape != Duration::Shape::Unlimited && d.shape != Duration::Shape::Fixed && d.mean_minutes <= 0) {
    issues.at(table, join(path, "mean_minutes"), "expected mean_minutes > 0 for this distribution");
  } else if (!spread && table->contains("sd_minutes")) {
    issues.at(table->get("sd_minutes"), join(path, "sd_minutes"),
              "sd_minutes applies only to the gamma and lognormal distributions");
  }
  out = d;
}

template <class T>
Field<T> duration(std::string_view key, Duration T::*member, bool unlimited_ok = false) {
  return {key, "a table", [member, unlimited_ok](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            read_duration(n, path, out.*member, issues, unlimited_ok);
          }};
}

Field<DriveFlowSpec> donation_duration(std::string_view key, std::size_t volume) {
  return {key, "a table", [volume](const toml::node& n, const std::string& path, DriveFlowSpec& out, Issues& issues) {
            read_duration(n, path, out.donation_by_volume[volume], issues);
          }};
}

const Schema<DriveFlowSpec>& drive_flow_schema() {
  using F = DriveFlowSpec;
  static const Schema<F> schema = {
      duration("registration", &F::registration),
      duration("screening", &F::screening),
      donation_duration("donation_250ml", 0),
      donation_duration("donation_350ml", 1),
      donation_duration("donation_450ml", 2),
      duration("bed_setup", &F::bed_setup),
      duration("rest", &F::rest),
      duration("patience", &F::patience, true),
  };
  return schema;
}

template <class T>
Field<T> clock(std::string_view key, int T::*member) {
  return {key, "a time of day \"HH:MM\"", [member](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            if (const auto m = get_clock(n, path, issues)) out.*member = *m;
          }};
}

template <class T>
Field<T> weights(std::string_view key, std::vector<double> T::*member) {
  return {key, "an array of numbers", [member](const toml::node& n, const std::string& path, T& out, Issues& issues) {
            const auto* array = n.as_array();
            if (!array) return issues.at(&n, path, "expected an array of numbers (relative arrivals per hour), got " + type_name(n));
            std::vector<double> values;
            bool ok = true;
            for (std::size_t i = 0; i < array->size(); ++i) {
              const auto x = get_number(*array->get(i), indexed(path, i), kFactor, issues);
              ok = ok && x.has_value();
              values.push_back(x.value_or(0));
            }
            if (!ok) return;
            double sum = 0;
            for (const double x : values) sum += x;
            if (sum <= 0) return issues.at(&n, path, "expected at least one hour with arrivals (a positive weight)");
            out.*member = std::move(values);
          }};
}

const Schema<SessionResources>& resources_schema() {
  using R = SessionResources;
  static const Schema<R> schema = {
      clock("opens", &R::opens_minute),
      clock("closes", &R::closes_minute),
      integer("registration_desks", &R::registration_desks, {1, 1000}),
      integer("screening_desks", &R::screening_desks, {1, 1000}),
      integer("beds", &R::beds, {1, 1000}),
      number("staff_per_bed", &R::staff_per_bed, {0, 10}),
      weights("arrival_profile", &R::arrival_profile),
      integer("appointment_slot_minutes", &R::appointment_slot_minutes, {1, 24 * 60}),
  };
  return schema;
}

// A session's `resources` table: present = the session is queued.
Field<SessionSpec> session_resources() {
  return {"resources", "a table", [](const toml::node& n, const std::string& path, SessionSpec& out, Issues& issues) {
            SessionResources r;
            const toml::table* table = read_table(n, path, resources_schema(), r, issues);
            if (!table) return;
            r.queued = true;
            const toml::node* opens = table->get("opens");
            const toml::node* closes = table->get("closes");
            if (r.opens_minute < kEarliestOpening) {
              issues.at(opens ? opens : table, join(path, "opens"), "expected a session opening at 06:00 or later");
            } else if (r.closes_minute > kLatestClosing) {
              issues.at(closes ? closes : table, join(path, "closes"), "expected a session closing at 20:00 or earlier");
            } else if (r.closes_minute <= r.opens_minute) {
              issues.at(closes ? closes : table, join(path, "closes"),
                        "expected closes after opens (" + std::to_string(r.opens_minute / 60) + ":" +
                            (r.opens_minute % 60 < 10 ? "0" : "") + std::to_string(r.opens_minute % 60) + ")");
            }
            const int hours = (r.closes_minute - r.opens_minute + 59) / 60;
            if (table->contains("arrival_profile") && table->contains("appointment_slot_minutes")) {
              issues.at(table->get("appointment_slot_minutes"), join(path, "appointment_slot_minutes"),
                        "give either arrival_profile or appointment_slot_minutes, not both");
            } else if (hours > 0 && r.arrival_profile.size() > static_cast<std::size_t>(hours)) {
              issues.at(table->get("arrival_profile"), join(path, "arrival_profile"),
                        "expected at most " + std::to_string(hours) + " hourly weights (the session is open " +
                            std::to_string(hours) + " hours, counting a part hour), got " +
                            std::to_string(r.arrival_profile.size()));
            }
            out.resources = std::move(r);
          }};
}

const Schema<SessionSpec>& session_schema() {
  using S = SessionSpec;
  static const Schema<S> schema = {
      text("name", &S::name, Need::Required),
      text("area", &S::area, Need::Required),
      text("organiser", &S::organiser),
      date("date", &S::date),
      weekdays("weekdays", &S::weekdays),
      date("from", &S::from),
      date("to", &S::to),
      integer("capacity", &S::capacity, {0, kMaxCapacity}),
      number("capacity_per_100k", &S::capacity_per_100k, {0, 1e5}),
      integer("target_units", &S::target_units, {0, kMaxCapacity}),
      number("invitations_per_capacity", &S::invitations_per_capacity, kFactor),
      number("walk_in_per_capacity", &S::walk_in_per_capacity, kFactor),
      session_resources(),
      segments("segments", &S::segments),
  };
  return schema;
}

const Schema<CampaignSpec>& campaign_schema() {
  using C = CampaignSpec;
  static const Schema<C> schema = {
      text("name", &C::name, Need::Required),
      date("start", &C::start, Need::Required),
      date("end", &C::end, Need::Required),
      names("areas", &C::areas),
      number("turnout_factor", &C::turnout_factor, kFactor),
      number("recruitment_factor", &C::recruitment_factor, kFactor),
      segments("segments", &C::segments),
      elsewhere<C>("session", "an array of tables"),
      text("display_name", &C::display_name),
  };
  return schema;
}

const Schema<AppealSpec>& appeal_schema() {
  using A = AppealSpec;
  static const Schema<A> schema = {
      flag("enabled", &A::enabled),
      number("threshold_days", &A::threshold_days, kDays),
      integer("delay_days", &A::delay_days, kDays),
      number("turnout_factor", &A::turnout_factor, kFactor),
      number("walk_in_factor", &A::walk_in_factor, kFactor),
      number("decay_days", &A::decay_days, {0, kMaxDays, true}),
      integer("cooldown_days", &A::cooldown_days, kDays),
  };
  return schema;
}

const Schema<StockStatusSpec>& stock_status_schema() {
  using T = StockStatusSpec;
  static const Schema<T> schema = {
      number("critical_days", &T::critical_days, kDays),
      number("low_days", &T::low_days, kDays),
  };
  return schema;
}

const Schema<SeasonSpec>& season_schema() {
  using S = SeasonSpec;
  static const Schema<S> schema = {
      date("tet", &S::tet, Need::Required),
      integer("tet_days_before", &S::tet_days_before, kDays),
      integer("tet_days_after", &S::tet_days_after, kDays),
      share("tet_student_presence", &S::tet_student_presence),
      share("tet_worker_presence", &S::tet_worker_presence),
      numbers("student_presence_by_month", &S::student_presence_by_month, kShare, "one share per month, Jan..Dec"),
      numbers("worker_presence_by_month", &S::worker_presence_by_month, kShare, "one share per month, Jan..Dec"),
  };
  return schema;
}

constexpr std::string_view kPerKind = "first_time, repeat, regular";

const Schema<TurnoutParameters>& turnout_schema() {
  using T = TurnoutParameters;
  static const Schema<T> schema = {
      numbers("response_probability", &T::response_probability, kShare, kPerKind),
      numbers("lapse_days", &T::lapse_days, {-kMaxDays, kMaxDays}, kPerKind),
      numbers("deferral_probability", &T::deferral_probability, kShare, kPerKind),
      integer("min_interval_days", &T::min_interval_days, kDays),
      integer("repeat_after_donations", &T::repeat_after_donations, {1, kMaxDonations}),
      integer("regular_after_donations", &T::regular_after_donations, {1, kMaxDonations}),
      shares("volume_shares", &T::volume_shares, "250, 350, 450 ml"),
      group_shares("group_shares", &T::group_shares),
      share("student_share_of_recruits", &T::student_share_of_recruits),
      share("return_factor_after_leaving", &T::return_factor_after_leaving),
  };
  return schema;
}

const Schema<InitialPool>& initial_pool_schema() {
  using P = InitialPool;
  static const Schema<P> schema = {
      shares("kind_shares", &P::kind_shares, kPerKind),
      integer("last_donation_spread_days", &P::last_donation_spread_days, kDays),
  };
  return schema;
}

const Schema<ProcessingSpec>& processing_schema() {
  using P = ProcessingSpec;
  static const Schema<P> schema = {
      integer("testing_delay_days", &P::testing_delay_days, kDays),
      share("discard_share", &P::discard_share),
      share("platelet_share", &P::platelet_share),
      integer("platelet_pool_size", &P::platelet_pool_size, {1, 100}),
      share("plasma_share", &P::plasma_share),
      per_product("shelf_life_days", &P::shelf_life_days, {1, kMaxDays}),
  };
  return schema;
}

const Schema<ProductDemandSpec>& product_demand_schema() {
  using P = ProductDemandSpec;
  using D = blood::DemandDistribution;
  static const Schema<P> schema = {
      number("per_1000_population_per_year", &P::per_1000_population_per_year, {0, 1e6}),
      number("fixed_per_day", &P::fixed_per_day, {0, kMaxRate}),
      choice<P, D>("distribution", &P::distribution,
                   {{"poisson", D::Poisson},
                    {"negative_binomial", D::NegativeBinomial},
                    {"gamma", D::Gamma},
                    {"deterministic", D::Deterministic}}),
      number("dispersion", &P::dispersion, {0, 1e6}),
      numbers("month_factors", &P::month_factors, kPositiveFactor, "one per month, Jan..Dec"),
      number("tet_surge_factor", &P::tet_surge_factor, kPositiveFactor),
      integer("tet_surge_days_before", &P::tet_surge_days_before, kDays),
      integer("tet_surge_days_after", &P::tet_surge_days_after, kDays),
  };
  return schema;
}

// The products a surge raises: an array of product names.
Field<blood::DemandSurgeSpec> surge_products() {
  return {"products", "an array of product names",
          [](const toml::node& n, const std::string& path, blood::DemandSurgeSpec& out, Issues& issues) {
            const auto* array = n.as_array();
            const std::string expected = "expected an array of products (" + one_of(blood::kProductNames) + ")";
            if (!array) return issues.at(&n, path, expected + ", got " + type_name(n));
            if (array->empty()) return issues.at(&n, path, expected + ", got an empty array (leave the key out for every product)");
            std::array<bool, blood::kProductCount> chosen{};
            for (std::size_t i = 0; i < array->size(); ++i) {
              const auto* name = get_string(*array->get(i), indexed(path, i), issues);
              if (!name) continue;
              const auto* it = std::find(blood::kProductNames.begin(), blood::kProductNames.end(), *name);
              if (it == blood::kProductNames.end()) {
                issues.at(array->get(i), indexed(path, i),
                          "unknown product " + quote_name(*name) + "; expected " + one_of(blood::kProductNames));
                continue;
              }
              chosen[static_cast<std::size_t>(it - blood::kProductNames.begin())] = true;
            }
            out.products = chosen;
          }};
}

// [[demand.surge]]: extra demand of some products in some areas over a window.
const Schema<blood::DemandSurgeSpec>& surge_schema() {
  using S = blood::DemandSurgeSpec;
  static const Schema<S> schema = [] {
    Schema<S> fields = {
        text("name", &S::name),
        date("start", &S::start, Need::Required),
        date("end", &S::end, Need::Required),
        names("areas", &S::areas),
        surge_products(),
        number("factor", &S::factor, kPositiveFactor),
    };
    fields.back().need = Need::Required;
    return fields;
  }();
  return schema;
}

Field<DemandSpec> product_demand(blood::Product product) {
  return {blood::kProductNames[blood::index(product)], "a table",
          [product](const toml::node& n, const std::string& path, DemandSpec& out, Issues& issues) {
            read_table(n, path, product_demand_schema(), out.products[blood::index(product)], issues);
          }};
}

const Schema<DemandSpec>& demand_schema() {
  using D = DemandSpec;
  static const Schema<D> schema = {
      numbers("weekday_factors", &D::weekday_factors, kFactor, "one per weekday, Mon..Sun"),
      numbers("month_factors", &D::month_factors, kFactor, "one per month, Jan..Dec"),
      number("tet_surge_factor", &D::tet_surge_factor, kFactor),
      integer("tet_surge_days_before", &D::tet_surge_days_before, kDays),
      integer("tet_surge_days_after", &D::tet_surge_days_after, kDays),
      group_shares("group_shares", &D::group_shares),
      share("emergency_share", &D::emergency_share),
      integer("max_wait_days", &D::max_wait_days, kDays),
      elsewhere<D>("surge", "an array of tables"),
      product_demand(blood::Product::RedCells),
      product_demand(blood::Product::Platelets),
      product_demand(blood::Product::Plasma),
  };
  return schema;
}

const Schema<blood::TrendSpec>& trend_schema() {
  using T = blood::TrendSpec;
  static const Schema<T> schema = {
      integer("base_year", &T::base_year, {blood::kFirstLunarYear, blood::kLastLunarYear}),
      number("population_growth_per_year", &T::population_growth_per_year, {-0.5, 1}),
      number("demand_growth_per_year", &T::demand_growth_per_year, {-0.5, 1}),
      number("plan_growth_per_year", &T::plan_growth_per_year, {-0.5, 1}),
  };
  return schema;
}

const Schema<blood::RebalancingSpec>& rebalancing_schema() {
  using R = blood::RebalancingSpec;
  static const Schema<R> schema = {
      flag("enabled", &R::enabled),
      integer("every_days", &R::every_days, {1, kMaxDays}),
      number("surplus_days", &R::surplus_days, kDays),
      number("short_days", &R::short_days, kDays),
      integer("min_remaining_shelf_days_on_arrival", &R::min_remaining_shelf_days_on_arrival, kDays),
      number("cost_per_minute", &R::cost_per_minute, kFactor),
  };
  return schema;
}

const Schema<blood::CollectionSpec>& collection_schema() {
  using C = blood::CollectionSpec;
  static const Schema<C> schema = {
      number("intake_cap_days", &C::intake_cap_days, kDays),
      number("push_below_days", &C::push_below_days, kDays),
      number("push_invitation_factor", &C::push_invitation_factor, kFactor),
  };
  return schema;
}

const Schema<PolicySpec>& policy_schema() {
  using P = PolicySpec;
  using I = blood::IssuePolicy;
  static const Schema<P> schema = {
      choice<P, I>("issue", &P::issue, {{"fifo", I::Fifo}, {"lifo", I::Lifo}}),
      flag("substitution", &P::substitution),
      flag("hub_supply", &P::hub_supply),
      integer("min_remaining_shelf_days", &P::min_remaining_shelf_days, kDays),
      nested("rebalancing", &P::rebalancing, rebalancing_schema()),
  };
  return schema;
}

// ---------------------------------------------------------------------------
// 5. The whole scenario: the schema walk, then checks across entries.

// A stretch of days that dates must fall in.
struct Window {
  DayNumber first;
  DayNumber last;
  std::string name;  // "the simulated period", "campaign 'X'"

  bool contains(DayNumber d) const noexcept { return d >= first && d <= last; }
  std::string text() const { return name + " (" + blood::iso_date(first) + " .. " + blood::iso_date(last) + ")"; }
};

class ScenarioReader {
 public:
  ScenarioReader(const toml::table& root, Issues& issues, const LoadLimits& limits = {})
      : root_(root), issues_(issues), limits_(limits) {}

  blood::Scenario read() {
    scenario_.turnout.group_shares = kVietnamGroupShares;
    read_table(root_, "", root_schema(), scenario_, issues_);
    read_campaign_sessions();
    read_surges();
    default_demand_groups();
    index_names();
    check_period();
    check_areas();
    check_centres();
    check_hospitals();
    check_links();
    check_routes();
    check_campaigns();
    for (auto& s : sessions_) check_session(s, period_, nullptr);
    check_surges();
    check_turnout();
    check_has_areas();
    check_rebalancing();
    check_donor_pool_memory();
    check_collection();
    return assemble();
  }

 private:
  Schema<blood::Scenario> root_schema() {
    using S = blood::Scenario;
    return {
        text("name", &S::name, Need::Required),
        elsewhere<S>("extends", "a file name"),
        date("start", &S::start, Need::Required),
        date("end", &S::end, Need::Required),
        integer("seed", &S::seed, {0, kUnbounded}),
        integer("warm_up_days", &S::warm_up_days, {0, kMaxDays}),
        number("local_travel_minutes", &S::local_travel_minutes, {0, kMaxMinutes, true}),
        entries<S>("area", areas_, area_schema()),
        entries<S>("centre", centres_, centre_schema()),
        entries<S>("hospital", hospitals_, hospital_schema()),
        entries<S>("link", links_, link_schema()),
        entries<S>("session", sessions_, session_schema()),
        entries<S>("campaign", campaigns_, campaign_schema()),
        nested("appeals", &S::appeals, appeal_schema()),
        nested("collection", &S::collection, collection_schema()),
        nested("stock_status", &S::stock_status, stock_status_schema()),
        nested("season", &S::season, season_schema(), Need::Required, "a table with tet = YYYY-MM-DD"),
        nested("turnout", &S::turnout, turnout_schema()),
        nested("initial_pool", &S::initial_pool, initial_pool_schema()),
        nested("processing", &S::processing, processing_schema()),
        nested("demand", &S::demand, demand_schema()),
        nested("policy", &S::policy, policy_schema()),
        nested("trend", &S::trend, trend_schema()),
        nested("drive_flow", &S::drive_flow, drive_flow_schema()),
    };
  }

  void read_campaign_sessions() {
    campaign_sessions_.resize(campaigns_.size());
    for (std::size_t i = 0; i < campaigns_.size(); ++i) {
      if (const toml::node* s = campaigns_[i].table->get("session")) {
        campaign_sessions_[i] = read_entries(*s, campaigns_[i].path + ".session", session_schema(), issues_);
      }
    }
  }

  void read_surges() {
    const toml::node* surges = root_.at_path("demand.surge").node();
    if (surges && root_.get("demand")->is_table()) surges_ = read_entries(*surges, "demand.surge", surge_schema(), issues_);
  }

  // Patients have the donors' blood groups unless the scenario says otherwise.
  void default_demand_groups() {
    const auto* demand = root_.get_as<toml::table>("demand");
    if (!demand || !demand->contains("group_shares")) scenario_.demand.group_shares = scenario_.turnout.group_shares;
  }

  // -- names --------------------------------------------------------------

  // Records `name` of an entry under `kind`; reports empty and duplicate names.
  template <class S>
  void claim(std::unordered_map<std::string, const toml::node*>& seen, const Located<S>& e, std::string_view kind,
             std::string_view reserved = {}) {
    const auto* node = e.table->template get_as<std::string>("name");
    if (!node) return;  // missing or mistyped: reported already
    const std::string& name = node->get();
    const std::string path = e.path + ".name";
    if (name.empty()) return issues_.at(node, path, "expected a non-empty name");
    if (name == reserved)
      return issues_.at(node, path, "the name " + quote_name(name) + " is reserved for the outside supplier");
    const auto [it, fresh] = seen.emplace(name, node);
    if (!fresh)
      issues_.at(node, path,
                 "duplicate " + std::string(kind) + " name " + quote_name(name) + " (first at " +
                     where_text(*it->second) + ")");
  }

  // Names and display names, for "did you mean".
  template <class S>
  static std::vector<KnownName> known_names(const std::vector<Located<S>>& entries) {
    std::vector<KnownName> known;
    for (const auto& e : entries) known.push_back({e.spec.name, e.spec.display_name});
    return known;
  }

  template <class S>
  static std::unordered_map<std::string, std::size_t> index_of(const std::vector<Located<S>>& entries) {
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < entries.size(); ++i) index.emplace(entries[i].spec.name, i);
    return index;
  }

  void index_names() {
    std::unordered_map<std::string, const toml::node*> areas, sites, sessions, campaigns;
    for (const auto& a : areas_) claim(areas, a, "area");
    for (const auto& c : centres_) claim(sites, c, "centre/hospital", kExternal);
    for (const auto& h : hospitals_) claim(sites, h, "centre/hospital", kExternal);
    for (const auto& s : sessions_) claim(sessions, s, "session");
    for (const auto& list : campaign_sessions_) {
      for (const auto& s : list) claim(sessions, s, "session");
    }
    for (const auto& c : campaigns_) claim(campaigns, c, "campaign");
    area_index_ = index_of(areas_);
    centre_index_ = index_of(centres_);
    hospital_index_ = index_of(hospitals_);
  }

  // -- references ---------------------------------------------------------

  // The value of `key` when it is a non-empty string (missing, mistyped and
  // empty required values are reported elsewhere).
  template <class S>
  static const std::string* reference(const Located<S>& e, std::string_view key) {
    const std::string* value = e.given_string(key);
    return value && !value->empty() ? value : nullptr;
  }

  template <class S>
  void require_nonempty(const Located<S>& e, std::string_view key, std::string_view what) {
    const std::string* value = e.given_string(key);
    if (value && value->empty())
      issues_.at(e.node(key), join(e.path, key), "expected " + std::string(what) + ", got an empty string");
  }

  template <class S>
  void check_area_ref(const Located<S>& e, std::string_view key) {
    const std::string* name = reference(e, key);
    if (name && !area_index_.contains(*name)) {
      issues_.at(e.node(key), join(e.path, key),
                 "unknown area " + quote_name(*name) + "; expected the name of an [[area]]" +
                     did_you_mean(*name, known_names(areas_)));
    }
  }

  // A centre name; `hospital_ok` for link ends, which may be hospitals.
  template <class S>
  bool check_site_ref(const Located<S>& e, std::string_view key, bool hospital_ok) {
    const std::string* name = reference(e, key);
    if (!name) return false;
    if (centre_index_.contains(*name) || (hospital_ok && hospital_index_.contains(*name))) return true;
    const std::string path = join(e.path, key);
    if (hospital_index_.contains(*name)) {
      issues_.at(e.node(key), path, quote_name(*name) + " is a hospital; expected the name of a [[centre]]");
    } else {
      issues_.at(e.node(key), path,
                 "unknown " + std::string(hospital_ok ? "site " : "centre ") + quote_name(*name) +
                     "; expected the name of a [[centre]]" + (hospital_ok ? " or [[hospital]]" : "") +
                     did_you_mean(*name, known_names(centres_)));
    }
    return false;
  }

  // -- period and dates -----------------------------------------------------

  void check_period() {
    const toml::node* start = root_.get("start");
    const toml::node* end = root_.get("end");
    const auto first = start ? date_value(*start) : std::nullopt;
    const auto last = end ? date_value(*end) : std::nullopt;
    if (!first || !last) return;
    if (*last < *first) {
      return issues_.at(end, "end",
                        "expected end >= start (" + blood::iso_date(*first) + "), got " + blood::iso_date(*last));
    }
    if (*last - *first + 1 > kMaxDays) {
      return issues_.at(end, "end",
                        "the simulated period is " + std::to_string(*last - *first + 1) + " days long; the limit is " +
                            show(kMaxDays) + " days");
    }
    period_ = Window{*first, *last, "the simulated period"};
  }

  // Checks a date key that must lie in `window`; returns it when valid.
  template <class S>
  std::optional<DayNumber> dated(const Located<S>& e, std::string_view key, const std::optional<Window>& window) {
    const toml::node* node = e.table->get(key);
    const auto day = node ? date_value(*node) : std::nullopt;
    if (day && window && !window->contains(*day)) {
      issues_.at(node, join(e.path, key), quote_name(blood::iso_date(*day)) + " is outside " + window->text());
      return std::nullopt;
    }
    return day;
  }

  // -- areas ----------------------------------------------------------------

  std::optional<std::size_t> parent_of(std::size_t i) const {
    if (areas_[i].spec.parent.empty()) return std::nullopt;
    const auto it = area_index_.find(areas_[i].spec.parent);
    return it == area_index_.end() ? std::nullopt : std::optional(it->second);
  }

  void check_areas() {
    for (const auto& a : areas_) {
      check_area_ref(a, "parent");
      check_site_ref(a, "centre", false);
    }
    find_parent_cycles();
    check_leaves_reach_centres();
    number_area_tree();
  }

  // Walks up from every area; a walk that meets itself is a cycle, reported
  // once, at the area where it closes.
  void find_parent_cycles() {
    enum : char { kNew, kOnWalk, kDone };
    std::vector<char> state(areas_.size(), kNew);
    in_cycle_.assign(areas_.size(), false);
    for (std::size_t start = 0; start < areas_.size(); ++start) {
      std::vector<std::size_t> walk;
      std::optional<std::size_t> at = start;
      while (at && state[*at] == kNew) {
        state[*at] = kOnWalk;
        walk.push_back(*at);
        at = parent_of(*at);
      }
      if (at && state[*at] == kOnWalk) report_cycle(walk, *at);
      for (const std::size_t i : walk) state[i] = kDone;
    }
  }

  void report_cycle(const std::vector<std::size_t>& walk, std::size_t closing) {
    std::string text;
    for (auto it = std::find(walk.begin(), walk.end(), closing); it != walk.end(); ++it) {
      in_cycle_[*it] = true;
      text += quote_name(areas_[*it].spec.name) + " -> ";
    }
    const auto& last = areas_[walk.back()];
    issues_.at(last.node("parent"), last.path + ".parent",
               "parent cycle: " + text + quote_name(areas_[closing].spec.name));
  }

  void check_leaves_reach_centres() {
    std::vector<bool> has_child(areas_.size(), false);
    for (std::size_t i = 0; i < areas_.size(); ++i) {
      if (const auto p = parent_of(i)) has_child[*p] = true;
    }
    const std::vector<bool> reach = centre_reach();
    for (std::size_t i = 0; i < areas_.size(); ++i) {
      // A leaf nobody lives in (a hospital's area in a textbook case) collects nothing.
      if (!has_child[i] && !reach[i] && areas_[i].spec.population > 0) {
        issues_.at(areas_[i].table, areas_[i].path + ".centre",
                   "leaf area " + quote_name(areas_[i].spec.name) +
                       " reaches no centre; give it, or an area above it, a centre");
      }
    }
  }

  // Per area: does it, or an area above it, name a centre? Each area is
  // walked once (a long chain of areas must not cost its length squared).
  // Broken chains (unknown parents, cycles) count as reaching: they are
  // reported already.
  std::vector<bool> centre_reach() const {
    enum : char { kUnknown, kNo, kYes };
    std::vector<char> reach(areas_.size(), kUnknown);
    for (std::size_t start = 0; start < areas_.size(); ++start) {
      std::vector<std::size_t> walk;
      std::size_t i = start;
      char result = kUnknown;
      while (result == kUnknown) {
        const AreaSpec& area = areas_[i].spec;
        const auto parent = parent_of(i);
        if (reach[i] != kUnknown) {
          result = reach[i];
        } else if (!area.centre.empty() || in_cycle_[i]) {
          result = kYes;
        } else if (!parent) {
          result = area.parent.empty() ? kNo : kYes;
        } else {
          walk.push_back(i);
          i = *parent;
        }
      }
      reach[i] = result;
      for (const std::size_t w : walk) reach[w] = result;
    }
    std::vector<bool> out(areas_.size());
    for (std::size_t i = 0; i < areas_.size(); ++i) out[i] = reach[i] == kYes;
    return out;
  }

  // Numbers the area forest in depth-first order, so that "is b at or below
  // a" is two comparisons. Areas on or below a parent cycle get no number.
  void number_area_tree() {
    const std::size_t n = areas_.size();
    std::vector<std::vector<std::size_t>> children(n);
    std::vector<std::size_t> roots;
    for (std::size_t i = 0; i < n; ++i) {
      if (const auto p = parent_of(i)) {
        children[*p].push_back(i);
      } else {
        roots.push_back(i);
      }
    }
    enter_.assign(n, kUnnumbered);
    leave_.assign(n, kUnnumbered);
    std::size_t clock = 0;
    std::vector<std::pair<std::size_t, std::size_t>> stack;  // (area, next child to visit)
    for (const std::size_t root : roots) {
      enter_[root] = clock++;
      stack.emplace_back(root, 0);
      while (!stack.empty()) {
        const std::size_t area = stack.back().first;
        const std::size_t next = stack.back().second++;
        if (next < children[area].size()) {
          const std::size_t child = children[area][next];
          enter_[child] = clock++;
          stack.emplace_back(child, 0);
        } else {
          leave_[area] = clock++;
          stack.pop_back();
        }
      }
    }
  }

  // Is `area` equal to or below `ancestor`? Unnumbered areas (on broken
  // chains, reported already) are given the benefit of the doubt.
  bool covers(const std::string& ancestor, const std::string& area) const {
    const auto a = area_index_.find(ancestor), b = area_index_.find(area);
    if (a == area_index_.end() || b == area_index_.end()) return false;
    if (enter_[b->second] == kUnnumbered || enter_[a->second] == kUnnumbered) return true;
    return enter_[a->second] <= enter_[b->second] && leave_[b->second] <= leave_[a->second];
  }

  // -- sites ----------------------------------------------------------------

  void check_centres() {
    for (const auto& c : centres_) {
      require_nonempty(c, "area", "an area name");
      check_area_ref(c, "area");
      const std::string* hub = reference(c, "hub");
      if (!hub) continue;
      const std::string path = c.path + ".hub";
      if (*hub == c.spec.name) {
        issues_.at(c.node("hub"), path, "a centre cannot be its own hub; leave hub empty to make it a hub");
      } else if (check_site_ref(c, "hub", false)) {
        const CentreSpec& target = centres_[centre_index_.at(*hub)].spec;
        if (!target.hub.empty()) {
          issues_.at(c.node("hub"), path,
                     quote_name(*hub) + " is not a hub (it is supplied by " + quote_name(target.hub) +
                         "); expected a centre without a hub");
        }
      }
    }
  }

  void check_hospitals() {
    for (const auto& h : hospitals_) {
      require_nonempty(h, "area", "an area name");
      require_nonempty(h, "centre", "a centre name or \"external\"");
      check_area_ref(h, "area");
      const std::string* centre = reference(h, "centre");
      if (centre && *centre != kExternal) check_site_ref(h, "centre", false);
      const auto& units = h.spec.order_up_to_units;
      if (h.spec.order_policy == blood::OrderPolicy::WasteConscious &&
          std::all_of(units.begin(), units.end(), [](std::int64_t S) { return S == 0; })) {
        issues_.at(h.node("order_policy"), h.path + ".order_policy",
                   "\"waste-conscious\" needs order_up_to_units (S > 0) for at least one product");
      }
      for (std::size_t p = 0; p < blood::kProductCount; ++p) {
        const auto s = h.spec.reorder_point_units[p], big_s = h.spec.order_up_to_units[p];
        if (big_s > 0 && s > big_s) {
          const std::string key = "reorder_point_units." + std::string(blood::kProductNames[p]);
          issues_.at(h.node("reorder_point_units"), h.path + "." + key,
                     "expected reorder_point_units (s = " + std::to_string(s) +
                         ") <= order_up_to_units (S = " + std::to_string(big_s) + ")");
        }
      }
    }
  }

  void check_links() {
    for (const auto& l : links_) {
      require_nonempty(l, "from", "a centre or hospital name");
      require_nonempty(l, "to", "a centre or hospital name");
      const bool from_ok = check_site_ref(l, "from", true);
      const bool to_ok = check_site_ref(l, "to", true);
      if (from_ok && to_ok && l.spec.from == l.spec.to) {
        issues_.at(l.node("to"), l.path + ".to",
                   "a link joins two different sites; both ends are " + quote_name(l.spec.to));
      }
    }
  }

  // Every supplier must be reachable by road, through links and between the
  // sites of one area (local travel): orders and shipments need a travel time.
  // Found by the fuzzer: the model refused such a scenario after validation.
  void check_routes() {
    std::unordered_map<std::string, std::string> up;  // union-find over site names
    const auto root = [&up](std::string name) {
      while (up.count(name) && up.at(name) != name) name = up.at(name);
      return name;
    };
    const auto join = [&](const std::string& a, const std::string& b) {
      if (!up.count(a) || !up.count(b)) return;  // unknown names are reported elsewhere
      const std::string ra = root(a), rb = root(b);
      if (ra != rb) up[ra] = rb;
    };
    std::unordered_map<std::string, std::string> first_in_area;
    const auto add = [&](const std::string& name, const std::string& area) {
      up.emplace(name, name);
      const auto [at, fresh] = first_in_area.emplace(area, name);
      if (!fresh) join(name, at->second);
    };
    for (const auto& c : centres_) add(c.spec.name, c.spec.area);
    for (const auto& h : hospitals_) add(h.spec.name, h.spec.area);
    for (const auto& l : links_) join(l.spec.from, l.spec.to);
    const auto check = [&](const auto& site, const std::string& supplier, const char* key) {
      if (supplier.empty() || supplier == kExternal || !up.count(supplier) || !up.count(site.spec.name)) return;
      if (root(site.spec.name) == root(supplier)) return;
      issues_.at(site.node(key), site.path + "." + key,
                 "expected a route from " + quote_name(site.spec.name) + " to " + quote_name(supplier) +
                     ": no [[link]] joins them, directly or through other sites, and they are in different areas");
    };
    for (const auto& c : centres_) check(c, c.spec.hub, "hub");
    for (const auto& h : hospitals_) check(h, h.spec.centre, "centre");
  }

  // -- sessions and campaigns -------------------------------------------------

  void check_session(Located<SessionSpec>& s, const std::optional<Window>& window,
                     const Located<CampaignSpec>* campaign) {
    require_nonempty(s, "area", "an area name");
    check_area_ref(s, "area");
    if (campaign) check_campaign_covers(s, *campaign);
    const bool has_date = s.table->contains("date"), has_weekdays = s.table->contains("weekdays");
    if (has_date && has_weekdays) {
      issues_.at(s.node("weekdays"), s.path + ".weekdays",
                 "give either date (one drive) or weekdays (recurring), not both");
    } else if (!has_date && !has_weekdays) {
      issues_.at(s.table, s.path + ".date",
                 "required key is missing; expected date (one drive) or weekdays (recurring)");
    } else if (has_date) {
      for (const std::string_view key : {"from", "to"}) {
        if (s.table->contains(key))
          issues_.at(s.node(key), join(s.path, key), "from/to apply only to recurring sessions (weekdays)");
      }
      dated(s, "date", window);
    } else if (window) {
      check_recurrence(s, *window);
    }
  }

  // Recurring sessions run between from and to, which default to the window.
  void check_recurrence(Located<SessionSpec>& s, const Window& window) {
    const auto from = s.table->contains("from") ? dated(s, "from", window) : window.first;
    const auto to = s.table->contains("to") ? dated(s, "to", window) : window.last;
    if (from && to && *to < *from) {
      issues_.at(s.node("to"), s.path + ".to",
                 "expected to >= from (" + blood::iso_date(*from) + "), got " + blood::iso_date(*to));
    }
    if (from) s.spec.from = *from;
    if (to) s.spec.to = *to;
  }

  void check_campaign_covers(const Located<SessionSpec>& s, const Located<CampaignSpec>& campaign) {
    const auto& areas = campaign.spec.areas;
    const std::string* area = reference(s, "area");
    if (!area || areas.empty() || !area_index_.contains(*area)) return;
    if (std::none_of(areas.begin(), areas.end(), [&](const std::string& a) { return covers(a, *area); })) {
      issues_.at(s.node("area"), s.path + ".area",
                 "area " + quote_name(*area) + " is outside the campaign's areas (" + one_of(areas) + ")");
    }
  }

  void check_campaigns() {
    for (std::size_t i = 0; i < campaigns_.size(); ++i) {
      const auto& c = campaigns_[i];
      check_campaign_areas(c);
      const auto first = dated(c, "start", period_), last = dated(c, "end", period_);
      std::optional<Window> window;
      if (first && last && *last < *first) {
        issues_.at(c.node("end"), c.path + ".end",
                   "expected end >= start (" + blood::iso_date(*first) + "), got " + blood::iso_date(*last));
      } else if (first && last) {
        window = Window{*first, *last, "campaign " + quote_name(c.spec.name)};
      }
      for (auto& s : campaign_sessions_[i]) {
        s.spec.campaign = c.spec.name;
        if (!s.table->contains("segments")) s.spec.segments = c.spec.segments;  // a campaign's sessions reach its donors
        check_session(s, window, &c);
      }
    }
  }

  // A surge's window lies in the simulated period; its areas exist.
  void check_surges() {
    for (const auto& s : surges_) {
      check_campaign_areas(s);
      const auto first = dated(s, "start", period_), last = dated(s, "end", period_);
      if (first && last && *last < *first) {
        issues_.at(s.node("end"), s.path + ".end",
                   "expected end >= start (" + blood::iso_date(*first) + "), got " + blood::iso_date(*last));
      }
    }
  }

  template <class S>
  void check_campaign_areas(const Located<S>& c) {
    const auto* areas = c.table->template get_as<toml::array>("areas");
    for (std::size_t k = 0; areas && k < areas->size(); ++k) {
      const auto* name = areas->get(k)->as_string();
      if (name && !area_index_.contains(name->get())) {
        issues_.at(name, indexed(c.path + ".areas", k),
                   "unknown area " + quote_name(name->get()) + "; expected the name of an [[area]]" +
                       did_you_mean(name->get(), known_names(areas_)));
      }
    }
  }

  void check_turnout() {
    const auto& t = scenario_.turnout;
    if (t.regular_after_donations < t.repeat_after_donations) {
      const toml::node* regular = root_.at_path("turnout.regular_after_donations").node();
      issues_.at(regular ? regular : root_.at_path("turnout.repeat_after_donations").node(),
                 "turnout.regular_after_donations",
                 "expected regular_after_donations >= repeat_after_donations (" +
                     std::to_string(t.repeat_after_donations) + "), got " + std::to_string(t.regular_after_donations));
    }
  }

  // -- whole-scenario checks the model relies on ---------------------------

  void check_has_areas() {
    if (!areas_.empty()) return;
    const toml::node* area = root_.get("area");
    if (!area) {
      issues_.at(&root_, "area", "expected at least one [[area]]: a scenario without areas has no donors and no demand");
    } else if (const toml::array* list = area->as_array(); list && list->empty()) {
      issues_.at(area, "area", "expected at least one [[area]], got an empty array");
    }  // anything else there is reported by the schema walk
  }

  void check_rebalancing() {
    const auto& r = scenario_.policy.rebalancing;
    if (!r.enabled || r.short_days <= r.surplus_days) return;
    const toml::node* node = root_.at_path("policy.rebalancing.short_days").node();
    issues_.at(node ? node : root_.at_path("policy.rebalancing").node(), "policy.rebalancing.short_days",
               "expected short_days <= surplus_days (" + show(r.surplus_days) + "), got " + show(r.short_days));
  }

  // Refuses, with the estimate and the limit, donor pools that would not fit
  // in memory, at the leaf area holding the most known donors.
  void check_donor_pool_memory() {
    if (limits_.donor_pool_bytes == 0 || areas_.empty()) return;
    std::vector<bool> has_child(areas_.size(), false);
    for (std::size_t i = 0; i < areas_.size(); ++i) {
      if (const auto p = parent_of(i)) has_child[*p] = true;
    }
    double donors = 0;  // a double: 2e9 areas of 2e9 people overflow nothing
    std::size_t largest = 0;
    double largest_donors = -1;
    for (std::size_t i = 0; i < areas_.size(); ++i) {
      if (has_child[i]) continue;
      const auto known = static_cast<double>(blood::known_donors_at_start(areas_[i].spec));
      donors += known;
      if (known > largest_donors) {
        largest_donors = known;
        largest = i;
      }
    }
    const double copies = static_cast<double>(std::max<std::uint64_t>(1, limits_.concurrent_replications));
    const double bytes = donors * static_cast<double>(blood::kBytesPerKnownDonor) * copies;
    if (bytes <= static_cast<double>(limits_.donor_pool_bytes)) return;
    const auto gb = [](double b) { return show(std::round(b / 1e8) / 10) + " GB"; };
    const Located<AreaSpec>& a = areas_[largest];
    const char* key = a.table->contains("known_donor_share") ? "known_donor_share" : "population";
    issues_.at(a.node(key), join(a.path, key),
               "the donor pools would take about " + gb(bytes) + " of memory at the start (" + show(donors) +
                   " known donors x " + std::to_string(blood::kBytesPerKnownDonor) + " bytes" +
                   (copies > 1 ? " x " + show(copies) + " replications at once" : std::string()) + "; this area " +
                   show(largest_donors) + "); the limit is " + gb(static_cast<double>(limits_.donor_pool_bytes)) +
                   (limits_.how_to_raise.empty() ? std::string() : " (" + limits_.how_to_raise + ")"));
  }

  // A push below the cap: otherwise the centre would call more donors while
  // turning them away.
  void check_collection() {
    const auto& c = scenario_.collection;
    if (c.intake_cap_days > 0 && c.push_below_days > 0 && c.push_below_days >= c.intake_cap_days) {
      const toml::node* push = root_.at_path("collection.push_below_days").node();
      issues_.at(push, "collection.push_below_days",
                 "expected push_below_days < intake_cap_days (" + show(c.intake_cap_days) + "), got " +
                     show(c.push_below_days));
    }
  }

  // -- result ---------------------------------------------------------------

  template <class S>
  static std::vector<S> specs(std::vector<Located<S>>& entries) {
    std::vector<S> out;
    out.reserve(entries.size());
    for (auto& e : entries) out.push_back(std::move(e.spec));
    return out;
  }

  blood::Scenario assemble() {
    scenario_.areas = specs(areas_);
    scenario_.centres = specs(centres_);
    scenario_.hospitals = specs(hospitals_);
    scenario_.links = specs(links_);
    scenario_.sessions = specs(sessions_);
    for (std::size_t i = 0; i < campaigns_.size(); ++i) campaigns_[i].spec.sessions = specs(campaign_sessions_[i]);
    scenario_.campaigns = specs(campaigns_);
    scenario_.demand.surges = specs(surges_);
    return std::move(scenario_);
  }

  static constexpr std::string_view kExternal = "external";

  const toml::table& root_;
  Issues& issues_;
  LoadLimits limits_;
  blood::Scenario scenario_;
  std::optional<Window> period_;
  std::vector<Located<AreaSpec>> areas_;
  std::vector<Located<CentreSpec>> centres_;
  std::vector<Located<HospitalSpec>> hospitals_;
  std::vector<Located<LinkSpec>> links_;
  std::vector<Located<SessionSpec>> sessions_;
  std::vector<Located<CampaignSpec>> campaigns_;
  std::vector<std::vector<Located<SessionSpec>>> campaign_sessions_;  // parallel to campaigns_
  std::vector<Located<blood::DemandSurgeSpec>> surges_;
  std::unordered_map<std::string, std::size_t> area_index_, centre_index_, hospital_index_;
  std::vector<bool> in_cycle_;
  static constexpr std::size_t kUnnumbered = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> enter_, leave_;  // depth-first numbers of the area forest
};

// ---------------------------------------------------------------------------
// 6. Files, pre-parse guards and overlays

constexpr std::size_t kMaxExtendsDepth = 32;
// toml++ builds dotted keys and table headers recursively; a few hundred
// thousand parts overflow the stack, so deeper keys are refused before parsing.
constexpr int kMaxKeyParts = 64;
// Overlay merging recurses into tables; deeper ones (never valid) are replaced whole.
constexpr int kMaxMergeDepth = 16;

struct TextPosition {
  int line;
  int column;
};

// Line and column (in code points) of byte `offset`.
TextPosition position_of(std::string_view text, std::size_t offset) {
  TextPosition p{1, 1};
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      p = {p.line + 1, 1};
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++p.column;
    }
  }
  return p;
}

// Offset of the first byte that is not part of a valid UTF-8 sequence.
std::optional<std::size_t> invalid_utf8(std::string_view text) {
  const auto byte = [&](std::size_t i) { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0u; };
  for (std::size_t i = 0; i < text.size();) {
    const unsigned c = byte(i);
    std::size_t length = 0;
    unsigned low = 0x80, high = 0xBF;  // allowed range of the second byte
    if (c < 0x80)
      length = 1;
    else if (c >= 0xC2 && c <= 0xDF)
      length = 2;
    else if (c >= 0xE0 && c <= 0xEF)
      length = 3, low = c == 0xE0 ? 0xA0 : 0x80, high = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4)
      length = 4, low = c == 0xF0 ? 0x90 : 0x80, high = c == 0xF4 ? 0x8F : 0xBF;
    else
      return i;
    for (std::size_t k = 1; k < length; ++k) {
      const unsigned b = byte(i + k);
      if (b < (k == 1 ? low : 0x80u) || b > (k == 1 ? high : 0xBFu)) return i;
    }
    i += length;
  }
  return std::nullopt;
}

// Index just past the string starting at `i` (or the end of its line when
// unterminated: the parser reports that).
std::size_t skip_string(std::string_view text, std::size_t i) {
  const char quote = text[i];
  const bool multi = text.substr(i, 3) == std::string(3, quote);
  const bool escapes = quote == '"';
  for (std::size_t k = i + (multi ? 3 : 1); k < text.size(); ++k) {
    if (escapes && text[k] == '\\') {
      ++k;
    } else if (!multi && text[k] == '\n') {
      return k;
    } else if (text[k] == quote && (!multi || text.substr(k, 3) == std::string(3, quote))) {
      return k + (multi ? 3 : 1);
    }
  }
  return text.size();
}

bool bare_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// Offset of the first dotted key (a.b.c, "a"."b") with more than kMaxKeyParts
// parts, outside strings and comments.
std::optional<std::size_t> too_deep_key(std::string_view text) {
  int parts = 0;
  bool after_dot = false;
  const auto part = [&]() {
    parts = after_dot ? parts + 1 : 1;
    after_dot = false;
    return parts > kMaxKeyParts;
  };
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const std::size_t start = i;
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      i = skip_string(text, i);
      if (part()) return start;
      continue;
    } else if (bare_key_char(c)) {
      while (i < text.size() && bare_key_char(text[i])) ++i;
      if (part()) return start;
      continue;
    } else if (c == '.' && parts > 0 && !after_dot) {
      after_dot = true;
      ++i;
      continue;
    } else if (c == ' ' || c == '\t') {
      ++i;
      continue;
    }
    parts = 0;
    after_dot = false;
    i = std::max(i, start + 1);
  }
  return std::nullopt;
}

std::string size_limit_text() { return "the limit is " + std::to_string(kMaxScenarioFileBytes) + " bytes (16 MiB)"; }

// Guards that keep the parser away from inputs it handles badly.
bool plausible_text(std::string_view text, const std::string& label, Issues& issues) {
  if (text.size() > kMaxScenarioFileBytes) {
    issues.in_file(label, 1, 1, "file is " + std::to_string(text.size()) + " bytes; " + size_limit_text());
    return false;
  }
  if (const auto bad = invalid_utf8(text)) {
    const auto p = position_of(text, *bad);
    std::ostringstream byte;
    byte << "0x" << std::hex << std::uppercase << static_cast<unsigned>(static_cast<unsigned char>(text[*bad]));
    issues.in_file(label, p.line, p.column, "not UTF-8 text (a binary file?): invalid byte " + byte.str());
    return false;
  }
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    const auto p = position_of(text, nul);
    issues.in_file(label, p.line, p.column, "a NUL byte: this is a binary file, not TOML text");
    return false;
  }
  if (const auto deep = too_deep_key(text)) {
    const auto p = position_of(text, *deep);
    issues.in_file(label, p.line, p.column,
                   "key nested too deeply: at most " + std::to_string(kMaxKeyParts) + " dotted parts are allowed");
    return false;
  }
  return true;
}

std::optional<std::string> read_file(const fs::path& path, std::string& problem) {
  const std::string name = path.string();
  std::error_code error;
  const auto status = fs::status(path, error);
  if (error || !fs::exists(status)) {
    problem = "cannot read " + name + ": no such file";
    return std::nullopt;
  }
  if (!fs::is_regular_file(status)) {
    problem = "cannot read " + name + (fs::is_directory(status) ? ": it is a directory" : ": not a regular file");
    return std::nullopt;
  }
  const auto size = fs::file_size(path, error);
  if (!error && size > kMaxScenarioFileBytes) {
    problem = name + " is " + std::to_string(size) + " bytes; " + size_limit_text();
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problem = "cannot read " + name + ": permission denied";
    return std::nullopt;
  }
  // Reads in chunks, stopping past the limit in case the file grew since file_size.
  std::string text;
  text.reserve(error ? 0 : static_cast<std::size_t>(size));
  std::array<char, 1 << 16> chunk{};
  while (in && text.size() <= kMaxScenarioFileBytes) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    text.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) {
    problem = "cannot read " + name + ": I/O error";
    return std::nullopt;
  }
  return text;
}

// -- merging ------------------------------------------------------------------

// Where arrays of tables are merged by `name` rather than replaced.
enum class Scope { Root, Campaign, Demand, Plain };

bool named_array(Scope scope, std::string_view key) {
  if (scope == Scope::Root)
    return key == "area" || key == "centre" || key == "hospital" || key == "session" || key == "campaign";
  if (scope == Scope::Demand) return key == "surge";
  return scope == Scope::Campaign && key == "session";
}

class Merger {
 public:
  explicit Merger(Issues& issues) : issues_(issues) {}

  // Moves `overlay` into `base`, so that every node keeps the source of the
  // file that gave it.
  void merge_table(toml::table& base, toml::table& overlay, Scope scope, const std::string& path, int depth) {
    for (auto&& [key, value] : overlay) {
      if (scope == Scope::Root && key.str() == "extends") continue;
      const std::string key_path = join(path, key.str());
      toml::node* existing = base.get(key.str());
      if (named_array(scope, key.str()) && value.is_array() && (!existing || existing->is_array())) {
        if (!existing) existing = &adopt_empty(base, key, *value.as_array());
        const Scope inner = scope == Scope::Root && key.str() == "campaign" ? Scope::Campaign : Scope::Plain;
        merge_named(*existing->as_array(), *value.as_array(), inner, key_path);
      } else if (existing && existing->is_table() && value.is_table() && depth < kMaxMergeDepth) {
        const Scope inner = scope == Scope::Root && key.str() == "demand" ? Scope::Demand : Scope::Plain;
        merge_table(*existing->as_table(), *value.as_table(), inner, key_path, depth + 1);
      } else {
        base.erase(key.str());  // so that the key, too, comes from the overlay
        base.insert(key, std::move(value));
      }
    }
  }

 private:
  // Puts an empty array with the source of `incoming` under `key`, keeping
  // the entries in `incoming` for merge_named.
  static toml::node& adopt_empty(toml::table& base, const toml::key& key, toml::array& incoming) {
    toml::array entries;
    for (toml::node& e : incoming) entries.push_back(std::move(e));
    incoming.clear();
    base.insert(key, std::move(incoming));
    incoming = std::move(entries);
    return *base.get(key.str());
  }

  // Entries with a known name update it, new names are appended, `remove =
  // true` deletes. Entries without a name are appended (and reported later).
  // Names are looked up in a hash map: a file may hold a great many entries.
  void merge_named(toml::array& base, toml::array& overlay, Scope inner, const std::string& path) {
    std::unordered_map<std::string, toml::table*> by_name;
    for (toml::node& e : base) {
      auto* table = e.as_table();
      const auto* name = table ? table->get_as<std::string>("name") : nullptr;
      if (name) by_name.emplace(name->get(), table);
    }
    std::unordered_map<std::string, const toml::node*> seen;  // names given in this file
    std::unordered_set<const toml::node*> removed;
    for (std::size_t i = 0; i < overlay.size(); ++i) {
      toml::node& entry = *overlay.get(i);
      toml::table* table = entry.as_table();
      const auto* name_node = table ? table->get_as<std::string>("name") : nullptr;
      if (!name_node) {
        base.push_back(std::move(entry));
        continue;
      }
      const std::string name = name_node->get();
      const std::string entry_path = indexed(path, i);
      if (const auto [it, fresh] = seen.emplace(name, name_node); !fresh) {
        issues_.at(name_node, entry_path + ".name",
                   "duplicate name " + quote_name(name) + " in this file (first at " + where_text(*it->second) + ")");
        continue;
      }
      const auto found = by_name.find(name);
      toml::table* target = found == by_name.end() ? nullptr : found->second;
      if (take_remove_flag(*table, entry_path, target != nullptr)) {
        if (target) removed.insert(target);
      } else if (target) {
        merge_table(*target, *table, inner, entry_path, 1);
      } else {
        base.push_back(std::move(*table));
      }
    }
    if (!removed.empty()) drop(base, removed);
  }

  // Removes the given entries in one pass (keeping the array's own source).
  static void drop(toml::array& array, const std::unordered_set<const toml::node*>& removed) {
    toml::array kept;
    for (toml::node& e : array) {
      if (!removed.contains(&e)) kept.push_back(std::move(e));
    }
    array.clear();
    for (toml::node& e : kept) array.push_back(std::move(e));
  }

  // Strips `remove` from an entry; true when it asks for deletion.
  bool take_remove_flag(toml::table& entry, const std::string& path, bool known) {
    const toml::node* flag = entry.get("remove");
    if (!flag) return false;
    bool remove = false;
    if (!flag->is_boolean()) {
      issues_.at(flag, path + ".remove", "expected a boolean (true deletes the entry), got " + type_name(*flag));
    } else if ((remove = flag->as_boolean()->get()) && !known) {
      issues_.at(flag, path + ".remove",
                 "no entry named " + quote_name(entry.get_as<std::string>("name")->get()) +
                     " to remove in the files this one extends");
    }
    entry.erase("remove");
    return remove;
  }

  Issues& issues_;
};

// Values made by prorating stand for the change that caused them in messages.
SamePlace same_place(Issues& issues) {
  return [&issues](const toml::node& made, const toml::node& cause) { issues.same_place(made, issues.source_of(cause)); };
}

// Loads a file and the chain of files it extends, merged base first.
class Loader {
 public:
  explicit Loader(Issues& issues) : issues_(issues) {}

  std::optional<toml::table> from_file(const fs::path& file, const toml::node* extends_node) {
    const std::string label = file.lexically_normal().string();
    const auto complain = [&](std::string message) {
      if (extends_node) return issues_.at(extends_node, "extends", std::move(message));
      issues_.in_file(label, 1, 1, std::move(message));
    };
    const fs::path identity = identity_of(file);
    if (const auto it = std::find(chain_.begin(), chain_.end(), identity); it != chain_.end()) {
      std::string cycle;
      for (auto k = it; k != chain_.end(); ++k) cycle += k->filename().string() + " -> ";
      complain("extends cycle: " + cycle + file.filename().string());
      return std::nullopt;
    }
    if (chain_.size() >= kMaxExtendsDepth) {
      complain("too many nested extends; the limit is " + std::to_string(kMaxExtendsDepth) + " files");
      return std::nullopt;
    }
    std::string problem;
    const auto text = read_file(file, problem);
    if (!text) {
      complain(problem);
      return std::nullopt;
    }
    return layer(*text, label, identity);
  }

  std::optional<toml::table> from_text(std::string_view text, const std::string& label) {
    return layer(text, label, identity_of(label));
  }

  std::vector<std::string> files;

 private:
  static fs::path identity_of(const fs::path& file) {
    std::error_code error;
    const fs::path canonical = fs::weakly_canonical(file, error);
    return error ? file.lexically_normal() : canonical;
  }

  std::optional<toml::table> layer(std::string_view text, const std::string& label, const fs::path& identity) {
    files.push_back(label);
    if (!plausible_text(text, label, issues_)) return std::nullopt;
    toml::table document;
    try {
      document = toml::parse(text, std::string(label));
    } catch (const toml::parse_error& error) {
      issues_.at(error.source(), "", "TOML syntax error: " + std::string(error.description()));
      return std::nullopt;
    }
    std::optional<toml::table> merged = toml::table{};
    if (const toml::node* extends = document.get("extends")) {
      const auto* base = extends->as_string();
      if (!base) {
        issues_.at(extends, "extends",
                   "expected a string (a file path relative to this file), got " + type_name(*extends));
        return std::nullopt;
      }
      chain_.push_back(identity);
      merged = from_file(fs::path(label).parent_path() / base->get(), extends);
      chain_.pop_back();
      if (!merged) return std::nullopt;
    }
    // Targets of drives and campaigns this layer shortens or lengthens are prorated (io/prorate.hpp).
    const toml::table before = prorating_snapshot(*merged);
    const auto given = targets_given(document);
    Merger(issues_).merge_table(*merged, document, Scope::Root, "", 0);
    prorate_targets(before, *merged, given, same_place(issues_));
    return merged;
  }

  Issues& issues_;
  std::vector<fs::path> chain_;  // files being loaded, outermost first
};

LoadedScenario finish(std::optional<toml::table> merged, std::vector<std::string> files, Issues& issues,
                      const LoadOptions& options) {
  // Without a document (unreadable file, syntax error, broken extends)
  // validation would only add noise; merge problems do not stop it.
  if (!merged) throw ScenarioError(issues.take());
  const CalendarReport report{
      [&](const toml::node* node, const std::string& path, std::string message) {
        issues.at(node, path, std::move(message));
      },
      [&](const toml::node& made, const toml::source_region& where) { issues.same_place(made, where); },
      [&](const toml::node& node) { return issues.source_of(node); }};
  const auto years = resolve_calendar(*merged, options.year, report);
  LoadedScenario out;
  out.scenario = ScenarioReader(*merged, issues, options.limits).read();
  if (years) {
    out.scenario.season.tet_first_year = years->first_year;
    out.scenario.season.tet_by_year = years->tet_by_year;
  }
  if (!issues.empty()) throw ScenarioError(issues.take());
  std::ostringstream resolved;
  resolved << *merged;
  out.resolved_toml = resolved.str();
  out.sha256 = sha256_hex(out.resolved_toml);
  out.files = std::move(files);
  return out;
}

std::string describe(const std::vector<ScenarioIssue>& issues) {
  std::string text;
  for (const auto& issue : issues) {
    if (!text.empty()) text += '\n';
    text += format_issue(issue);
  }
  return text;
}

}  // namespace

std::string format_issue(const ScenarioIssue& issue) {
  std::string text = issue.file + ":" + std::to_string(issue.line) + ":" + std::to_string(issue.column) + ": ";
  if (!issue.key_path.empty()) text += issue.key_path + ": ";
  return text + issue.message;
}

ScenarioError::ScenarioError(std::vector<ScenarioIssue> found)
    : std::runtime_error(describe(found)), issues(std::move(found)) {}

LoadedScenario load_scenario(const fs::path& file, const LoadOptions& options) {
  Issues issues(file.lexically_normal().string());
  Loader loader(issues);
  auto merged = loader.from_file(file, nullptr);
  if (merged && !options.overrides.empty()) {
    const toml::table before = prorating_snapshot(*merged);
    std::vector<ScenarioIssue> bad = apply_overrides(*merged, options.overrides);
    if (!bad.empty()) throw ScenarioError(std::move(bad));
    prorate_targets(before, *merged, targets_given(options.overrides, before), same_place(issues));
  }
  return finish(std::move(merged), std::move(loader.files), issues, options);
}

LoadedScenario load_scenario_text(std::string_view toml, const std::string& file_label, const LoadOptions& options) {
  Issues issues(file_label);
  Loader loader(issues);
  auto merged = loader.from_text(toml, file_label);
  return finish(std::move(merged), std::move(loader.files), issues, options);
}

}  // namespace giotmau::io
