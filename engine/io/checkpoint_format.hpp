#pragma once
// The per-agent part files of a checkpoint (part-NNNN.bin) and the types a model uses to hand over its
// per-agent state: each population's columns, stored by global id so that any number of ranks can read
// them back. A part is a Cereal binary archive: magic, format version, rank, ranks, then per population its
// name, size, id range and columns (name, element bytes, elements per agent, bytes, the raw bytes). The
// reader parses it by hand with every length checked, so a damaged file is refused, never trusted.
// The folder around the parts is engine/io/checkpoint_folder.hpp; docs/checkpoints.md describes both.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <type_traits>
#include <vector>

#include "checkpoint.pb.h"

namespace megacycle::io {

// Layout of the folder and its binary files. Bump it when either changes; readers refuse other versions.
inline constexpr std::uint32_t kCheckpointFormatVersion = 1;

// One per-agent variable of a population: `per_agent` elements of `element_bytes` bytes for each agent
// this rank owns, contiguous in global-id order (a structure-of-arrays vector).
struct AgentColumn {
  std::string name;
  std::uint32_t element_bytes = 0;
  std::uint32_t per_agent = 1;
  std::byte* data = nullptr;
  std::size_t bytes = 0;  // local agents x per_agent x element_bytes
};

template <class T>
AgentColumn agent_column(std::string name, std::vector<T>& values, std::size_t per_agent = 1) {
  static_assert(std::is_trivially_copyable_v<T>, "columns are raw bytes");
  return {std::move(name), static_cast<std::uint32_t>(sizeof(T)), static_cast<std::uint32_t>(per_agent),
          reinterpret_cast<std::byte*>(values.data()), values.size() * sizeof(T)};
}

// A population as checkpoints see it: its size, the global ids [begin, end) this rank owns, and the
// columns to save or fill. Every rank lists the same populations with the same columns, in the same order.
struct AgentSlice {
  std::string population;
  std::uint64_t size = 0;
  std::uint64_t begin = 0, end = 0;
  std::vector<AgentColumn> columns;
};

// Byte order of this machine: "little" or "big".
std::string native_byte_order();

// Writes this rank's `slices` as the part file `path` (fsync'd); returns its entry for the header.
CheckpointHeader::File write_part(const std::filesystem::path& path, const std::vector<AgentSlice>& slices, int rank,
                                  int ranks);

// Fills the parts of `slices` that the part file `path` holds, checking it against `entry` as it streams.
// Throws InputError naming the part if it is corrupt or its populations or columns do not match `slices`.
void read_part(const std::filesystem::path& path, const CheckpointHeader::File& entry, std::vector<AgentSlice>& slices);

}  // namespace megacycle::io
