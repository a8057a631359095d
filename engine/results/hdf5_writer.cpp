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
#include <span>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "blood/kpi.hpp"
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

constexpr std::size_t kChunkCacheBytes = 256u << 20;  // per open dataset; released when it closes

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
  // compress each chunk once instead of evicting and recompressing it.
  Handle dapl = make_plist(H5P_DATASET_ACCESS);
  if (!chunk.empty()) {
    check(H5Pset_chunk_cache(dapl.get(), 12'421, kChunkCacheBytes, 1.0), "sizing the chunk cache");
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

Scales write_scales(hid_t daily, const World& world, std::size_t replications) {
  Scales s;
  std::vector<std::int32_t> indices(replications);
  for (std::size_t r = 0; r < replications; ++r) indices[r] = static_cast<std::int32_t>(r);
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

// Auxiliary coordinates: labels for dates, area parents, replication seeds.
void write_auxiliary_coordinates(hid_t daily, const Scales& s, const World& world,
                                 const std::vector<RunResult>& replications) {
  std::vector<std::string> iso(static_cast<std::size_t>(world.days));
  for (int d = 0; d < world.days; ++d) iso[static_cast<std::size_t>(d)] = blood::iso_date(world.first_day + d);
  Handle label = write_strings(daily, "date_label", iso);
  attach(label.get(), {s.date.get()});
  set_string(label.get(), "long_name", "simulated day as an ISO 8601 date");

  std::vector<std::int32_t> parents(world.area_parent.begin(), world.area_parent.end());
  Handle parent = write_numbers(daily, "area_parent", H5T_STD_I32LE, H5T_NATIVE_INT32, parents);
  attach(parent.get(), {s.area.get()});
  set_string(parent.get(), "long_name", "index along area of the enclosing area (-1: none)");

  std::vector<std::uint64_t> seeds;
  for (const RunResult& r : replications) seeds.push_back(r.seed);
  Handle seed = write_numbers(daily, "seed", H5T_STD_U64LE, H5T_NATIVE_UINT64, seeds);
  attach(seed.get(), {s.replication.get()});
  set_string(seed.get(), "long_name", "random seed of the replication");
}

// One daily variable, replication-major; `block(r)` points at replication r's
// contiguous [day][area][group]([product]) cells.
template <typename Block>
Handle write_daily_variable(hid_t daily, const char* name, std::span<const hsize_t> dims,
                          std::span<const hsize_t> chunk, Block block) {
  Handle file_space = make_space(dims);
  Handle dataset = create_dataset(daily, name, H5T_STD_I64LE, file_space.get(), chunk);
  std::vector<hsize_t> start(dims.size(), 0), count(dims.begin(), dims.end());
  count[0] = 1;
  Handle memory_space = make_space(count);
  for (hsize_t r = 0; r < dims[0]; ++r) {
    start[0] = r;
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
          "selecting a replication");
    check(H5Dwrite(dataset.get(), H5T_NATIVE_INT64, memory_space.get(), file_space.get(), H5P_DEFAULT, block(r)),
          std::string("writing ") + name);
  }
  return dataset;
}

void describe(hid_t dataset, const char* units, const char* long_name, const char* cell_methods,
              const char* coordinates) {
  set_string(dataset, "units", units);
  set_string(dataset, "long_name", long_name);
  if (cell_methods != nullptr) set_string(dataset, "cell_methods", cell_methods);
  // CF: xarray makes these coordinates of the dataset rather than data variables.
  set_string(dataset, "coordinates", coordinates);
}

void write_daily(hid_t file, const World& world, const std::vector<RunResult>& replications) {
  Handle daily = create_group(file, "daily");
  const Scales s = write_scales(daily.get(), world, replications.size());
  write_auxiliary_coordinates(daily.get(), s, world, replications);

  const hsize_t reps = replications.size(), days = static_cast<hsize_t>(world.days);
  const hsize_t areas = world.area_names.size(), groups = blood::kGroupCount, products = blood::kProductCount;
  const char* const all_coordinates = "seed date_label area_parent";

  // Chunks hold one replication and one area over the whole run: reading an
  // area's year, or a national total one chunk per area, touches no data it
  // does not need; at a year that is 365 x 8 x 3 x 8 bytes = 70 KB before
  // compression, inside HDF5's recommended 10 KB - 1 MB. Runs longer than
  // four years are cut into four-year chunks, so that one chunk (280 KB)
  // still fits HDF5's default 1 MB chunk cache.
  const hsize_t chunk_days = std::min<hsize_t>(days, kMaxChunkDays);
  const std::array<hsize_t, 4> collected_dims{reps, days, areas, groups}, collected_chunk{1, chunk_days, 1, groups};
  Handle collected = write_daily_variable(daily.get(), "collected", collected_dims, collected_chunk, [&](hsize_t r) {
    return replications[r].measures.collected_cells().data();
  });
  attach(collected.get(), {s.replication.get(), s.date.get(), s.area.get(), s.group.get()});
  describe(collected.get(), "whole-blood units", "whole-blood donations collected, by donor group", "date: sum",
           all_coordinates);

  const std::array<hsize_t, 5> dims{reps, days, areas, groups, products}, chunk{1, chunk_days, 1, groups, products};
  const std::size_t block = static_cast<std::size_t>(days * areas * groups * products);
  for (std::size_t m = 0; m < blood::kMeasureCount; ++m) {
    const std::string name(blood::kMeasureNames[m]);
    Handle measure = write_daily_variable(daily.get(), name.c_str(), dims, chunk, [&](hsize_t r) {
      return replications[r].measures.cells().data() + m * block;
    });
    attach(measure.get(), {s.replication.get(), s.date.get(), s.area.get(), s.group.get(), s.product.get()});
    describe(measure.get(), "units", kMeasureInfo[m].long_name, kMeasureInfo[m].stock ? "date: point" : "date: sum",
             all_coordinates);
  }

  const std::array<hsize_t, 4> stock_dims{reps, areas, groups, products}, stock_chunk{1, areas, groups, products};
  Handle stock = write_daily_variable(daily.get(), "initial_stock", stock_dims, stock_chunk,
                                      [&](hsize_t r) { return replications[r].initial_stock.data(); });
  attach(stock.get(), {s.replication.get(), s.area.get(), s.group.get(), s.product.get()});
  describe(stock.get(), "units", "stock at the start of the run", nullptr, "seed area_parent");
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

// A 1-D table: chunked (it may be empty, and tables compress well), written
// whole. Its rows are numbered by a dimension scale `row_scale` at the root
// (0, 1, ...), without which netCDF-4 readers refuse to open the root group.
template <typename Row>
void write_table(hid_t file, const char* name, const Compound& type, const std::vector<Row>& rows,
                 const char* row_scale, std::int32_t netcdf_dimid, const char* long_name) {
  std::vector<std::int32_t> indices(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) indices[i] = static_cast<std::int32_t>(i);
  Handle scale = write_numbers(file, row_scale, H5T_STD_I32LE, H5T_NATIVE_INT32, indices);
  make_scale(scale.get(), row_scale, netcdf_dimid);

  const std::array<hsize_t, 1> dims{rows.size()}, max_dims{H5S_UNLIMITED};
  const std::array<hsize_t, 1> chunk{std::clamp<hsize_t>(rows.size(), 1, kTableChunkRows)};
  // Stored without the C struct's padding; HDF5 converts on write.
  Handle packed = checked(H5Tcopy(type.get()), H5Tclose, "copying a compound type");
  check(H5Tpack(packed.get()), "packing a compound type");
  Handle space = make_space(dims, max_dims);
  Handle dataset = create_dataset(file, name, packed.get(), space.get(), chunk);
  if (!rows.empty()) write_all(dataset.get(), type.get(), rows.data(), name);
  attach(dataset.get(), {scale.get()});
  set_string(dataset.get(), "long_name", long_name);
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
  write_table(file, "areas", type, rows, "area_index", 5, "areas: name, parent (row index, -1: none), depth (0: top), display_name");
}

struct DriveRow {
  std::int32_t replication;
  const char* name;
  const char* area;
  const char* organiser;
  const char* campaign;
  const char* first_date;
  const char* last_date;
  std::int32_t sessions;
  std::int64_t target, invited, registered, deferred, donated, new_donors;
};

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

void write_drives(hid_t file, const World& world, const std::vector<RunResult>& replications) {
  Handle text = make_vlen_utf8();
  Compound type(sizeof(DriveRow));
  type.add("replication", offsetof(DriveRow, replication), H5T_NATIVE_INT32)
      .add("name", offsetof(DriveRow, name), text.get())
      .add("area", offsetof(DriveRow, area), text.get())
      .add("organiser", offsetof(DriveRow, organiser), text.get())
      .add("campaign", offsetof(DriveRow, campaign), text.get())
      .add("first_date", offsetof(DriveRow, first_date), text.get())
      .add("last_date", offsetof(DriveRow, last_date), text.get())
      .add("sessions", offsetof(DriveRow, sessions), H5T_NATIVE_INT32)
      .add("target", offsetof(DriveRow, target), H5T_NATIVE_INT64)
      .add("invited", offsetof(DriveRow, invited), H5T_NATIVE_INT64)
      .add("registered", offsetof(DriveRow, registered), H5T_NATIVE_INT64)
      .add("deferred", offsetof(DriveRow, deferred), H5T_NATIVE_INT64)
      .add("donated", offsetof(DriveRow, donated), H5T_NATIVE_INT64)
      .add("new_donors", offsetof(DriveRow, new_donors), H5T_NATIVE_INT64);
  const std::vector<blood::DayNumber> last = last_session_days(world);
  std::vector<std::string> dates;  // owns the ISO strings the rows point at
  std::size_t count = 0;
  for (const RunResult& r : replications) count += r.drives.size();
  dates.reserve(2 * count);  // no reallocation: rows keep pointers into it
  std::vector<DriveRow> rows;
  for (std::size_t rep = 0; rep < replications.size(); ++rep) {
    const std::vector<blood::DriveRecord>& drives = replications[rep].drives;
    for (std::size_t i = 0; i < drives.size(); ++i) {
      const blood::DriveRecord& d = drives[i];
      dates.push_back(blood::iso_date(d.first_day));
      const char* first = dates.back().c_str();
      dates.push_back(blood::iso_date(i < last.size() ? last[i] : d.first_day));
      rows.push_back({static_cast<std::int32_t>(rep), d.name.c_str(), d.area.c_str(), d.organiser.c_str(),
                      d.campaign.c_str(), first, dates.back().c_str(), d.sessions, d.target_units, d.invited,
                      d.registered, d.deferred, d.donated, d.new_donors});
    }
  }
  write_table(file, "drives", type, rows, "drive_row", 6, "donation drives per replication, with their counts");
}

struct AppealRow {
  std::int32_t replication;
  const char* date;
  const char* centre;
  const char* area;
  std::int64_t donated_units;
  double brought_in_units;
};

// Every emergency appeal of every replication: when, where, what it brought in.
void write_appeals(hid_t file, const World& world, const std::vector<RunResult>& replications) {
  Handle text = make_vlen_utf8();
  Compound type(sizeof(AppealRow));
  type.add("replication", offsetof(AppealRow, replication), H5T_NATIVE_INT32)
      .add("date", offsetof(AppealRow, date), text.get())
      .add("centre", offsetof(AppealRow, centre), text.get())
      .add("area", offsetof(AppealRow, area), text.get())
      .add("donated_units", offsetof(AppealRow, donated_units), H5T_NATIVE_INT64)
      .add("brought_in_units", offsetof(AppealRow, brought_in_units), H5T_NATIVE_DOUBLE);
  std::size_t count = 0;
  for (const RunResult& r : replications) count += r.appeal_log.size();
  std::vector<std::string> dates;
  dates.reserve(count);  // no reallocation: rows keep pointers into it
  std::vector<AppealRow> rows;
  for (std::size_t rep = 0; rep < replications.size(); ++rep) {
    for (const blood::AppealRecord& a : replications[rep].appeal_log) {
      dates.push_back(blood::iso_date(a.day));
      rows.push_back({static_cast<std::int32_t>(rep), dates.back().c_str(),
                      world.sites[static_cast<std::size_t>(a.site)].name.c_str(),
                      world.area_names[static_cast<std::size_t>(a.area)].c_str(), a.donated_units, a.brought_in_units});
    }
  }
  write_table(file, "appeals", type, rows, "appeal_row", 8,
              "emergency appeals per replication: the evening each went out, its centre and area, the donations "
              "at the centre's sessions while its uplift lasted and the part the appeal brought in (estimated)");
}

struct KpiRow {
  std::int32_t replication;
  std::uint64_t seed;
  double fill_rate;
  std::int64_t shortage_units;
  std::int32_t shortage_days;
  double outdate_rate, mean_age_at_issue_days, days_of_supply;
  std::int64_t collected, target, appeals;
};

void write_kpis(hid_t file, const std::vector<RunResult>& replications) {
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
      .add("appeals", offsetof(KpiRow, appeals), H5T_NATIVE_INT64);
  std::vector<KpiRow> rows;
  for (std::size_t rep = 0; rep < replications.size(); ++rep) {
    const RunResult& r = replications[rep];
    const blood::Kpis k = blood::compute_kpis(r);
    rows.push_back({static_cast<std::int32_t>(rep), r.seed, k.fill_rate, k.shortage_units, k.shortage_days,
                    k.outdate_rate, k.mean_age_at_issue_days, k.days_of_supply, k.collected, k.target, r.appeals});
  }
  write_table(file, "kpi", type, rows, "replication", 7, "key performance indicators per replication");
}

// ---------------------------------------------------------------- the file

// Everything is checked before a file is created, so that a bad call leaves nothing behind.
const World& validate(const std::vector<RunResult>& replications) {
  if (replications.empty()) throw std::runtime_error("write_results: no replications to write");
  const World* world = replications.front().world.get();
  if (world == nullptr) throw std::runtime_error("write_results: replication 0 has no world");
  if (world->days < 1 || world->area_names.empty()) throw std::runtime_error("write_results: empty world");
  const std::size_t stock_cells = world->area_names.size() * blood::kGroupCount * blood::kProductCount;
  for (std::size_t r = 0; r < replications.size(); ++r) {
    const RunResult& rep = replications[r];
    const World* w = rep.world.get();
    if (w == nullptr || (w != world && (w->first_day != world->first_day || w->days != world->days ||
                                        w->area_names != world->area_names))) {
      throw std::runtime_error("write_results: replication " + std::to_string(r) + " ran a different world");
    }
    if (rep.measures.days() != world->days ||
        rep.measures.areas() != static_cast<int>(world->area_names.size()) || rep.initial_stock.size() != stock_cells) {
      throw std::runtime_error("write_results: replication " + std::to_string(r) + " has measures of the wrong shape");
    }
  }
  return *world;
}

void write_contents(hid_t file, const World& world, const std::vector<RunResult>& replications,
                    const ResultsMetadata& meta) {
  write_root_attributes(file, world, replications.size(), meta);
  write_scenario(file, meta.scenario_toml);
  write_daily(file, world, replications);
  write_areas(file, world);
  write_drives(file, world, replications);
  write_appeals(file, world, replications);
  write_kpis(file, replications);
}

void write_file(const fs::path& file_path, const World& world, const std::vector<RunResult>& replications,
                const ResultsMetadata& meta) {
  const QuietHdf5Errors quiet;
  Handle file = create_file(file_path);
  write_contents(file.get(), world, replications, meta);  // its handles are all closed on return
  check(H5Fflush(file.get(), H5F_SCOPE_GLOBAL), "flushing " + file_path.string());
  file.close("closing " + file_path.string());
}

bool exists_no_throw(const fs::path& path) {
  std::error_code error;
  return fs::exists(fs::symlink_status(path, error));
}

std::runtime_error exists_error(const fs::path& path) {
  return std::runtime_error(path.string() + " already exists; not overwriting it (force to replace it)");
}

// Moves the finished file into place. Without force, link() creates `path`
// only if nothing is there, atomically (no window between a check and a
// rename); filesystems without hard links fall back to check-then-rename.
void commit(const fs::path& temporary, const fs::path& path, bool force) {
  if (!force) {
    if (::link(temporary.c_str(), path.c_str()) == 0) {
      // The result is complete and in place: a stray temporary name is not worth failing for.
      std::error_code ignored;
      fs::remove(temporary, ignored);
      return;
    }
    if (errno == EEXIST) throw exists_error(path);
    if (exists_no_throw(path)) throw exists_error(path);
  }
  fs::rename(temporary, path);
}

}  // namespace

fs::path temporary_path_for(const fs::path& path) {
  fs::path temporary = path;
  temporary += ".tmp-" + std::to_string(::getpid());
  return temporary;
}

void write_atomically(const fs::path& path, bool force, const std::function<void(const fs::path& temporary)>& write) {
  const fs::path temporary = fs::absolute(temporary_path_for(path));
  const TemporaryFileGuard guard(temporary);
  try {
    write(temporary);
    commit(temporary, path, force);
  } catch (...) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw;
  }
}

void write_results(const fs::path& path, const std::vector<RunResult>& replications, const ResultsMetadata& meta,
                   bool force) {
  detail::write_results(path, replications, meta, force, {});
}

void detail::write_results(const fs::path& path, const std::vector<RunResult>& replications,
                           const ResultsMetadata& meta, bool force,
                           const std::function<void(const fs::path& temporary)>& before_commit) {
  const World& world = validate(replications);
  if (!path.has_filename()) throw std::runtime_error("write_results: " + path.string() + " names no file");
  // Checked up front too, so that a long write is not wasted on a file we may not replace.
  if (!force && exists_no_throw(path)) throw exists_error(path);
  write_atomically(path, force, [&](const fs::path& temporary) {
    write_file(temporary, world, replications, meta);
    if (before_commit) before_commit(temporary);
  });
}

}  // namespace giotmau::results
