#pragma once
// Checkpoint folders: the state of a run at the end of a quarter, written so that a crash at any moment
// leaves the previous checkpoint intact, and read back at any number of ranks. Model-agnostic: the model
// hands over its replicated state as a byte stream (a Cereal archive) and its per-agent state as columns
// of its populations (engine/io/checkpoint_format.hpp). docs/checkpoints.md describes the format.
//
//   ROOT/latest                       the name of the newest complete checkpoint, e.g. "quarter-0012"
//   ROOT/quarter-0012/checkpoint.json header (proto/checkpoint.proto), written last: program, scenario,
//                                     position, ranks, and the size and SHA-256 of every file below
//                     global.bin      replicated state, written by rank 0
//                     part-0000.bin   per-agent state, one file per writing rank: for each population
//                     ...             the columns of the global ids that rank owned
//                     outputs/FILE    the run's output files as they stood
//   ROOT/.writing-quarter-0012/       a checkpoint being written: ignored by readers, removed by writers
//
// A checkpoint is written into .writing-quarter-NNNN, every file fsync'd, renamed into place, then
// `latest` is replaced (engine/io/files.hpp write_file_atomic) and older checkpoints are deleted.
#include <filesystem>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "checkpoint.pb.h"
#include "engine/comm.hpp"
#include "engine/io/checkpoint_format.hpp"

namespace megacycle::io {

// What a checkpoint holds, from the caller.
struct CheckpointContent {
  // Filled by the caller: program, scenario, position (quarters_done), output folder, manifest. The
  // writer sets format_version, byte_order, written_utc, ranks, files and parts.
  CheckpointHeader header;
  std::vector<AgentSlice> agents;                   // this rank's slices
  std::function<void(std::ostream&)> write_global;  // rank 0: the replicated state
  std::vector<std::filesystem::path> outputs;       // rank 0: files copied into outputs/ (by file name)
};

// "quarter-0012": the folder name of the checkpoint after `quarters_done` quarters.
std::string checkpoint_folder_name(int quarters_done);

// Collective. Writes `content` as ROOT/quarter-NNNN (N = header.quarters_done), points ROOT/latest at it
// and deletes every older checkpoint in ROOT. Returns the folder written. Throws AgreedFailure on every
// rank if any rank fails (the previous checkpoint is then left as it was).
std::filesystem::path write_checkpoint(Comm& comm, const std::filesystem::path& root, const CheckpointContent& content);

// A checkpoint found on disk, its header read and checked. Reading its files checks their SHA-256.
class CheckpointReader {
 public:
  // `path`: a checkpoint root (with `latest`) or one checkpoint folder (with checkpoint.json). Checks that
  // the header parses, that its format version and byte order are this program's, and that every file
  // it lists exists with the recorded size. Throws InputError naming the file and what is wrong.
  explicit CheckpointReader(const std::filesystem::path& path);

  const CheckpointHeader& header() const { return header_; }
  const std::filesystem::path& folder() const { return folder_; }

  // Reads global.bin whole, checks its size and SHA-256, then hands it to `read`. InputError if the file
  // is corrupt or `read` throws.
  void read_global(const std::function<void(std::istream&)>& read) const;
  // Fills this rank's `slices` (columns sized for [begin, end)) from the part files holding those ids,
  // whatever the rank count that wrote them. Every part read is checked against its SHA-256 as it
  // streams; a part holding no agents at all is checked by rank (part index mod ranks). InputError if a
  // part is corrupt, or its populations or columns do not match `slices`.
  void read_agents(std::vector<AgentSlice>& slices, int rank, int ranks) const;
  // Copies the saved output files into `dir` (checked against their SHA-256). Returns their names.
  std::vector<std::string> restore_outputs(const std::filesystem::path& dir) const;

 private:
  const CheckpointHeader::File& file(const std::string& name) const;
  std::filesystem::path folder_;
  CheckpointHeader header_;
};

}  // namespace megacycle::io
