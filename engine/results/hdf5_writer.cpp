#include "results/hdf5_writer.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <ctime>
#include <limits>
#include <optional>
#include <span>
#include <stdexcept>
#include <string_view>
#include <system_error>
#include <utility>
#include <type_traits>

#include "blood/kpi.hpp"
#include "results/destination.hpp"
#include "results/hdf5_handle.hpp"
#include "results/interrupt.hpp"

namespace giotmau::results {

namespace {

using blood::RunResult;
using blood::World;
namespace fs = std::filesystem;

constexpr unsigned kDeflateLevel = 4;
constexpr hsize_t kTableChunkRows = 4096;
constexpr hsize_t kMaxChunkDays = 4 * 365 + 1;

// Daily variables: what each measure means (netCDF long_name) and whether it
// is a flow over the day (sum over dates to aggregate) or a stock at the end
// of the day (do not). Order as blood::kMeasureNames.
struct MeasureInfo {
  const char* long_name;
  bool stock;
};
constexpr std::array<MeasureInfo, blood::kMeasureCount> kMeasureInfo = {{
    {"components made from donations or delivered by an external supplier", false},
    {"new hospital requests, by patient group", false},
    {"units issued to patients (exact and substituted), by unit group", false},
    {"units issued to a patient of another compatible group, by unit group", false},
    {"requests lost unmet, by patient group", false},
    {"components of donations that failed testing", false},
    {"units that expired in stock", false},
    {"units ordered by hospitals and centres", false},
    {"stock at the end of the day", true},
    {"units shipped by sites of this area and not yet arrived at the end of the day", true},
    {"units arrived by shipment from another site", false},
    {"units sent by shipment to another site", false},
    {"sum over the units issued of their age at issue in days (unit-days)", false},
}};

// ---------------------------------------------------------------- handles

Handle make_plist(hid_t cls) { return checked(H5Pcreate(cls), H5Pclose, "creating a property list"); }

Handle make_space(std::span<const hsize_t> dims, std::span<const hsize_t> max_dims = {}) {
  return checked(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max_dims.empty() ? nullptr : max_dims.data()),
                 H5Sclose, "creating a dataspace");
}

Handle make_scalar_space() { return checked(H5Screate(H5S_SCALAR), H5Sclose, "creating a scalar dataspace"); }

// netCDF-4 readers expect the order in which links and attributes were
// created to be tracked and indexed (it is their definition order).
Handle group_creation_plist() {
  Handle plist = make_plist(H5P_GROUP_CREATE);
  check(H5Pset_link_creation_order(plist.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "tracking link order");
  check(H5Pset_attr_creation_order(plist.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "tracking attribute order");
  return plist;
}

Handle create_file(const fs::path& file) {
  Handle fcpl = make_plist(H5P_FILE_CREATE);
  check(H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "tracking link order");
  check(H5Pset_attr_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "tracking attribute order");
  Handle fapl = make_plist(H5P_FILE_ACCESS);
  // The 1.8 file format, as netCDF-C writes it: readable by every HDF5 >= 1.8.
  check(H5Pset_libver_bounds(fapl.get(), H5F_LIBVER_V18, H5F_LIBVER_V18), "setting the file format version");
  // Closing the file closes whatever is still open in it: on an error path
  // the temporary file is then really closed before it is removed.
  check(H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG), "setting the close degree");
  return checked(H5Fcreate(file.c_str(), H5F_ACC_TRUNC, fcpl.get(), fapl.get()), H5Fclose,
                 "creating " + file.string());
}

Handle create_group(hid_t parent, const char* name) {
  Handle gcpl = group_creation_plist();
  return checked(H5Gcreate2(parent, name, H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose,
                 std::string("creating group ") + name);
}

constexpr std::size_t kMaxChunkCacheBytes = 256u << 20;  // per open dataset; released when it closes

// Bytes of one replication of a dataset whose axis 0 is the replication.
std::size_t replication_bytes(hid_t type, hid_t space) {
  std::vector<hsize_t> dims(static_cast<std::size_t>(std::max(H5Sget_simple_extent_ndims(space), 0)));
  if (!dims.empty()) H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  std::size_t bytes = H5Tget_size(type);
  for (std::size_t i = 1; i < dims.size(); ++i) bytes *= static_cast<std::size_t>(dims[i]);
  return bytes;
}

// A dataset; chunked, shuffled and deflated when `chunk` is given.
Handle create_dataset(hid_t parent, const char* name, hid_t type, hid_t space, std::span<const hsize_t> chunk = {}) {
  Handle dcpl = make_plist(H5P_DATASET_CREATE);
  check(H5Pset_attr_creation_order(dcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "tracking attribute order");
  // Every element is written; filling first would write numbers twice
  // (HDF5 insists on a fill value for types holding variable-length strings).
  const H5T_class_t type_class = H5Tget_class(type);
  if (type_class == H5T_INTEGER || type_class == H5T_FLOAT) {
    check(H5Pset_fill_time(dcpl.get(), H5D_FILL_TIME_NEVER), "disabling fill");
  }
  if (!chunk.empty()) {
    check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "setting chunk shape");
    check(H5Pset_shuffle(dcpl.get()), "adding the shuffle filter");
    check(H5Pset_deflate(dcpl.get(), kDeflateLevel), "adding the deflate filter");
  }
  // Each write covers a whole replication, day-major across every area's
  // chunk: a cache that holds all of one replication's chunks lets HDF5
  // compress each chunk once instead of evicting and recompressing it. No
  // more than that: fully written chunks are evicted first (w0 = 1), so the
  // cache, and the process, stay at one replication's worth whatever -n.
  Handle dapl = make_plist(H5P_DATASET_ACCESS);
  if (!chunk.empty()) {
    const std::size_t one = replication_bytes(type, space);
    const std::size_t bytes = std::clamp<std::size_t>(one + one / 8, std::size_t{1} << 20, kMaxChunkCacheBytes);
    check(H5Pset_chunk_cache(dapl.get(), 12'421, bytes, 1.0), "sizing the chunk cache");
  }
  return checked(H5Dcreate2(parent, name, type, space, H5P_DEFAULT, dcpl.get(), dapl.get()), H5Dclose,
                 std::string("creating dataset ") + name);
}

// ---------------------------------------------------------------- attributes

void set_attribute(hid_t object, const char* name, hid_t file_type, hid_t memory_type, const void* value) {
  Handle space = make_scalar_space();
  Handle attribute = checked(H5Acreate2(object, name, file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                             std::string("creating attribute ") + name);
  check(H5Awrite(attribute.get(), memory_type, value), std::string("writing attribute ") + name);
}

// Variable-length UTF-8: h5py and xarray read these as str (not bytes).
void set_string(hid_t object, const char* name, const std::string& value) {
  Handle type = make_vlen_utf8();
  const char* text = value.c_str();
  set_attribute(object, name, type.get(), type.get(), &text);
}

void set_int32(hid_t object, const char* name, std::int32_t value) {
  set_attribute(object, name, H5T_STD_I32LE, H5T_NATIVE_INT32, &value);
}

void set_uint64(hid_t object, const char* name, std::uint64_t value) {
  set_attribute(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}

// ---------------------------------------------------------------- plain datasets

void write_all(hid_t dataset, hid_t memory_type, const void* data, const char* name) {
  check(H5Dwrite(dataset, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), std::string("writing ") + name);
}

Handle write_strings(hid_t parent, const char* name, const std::vector<std::string>& values) {
  Handle type = make_vlen_utf8();
  const std::array<hsize_t, 1> dims{values.size()};
  Handle space = make_space(dims);
  Handle dataset = create_dataset(parent, name, type.get(), space.get());
  std::vector<const char*> pointers;
  for (const std::string& v : values) pointers.push_back(v.c_str());
  if (!values.empty()) write_all(dataset.get(), type.get(), pointers.data(), name);
  return dataset;
}

template <typename T>
Handle write_numbers(hid_t parent, const char* name, hid_t file_type, hid_t memory_type, const std::vector<T>& values) {
  const std::array<hsize_t, 1> dims{values.size()};
  Handle space = make_space(dims);
  Handle dataset = create_dataset(parent, name, file_type, space.get());
  if (!values.empty()) write_all(dataset.get(), memory_type, values.data(), name);
  return dataset;
}

void write_scenario(hid_t file, const std::string& toml) {
  Handle type = make_vlen_utf8();
  Handle space = make_scalar_space();
  Handle dataset = create_dataset(file, "scenario", type.get(), space.get());
  const char* text = toml.c_str();
  write_all(dataset.get(), type.get(), &text, "scenario");
  set_string(dataset.get(), "long_name", "resolved scenario (TOML)");
}

// ---------------------------------------------------------------- root attributes

std::string utc_now_iso() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

void write_root_attributes(hid_t file, const World& world, std::size_t replications, const ResultsMetadata& meta) {
  set_string(file, "giotmau_version", meta.giotmau_version);
  set_string(file, "git_commit", meta.git_commit);
  set_string(file, "scenario_sha256", meta.scenario_sha256);
  set_uint64(file, "seed", meta.seed);
  set_int32(file, "replications", static_cast<std::int32_t>(replications));
  set_string(file, "start_date", blood::iso_date(world.first_day));
  set_string(file, "end_date", blood::iso_date(world.first_day + world.days - 1));
  set_string(file, "tick_unit", "minute");
  set_string(file, "created_utc", utc_now_iso());
}

// ---------------------------------------------------------------- /daily

// The dimension scales of /daily, in dimension order. They live inside the
// group (not in a shared /dims group) because netCDF-4 readers (h5netcdf,
// netCDF-C) only resolve a variable's dimensions in its own group and the
// groups above it.
struct Scales {
  Handle replication, date, area, group, product;
};

void make_scale(hid_t dataset, const char* name, std::int32_t netcdf_dimid) {
  check(H5DSset_scale(dataset, name), std::string("making ") + name + " a dimension scale");
  // netCDF-C numbers dimensions by this attribute (h5netcdf writes it too).
  set_int32(dataset, "_Netcdf4Dimid", netcdf_dimid);
}

std::vector<std::string> labels(std::span<const std::string_view> names) {
  return {names.begin(), names.end()};
}

Scales write_scales(hid_t daily, const World& world, const std::vector<std::size_t>& replications) {
  Scales s;
  std::vector<std::int32_t> indices;
  for (const std::size_t r : replications) indices.push_back(static_cast<std::int32_t>(r));
  s.replication = write_numbers(daily, "replication", H5T_STD_I32LE, H5T_NATIVE_INT32, indices);
  make_scale(s.replication.get(), "replication", 0);
  set_string(s.replication.get(), "long_name", "replication index");

  // Numeric days with CF units, so that xarray decodes them to datetime64.
  std::vector<std::int32_t> offsets(static_cast<std::size_t>(world.days));
  for (int d = 0; d < world.days; ++d) offsets[static_cast<std::size_t>(d)] = d;
  s.date = write_numbers(daily, "date", H5T_STD_I32LE, H5T_NATIVE_INT32, offsets);
  make_scale(s.date.get(), "date", 1);
  set_string(s.date.get(), "long_name", "simulated day (local civil date, UTC+7)");
  set_string(s.date.get(), "units", "days since " + blood::iso_date(world.first_day));
  set_string(s.date.get(), "calendar", "proleptic_gregorian");

  s.area = write_strings(daily, "area", world.area_names);
  make_scale(s.area.get(), "area", 2);
  set_string(s.area.get(), "long_name", "area (region, province, district or ward)");

  s.group = write_strings(daily, "group", labels(blood::kGroupLabels));
  make_scale(s.group.get(), "group", 3);
  set_string(s.group.get(), "long_name", "ABO/RhD blood group");

  s.product = write_strings(daily, "product", labels(blood::kProductNames));
  make_scale(s.product.get(), "product", 4);
  set_string(s.product.get(), "long_name", "blood product");
  return s;
}

// Attaches one scale per axis, in order, and labels each axis with its
// scale's name too (netCDF readers go by the scales; h5py and HDFView show labels).
void attach(hid_t variable, std::initializer_list<hid_t> scales) {
  unsigned axis = 0;
  for (hid_t scale : scales) {
    check(H5DSattach_scale(variable, scale, axis), "attaching a dimension scale");
    char name[64] = {};
    check(static_cast<herr_t>(H5DSget_scale_name(scale, name, sizeof name)), "reading a dimension scale's name");
    check(H5DSset_label(variable, axis, name), "labelling an axis");
    ++axis;
  }
}

// Labels for dates and area parents: the same for every replication.
void write_fixed_coordinates(hid_t daily, const Scales& s, const World& world) {
  std::vector<std::string> iso(static_cast<std::size_t>(world.days));
  for (int d = 0; d < world.days; ++d) iso[static_cast<std::size_t>(d)] = blood::iso_date(world.first_day + d);
  Handle label = write_strings(daily, "date_label", iso);
  attach(label.get(), {s.date.get()});
  set_string(label.get(), "long_name", "simulated day as an ISO 8601 date");

  std::vector<std::int32_t> parents(world.area_parent.begin(), world.area_parent.end());
  Handle parent = write_numbers(daily, "area_parent", H5T_STD_I32LE, H5T_NATIVE_INT32, parents);
  attach(parent.get(), {s.area.get()});
  set_string(parent.get(), "long_name", "index along area of the enclosing area (-1: none)");
}

void describe(hid_t dataset, const char* units, const char* long_name, const char* cell_methods,
              const char* coordinates) {
  set_string(dataset, "units", units);
  set_string(dataset, "long_name", long_name);
  if (cell_methods != nullptr) set_string(dataset, "cell_methods", cell_methods);
  // CF: xarray makes these coordinates of the dataset rather than data variables.
  set_string(dataset, "coordinates", coordinates);
}

// The dataspace's dimensions.
std::vector<hsize_t> extent(hid_t dataset) {
  Handle space = checked(H5Dget_space(dataset), H5Sclose, "getting a dataspace");
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.get())));
  check(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr), "reading a dataspace's dimensions");
  return dims;
}

// The file's rows (cells along axis 0) first .. first + count - 1, and a
// memory space of their shape.
std::pair<Handle, Handle> select_rows(hid_t dataset, hsize_t first, hsize_t count, const char* name) {
  Handle file_space = checked(H5Dget_space(dataset), H5Sclose, "getting a dataspace");
  std::vector<hsize_t> dims = extent(dataset), start(dims.size(), 0);
  start[0] = first;
  dims[0] = count;
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, dims.data(), nullptr),
        std::string("selecting rows of ") + name);
  return {std::move(file_space), make_space(dims)};
}

// Writes `count` rows starting at `first`, from `data` in `memory_type`.
void write_rows(hid_t dataset, hid_t memory_type, hsize_t first, hsize_t count, const void* data, const char* name) {
  const auto [file_space, memory_space] = select_rows(dataset, first, count, name);
  check(H5Dwrite(dataset, memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, data),
        std::string("writing ") + name);
}

// Reads `count` rows starting at `first` into `data`, as `memory_type`.
void read_rows(hid_t dataset, hid_t memory_type, hsize_t first, hsize_t count, void* data, const char* name) {
  const auto [file_space, memory_space] = select_rows(dataset, first, count, name);
  check(H5Dread(dataset, memory_type, memory_space.get(), file_space.get(), H5P_DEFAULT, data),
        std::string("reading ") + name);
}

// ---------------------------------------------------------------- tables

// A compound type built member by member from a C struct's layout.
class Compound {
 public:
  explicit Compound(std::size_t size)
      : type_(checked(H5Tcreate(H5T_COMPOUND, size), H5Tclose, "creating a compound type")) {}
  Compound& add(const char* name, std::size_t offset, hid_t member_type) {
    check(H5Tinsert(type_.get(), name, offset, member_type), std::string("adding table column ") + name);
    return *this;
  }
  hid_t get() const noexcept { return type_.get(); }

 private:
  Handle type_;
};

// A 1-D table of `rows` rows, filled later: chunked (it may be empty, and
// tables compress well). Its rows are numbered by a dimension scale
// `row_scale` at the root (0, 1, ...), without which netCDF-4 readers refuse
// to open the root group.
Handle create_table(hid_t file, const char* name, const Compound& type, hsize_t rows, const char* row_scale,
                    std::int32_t netcdf_dimid, const char* long_name) {
  std::vector<std::int32_t> indices(rows);
  for (std::size_t i = 0; i < rows; ++i) indices[i] = static_cast<std::int32_t>(i);
  Handle scale = write_numbers(file, row_scale, H5T_STD_I32LE, H5T_NATIVE_INT32, indices);
  make_scale(scale.get(), row_scale, netcdf_dimid);

  const std::array<hsize_t, 1> dims{rows}, max_dims{H5S_UNLIMITED};
  const std::array<hsize_t, 1> chunk{std::clamp<hsize_t>(rows, 1, kTableChunkRows)};
  // Stored without the C struct's padding; HDF5 converts on write.
  Handle packed = checked(H5Tcopy(type.get()), H5Tclose, "copying a compound type");
  check(H5Tpack(packed.get()), "packing a compound type");
  Handle space = make_space(dims, max_dims);
  Handle dataset = create_dataset(file, name, packed.get(), space.get(), chunk);
  attach(dataset.get(), {scale.get()});
  set_string(dataset.get(), "long_name", long_name);
  return dataset;
}

struct AreaRow {
  const char* name;
  std::int32_t parent;
  std::int32_t depth;
  const char* display_name;
};

void write_areas(hid_t file, const World& world) {
  Handle text = make_vlen_utf8();
  Compound type(sizeof(AreaRow));
  type.add("name", offsetof(AreaRow, name), text.get())
      .add("parent", offsetof(AreaRow, parent), H5T_NATIVE_INT32)
      .add("depth", offsetof(AreaRow, depth), H5T_NATIVE_INT32)
      .add("display_name", offsetof(AreaRow, display_name), text.get());
  std::vector<AreaRow> rows;
  for (std::size_t a = 0; a < world.area_names.size(); ++a) {
    std::int32_t depth = 0;
    for (int up = world.area_parent[a]; up >= 0; up = world.area_parent[static_cast<std::size_t>(up)]) ++depth;
    rows.push_back({world.area_names[a].c_str(), world.area_parent[a], depth, world.area_label(a).c_str()});
  }
  Handle table = create_table(file, "areas", type, rows.size(), "area_index", 5,
                              "areas: name, parent (row index, -1: none), depth (0: top), display_name");
  if (!rows.empty()) write_rows(table.get(), type.get(), 0, rows.size(), rows.data(), "areas");
}

// The numbers of a drive's row; the text columns come from the world.
struct DriveCounts {
  std::int32_t replication;
  std::int32_t sessions;
  std::int64_t target, invited, registered, deferred, donated, new_donors;
  // Queues (sessions with resources): NaN waits and utilisation for sessions without.
  std::int64_t arrived, balked;
  double mean_wait_minutes, p90_wait_minutes, mean_time_in_system_minutes, bed_utilisation;
};

struct DriveRow {
  const char* name;
  const char* area;
  const char* organiser;
  const char* campaign;
  const char* first_date;
  const char* last_date;
  DriveCounts counts;
};

DriveCounts drive_counts(std::size_t index, const blood::DriveRecord& d) {
  const blood::QueueTally& q = d.queue;
  const bool queued = q.sessions > 0;
  const double none = std::numeric_limits<double>::quiet_NaN();
  return {static_cast<std::int32_t>(index),
          d.sessions,
          d.target_units,
          d.invited,
          d.registered,
          d.deferred,
          d.donated,
          d.new_donors,
          queued ? q.arrived : d.registered,
          q.balked(),
          queued ? q.mean_wait_minutes() : none,
          queued ? q.p90_wait_minutes() : none,
          queued ? q.mean_system_minutes() : none,
          queued ? q.bed_utilisation() : none};
}

// The numeric columns after `replication`, of a DriveCounts at `base`.
void add_counts(Compound& type, std::size_t base) {
  type.add("sessions", base + offsetof(DriveCounts, sessions), H5T_NATIVE_INT32);
  constexpr std::array<std::pair<const char*, std::size_t>, 8> kWhole = {{
      {"target", offsetof(DriveCounts, target)},
      {"invited", offsetof(DriveCounts, invited)},
      {"registered", offsetof(DriveCounts, registered)},
      {"deferred", offsetof(DriveCounts, deferred)},
      {"donated", offsetof(DriveCounts, donated)},
      {"new_donors", offsetof(DriveCounts, new_donors)},
      {"arrived", offsetof(DriveCounts, arrived)},
      {"balked", offsetof(DriveCounts, balked)},
  }};
  for (const auto& [name, offset] : kWhole) type.add(name, base + offset, H5T_NATIVE_INT64);
  constexpr std::array<std::pair<const char*, std::size_t>, 4> kReal = {{
      {"mean_wait_minutes", offsetof(DriveCounts, mean_wait_minutes)},
      {"p90_wait_minutes", offsetof(DriveCounts, p90_wait_minutes)},
      {"mean_time_in_system_minutes", offsetof(DriveCounts, mean_time_in_system_minutes)},
      {"bed_utilisation", offsetof(DriveCounts, bed_utilisation)},
  }};
  for (const auto& [name, offset] : kReal) type.add(name, base + offset, H5T_NATIVE_DOUBLE);
}

// The /drives row: replication, the text columns, then the counts.
Compound drive_row_type(hid_t text) {
  Compound type(sizeof(DriveRow));
  const std::size_t base = offsetof(DriveRow, counts);
  type.add("replication", base + offsetof(DriveCounts, replication), H5T_NATIVE_INT32)
      .add("name", offsetof(DriveRow, name), text)
      .add("area", offsetof(DriveRow, area), text)
      .add("organiser", offsetof(DriveRow, organiser), text)
      .add("campaign", offsetof(DriveRow, campaign), text)
      .add("first_date", offsetof(DriveRow, first_date), text)
      .add("last_date", offsetof(DriveRow, last_date), text);
  add_counts(type, base);
  return type;
}

// The numbers alone (reading a part's rows back).
Compound drive_counts_type() {
  Compound type(sizeof(DriveCounts));
  type.add("replication", offsetof(DriveCounts, replication), H5T_NATIVE_INT32);
  add_counts(type, 0);
  return type;
}

// The last session day of every drive (the records only know the first).
std::vector<blood::DayNumber> last_session_days(const World& world) {
  std::vector<blood::DayNumber> last(world.drive_templates.size());
  for (std::size_t i = 0; i < last.size(); ++i) last[i] = world.drive_templates[i].first_day;
  for (const auto& sessions : world.sessions_by_lp) {
    for (const blood::SessionDay& s : sessions) {
      blood::DayNumber& day = last.at(static_cast<std::size_t>(s.drive));
      day = std::max(day, s.day);
    }
  }
  return last;
}

// One emergency appeal: when, where, what it brought in. Held per
// replication until the file is complete: replications have different
// numbers of appeals, and the table is in replication order.
struct Appeal {
  std::int32_t replication;
  std::string date, centre, area;
  std::int64_t donated_units;
  double brought_in_units;
};

struct AppealRow {
  std::int32_t replication;
  const char* date;
  const char* centre;
  const char* area;
  std::int64_t donated_units;
  double brought_in_units;
};

Compound appeal_row_type(hid_t text) {
  Compound type(sizeof(AppealRow));
  type.add("replication", offsetof(AppealRow, replication), H5T_NATIVE_INT32)
      .add("date", offsetof(AppealRow, date), text)
      .add("centre", offsetof(AppealRow, centre), text)
      .add("area", offsetof(AppealRow, area), text)
      .add("donated_units", offsetof(AppealRow, donated_units), H5T_NATIVE_INT64)
      .add("brought_in_units", offsetof(AppealRow, brought_in_units), H5T_NATIVE_DOUBLE);
  return type;
}

std::vector<Appeal> appeals_of(const World& world, std::size_t index, const RunResult& r) {
  std::vector<Appeal> out;
  for (const blood::AppealRecord& a : r.appeal_log) {
    out.push_back({static_cast<std::int32_t>(index), blood::iso_date(a.day),
                   world.sites[static_cast<std::size_t>(a.site)].name,
                   world.area_names[static_cast<std::size_t>(a.area)], a.donated_units, a.brought_in_units});
  }
  return out;
}

void write_appeals(hid_t file, const std::vector<std::vector<Appeal>>& by_slot) {
  std::vector<AppealRow> rows;
  for (const auto& appeals : by_slot) {
    for (const Appeal& a : appeals) {
      rows.push_back({a.replication, a.date.c_str(), a.centre.c_str(), a.area.c_str(), a.donated_units,
                      a.brought_in_units});
    }
  }
  const Handle text = make_vlen_utf8();
  const Compound type = appeal_row_type(text.get());
  Handle table = create_table(file, "appeals", type, rows.size(), "appeal_row", 8,
                              "emergency appeals per replication: the evening each went out, its centre and area, the "
                              "donations at the centre's sessions while its uplift lasted and the part the appeal "
                              "brought in (estimated)");
  if (!rows.empty()) write_rows(table.get(), type.get(), 0, rows.size(), rows.data(), "appeals");
}

// A part's appeals, back as they were written.
std::vector<Appeal> read_appeals(hid_t table) {
  const hsize_t n = extent(table).at(0);
  std::vector<AppealRow> rows(n);
  const Handle text = make_vlen_utf8();
  const Compound type = appeal_row_type(text.get());
  if (n > 0) read_rows(table, type.get(), 0, n, rows.data(), "appeals");
  std::vector<Appeal> out;
  for (const AppealRow& r : rows) {
    out.push_back({r.replication, r.date, r.centre, r.area, r.donated_units, r.brought_in_units});
  }
  if (n > 0) {
    Handle space = checked(H5Dget_space(table), H5Sclose, "getting a dataspace");
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, rows.data());
  }
  return out;
}
struct KpiRow {
  std::int32_t replication;
  std::uint64_t seed;
  double fill_rate;
  std::int64_t shortage_units;
  std::int32_t shortage_days;
  double outdate_rate, mean_age_at_issue_days, days_of_supply;
  std::int64_t collected, target, appeals, balked;
  double mean_wait_minutes, p90_wait_minutes, cost_per_day;
  std::int64_t donated_students, donated_workers, donated_first_time, donated_repeat, donated_regular;
  double platelet_fill_rate;
  std::int64_t platelet_shortage_units, platelet_outdated;
};

Compound kpi_row_type() {
  Compound type(sizeof(KpiRow));
  type.add("replication", offsetof(KpiRow, replication), H5T_NATIVE_INT32)
      .add("seed", offsetof(KpiRow, seed), H5T_NATIVE_UINT64)
      .add("fill_rate", offsetof(KpiRow, fill_rate), H5T_NATIVE_DOUBLE)
      .add("shortage_units", offsetof(KpiRow, shortage_units), H5T_NATIVE_INT64)
      .add("shortage_days", offsetof(KpiRow, shortage_days), H5T_NATIVE_INT32)
      .add("outdate_rate", offsetof(KpiRow, outdate_rate), H5T_NATIVE_DOUBLE)
      .add("mean_age_at_issue_days", offsetof(KpiRow, mean_age_at_issue_days), H5T_NATIVE_DOUBLE)
      .add("days_of_supply", offsetof(KpiRow, days_of_supply), H5T_NATIVE_DOUBLE)
      .add("collected", offsetof(KpiRow, collected), H5T_NATIVE_INT64)
      .add("target", offsetof(KpiRow, target), H5T_NATIVE_INT64)
      .add("appeals", offsetof(KpiRow, appeals), H5T_NATIVE_INT64)
      .add("balked", offsetof(KpiRow, balked), H5T_NATIVE_INT64)
      .add("mean_wait_minutes", offsetof(KpiRow, mean_wait_minutes), H5T_NATIVE_DOUBLE)
      .add("p90_wait_minutes", offsetof(KpiRow, p90_wait_minutes), H5T_NATIVE_DOUBLE)
      .add("cost_per_day", offsetof(KpiRow, cost_per_day), H5T_NATIVE_DOUBLE)
      .add("donated_students", offsetof(KpiRow, donated_students), H5T_NATIVE_INT64)
      .add("donated_workers", offsetof(KpiRow, donated_workers), H5T_NATIVE_INT64)
      .add("donated_first_time", offsetof(KpiRow, donated_first_time), H5T_NATIVE_INT64)
      .add("donated_repeat", offsetof(KpiRow, donated_repeat), H5T_NATIVE_INT64)
      .add("donated_regular", offsetof(KpiRow, donated_regular), H5T_NATIVE_INT64)
      .add("platelet_fill_rate", offsetof(KpiRow, platelet_fill_rate), H5T_NATIVE_DOUBLE)
      .add("platelet_shortage_units", offsetof(KpiRow, platelet_shortage_units), H5T_NATIVE_INT64)
      .add("platelet_outdated", offsetof(KpiRow, platelet_outdated), H5T_NATIVE_INT64);
  return type;
}

KpiRow kpi_row(std::size_t index, const RunResult& r) {
  const blood::Kpis k = blood::compute_kpis(r);
  return {static_cast<std::int32_t>(index), r.seed, k.fill_rate, k.shortage_units, k.shortage_days,
          k.outdate_rate, k.mean_age_at_issue_days, k.days_of_supply, k.collected, k.target, r.appeals,
          k.balked, k.mean_wait_minutes, k.p90_wait_minutes, k.cost_per_day,
          k.donated_by_occupation[1], k.donated_by_occupation[0], k.donated_by_kind[0], k.donated_by_kind[1],
          k.donated_by_kind[2], k.platelet_fill_rate, k.platelet_shortage_units, k.platelet_outdated};
}

// ---------------------------------------------------------------- checks

// Everything is checked before a file is created, so that a bad call leaves nothing behind.
void check_world(const World* world) {
  if (world == nullptr) throw std::runtime_error("write_results: no world");
  if (world->days < 1 || world->area_names.empty()) throw std::runtime_error("write_results: empty world");
}

void check_replication(const World& world, const RunResult& rep, std::size_t index) {
  const World* w = rep.world.get();
  const std::size_t stock_cells = world.area_names.size() * blood::kGroupCount * blood::kProductCount;
  if (w == nullptr || (w != &world && (w->first_day != world.first_day || w->days != world.days ||
                                       w->area_names != world.area_names))) {
    throw std::runtime_error("write_results: replication " + std::to_string(index) + " ran a different world");
  }
  if (rep.measures.days() != world.days || rep.measures.areas() != static_cast<int>(world.area_names.size()) ||
      rep.initial_stock.size() != stock_cells || rep.drives.size() != world.drive_templates.size()) {
    throw std::runtime_error("write_results: replication " + std::to_string(index) + " has results of the wrong shape");
  }
}

bool exists_no_throw(const fs::path& path) {
  std::error_code error;
  return fs::exists(fs::symlink_status(path, error));
}

std::runtime_error exists_error(const fs::path& path) {
  return std::runtime_error(path.string() + " already exists; not overwriting it (use --force to replace it)");
}

const char* const kAllCoordinates = "seed date_label area_parent";

}  // namespace

// ---------------------------------------------------------------- the writer

struct ResultsWriter::State {
  fs::path path, temporary;
  bool force = false;
  std::shared_ptr<const World> world;
  std::vector<std::size_t> indices;               // slot -> replication index
  std::vector<bool> written;                      // by slot
  std::vector<std::string> drive_first, drive_last;  // ISO dates per drive template
  std::vector<std::vector<Appeal>> appeals;        // by slot, written at commit
  std::unique_ptr<TemporaryFileGuard> guard;
  QuietHdf5Errors quiet;
  Handle file, daily, seed, collected, cost, initial_stock, drives, kpi;
  std::array<Handle, blood::kMeasureCount> measures;
  bool committed = false;

  std::size_t slot_of(std::size_t index) const {
    const auto at = std::lower_bound(indices.begin(), indices.end(), index);
    if (at == indices.end() || *at != index) {
      throw std::runtime_error("write_results: replication " + std::to_string(index) + " is not in this file");
    }
    const auto slot = static_cast<std::size_t>(at - indices.begin());
    if (written[slot]) throw std::runtime_error("write_results: replication " + std::to_string(index) + " written twice");
    return slot;
  }

  std::vector<hsize_t> daily_dims(bool by_date, bool by_product) const {
    std::vector<hsize_t> dims{indices.size()};
    if (by_date) dims.push_back(static_cast<hsize_t>(world->days));
    dims.push_back(world->area_names.size());
    dims.push_back(blood::kGroupCount);
    if (by_product) dims.push_back(blood::kProductCount);
    return dims;
  }

  void create(const ResultsMetadata& meta);
  void write_counts(std::size_t slot, const std::vector<DriveCounts>& counts);
  void remove_temporary() noexcept;
};

void ResultsWriter::State::create(const ResultsMetadata& meta) {
  file = create_file(temporary);
  write_root_attributes(file.get(), *world, indices.size(), meta);
  write_scenario(file.get(), meta.scenario_toml);

  daily = create_group(file.get(), "daily");
  const Scales s = write_scales(daily.get(), *world, indices);
  write_fixed_coordinates(daily.get(), s, *world);
  const std::array<hsize_t, 1> seed_dims{indices.size()};
  Handle seed_space = make_space(seed_dims);
  seed = create_dataset(daily.get(), "seed", H5T_STD_U64LE, seed_space.get());
  attach(seed.get(), {s.replication.get()});
  set_string(seed.get(), "long_name", "random seed of the replication");

  // Chunks hold one replication and one area over the whole run: reading an
  // area's year, or a national total one chunk per area, touches no data it
  // does not need; at a year that is 365 x 8 x 3 x 8 bytes = 70 KB before
  // compression, inside HDF5's recommended 10 KB - 1 MB. Runs longer than
  // four years are cut into four-year chunks, so that one chunk (280 KB)
  // still fits HDF5's default 1 MB chunk cache. A chunk never spans two
  // replications, so that merging files copies chunks as they are.
  const hsize_t chunk_days = std::min<hsize_t>(static_cast<hsize_t>(world->days), kMaxChunkDays);
  const std::array<hsize_t, 4> collected_chunk{1, chunk_days, 1, blood::kGroupCount};
  const std::vector<hsize_t> collected_dims = daily_dims(true, false);
  Handle collected_space = make_space(collected_dims);
  collected = create_dataset(daily.get(), "collected", H5T_STD_I64LE, collected_space.get(), collected_chunk);
  attach(collected.get(), {s.replication.get(), s.date.get(), s.area.get(), s.group.get()});
  describe(collected.get(), "whole-blood units", "whole-blood donations collected, by donor group", "date: sum",
           kAllCoordinates);

  const std::array<hsize_t, 5> chunk{1, chunk_days, 1, blood::kGroupCount, blood::kProductCount};
  const std::vector<hsize_t> dims = daily_dims(true, true);
  for (std::size_t m = 0; m < blood::kMeasureCount; ++m) {
    const std::string name(blood::kMeasureNames[m]);
    Handle space = make_space(dims);
    measures[m] = create_dataset(daily.get(), name.c_str(), H5T_STD_I64LE, space.get(), chunk);
    attach(measures[m].get(), {s.replication.get(), s.date.get(), s.area.get(), s.group.get(), s.product.get()});
    describe(measures[m].get(), "units", kMeasureInfo[m].long_name,
             kMeasureInfo[m].stock ? "date: point" : "date: sum", kAllCoordinates);
  }

  const std::array<hsize_t, 3> cost_dims{indices.size(), static_cast<hsize_t>(world->days),
                                         world->area_names.size()};
  const std::array<hsize_t, 3> cost_chunk{1, chunk_days, world->area_names.size()};
  Handle cost_space = make_space(cost_dims);
  cost = create_dataset(daily.get(), "cost", H5T_IEEE_F64LE, cost_space.get(), cost_chunk);
  attach(cost.get(), {s.replication.get(), s.date.get(), s.area.get()});
  describe(cost.get(), "1", "cost of the day at the sites of the area from their cost keys, revenue subtracted",
           "date: sum", kAllCoordinates);

  const std::vector<hsize_t> stock_dims = daily_dims(false, true);
  const std::array<hsize_t, 4> stock_chunk{1, world->area_names.size(), blood::kGroupCount, blood::kProductCount};
  Handle stock_space = make_space(stock_dims);
  initial_stock = create_dataset(daily.get(), "initial_stock", H5T_STD_I64LE, stock_space.get(), stock_chunk);
  attach(initial_stock.get(), {s.replication.get(), s.area.get(), s.group.get(), s.product.get()});
  describe(initial_stock.get(), "units", "stock at the start of the run", nullptr, "seed area_parent");

  write_areas(file.get(), *world);
  const Handle text = make_vlen_utf8();
  drives = create_table(file.get(), "drives", drive_row_type(text.get()),
                        indices.size() * world->drive_templates.size(), "drive_row", 6,
                        "donation drives per replication, with their counts");
  kpi = create_table(file.get(), "kpi", kpi_row_type(), indices.size(), "replication", 7,
                     "key performance indicators per replication");

  const std::vector<blood::DayNumber> last = last_session_days(*world);
  for (std::size_t i = 0; i < last.size(); ++i) {
    drive_first.push_back(blood::iso_date(world->drive_templates[i].first_day));
    drive_last.push_back(blood::iso_date(last[i]));
  }
}

void ResultsWriter::State::write_counts(std::size_t slot, const std::vector<DriveCounts>& counts) {
  const std::size_t per_replication = world->drive_templates.size();
  if (per_replication == 0) return;
  std::vector<DriveRow> rows;
  rows.reserve(per_replication);
  for (std::size_t i = 0; i < per_replication; ++i) {
    const blood::DriveRecord& t = world->drive_templates[i];
    rows.push_back({t.name.c_str(), t.area.c_str(), t.organiser.c_str(), t.campaign.c_str(), drive_first[i].c_str(),
                    drive_last[i].c_str(), counts.at(i)});
  }
  const Handle text = make_vlen_utf8();
  const Compound type = drive_row_type(text.get());
  write_rows(drives.get(), type.get(), slot * per_replication, per_replication, rows.data(), "drives");
}

void ResultsWriter::State::remove_temporary() noexcept {
  // Closing the file (strong close degree) closes whatever is open in it.
  seed = {};
  collected = {};
  cost = {};
  initial_stock = {};
  drives = {};
  kpi = {};
  for (Handle& m : measures) m = {};
  daily = {};
  file = {};
  std::error_code ignored;
  fs::remove(temporary, ignored);
}

ResultsWriter::ResultsWriter(fs::path path, std::shared_ptr<const World> world, std::vector<std::size_t> replications,
                             const ResultsMetadata& meta, bool force)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  check_world(world.get());
  if (replications.empty()) throw std::runtime_error("write_results: no replications to write");
  std::sort(replications.begin(), replications.end());
  if (std::adjacent_find(replications.begin(), replications.end()) != replications.end()) {
    throw std::runtime_error("write_results: a replication is listed twice");
  }
  if (!path.has_filename()) throw std::runtime_error("write_results: " + path.string() + " names no file");
  // Checked up front too, so that a long run is not wasted on a file we may not replace.
  if (!force && exists_no_throw(path)) throw exists_error(path);
  s.path = std::move(path);
  s.force = force;
  s.world = std::move(world);
  s.indices = std::move(replications);
  s.written.assign(s.indices.size(), false);
  s.appeals.resize(s.indices.size());
  s.temporary = create_temporary_beside(s.path, [&s](const fs::path& name) {
    s.guard.reset();  // a name tried before
    s.guard = std::make_unique<TemporaryFileGuard>(name);
  });
  try {
    s.create(meta);
  } catch (const std::exception& e) {
    s.remove_temporary();
    throw WriteError("cannot write " + s.path.string() + ": " + e.what());
  }
}

ResultsWriter::~ResultsWriter() {
  if (state_ && !state_->committed) state_->remove_temporary();
}

const std::vector<std::size_t>& ResultsWriter::replications() const noexcept { return state_->indices; }

void ResultsWriter::write(std::size_t index, const RunResult& result) {
  State& s = *state_;
  check_replication(*s.world, result, index);
  const std::size_t slot = s.slot_of(index);
  write_rows(s.collected.get(), H5T_NATIVE_INT64, slot, 1, result.measures.collected_cells().data(), "collected");
  const auto block = static_cast<std::size_t>(s.world->days) * s.world->area_names.size() * blood::kGroupCount *
                     blood::kProductCount;
  for (std::size_t m = 0; m < blood::kMeasureCount; ++m) {
    write_rows(s.measures[m].get(), H5T_NATIVE_INT64, slot, 1, result.measures.cells().data() + m * block,
               blood::kMeasureNames[m].data());
  }
  write_rows(s.cost.get(), H5T_NATIVE_DOUBLE, slot, 1, result.measures.cost_cells().data(), "cost");
  write_rows(s.initial_stock.get(), H5T_NATIVE_INT64, slot, 1, result.initial_stock.data(), "initial_stock");
  write_rows(s.seed.get(), H5T_NATIVE_UINT64, slot, 1, &result.seed, "seed");
  std::vector<DriveCounts> counts;
  for (const blood::DriveRecord& d : result.drives) counts.push_back(drive_counts(index, d));
  s.write_counts(slot, counts);
  const KpiRow row = kpi_row(index, result);
  const Compound type = kpi_row_type();
  write_rows(s.kpi.get(), type.get(), slot, 1, &row, "kpi");
  s.appeals[slot] = appeals_of(*s.world, index, result);
  s.written[slot] = true;
}

void ResultsWriter::commit(const std::function<void(const fs::path& temporary)>& before_commit) {
  State& s = *state_;
  for (std::size_t slot = 0; slot < s.indices.size(); ++slot) {
    if (!s.written[slot]) {
      throw std::runtime_error("write_results: replication " + std::to_string(s.indices[slot]) + " was never written");
    }
  }
  try {
    write_appeals(s.file.get(), s.appeals);
    check(H5Fflush(s.file.get(), H5F_SCOPE_GLOBAL), "flushing " + s.path.string());
    s.seed = {};
    s.collected = {};
    s.cost = {};
    s.initial_stock = {};
    s.drives = {};
    s.kpi = {};
    for (Handle& m : s.measures) m = {};
    s.daily = {};
    s.file.close("closing " + s.path.string());  // HDF5 writes its last metadata here: errors must show
    if (before_commit) before_commit(s.temporary);
    commit_temporary(s.temporary, s.path, s.force);
  } catch (const DestinationError&) {
    s.remove_temporary();
    throw;
  } catch (const std::exception& e) {
    s.remove_temporary();
    throw WriteError("cannot write " + s.path.string() + ": " + e.what());
  }
  s.committed = true;
}

// ---------------------------------------------------------------- reading parts back

namespace {

std::string read_string_attribute(hid_t object, const char* name) {
  Handle attribute = checked(H5Aopen(object, name, H5P_DEFAULT), H5Aclose, std::string("opening attribute ") + name);
  Handle type = make_vlen_utf8();
  char* text = nullptr;
  check(H5Aread(attribute.get(), type.get(), &text), std::string("reading attribute ") + name);
  std::string value = text != nullptr ? text : "";
  H5free_memory(text);
  return value;
}

std::uint64_t read_uint64_attribute(hid_t object, const char* name) {
  Handle attribute = checked(H5Aopen(object, name, H5P_DEFAULT), H5Aclose, std::string("opening attribute ") + name);
  std::uint64_t value = 0;
  check(H5Aread(attribute.get(), H5T_NATIVE_UINT64, &value), std::string("reading attribute ") + name);
  return value;
}

Handle open_file(const fs::path& path) {
  return checked(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "opening " + path.string());
}

Handle open_dataset(hid_t parent, const std::string& name) {
  return checked(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "opening dataset " + name);
}

std::string read_scenario(hid_t file) {
  Handle dataset = open_dataset(file, "scenario");
  Handle type = make_vlen_utf8();
  char* text = nullptr;
  check(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), "reading /scenario");
  std::string value = text != nullptr ? text : "";
  H5free_memory(text);
  return value;
}

// Copies the chunks of one replication from `source` (slot `from`) to
// `target` (slot `to`) as they are stored: compressed, never decoded.
void copy_chunks(hid_t source, hid_t target, hsize_t from, hsize_t to, const char* name) {
  const std::vector<hsize_t> dims = extent(source);
  Handle source_plist = checked(H5Dget_create_plist(source), H5Pclose, "reading a dataset's layout");
  Handle target_plist = checked(H5Dget_create_plist(target), H5Pclose, "reading a dataset's layout");
  std::vector<hsize_t> chunk(dims.size()), target_chunk(dims.size());
  const int rank = static_cast<int>(dims.size());
  if (H5Pget_chunk(source_plist.get(), rank, chunk.data()) != rank ||
      H5Pget_chunk(target_plist.get(), rank, target_chunk.data()) != rank || chunk != target_chunk ||
      chunk[0] != 1 || extent(target).size() != dims.size()) {
    throw std::runtime_error(std::string("merging ") + name + ": the files' chunk layouts differ");
  }
  // Every chunk offset with axis 0 = the replication's slot.
  std::vector<hsize_t> offset(dims.size(), 0);
  std::vector<unsigned char> buffer;
  offset[0] = from;
  for (;;) {
    hsize_t bytes = 0;
    check(H5Dget_chunk_storage_size(source, offset.data(), &bytes), std::string("sizing a chunk of ") + name);
    buffer.resize(bytes);
    std::uint32_t filters = 0;
    check(H5Dread_chunk(source, H5P_DEFAULT, offset.data(), &filters, buffer.data()),
          std::string("reading a chunk of ") + name);
    std::vector<hsize_t> target_offset = offset;
    target_offset[0] = to;
    check(H5Dwrite_chunk(target, H5P_DEFAULT, filters, target_offset.data(), bytes, buffer.data()),
          std::string("writing a chunk of ") + name);
    // The next chunk: like an odometer over axes 1.., each in steps of its chunk size.
    std::size_t axis = dims.size() - 1;
    for (; axis > 0; --axis) {
      offset[axis] += chunk[axis];
      if (offset[axis] < dims[axis]) break;
      offset[axis] = 0;
    }
    if (axis == 0) return;
  }
}

}  // namespace

ResultsFileInfo read_results_info(const fs::path& path) {
  const QuietHdf5Errors quiet;
  try {
    Handle file = open_file(path);
    ResultsFileInfo info;
    info.path = path;
    info.giotmau_version = read_string_attribute(file.get(), "giotmau_version");
    info.git_commit = read_string_attribute(file.get(), "git_commit");
    info.scenario_sha256 = read_string_attribute(file.get(), "scenario_sha256");
    info.seed = read_uint64_attribute(file.get(), "seed");
    info.start_date = read_string_attribute(file.get(), "start_date");
    info.end_date = read_string_attribute(file.get(), "end_date");
    info.scenario_toml = read_scenario(file.get());
    Handle replication = open_dataset(file.get(), "daily/replication");
    std::vector<std::int32_t> indices(extent(replication.get()).at(0));
    if (!indices.empty()) {
      check(H5Dread(replication.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, indices.data()),
            "reading /daily/replication");
    }
    for (const std::int32_t r : indices) info.replications.push_back(static_cast<std::size_t>(r));
    return info;
  } catch (const std::runtime_error& e) {
    throw std::invalid_argument(path.string() + ": not a giotmau results file (" + e.what() + ")");
  }
}

void check_mergeable(const std::vector<ResultsFileInfo>& parts) {
  if (parts.empty()) throw std::invalid_argument("merge: no files to merge");
  const ResultsFileInfo& first = parts.front();
  const auto differ = [&](const ResultsFileInfo& p, const char* what, const std::string& a, const std::string& b) {
    if (a != b) {
      throw std::invalid_argument("merge: " + p.path.string() + " and " + first.path.string() + " differ in " + what +
                                  " ('" + b + "' vs '" + a + "'): they are not parts of one experiment");
    }
  };
  std::vector<std::pair<std::size_t, const ResultsFileInfo*>> all;
  for (const ResultsFileInfo& p : parts) {
    differ(p, "scenario (scenario_sha256)", first.scenario_sha256, p.scenario_sha256);
    differ(p, "seed", std::to_string(first.seed), std::to_string(p.seed));
    differ(p, "period", first.start_date + ".." + first.end_date, p.start_date + ".." + p.end_date);
    differ(p, "giotmau build (giotmau_version)", first.giotmau_version, p.giotmau_version);
    differ(p, "giotmau build (git_commit)", first.git_commit, p.git_commit);
    for (const std::size_t r : p.replications) all.emplace_back(r, &p);
  }
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 1; i < all.size(); ++i) {
    if (all[i].first == all[i - 1].first) {
      const std::string a = all[i - 1].second->path.string(), b = all[i].second->path.string();
      throw std::invalid_argument("merge: replication " + std::to_string(all[i].first) + " is in " +
                                  (a == b ? a + " twice" : "both " + a + " and " + b) +
                                  "; parts must not overlap");
    }
  }
}

void ResultsWriter::copy(const ResultsFileInfo& part) {
  State& s = *state_;
  Handle file = open_file(part.path);
  Handle daily = checked(H5Gopen2(file.get(), "daily", H5P_DEFAULT), H5Gclose, "opening /daily");
  struct Variable {
    std::string name;
    hid_t target;
    Handle source;
  };
  std::vector<Variable> variables;
  variables.push_back({"collected", s.collected.get(), {}});
  for (std::size_t m = 0; m < blood::kMeasureCount; ++m) {
    variables.push_back({std::string(blood::kMeasureNames[m]), s.measures[m].get(), {}});
  }
  variables.push_back({"cost", s.cost.get(), {}});
  variables.push_back({"initial_stock", s.initial_stock.get(), {}});
  for (Variable& v : variables) v.source = open_dataset(daily.get(), v.name);

  const std::size_t per_replication = s.world->drive_templates.size();
  Handle seed = open_dataset(daily.get(), "seed");
  Handle drives = open_dataset(file.get(), "drives");
  Handle kpi = open_dataset(file.get(), "kpi");
  if (extent(drives.get()).at(0) != part.replications.size() * per_replication ||
      extent(kpi.get()).at(0) != part.replications.size()) {
    throw std::invalid_argument(part.path.string() + ": its tables do not match its scenario");
  }
  const Compound kpi_type = kpi_row_type();
  const Compound counts_type = drive_counts_type();
  Handle appeals = open_dataset(file.get(), "appeals");
  std::vector<Appeal> part_appeals = read_appeals(appeals.get());
  for (std::size_t from = 0; from < part.replications.size(); ++from) {
    const std::size_t slot = s.slot_of(part.replications[from]);
    for (const Variable& v : variables) copy_chunks(v.source.get(), v.target, from, slot, v.name.c_str());
    std::uint64_t seed_value = 0;
    read_rows(seed.get(), H5T_NATIVE_UINT64, from, 1, &seed_value, "seed");
    write_rows(s.seed.get(), H5T_NATIVE_UINT64, slot, 1, &seed_value, "seed");
    KpiRow row{};
    read_rows(kpi.get(), kpi_type.get(), from, 1, &row, "kpi");
    write_rows(s.kpi.get(), kpi_type.get(), slot, 1, &row, "kpi");
    std::vector<DriveCounts> counts(per_replication);
    if (per_replication > 0) {
      read_rows(drives.get(), counts_type.get(), from * per_replication, per_replication, counts.data(), "drives");
    }
    s.write_counts(slot, counts);
    for (Appeal& a : part_appeals) {
      if (static_cast<std::size_t>(a.replication) == part.replications[from]) s.appeals[slot].push_back(std::move(a));
    }
    s.written[slot] = true;
  }
}

// ---------------------------------------------------------------- whole files

void write_results(const fs::path& path, const std::vector<RunResult>& replications, const ResultsMetadata& meta,
                   bool force) {
  detail::write_results(path, replications, meta, force, {});
}

void detail::write_results(const fs::path& path, const std::vector<RunResult>& replications,
                           const ResultsMetadata& meta, bool force,
                           const std::function<void(const fs::path& temporary)>& before_commit) {
  if (replications.empty()) throw std::runtime_error("write_results: no replications to write");
  const std::shared_ptr<const World> world = replications.front().world;
  check_world(world.get());
  for (std::size_t r = 0; r < replications.size(); ++r) check_replication(*world, replications[r], r);
  std::vector<std::size_t> indices(replications.size());
  for (std::size_t r = 0; r < indices.size(); ++r) indices[r] = r;
  ResultsWriter writer(path, world, indices, meta, force);
  for (std::size_t r = 0; r < replications.size(); ++r) writer.write(r, replications[r]);
  writer.commit(before_commit);
}

void write_atomically(const fs::path& path, bool force, const std::function<void(const fs::path& temporary)>& write) {
  // Created exclusively under an unguessable name: nothing planted there is
  // opened or followed (results/destination.hpp).
  std::optional<TemporaryFileGuard> guard;  // registered before the file exists; outlives its removal below
  const fs::path temporary =
      create_temporary_beside(path, [&guard](const fs::path& name) { guard.emplace(name); });
  try {
    write(temporary);
    commit_temporary(temporary, path, force);
  } catch (const std::exception& e) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw WriteError("cannot write " + path.string() + ": " + e.what());
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
}

void skip_hdf5_exit_cleanup() { H5dont_atexit(); }

}  // namespace giotmau::results
