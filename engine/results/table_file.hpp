#pragma once
// Small tables (a collection plan, a sensitivity sweep) as HDF5: each table a
// group holding one 1-D dataset per column, in the group's `columns`
// attribute order, so that every reader gets text as text:
//
//   with h5py.File("plan.h5") as f:
//       g = f["plan"]
//       df = pandas.DataFrame({c: g[c].asstr()[:] if g[c].dtype.kind == "O" else g[c][:]
//                              for c in g.attrs["columns"]})
//
// Strings are variable-length UTF-8; numbers float64 (NaN where none) or
// int64. Written through write_atomically: a temporary file renamed into
// place when complete; an existing file is kept unless `force`.
#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

namespace giotmau::results {

using ColumnValues = std::variant<std::vector<double>, std::vector<std::int64_t>, std::vector<std::string>>;

struct TableColumn {
  std::string name;
  ColumnValues values;
};

struct Table {
  std::string name;         // the group's name, e.g. "plan"
  std::string description;  // its `description` attribute
  std::vector<TableColumn> columns;  // all of the same length
};

using AttributeValue = std::variant<std::string, double, std::int64_t, std::uint64_t>;
struct Attribute {
  std::string name;
  AttributeValue value;
};

// Writes `tables` and the root attributes to `path`. Throws
// std::invalid_argument for columns of unequal length or an existing file
// without `force`, std::runtime_error when HDF5 fails.
void write_table_file(const std::filesystem::path& path, const std::vector<Attribute>& attributes,
                      const std::vector<Table>& tables, bool force);

}  // namespace giotmau::results
