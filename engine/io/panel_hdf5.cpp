// Parallel HDF5 panel writer (layout and rules in panel_hdf5.hpp). The only file that includes <hdf5.h>.
#include "engine/io/panel_hdf5.hpp"

#include <fmt/core.h>
#include <hdf5.h>

#include <algorithm>
#include <array>
#include <exception>
#include <type_traits>
#include <utility>

#include "engine/comm_mpi.hpp"
#include "engine/error.hpp"

namespace megacycle::io {
namespace {

static_assert(std::is_same_v<hid_t, std::int64_t>, "PanelFile keeps hid_t as std::int64_t");

constexpr std::size_t kPeriodBytes = 16;        // fixed-length period labels ("2025Q4")
constexpr std::size_t kChunkBytes = 16u << 20;  // largest chunk of a dynamic column
constexpr hsize_t kSnapshotChunk = 64;          // chunk of G/quarter and G/period

// The deepest message on HDF5's error stack (the cause, e.g. the MPI-IO or file-system error); the
// stack is cleared.
std::string hdf5_cause() {
  std::string cause;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
        if (e->desc && *e->desc) *static_cast<std::string*>(data) = e->desc;
        return 0;
      },
      &cause);
  H5Eclear2(H5E_DEFAULT);
  return cause;
}

[[noreturn]] void fail(const std::string& what) {
  const std::string cause = hdf5_cause();
  throw Error(cause.empty() ? what : fmt::format("{}: {}", what, cause));
}

hid_t ok(hid_t id, const std::string& what) {
  if (id < 0) fail(what);
  return id;
}

void ok(herr_t rc, const std::string& what) {
  if (rc < 0) fail(what);
}

// An owned HDF5 identifier, closed with its kind's close function.
class Id {
 public:
  Id() = default;
  Id(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  Id(Id&& o) noexcept : id_(std::exchange(o.id_, -1)), close_(o.close_) {}
  Id& operator=(Id&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, -1);
      close_ = o.close_;
    }
    return *this;
  }
  ~Id() { reset(); }
  hid_t get() const { return id_; }
  // Closes now; returns false if HDF5 reported an error.
  bool reset() {
    const bool good = id_ < 0 || close_(id_) >= 0;
    id_ = -1;
    return good;
  }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

Id plist(hid_t cls) { return Id(ok(H5Pcreate(cls), "H5Pcreate"), H5Pclose); }

// Creation properties of a group or dataset: no modification times, so that the same run writes the
// same bytes (at any number of ranks, as it turns out: the layout does not depend on them either).
Id creation(hid_t cls) {
  Id p = plist(cls);
  ok(H5Pset_obj_track_times(p.get(), false), "H5Pset_obj_track_times");
  return p;
}

Id simple_space(std::span<const hsize_t> dims, std::span<const hsize_t> maxdims = {}) {
  return Id(ok(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), maxdims.empty() ? nullptr : maxdims.data()),
               "H5Screate_simple"),
            H5Sclose);
}

// Memory and file types of a column's values.
struct Types {
  hid_t memory, file;
};

template <class T>
Types types_of() {
  if constexpr (std::is_same_v<T, std::uint8_t>) return {H5T_NATIVE_UINT8, H5T_STD_U8LE};
  if constexpr (std::is_same_v<T, std::int16_t>) return {H5T_NATIVE_INT16, H5T_STD_I16LE};
  if constexpr (std::is_same_v<T, std::int32_t>) return {H5T_NATIVE_INT32, H5T_STD_I32LE};
  if constexpr (std::is_same_v<T, std::int64_t>) return {H5T_NATIVE_INT64, H5T_STD_I64LE};
  if constexpr (std::is_same_v<T, std::uint64_t>) return {H5T_NATIVE_UINT64, H5T_STD_U64LE};
  if constexpr (std::is_same_v<T, float>) return {H5T_NATIVE_FLOAT, H5T_IEEE_F32LE};
  if constexpr (std::is_same_v<T, double>) return {H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE};
}

struct ColumnData {
  Types types;
  const void* data;
  std::size_t size;   // elements
  std::size_t index;  // variant index, to check that appends keep the type
};

ColumnData data_of(const PanelColumn& c) {
  return std::visit(
      [&](auto span) {
        using T = std::remove_cv_t<typename decltype(span)::element_type>;
        return ColumnData{types_of<T>(), static_cast<const void*>(span.data()), span.size(), c.values.index()};
      },
      c.values);
}

Id utf8_string_type() {
  Id type(ok(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose);
  ok(H5Tset_size(type.get(), H5T_VARIABLE), "H5Tset_size");
  ok(H5Tset_cset(type.get(), H5T_CSET_UTF8), "H5Tset_cset");
  return type;
}

Id fixed_string_type(std::size_t bytes) {
  Id type(ok(H5Tcopy(H5T_C_S1), "H5Tcopy"), H5Tclose);
  ok(H5Tset_size(type.get(), std::max<std::size_t>(1, bytes)), "H5Tset_size");
  ok(H5Tset_strpad(type.get(), H5T_STR_NULLPAD), "H5Tset_strpad");
  ok(H5Tset_cset(type.get(), H5T_CSET_UTF8), "H5Tset_cset");
  return type;
}

void string_attribute(hid_t object, const std::string& name, const std::string& value) {
  const Id type = utf8_string_type();
  const Id space(ok(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose);
  const Id attr(ok(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                   "cannot create attribute " + name),
                H5Aclose);
  const char* p = value.c_str();
  ok(H5Awrite(attr.get(), type.get(), &p), "cannot write attribute " + name);
}

void strings_attribute(hid_t object, const std::string& name, std::span<const std::string> values) {
  const Id type = utf8_string_type();
  const std::array<hsize_t, 1> dims = {values.size()};
  const Id space = simple_space(dims);
  const Id attr(ok(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                   "cannot create attribute " + name),
                H5Aclose);
  std::vector<const char*> p;
  for (const auto& v : values) p.push_back(v.c_str());
  ok(H5Awrite(attr.get(), type.get(), p.data()), "cannot write attribute " + name);
}

void uint64_attribute(hid_t object, const std::string& name, std::uint64_t value) {
  const Id space(ok(H5Screate(H5S_SCALAR), "H5Screate"), H5Sclose);
  const Id attr(ok(H5Acreate2(object, name.c_str(), H5T_STD_U64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                   "cannot create attribute " + name),
                H5Aclose);
  ok(H5Awrite(attr.get(), H5T_NATIVE_UINT64, &value), "cannot write attribute " + name);
}

void describe(hid_t dataset, const PanelColumn& c, const std::string& dimensions) {
  string_attribute(dataset, "unit", c.unit);
  string_attribute(dataset, "description", c.description);
  string_attribute(dataset, "dimensions", dimensions);
  if (!c.labels.empty()) strings_attribute(dataset, "labels", c.labels);
}

// Writes this rank's block `count` (elements per axis) at `start` of `dataset`, collectively; an empty
// block takes part with an empty selection.
void write_block(hid_t dataset, hid_t memory_type, const void* data, std::span<const hsize_t> start,
                 std::span<const hsize_t> count, hid_t transfer, const std::string& what) {
  const Id file_space(ok(H5Dget_space(dataset), "H5Dget_space"), H5Sclose);
  hsize_t elements = 1;
  for (hsize_t c : count) elements *= c;
  const std::array<hsize_t, 1> memory_dims = {std::max<hsize_t>(1, elements)};
  const Id memory_space = simple_space(memory_dims);
  static const std::byte dummy{};
  if (elements == 0) {
    ok(H5Sselect_none(file_space.get()), "H5Sselect_none");
    ok(H5Sselect_none(memory_space.get()), "H5Sselect_none");
    data = &dummy;
  } else {
    ok(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
       "H5Sselect_hyperslab");
  }
  ok(H5Dwrite(dataset, memory_type, memory_space.get(), file_space.get(), transfer, data), "cannot write " + what);
}

}  // namespace

struct PanelGroup::Handles {
  struct Dynamic {
    std::string name;
    Id dataset;
    std::size_t index, width;
  };
  Id group, transfer, quarter, period, period_type;
  std::vector<Dynamic> dynamic;
};

PanelGroup::PanelGroup(Comm& comm, std::int64_t file, const std::string& name, const std::string& description,
                       std::uint64_t population, std::uint64_t begin, std::uint64_t count)
    : name_(name),
      rank_(comm.rank()),
      population_(population),
      begin_(begin),
      count_(count),
      h_(std::make_unique<Handles>()) {
  if (begin + count > population)
    throw Error(
        fmt::format("panel group {}: ids [{}, {}) outside a population of {}", name, begin, begin + count, population));
  const Id group_create = creation(H5P_GROUP_CREATE);
  h_->group = Id(ok(H5Gcreate2(file, name.c_str(), H5P_DEFAULT, group_create.get(), H5P_DEFAULT),
                    "cannot create panel group " + name),
                 H5Gclose);
  string_attribute(h_->group.get(), "description", description);
  uint64_attribute(h_->group.get(), "population", population);
  h_->transfer = plist(H5P_DATASET_XFER);
  ok(H5Pset_dxpl_mpio(h_->transfer.get(), H5FD_MPIO_COLLECTIVE), "H5Pset_dxpl_mpio");
  h_->period_type = fixed_string_type(kPeriodBytes);
  // G/quarter and G/period: 1-D, extendible.
  const std::array<hsize_t, 1> dims = {0}, maxdims = {H5S_UNLIMITED}, chunk = {kSnapshotChunk};
  const auto make = [&](const char* dataset, hid_t type, const char* unit, const char* text) {
    const Id space = simple_space(dims, maxdims);
    const Id create = creation(H5P_DATASET_CREATE);
    ok(H5Pset_chunk(create.get(), 1, chunk.data()), "H5Pset_chunk");
    Id d(ok(H5Dcreate2(h_->group.get(), dataset, type, space.get(), H5P_DEFAULT, create.get(), H5P_DEFAULT),
            fmt::format("cannot create {}/{}", name, dataset)),
         H5Dclose);
    string_attribute(d.get(), "unit", unit);
    string_attribute(d.get(), "description", text);
    string_attribute(d.get(), "dimensions", "snapshot");
    return d;
  };
  h_->quarter = make("quarter", H5T_STD_I64LE, "quarters", "quarter of each snapshot, 0-based from the run's start");
  h_->period = make("period", h_->period_type.get(), "YYYYQn", "calendar quarter of each snapshot");
}

PanelGroup::~PanelGroup() = default;

void PanelGroup::close() {
  bool good = true;
  for (auto& d : h_->dynamic) good = d.dataset.reset() && good;
  for (Id* id : {&h_->quarter, &h_->period, &h_->period_type, &h_->transfer, &h_->group}) good = id->reset() && good;
  if (!good) fail("cannot close panel group " + name_);
}

void PanelGroup::write_static(std::span<const PanelColumn> columns) {
  for (const auto& c : columns) {
    const ColumnData v = data_of(c);
    const std::string what = fmt::format("{}/{}", name_, c.name);
    if (c.width == 0 || v.size != count_ * c.width)
      throw Error(fmt::format("panel column {}: {} values for {} agents x width {}", what, v.size, count_, c.width));
    const bool wide = c.width > 1;
    const std::array<hsize_t, 2> dims = {population_, c.width};
    const Id space = simple_space(std::span(dims).first(wide ? 2 : 1));
    const Id create = creation(H5P_DATASET_CREATE);
    ok(H5Pset_fill_time(create.get(), H5D_FILL_TIME_NEVER), "H5Pset_fill_time");
    const Id d(ok(H5Dcreate2(h_->group.get(), c.name.c_str(), v.types.file, space.get(), H5P_DEFAULT, create.get(),
                             H5P_DEFAULT),
                  "cannot create " + what),
               H5Dclose);
    describe(d.get(), c, wide ? "agent," + c.axis : "agent");
    const std::array<hsize_t, 2> start = {begin_, 0}, count = {count_, c.width};
    write_block(d.get(), v.types.memory, v.data, std::span(start).first(wide ? 2 : 1),
                std::span(count).first(wide ? 2 : 1), h_->transfer.get(), what);
  }
}

void PanelGroup::write_labels(const std::string& name, const std::string& description,
                              std::span<const std::string> labels) {
  std::size_t bytes = 1;
  for (const auto& l : labels) bytes = std::max(bytes, l.size());
  const Id type = fixed_string_type(bytes);
  const std::array<hsize_t, 1> dims = {labels.size()};
  const Id space = simple_space(dims);
  const std::string what = fmt::format("{}/{}", name_, name);
  const Id create = creation(H5P_DATASET_CREATE);
  const Id d(
      ok(H5Dcreate2(h_->group.get(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, create.get(), H5P_DEFAULT),
         "cannot create " + what),
      H5Dclose);
  string_attribute(d.get(), "description", description);
  string_attribute(d.get(), "dimensions", name);
  std::vector<char> text(labels.size() * bytes, '\0');
  for (std::size_t k = 0; k < labels.size(); ++k) std::copy(labels[k].begin(), labels[k].end(), &text[k * bytes]);
  const std::array<hsize_t, 1> start = {0}, count = {rank_ == 0 ? labels.size() : 0};
  write_block(d.get(), type.get(), text.data(), start, count, h_->transfer.get(), what);
}

void PanelGroup::append(std::int64_t quarter, const std::string& period, std::span<const PanelColumn> columns) {
  const std::size_t s = snapshots_;
  const bool first = s == 0;
  if (!first && columns.size() != h_->dynamic.size())
    throw Error(fmt::format("panel group {}: snapshot {} has {} columns, the first had {}", name_, s, columns.size(),
                            h_->dynamic.size()));
  if (period.size() > kPeriodBytes)
    throw Error(fmt::format("panel group {}: period \"{}\" is longer than {} bytes", name_, period, kPeriodBytes));

  // G/quarter and G/period: rank 0 writes the new element.
  const std::array<hsize_t, 1> extent = {s + 1}, start = {s}, one = {rank_ == 0 ? 1u : 0u};
  ok(H5Dset_extent(h_->quarter.get(), extent.data()), "cannot extend " + name_ + "/quarter");
  write_block(h_->quarter.get(), H5T_NATIVE_INT64, &quarter, start, one, h_->transfer.get(), name_ + "/quarter");
  std::array<char, kPeriodBytes> label{};
  std::copy(period.begin(), period.end(), label.begin());
  ok(H5Dset_extent(h_->period.get(), extent.data()), "cannot extend " + name_ + "/period");
  write_block(h_->period.get(), h_->period_type.get(), label.data(), start, one, h_->transfer.get(), name_ + "/period");

  for (std::size_t k = 0; k < columns.size(); ++k) {
    const PanelColumn& c = columns[k];
    const ColumnData v = data_of(c);
    const std::string what = fmt::format("{}/{}", name_, c.name);
    if (c.width == 0 || v.size != count_ * c.width)
      throw Error(fmt::format("panel column {}: {} values for {} agents x width {}", what, v.size, count_, c.width));
    const bool wide = c.width > 1;
    const int rank = wide ? 3 : 2;
    if (first) {
      const std::array<hsize_t, 3> dims = {0, population_, c.width}, maxdims = {H5S_UNLIMITED, population_, c.width};
      const std::size_t row_bytes = std::max<std::size_t>(1, c.width * H5Tget_size(v.types.file));
      const hsize_t agents = std::clamp<hsize_t>(kChunkBytes / row_bytes, 1, std::max<hsize_t>(1, population_));
      const std::array<hsize_t, 3> chunk = {1, agents, c.width};
      const Id space = simple_space(std::span(dims).first(rank), std::span(maxdims).first(rank));
      const Id create = creation(H5P_DATASET_CREATE);
      ok(H5Pset_chunk(create.get(), rank, chunk.data()), "H5Pset_chunk");
      ok(H5Pset_fill_time(create.get(), H5D_FILL_TIME_NEVER), "H5Pset_fill_time");
      Id d(ok(H5Dcreate2(h_->group.get(), c.name.c_str(), v.types.file, space.get(), H5P_DEFAULT, create.get(),
                         H5P_DEFAULT),
              "cannot create " + what),
           H5Dclose);
      describe(d.get(), c, wide ? "snapshot,agent," + c.axis : "snapshot,agent");
      h_->dynamic.push_back({c.name, std::move(d), v.index, c.width});
    }
    auto& d = h_->dynamic[k];
    if (d.name != c.name || d.index != v.index || d.width != c.width)
      throw Error(fmt::format("panel group {}: column {} of snapshot {} is {}, not {} as in the first", name_, k, s,
                              c.name, d.name));
    const std::array<hsize_t, 3> dims = {s + 1, population_, c.width};
    ok(H5Dset_extent(d.dataset.get(), dims.data()), "cannot extend " + what);
    const std::array<hsize_t, 3> at = {s, begin_, 0}, count = {1, count_, c.width};
    write_block(d.dataset.get(), v.types.memory, v.data, std::span(at).first(rank), std::span(count).first(rank),
                h_->transfer.get(), what);
  }
  snapshots_ = s + 1;
}

PanelFile::PanelFile(Comm& comm, const std::filesystem::path& path) : comm_(comm), path_(path) {
  // Errors become exceptions with HDF5's own cause in the message (hdf5_cause) instead of stack dumps.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const Id access = plist(H5P_FILE_ACCESS);
  ok(H5Pset_fapl_mpio(access.get(), mpi_handle(comm), MPI_INFO_NULL), "H5Pset_fapl_mpio");
  // Metadata read and written collectively: one rank touches the file, the others receive it.
  ok(H5Pset_all_coll_metadata_ops(access.get(), true), "H5Pset_all_coll_metadata_ops");
  ok(H5Pset_coll_metadata_write(access.get(), true), "H5Pset_coll_metadata_write");
  file_ = ok(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, access.get()), "cannot create " + path.string());
}

PanelFile::~PanelFile() {
  // Closing is collective: during unwinding (an error, perhaps on this rank alone) the other ranks may
  // never get here, so leave the file to MPI_Finalize or MPI_Abort rather than risk a hang.
  if (file_ < 0) return;
  if (std::uncaught_exceptions() > 0) {
    for (auto& g : groups_) (void)g->h_.release();  // closing a dataset may be collective too: leaked
    return;
  }
  try {
    close();
  } catch (const std::exception&) {
  }
}

void PanelFile::attribute(const std::string& name, const std::string& value) {
  const Id root(ok(H5Gopen2(file_, "/", H5P_DEFAULT), "H5Gopen2"), H5Gclose);
  string_attribute(root.get(), name, value);
}

PanelGroup& PanelFile::group(const std::string& name, const std::string& description, std::uint64_t population,
                             std::uint64_t begin, std::uint64_t count) {
  groups_.push_back(
      std::unique_ptr<PanelGroup>(new PanelGroup(comm_, file_, name, description, population, begin, count)));
  return *groups_.back();
}

void PanelFile::close() {
  if (file_ < 0) return;
  // The MPI-IO driver closes a file only when nothing in it is open (H5F_CLOSE_SEMI).
  for (auto& g : groups_) g->close();
  groups_.clear();
  const herr_t rc = H5Fclose(std::exchange(file_, -1));
  ok(rc, "cannot close " + path_.string());
}

}  // namespace megacycle::io
