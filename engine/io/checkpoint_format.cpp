#include "engine/io/checkpoint_format.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <bit>
#include <cereal/archives/binary.hpp>
#include <cereal/types/string.hpp>
#include <ostream>

#include "engine/error.hpp"
#include "engine/io/hashed_file.hpp"

namespace megacycle::io {
namespace fs = std::filesystem;
namespace {

constexpr const char* kPartMagic = "megacycle-checkpoint-part";
constexpr std::uint64_t kMaxNameBytes = 4096;  // names in a part's own header (a corrupt length is refused)

// Reads what a part file holds, in the order written, with every length checked before use.
class PartParser {
 public:
  explicit PartParser(HashedFileReader& file) : file_(file) {}
  template <class T>
  T value() {
    T v{};
    file_.read(&v, sizeof v);
    return v;
  }
  std::string name() {
    const auto n = value<std::uint64_t>();
    if (n > kMaxNameBytes) throw InputError("a name of " + std::to_string(n) + " bytes");
    std::string s(n, '\0');
    file_.read(s.data(), n);
    return s;
  }

 private:
  HashedFileReader& file_;
};

}  // namespace

std::string native_byte_order() { return std::endian::native == std::endian::little ? "little" : "big"; }

CheckpointHeader::File write_part(const fs::path& path, const std::vector<AgentSlice>& slices, int rank, int ranks) {
  HashedFileWriter file(path);
  {
    std::ostream stream(&file);
    cereal::BinaryOutputArchive ar(stream);
    ar(std::string(kPartMagic), kCheckpointFormatVersion, std::int32_t{rank}, std::int32_t{ranks},
       std::uint64_t{slices.size()});
    for (const auto& s : slices) {
      ar(s.population, s.size, s.begin, s.end, std::uint64_t{s.columns.size()});
      for (const auto& c : s.columns) {
        const std::uint64_t expected = (s.end - s.begin) * c.per_agent * c.element_bytes;
        if (c.bytes != expected)
          throw Error(fmt::format("checkpoint: column {}.{} holds {} bytes for {} agents, expected {}", s.population,
                                  c.name, c.bytes, s.end - s.begin, expected));
        ar(c.name, c.element_bytes, c.per_agent, std::uint64_t{c.bytes});
        ar(cereal::binary_data(c.data, c.bytes));
      }
    }
    stream.flush();
    if (!stream) throw Error(fmt::format("cannot write {}", path.string()));
  }
  return file.close();
}

void read_part(const fs::path& path, const CheckpointHeader::File& entry, std::vector<AgentSlice>& slices) {
  HashedFileReader file(path, entry);
  const auto bad = [&](const std::string& what) { return InputError(fmt::format("{}: {}", path.string(), what)); };
  try {
    PartParser in(file);
    // Cereal's binary archive writes a string as its 64-bit length and bytes, numbers as their bytes.
    if (in.name() != kPartMagic) throw bad("not a megacycle checkpoint part");
    const auto version = in.value<std::uint32_t>();
    if (version != kCheckpointFormatVersion)
      throw bad(
          fmt::format("part format version {}; this program reads version {}", version, kCheckpointFormatVersion));
    in.value<std::int32_t>();  // rank
    in.value<std::int32_t>();  // ranks
    const auto populations = in.value<std::uint64_t>();
    if (populations != slices.size())
      throw bad(fmt::format("{} population(s); this run has {}", populations, slices.size()));
    for (auto& s : slices) {
      const std::string name = in.name();
      const auto size = in.value<std::uint64_t>(), begin = in.value<std::uint64_t>(), end = in.value<std::uint64_t>();
      const auto columns = in.value<std::uint64_t>();
      if (name != s.population)
        throw bad(fmt::format("population \"{}\" where this run has \"{}\"", name, s.population));
      if (size != s.size) throw bad(fmt::format("population {} has {} agents; this run's has {}", name, size, s.size));
      if (begin > end || end > size)
        throw bad(fmt::format("population {}: id range [{}, {}) out of range", name, begin, end));
      if (columns != s.columns.size())
        throw bad(fmt::format("population {} has {} column(s); this run's has {}", name, columns, s.columns.size()));
      const std::uint64_t lo = std::max(begin, s.begin), hi = std::min(end, s.end);
      for (auto& c : s.columns) {
        const std::string column = in.name();
        const auto element_bytes = in.value<std::uint32_t>(), per_agent = in.value<std::uint32_t>();
        const auto bytes = in.value<std::uint64_t>();
        if (column != c.name || element_bytes != c.element_bytes || per_agent != c.per_agent)
          throw bad(fmt::format("{} column \"{}\" ({} x {} bytes per agent) where this run has \"{}\" ({} x {} bytes)",
                                name, column, per_agent, element_bytes, c.name, c.per_agent, c.element_bytes));
        const std::uint64_t row = std::uint64_t{per_agent} * element_bytes;
        if (bytes != (end - begin) * row)
          throw bad(fmt::format("{}.{}: {} bytes for {} agents", name, column, bytes, end - begin));
        if (lo >= hi) {
          file.skip(bytes);
          continue;
        }
        file.skip((lo - begin) * row);
        file.read(c.data + (lo - s.begin) * row, (hi - lo) * row);
        file.skip((end - hi) * row);
      }
    }
  } catch (const InputError&) {
    // A damaged file reads as nonsense: say it is corrupt rather than what the nonsense looked like.
    file.finish();
    throw;
  }
  file.finish();
}

}  // namespace megacycle::io
