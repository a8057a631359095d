#include "results/table_file.hpp"

#include <stdexcept>

#include "results/hdf5_handle.hpp"
#include "results/hdf5_writer.hpp"

namespace giotmau::results {

namespace {

void set_attribute(hid_t object, const std::string& name, const AttributeValue& value) {
  const Handle space = checked(H5Screate(H5S_SCALAR), H5Sclose, "creating a scalar dataspace");
  const auto write = [&](hid_t type, const void* data) {
    const Handle attribute = checked(H5Acreate2(object, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                                     H5Aclose, "creating attribute " + name);
    check(H5Awrite(attribute.get(), type, data), "writing attribute " + name);
  };
  if (const auto* text = std::get_if<std::string>(&value)) {
    const Handle type = make_vlen_utf8();
    const char* c = text->c_str();
    write(type.get(), &c);
  } else if (const auto* x = std::get_if<double>(&value)) {
    write(H5T_NATIVE_DOUBLE, x);
  } else if (const auto* u = std::get_if<std::uint64_t>(&value)) {
    write(H5T_NATIVE_UINT64, u);
  } else {
    write(H5T_NATIVE_INT64, &std::get<std::int64_t>(value));
  }
}

// A 1-D array of strings as an attribute (the column order).
void set_names(hid_t object, const char* name, const std::vector<std::string>& names) {
  std::vector<const char*> c;
  for (const std::string& n : names) c.push_back(n.c_str());
  const hsize_t n = c.size();
  const Handle type = make_vlen_utf8();
  const Handle space = checked(H5Screate_simple(1, &n, nullptr), H5Sclose, "creating a dataspace");
  const Handle attribute = checked(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                                   H5Aclose, std::string("creating attribute ") + name);
  check(H5Awrite(attribute.get(), type.get(), c.data()), std::string("writing attribute ") + name);
}

std::size_t length(const ColumnValues& v) {
  return std::visit([](const auto& values) { return values.size(); }, v);
}

void write_column(hid_t group, const TableColumn& column) {
  const hsize_t n = length(column.values);
  const Handle space = checked(H5Screate_simple(1, &n, nullptr), H5Sclose, "creating a dataspace");
  const auto write = [&](hid_t type, const void* data) {
    const Handle set = checked(H5Dcreate2(group, column.name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT,
                                          H5P_DEFAULT),
                               H5Dclose, "creating dataset " + column.name);
    if (n > 0) check(H5Dwrite(set.get(), type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), "writing " + column.name);
  };
  if (const auto* x = std::get_if<std::vector<double>>(&column.values)) {
    write(H5T_NATIVE_DOUBLE, x->data());
  } else if (const auto* i = std::get_if<std::vector<std::int64_t>>(&column.values)) {
    write(H5T_NATIVE_INT64, i->data());
  } else {
    std::vector<const char*> c;
    for (const std::string& s : std::get<std::vector<std::string>>(column.values)) c.push_back(s.c_str());
    const Handle type = make_vlen_utf8();
    write(type.get(), c.data());
  }
}

void write_table(hid_t file, const Table& table) {
  std::vector<std::string> names;
  for (const TableColumn& c : table.columns) {
    if (length(c.values) != length(table.columns.front().values)) {
      throw std::invalid_argument("table " + table.name + ": column " + c.name + " has another length");
    }
    names.push_back(c.name);
  }
  const Handle group = checked(H5Gcreate2(file, table.name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                               "creating group " + table.name);
  set_attribute(group.get(), "description", table.description);
  set_names(group.get(), "columns", names);
  for (const TableColumn& c : table.columns) write_column(group.get(), c);
}

}  // namespace

void write_table_file(const std::filesystem::path& path, const std::vector<Attribute>& attributes,
                      const std::vector<Table>& tables, bool force) {
  write_atomically(path, force, [&](const std::filesystem::path& file_path) {
    const QuietHdf5Errors quiet;
    Handle file = checked(H5Fcreate(file_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                          "creating " + file_path.string());
    for (const Attribute& a : attributes) set_attribute(file.get(), a.name, a.value);
    for (const Table& t : tables) write_table(file.get(), t);
    file.close("closing " + file_path.string());  // HDF5 writes its last metadata here: errors must show
  });
}

}  // namespace giotmau::results
