#include "io/names.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <utility>

namespace giotmau::io {

namespace {

// Vietnamese letters with diacritics, lower and upper case, by base letter.
constexpr std::array<std::pair<char, std::string_view>, 7> kFolds = {{
    {'a', "àáảãạăằắẳẵặâầấẩẫậÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬ"},
    {'d', "đĐ"},
    {'e', "èéẻẽẹêềếểễệÈÉẺẼẸÊỀẾỂỄỆ"},
    {'i', "ìíỉĩịÌÍỈĨỊ"},
    {'o', "òóỏõọôồốổỗộơờớởỡợÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢ"},
    {'u', "ùúủũụưừứửữựÙÚỦŨỤƯỪỨỬỮỰ"},
    {'y', "ỳýỷỹỵỲÝỶỸỴ"},
}};

// The UTF-8 sequence starting at s[i] (1 to 4 bytes).
std::size_t sequence_length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

char fold_letter(std::string_view letter) {
  for (const auto& [base, letters] : kFolds) {
    for (std::size_t i = 0; i < letters.size();) {
      const std::size_t n = sequence_length(static_cast<unsigned char>(letters[i]));
      if (letters.substr(i, n) == letter) return base;
      i += n;
    }
  }
  return 0;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string quoted(const std::string& s) { return "'" + s + "'"; }

}  // namespace

std::string fold_name(std::string_view name) {
  std::string out;
  for (std::size_t i = 0; i < name.size();) {
    const std::size_t n = std::min(sequence_length(static_cast<unsigned char>(name[i])), name.size() - i);
    const std::string_view letter = name.substr(i, n);
    i += n;
    if (n == 1) {
      const char c = letter[0];
      if (c == ' ' || c == '_' || c == '-') {
        if (!out.empty() && out.back() != '-') out += '-';
      } else {
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
      }
    } else if (const char base = fold_letter(letter)) {
      out += base;
    } else {
      out += letter;  // a letter outside Vietnamese: kept as it is
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

std::vector<std::string> closest_names(std::string_view wanted, const std::vector<KnownName>& known,
                                       std::size_t count) {
  const std::string folded = fold_name(wanted);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const KnownName& k : known) {
    std::size_t best = std::numeric_limits<std::size_t>::max();
    for (const std::string* form : {&k.name, &k.display_name}) {
      if (form->empty()) continue;
      const std::string f = fold_name(*form);
      std::size_t d = edit_distance(folded, f);
      // A name that starts with what was typed ("ha" for "ha-noi") is close too.
      if (folded.size() >= 3 && f.rfind(folded, 0) == 0) d = std::min<std::size_t>(d, 1);
      best = std::min(best, d);
    }
    const std::size_t limit = std::max<std::size_t>(2, folded.size() / 3);
    if (best <= limit) scored.emplace_back(best, k.name);
  }
  std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<std::string> names;
  for (std::size_t i = 0; i < scored.size() && i < count; ++i) names.push_back(scored[i].second);
  return names;
}

std::string did_you_mean(std::string_view wanted, const std::vector<KnownName>& known) {
  const std::vector<std::string> names = closest_names(wanted, known);
  if (names.empty()) return "";
  std::string s = "; did you mean " + quoted(names[0]);
  for (std::size_t i = 1; i < names.size(); ++i) s += (i + 1 == names.size() ? " or " : ", ") + quoted(names[i]);
  return s + "?";
}

std::string resolve_name(std::string_view wanted, const std::vector<KnownName>& known) {
  const std::string folded = fold_name(wanted);
  for (const KnownName& k : known) {
    if (k.name == wanted) return k.name;
  }
  for (const KnownName& k : known) {
    if (fold_name(k.name) == folded || (!k.display_name.empty() && fold_name(k.display_name) == folded)) return k.name;
  }
  return "";
}

}  // namespace giotmau::io
