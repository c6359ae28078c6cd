#include "engine/io/checkpoint_folder.hpp"

#include <fmt/core.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cstring>
#include <sstream>

#include "engine/error.hpp"
#include "engine/failure.hpp"
#include "engine/io/files.hpp"
#include "engine/io/hashed_file.hpp"

namespace megacycle::io {
namespace fs = std::filesystem;
namespace {

constexpr const char* kHeaderFile = "checkpoint.json";
constexpr const char* kGlobalFile = "global.bin";
constexpr const char* kLatestFile = "latest";
constexpr const char* kWritingPrefix = ".writing-";

std::string header_json(const CheckpointHeader& header) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(header, &json, options);
  if (!status.ok()) throw Error("cannot encode checkpoint header: " + status.ToString());
  return json;
}

// Per-rank facts rank 0 needs for the header: the part's size and hash, and its id ranges.
struct PartRecord {
  std::uint64_t bytes = 0;
  char sha256[64] = {};
};
struct RangeRecord {
  std::uint64_t size = 0, begin = 0, end = 0;
};

bool is_checkpoint_name(const std::string& name) {
  constexpr std::string_view prefix = "quarter-";
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return false;
  return std::all_of(name.begin() + static_cast<long>(prefix.size()), name.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// Rank 0's part of writing: global state, outputs, header; then the renames.
void finish_checkpoint(const fs::path& root, const fs::path& writing, const fs::path& final_dir,
                       CheckpointHeader header, const CheckpointContent& content) {
  std::vector<CheckpointHeader::File> files;
  {
    HashedFileWriter global(writing / kGlobalFile);
    {
      std::ostream stream(&global);
      if (content.write_global) content.write_global(stream);
      stream.flush();
      if (!stream) throw Error(fmt::format("cannot write {}", (writing / kGlobalFile).string()));
    }
    files.push_back(global.close());
  }
  if (!content.outputs.empty()) {
    fs::create_directory(writing / "outputs");
    for (const auto& path : content.outputs) {
      auto f = copy_hashed_file(path, writing / "outputs" / path.filename());
      f.set_name("outputs/" + path.filename().string());
      files.push_back(f);
      header.add_outputs(path.filename().string());
    }
    fsync_path(writing / "outputs");
  }
  for (auto& f : files) *header.add_files() = f;
  write_hashed_file(writing / kHeaderFile, header_json(header));
  fsync_path(writing);

  // Replacing: the same quarter written again (a resumed run stopped at once).
  move_folder_into_place(writing, final_dir, true);
  write_file_atomic(root / kLatestFile, final_dir.filename().string() + "\n");
  // Older checkpoints and leftovers of interrupted writes go only now that the new one is in place.
  std::vector<fs::path> stale;
  for (const auto& entry : fs::directory_iterator(root)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() &&
        ((is_checkpoint_name(name) && name != final_dir.filename().string()) || name.rfind(kWritingPrefix, 0) == 0))
      stale.push_back(entry.path());
  }
  std::error_code ec;
  for (const auto& path : stale) fs::remove_all(path, ec);
}

}  // namespace

std::string checkpoint_folder_name(int quarters_done) { return fmt::format("quarter-{:04d}", quarters_done); }

fs::path write_checkpoint(Comm& comm, const fs::path& root, const CheckpointContent& content) {
  const bool writer = comm.rank() == 0;
  const std::string name = checkpoint_folder_name(content.header.quarters_done());
  const fs::path writing = root / (kWritingPrefix + name), final_dir = root / name;
  agreed(comm, [&] {
    if (!writer) return;
    std::error_code ec;
    fs::create_directories(root, ec);
    fs::remove_all(writing, ec);
    if (!fs::create_directory(writing, ec) || ec)
      throw Error(
          fmt::format("cannot create checkpoint folder {}: {}", writing.string(), ec ? ec.message() : "unknown error"));
  });

  try {
    const std::string part = fmt::format("part-{:04d}.bin", comm.rank());
    PartRecord record;
    agreed(comm, [&] {
      const auto f = write_part(writing / part, content.agents, comm.rank(), comm.size());
      record.bytes = f.bytes();
      std::memcpy(record.sha256, f.sha256().data(), std::min<std::size_t>(64, f.sha256().size()));
    });
    const auto records = allgatherv<PartRecord>(comm, std::span<const PartRecord>(&record, 1));
    std::vector<RangeRecord> mine;
    for (const auto& s : content.agents) mine.push_back({s.size, s.begin, s.end});
    const auto ranges = allgatherv<RangeRecord>(comm, std::span<const RangeRecord>(mine));

    agreed(comm, [&] {
      if (!writer) return;
      CheckpointHeader header = content.header;
      header.set_format_version(kCheckpointFormatVersion);
      header.set_byte_order(native_byte_order());
      header.set_written_utc(utc_now_iso8601());
      header.set_ranks(comm.size());
      header.clear_files(), header.clear_parts(), header.clear_outputs();
      const std::size_t per_rank = content.agents.size();
      for (int r = 0; r < comm.size(); ++r) {
        const auto& rec = records[static_cast<std::size_t>(r)];
        auto* f = header.add_files();
        f->set_name(fmt::format("part-{:04d}.bin", r));
        f->set_bytes(rec.bytes);
        f->set_sha256(std::string(rec.sha256, 64));
        auto* p = header.add_parts();
        p->set_file(f->name());
        p->set_rank(r);
        for (std::size_t k = 0; k < per_rank; ++k) {
          const auto& rr = ranges[static_cast<std::size_t>(r) * per_rank + k];
          auto* range = p->add_ranges();
          range->set_population(content.agents[k].population);
          range->set_population_size(rr.size);
          range->set_begin(rr.begin);
          range->set_end(rr.end);
        }
      }
      finish_checkpoint(root, writing, final_dir, std::move(header), content);
    });
  } catch (...) {
    if (writer) {
      std::error_code ec;
      fs::remove_all(writing, ec);  // nothing half-written stays; the previous checkpoint is untouched
    }
    throw;
  }
  return final_dir;
}

CheckpointReader::CheckpointReader(const fs::path& path) {
  std::error_code ec;
  if (fs::exists(path / kHeaderFile, ec)) {
    folder_ = path;
  } else if (fs::exists(path / kLatestFile, ec)) {
    std::string name = read_file(path / kLatestFile);
    while (!name.empty() && (name.back() == '\n' || name.back() == ' ' || name.back() == '\r')) name.pop_back();
    if (!is_checkpoint_name(name))
      throw InputError(
          fmt::format("{}: \"{}\" is not a checkpoint name (quarter-NNNN)", (path / kLatestFile).string(), name));
    folder_ = path / name;
    if (!fs::exists(folder_ / kHeaderFile, ec))
      throw InputError(fmt::format("{}: names {}, which has no {}: the checkpoint is incomplete or was removed",
                                   (path / kLatestFile).string(), folder_.string(), kHeaderFile));
  } else if (!fs::exists(path, ec)) {
    throw InputError(fmt::format("{}: no such checkpoint folder", path.string()));
  } else {
    throw InputError(fmt::format("{}: not a checkpoint (it has neither a `{}` file nor a {})", path.string(),
                                 kLatestFile, kHeaderFile));
  }

  const fs::path header_path = folder_ / kHeaderFile;
  google::protobuf::util::JsonParseOptions options;
  const auto status = google::protobuf::util::JsonStringToMessage(read_file(header_path), &header_, options);
  if (!status.ok())
    throw InputError(fmt::format("{}: not a readable checkpoint header: {}", header_path.string(), status.ToString()));
  if (header_.format_version() != kCheckpointFormatVersion)
    throw InputError(fmt::format("{}: checkpoint format version {}; this program reads version {} only",
                                 header_path.string(), header_.format_version(), kCheckpointFormatVersion));
  if (header_.byte_order() != native_byte_order())
    throw InputError(fmt::format("{}: written on a {}-endian machine; this one is {}-endian", header_path.string(),
                                 header_.byte_order(), native_byte_order()));
  if (header_.ranks() < 1 || header_.parts_size() != header_.ranks())
    throw InputError(fmt::format("{}: {} part(s) listed for {} rank(s)", header_path.string(), header_.parts_size(),
                                 header_.ranks()));
  for (const auto& f : header_.files()) {
    const fs::path p = folder_ / f.name();
    if (f.name().find("..") != std::string::npos || !fs::is_regular_file(p, ec))
      throw InputError(fmt::format("{}: missing (listed in {})", p.string(), header_path.string()));
    const auto size = fs::file_size(p, ec);
    if (ec || size != f.bytes())
      throw InputError(
          fmt::format("{}: {} bytes, the checkpoint header records {}: the file is truncated or was replaced",
                      p.string(), ec ? 0 : size, f.bytes()));
  }
  for (const auto& p : header_.parts()) file(p.file());
  file(kGlobalFile);
}

const CheckpointHeader::File& CheckpointReader::file(const std::string& name) const {
  for (const auto& f : header_.files())
    if (f.name() == name) return f;
  throw InputError(fmt::format("{}: lists no file {}", (folder_ / kHeaderFile).string(), name));
}

void CheckpointReader::read_global(const std::function<void(std::istream&)>& read) const {
  const fs::path path = folder_ / kGlobalFile;
  std::string bytes;
  {
    HashedFileReader in(path, file(kGlobalFile));
    bytes.resize(file(kGlobalFile).bytes());
    in.read(bytes.data(), bytes.size());
    in.finish();
  }
  std::istringstream stream(std::move(bytes));
  try {
    read(stream);
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    throw InputError(fmt::format("{}: cannot read the state: {}", path.string(), e.what()));
  }
}

void CheckpointReader::read_agents(std::vector<AgentSlice>& slices, int rank, int ranks) const {
  for (const auto& s : slices)
    for (const auto& c : s.columns)
      if (c.bytes != (s.end - s.begin) * c.per_agent * c.element_bytes)
        throw Error(fmt::format("checkpoint: column {}.{} sized {} bytes for {} agents", s.population, c.name, c.bytes,
                                s.end - s.begin));
  // Coverage: the parts' ranges of each population must hold every id this rank needs.
  std::vector<std::uint64_t> covered(slices.size(), 0);
  for (int p = 0; p < header_.parts_size(); ++p) {
    const auto& part = header_.parts(p);
    bool needed = false, empty = true;
    for (const auto& r : part.ranges()) {
      if (r.end() > r.begin()) empty = false;
      for (std::size_t k = 0; k < slices.size(); ++k) {
        if (r.population() != slices[k].population) continue;
        if (r.population_size() != slices[k].size)
          throw InputError(fmt::format("{}: population {} has {} agents in the checkpoint, {} in this run",
                                       (folder_ / kHeaderFile).string(), r.population(), r.population_size(),
                                       slices[k].size));
        const std::uint64_t lo = std::max(r.begin(), slices[k].begin), hi = std::min(r.end(), slices[k].end);
        if (lo < hi) needed = true, covered[k] += hi - lo;
      }
    }
    if (needed || (empty && p % ranks == rank)) read_part(folder_ / part.file(), file(part.file()), slices);
  }
  for (std::size_t k = 0; k < slices.size(); ++k)
    if (covered[k] != slices[k].end - slices[k].begin)
      throw InputError(fmt::format("{}: the parts hold {} of the {} {} ids [{}, {}) this rank needs",
                                   (folder_ / kHeaderFile).string(), covered[k], slices[k].end - slices[k].begin,
                                   slices[k].population, slices[k].begin, slices[k].end));
}

std::vector<std::string> CheckpointReader::restore_outputs(const fs::path& dir) const {
  std::vector<std::string> names;
  for (const auto& name : header_.outputs()) {
    if (name.find('/') != std::string::npos || name.find("..") != std::string::npos)
      throw InputError(fmt::format("{}: bad output name \"{}\"", (folder_ / kHeaderFile).string(), name));
    const std::string relative = "outputs/" + name;
    HashedFileReader in(folder_ / relative, file(relative));
    HashedFileWriter out(dir / name);
    std::vector<char> buffer(kHashedFileBufferBytes);
    for (;;) {
      const auto n = in.sgetn(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      if (n <= 0) break;
      out.write(buffer.data(), static_cast<std::size_t>(n));
    }
    in.finish();
    out.close();
    names.push_back(name);
  }
  return names;
}

}  // namespace megacycle::io
