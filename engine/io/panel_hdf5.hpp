#pragma once
// Per-agent panels in one HDF5 file, written in parallel by every rank with MPI-IO. Model-agnostic: a
// panel is a set of groups, one per population, and a group is a set of named, typed columns over the
// population's agents; which columns an economy writes is decided in agents/ (app/panels.cpp).
//
// Layout of a group G of a population of N agents (docs/outputs.md, "panel.h5", describes the file
// megacycle writes):
//   G/quarter                int64 [S]        the quarter of each snapshot (S grows by one per append)
//   G/period                 string [S]       its calendar label, e.g. "2025Q4" (fixed length, 16 bytes)
//   G/<static column>        [N] or [N, W]    written once (write_static), e.g. id, sector
//   G/<dynamic column>       [S, N] or [S, N, W], one row per snapshot (append), extendible along S and
//                            chunked by snapshot (one chunk holds one snapshot's row, or a part of it
//                            when the row exceeds 16 MiB)
//   G/<labels>               string [K]       names along a third axis, e.g. the stocks (write_labels)
// Every column has the attributes "unit", "description" and "dimensions" (e.g. "snapshot,agent,stock"),
// and "labels" (the name of each value) when its values are codes. The group has "description" and
// "population". Attributes are UTF-8 variable-length strings, except "population" (uint64).
//
// Parallel writing: each rank owns the contiguous global ids [begin, begin + count) of a population
// (engine/partition.hpp) and writes exactly that hyperslab of every column with one collective
// H5Dwrite per dataset; ranks without agents take part with an empty selection. Every call here is
// collective over the communicator the file was opened on, with the same arguments on every rank
// (except the values): the file's contents do not depend on the number of ranks.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/comm.hpp"

namespace megacycle::io {

// One column: this rank's values for its `count` agents, `width` values per agent (agent-major,
// [agent * width + k]); width > 1 adds a third axis named `axis` (e.g. one value per stock).
struct PanelColumn {
  using Values = std::variant<std::span<const std::uint8_t>, std::span<const std::int16_t>,
                              std::span<const std::int32_t>, std::span<const std::int64_t>,
                              std::span<const std::uint64_t>, std::span<const float>, std::span<const double>>;
  PanelColumn(std::string name_, std::string unit_, std::string description_, Values values_,
              std::vector<std::string> labels_ = {})
      : name(std::move(name_)),
        unit(std::move(unit_)),
        description(std::move(description_)),
        values(values_),
        labels(std::move(labels_)) {}
  // `width` values per agent along a third axis named `axis`.
  PanelColumn& along(std::string axis_, std::size_t width_) {
    axis = std::move(axis_), width = width_;
    return *this;
  }

  std::string name;
  std::string unit;  // e.g. "USD billion"; "code" for integer codes, "1" for dimensionless numbers
  std::string description;
  Values values;
  std::vector<std::string> labels;  // for codes: labels[v] names value v (attribute "labels")
  std::size_t width = 1;
  std::string axis;  // name of the third axis (width > 1)
};

class PanelFile;

// One population's group. Obtained from PanelFile::group(); lives as long as the file.
class PanelGroup {
 public:
  ~PanelGroup();
  PanelGroup(const PanelGroup&) = delete;
  PanelGroup& operator=(const PanelGroup&) = delete;

  // Columns written once: a dataset [N] (or [N, width]) each. Collective.
  void write_static(std::span<const PanelColumn> columns);
  // A 1-D dataset of names, e.g. the labels of a third axis (written by rank 0). Collective.
  void write_labels(const std::string& name, const std::string& description, std::span<const std::string> labels);
  // Appends one snapshot: `quarter` and `period` to G/quarter and G/period, and each column as row S of
  // its dataset [S, N(, width)], created on the first append. Every append must pass the same columns
  // (names, types, widths) in the same order. Collective.
  void append(std::int64_t quarter, const std::string& period, std::span<const PanelColumn> columns);
  std::size_t snapshots() const { return snapshots_; }

 private:
  friend class PanelFile;
  struct Handles;
  PanelGroup(Comm& comm, std::int64_t file, const std::string& name, const std::string& description,
             std::uint64_t population, std::uint64_t begin, std::uint64_t count);
  void close();

  std::string name_;
  int rank_;
  std::uint64_t population_, begin_, count_;
  std::size_t snapshots_ = 0;
  std::unique_ptr<Handles> h_;
};

class PanelFile {
 public:
  // Creates (or truncates) `path` on every rank of `comm` with MPI-IO. Collective. The file's folder
  // must be visible to every rank under the same path (a shared file system across nodes).
  PanelFile(Comm& comm, const std::filesystem::path& path);
  // Closes the file if close() was not called (collective then too; errors are swallowed).
  ~PanelFile();
  PanelFile(const PanelFile&) = delete;
  PanelFile& operator=(const PanelFile&) = delete;

  // A string attribute of the root group. Collective, same value on every rank.
  void attribute(const std::string& name, const std::string& value);
  // Creates group `name` for a population of `population` agents, of which this rank holds the ids
  // [begin, begin + count). Collective.
  PanelGroup& group(const std::string& name, const std::string& description, std::uint64_t population,
                    std::uint64_t begin, std::uint64_t count);
  // Writes everything out and closes the file. Collective. Throws Error on failure.
  void close();
  const std::filesystem::path& path() const { return path_; }

 private:
  Comm& comm_;
  std::filesystem::path path_;
  std::int64_t file_ = -1;  // hid_t, kept as a plain integer so that this header needs no <hdf5.h>
  std::vector<std::unique_ptr<PanelGroup>> groups_;
};

}  // namespace megacycle::io
