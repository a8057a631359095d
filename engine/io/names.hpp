#pragma once
// Names as people type them: "Hà Nội", "ha noi", "HA-NOI" are one name.
#include <string>
#include <string_view>
#include <vector>

namespace giotmau::io {

// Lower case, Vietnamese diacritics dropped (đ -> d), spaces and '_' made
// '-': the form names are compared in.
std::string fold_name(std::string_view name);

// A name and the one people read (empty when the same).
struct KnownName {
  std::string name;
  std::string display_name;
};

// The names closest to `wanted` (edit distance of the folded forms, to the
// name or its display name), at most `count`, nearest first; none when
// nothing is close (a third of the word or more would have to change).
std::vector<std::string> closest_names(std::string_view wanted, const std::vector<KnownName>& known,
                                       std::size_t count = 3);

// "; did you mean 'ha-noi'?" or "; did you mean 'hue' or 'ha-noi'?"; empty
// when nothing is close.
std::string did_you_mean(std::string_view wanted, const std::vector<KnownName>& known);

// The known name `wanted` stands for (its name, or its display name, folded
// alike); empty when none.
std::string resolve_name(std::string_view wanted, const std::vector<KnownName>& known);

}  // namespace giotmau::io
