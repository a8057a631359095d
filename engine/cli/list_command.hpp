#pragma once
// `giotmau list SCENARIO [areas|centres|hospitals|sessions|campaigns] [NAME]`.
#include <string>

namespace giotmau::cli {

struct ListArguments {
  std::string scenario;
  std::string what = "areas";  // areas | centres | hospitals | sessions | campaigns
  std::string name;            // only this one (its name or display name; case and diacritics ignored)
};

// Prints what the scenario contains, one table. Throws std::invalid_argument
// (exit 2) for an unknown NAME, with the closest names.
int list_command(const ListArguments& args);

}  // namespace giotmau::cli
