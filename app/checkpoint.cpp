#include "app/checkpoint.hpp"

#include <fmt/core.h>
#include <google/protobuf/text_format.h>

#include <cereal/archives/binary.hpp>
#include <istream>

#include "engine/error.hpp"
#include "engine/failure.hpp"
#include "engine/io/files.hpp"
#include "engine/io/text_input.hpp"

namespace megacycle {
namespace fs = std::filesystem;

std::vector<io::AgentSlice> Economy::checkpoint_slices() {
  std::vector<io::AgentSlice> slices{enterprises_.checkpoint_slice()};
  if (equity_market_) slices.push_back(equity_market_->checkpoint_slice());
  return slices;
}

void Economy::restored() { enterprises_.restored(comm_); }

fs::path write_run_checkpoint(Comm& comm, Economy& economy, const fs::path& root, CheckpointHeader header,
                              const std::vector<fs::path>& outputs) {
  io::CheckpointContent content;
  content.header = std::move(header);
  content.agents = economy.checkpoint_slices();
  content.write_global = [&](std::ostream& out) {
    cereal::BinaryOutputArchive archive(out);
    archive(economy);
  };
  content.outputs = outputs;
  return io::write_checkpoint(comm, root, content);
}

void read_run_checkpoint(Comm& comm, Economy& economy, const io::CheckpointReader& checkpoint) {
  agreed(comm, [&] {
    checkpoint.read_global([&](std::istream& in) {
      {
        cereal::BinaryInputArchive archive(in);
        archive(economy);
      }
      if (in.peek() != std::char_traits<char>::eof())
        throw InputError("bytes left over after the economy's state: written by a different model version");
    });
    auto slices = economy.checkpoint_slices();
    checkpoint.read_agents(slices, comm.rank(), comm.size());
  });
  economy.restored();
}

LoadedScenario checkpoint_scenario(const io::CheckpointReader& checkpoint) {
  const auto& h = checkpoint.header();
  const std::string where = (checkpoint.folder() / "checkpoint.json").string();
  LoadedScenario out;
  const Manifest& m = h.manifest();
  out.file = m.scenario_file();
  out.file_text = m.scenario_file_text();
  out.overrides.assign(m.overrides().begin(), m.overrides().end());
  io::FieldLocator locator(where);
  io::parse_text(where, h.scenario_effective_text(), out.scenario, locator);
  google::protobuf::TextFormat::PrintToString(out.scenario, &out.effective_text);
  const std::string sha = io::sha256_hex(out.effective_text);
  if (sha != h.scenario_sha256())
    throw InputError(
        fmt::format("{}: the scenario reads back with SHA-256 {}, the header records {}: the checkpoint "
                    "was written by a program with a different scenario schema",
                    where, sha, h.scenario_sha256()));
  if (static_cast<std::uint64_t>(out.scenario.seed()) != h.seed() || out.scenario.quarters() != h.quarters())
    throw InputError(fmt::format("{}: seed {} and quarters {} do not match the scenario's ({} and {})", where, h.seed(),
                                 h.quarters(), out.scenario.seed(), out.scenario.quarters()));
  if (h.quarters_done() < 1 || h.quarters_done() >= h.quarters())
    throw InputError(fmt::format("{}: quarters_done = {} is outside [1, {})", where, h.quarters_done(), h.quarters()));
  return out;
}

fs::path default_resume_output(const fs::path& resume, const CheckpointHeader& header) {
  constexpr std::string_view suffix = ".checkpoint";
  for (fs::path p : {resume.lexically_normal(), resume.lexically_normal().parent_path()}) {
    std::string s = p.string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    if (s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0)
      return s.substr(0, s.size() - suffix.size());
  }
  return header.output_folder();
}

fs::path checkpoint_root(const fs::path& out) {
  std::string s = out.string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s + ".checkpoint";
}

}  // namespace megacycle
