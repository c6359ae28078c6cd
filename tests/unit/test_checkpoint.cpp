// Checkpoint files (engine/io/checkpoint_folder.hpp, checkpoint_format.hpp) and the economy's checkpoint
// (app/checkpoint.hpp): round trips, slices read back by global id, and the refusal of truncated, corrupt,
// incompatible or incomplete checkpoints. Runs on one process (LocalComm); tests/scenarios runs the program
// at 1-3 ranks.
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cereal/archives/binary.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <string>
#include <vector>

#include "agents/economy.hpp"
#include "app/checkpoint.hpp"
#include "app/scenario.hpp"
#include "engine/error.hpp"
#include "engine/failure.hpp"
#include "engine/io/checkpoint_folder.hpp"
#include "engine/io/files.hpp"

namespace megacycle {
namespace {
namespace fs = std::filesystem;

// A fresh folder per test, removed afterwards.
class CheckpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("megacycle-test-checkpoint-" + std::to_string(::getpid()) + "-" + info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

// Two populations (one with three values per agent) and a global blob.
struct Fake {
  std::vector<std::uint8_t> stage;
  std::vector<float> demand;
  std::vector<double> holdings;  // 3 per agent
  std::string global;

  explicit Fake(std::size_t n, std::size_t m = 10) : stage(n), demand(n), holdings(3 * m) {
    for (std::size_t i = 0; i < n; ++i)
      stage[i] = static_cast<std::uint8_t>(i % 4), demand[i] = 0.5f * static_cast<float>(i);
    std::iota(holdings.begin(), holdings.end(), 1.0);
    global = "replicated state";
  }
  std::vector<io::AgentSlice> slices(std::uint64_t begin, std::uint64_t end, std::uint64_t n, std::uint64_t m = 10) {
    return {{"firms", n, begin, end, {io::agent_column("stage", stage), io::agent_column("demand", demand)}},
            {"investors", m, 0, m, {io::agent_column("holdings", holdings, 3)}}};
  }
};

fs::path write(Comm& comm, const fs::path& root, Fake& fake, int quarters_done,
               const std::vector<fs::path>& outputs = {}) {
  io::CheckpointContent content;
  content.header.set_quarters_done(quarters_done);
  content.header.set_scenario_sha256("abc");
  content.agents = fake.slices(0, fake.stage.size(), fake.stage.size());
  content.write_global = [&](std::ostream& out) {
    cereal::BinaryOutputArchive ar(out);
    ar(fake.global);
  };
  content.outputs = outputs;
  return io::write_checkpoint(comm, root, content);
}

std::string read_global(const io::CheckpointReader& reader) {
  std::string global;
  reader.read_global([&](std::istream& in) {
    cereal::BinaryInputArchive ar(in);
    ar(global);
  });
  return global;
}

// The InputError message of f(), or "" if it throws none.
template <class F>
std::string input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

void flip_byte(const fs::path& file, std::uintmax_t at) {
  std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(at));
  char c = 0;
  f.read(&c, 1);
  c = static_cast<char>(c ^ 0x40);
  f.seekp(static_cast<std::streamoff>(at));
  f.write(&c, 1);
}

TEST_F(CheckpointTest, RoundTripsEveryColumnTheGlobalStateAndTheOutputs) {
  auto comm = make_local_comm();
  Fake fake(1000);
  { std::ofstream(dir_ / "quarterly.csv") << "quarter,x\n0,1\n"; }
  const fs::path root = dir_ / "out.checkpoint";
  const fs::path folder = write(*comm, root, fake, 4, {dir_ / "quarterly.csv"});
  EXPECT_EQ(folder, root / "quarter-0004");

  io::CheckpointReader reader(root);
  EXPECT_EQ(reader.folder(), folder);
  EXPECT_EQ(reader.header().quarters_done(), 4);
  EXPECT_EQ(reader.header().ranks(), 1);
  EXPECT_EQ(reader.header().format_version(), io::kCheckpointFormatVersion);
  EXPECT_EQ(read_global(reader), "replicated state");

  Fake back(1000);
  std::fill(back.stage.begin(), back.stage.end(), 0), std::fill(back.demand.begin(), back.demand.end(), 0.0f);
  std::fill(back.holdings.begin(), back.holdings.end(), 0.0);
  auto slices = back.slices(0, 1000, 1000);
  reader.read_agents(slices, 0, 1);
  EXPECT_EQ(back.stage, fake.stage);
  EXPECT_EQ(back.demand, fake.demand);
  EXPECT_EQ(back.holdings, fake.holdings);

  fs::create_directories(dir_ / "restored");
  EXPECT_EQ(reader.restore_outputs(dir_ / "restored"), std::vector<std::string>{"quarterly.csv"});
  EXPECT_EQ(io::read_file(dir_ / "restored" / "quarterly.csv"), "quarter,x\n0,1\n");
}

TEST_F(CheckpointTest, ASliceOfGlobalIdsReadsBackWhateverRankWroteIt) {
  // Written as one part holding ids [0, 1000); a rank of a later run that owns [300, 700) gets those.
  auto comm = make_local_comm();
  Fake fake(1000);
  write(*comm, dir_ / "c", fake, 2);
  io::CheckpointReader reader(dir_ / "c");
  Fake back(400);
  auto slices = back.slices(300, 700, 1000);
  reader.read_agents(slices, 1, 3);
  for (std::size_t i = 0; i < 400; ++i) {
    EXPECT_EQ(back.stage[i], fake.stage[300 + i]);
    EXPECT_EQ(back.demand[i], fake.demand[300 + i]);
  }
  // A rank that owns nothing reads nothing and still succeeds.
  Fake none(0);
  auto empty = none.slices(1000, 1000, 1000);
  reader.read_agents(empty, 2, 3);
}

TEST_F(CheckpointTest, ATruncatedFileIsRefused) {
  auto comm = make_local_comm();
  Fake fake(1000);
  const fs::path folder = write(*comm, dir_ / "c", fake, 4);
  const fs::path part = folder / "part-0000.bin";
  fs::resize_file(part, fs::file_size(part) - 100);
  const std::string message = input_error([&] { io::CheckpointReader reader(dir_ / "c"); });
  EXPECT_NE(message.find(part.string()), std::string::npos) << message;
  EXPECT_NE(message.find("truncated"), std::string::npos) << message;
}

TEST_F(CheckpointTest, AFlippedByteIsRefusedAsCorrupt) {
  auto comm = make_local_comm();
  Fake fake(1000);
  const fs::path folder = write(*comm, dir_ / "c", fake, 4);
  for (const char* name : {"part-0000.bin", "global.bin"}) {
    const fs::path file = folder / name;
    flip_byte(file, fs::file_size(file) / 2);
    io::CheckpointReader reader(dir_ / "c");  // sizes still match: the header check passes
    const std::string message = input_error([&] {
      Fake back(1000);
      auto slices = back.slices(0, 1000, 1000);
      reader.read_agents(slices, 0, 1);
      read_global(reader);
    });
    EXPECT_NE(message.find(file.string()), std::string::npos) << message;
    EXPECT_NE(message.find("SHA-256"), std::string::npos) << message;
    EXPECT_NE(message.find("corrupt"), std::string::npos) << message;
    flip_byte(file, fs::file_size(file) / 2);  // undo
  }
  // A flip in the part's own header (its population's name) is reported as corruption too.
  flip_byte(folder / "part-0000.bin", 10);  // inside the magic string
  io::CheckpointReader reader(dir_ / "c");
  const std::string message = input_error([&] {
    Fake back(1000);
    auto slices = back.slices(0, 1000, 1000);
    reader.read_agents(slices, 0, 1);
  });
  EXPECT_NE(message.find("corrupt"), std::string::npos) << message;
}

TEST_F(CheckpointTest, AnotherFormatVersionIsRefused) {
  auto comm = make_local_comm();
  Fake fake(100);
  const fs::path folder = write(*comm, dir_ / "c", fake, 4);
  CheckpointHeader header;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(io::read_file(folder / "checkpoint.json"), &header).ok());
  header.set_format_version(io::kCheckpointFormatVersion + 1);
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(header, &json).ok());
  io::write_file(folder / "checkpoint.json", json);
  const std::string message = input_error([&] { io::CheckpointReader reader(dir_ / "c"); });
  EXPECT_NE(message.find("checkpoint format version 2; this program reads version 1"), std::string::npos) << message;
}

TEST_F(CheckpointTest, AMissingPartOrColumnMismatchIsRefused) {
  auto comm = make_local_comm();
  Fake fake(100);
  const fs::path folder = write(*comm, dir_ / "c", fake, 4);
  {
    // Columns that do not match the run's (another model version): named in the message.
    io::CheckpointReader reader(dir_ / "c");
    std::vector<float> other(100);
    std::vector<io::AgentSlice> slices = {
        {"firms", 100, 0, 100, {io::agent_column("stage", fake.stage), io::agent_column("weight", other)}},
        {"investors", 10, 0, 10, {io::agent_column("holdings", fake.holdings, 3)}}};
    const std::string message = input_error([&] { reader.read_agents(slices, 0, 1); });
    EXPECT_NE(message.find("column \"demand\""), std::string::npos) << message;
    // A population of another size (a different scenario).
    auto bigger = Fake(200).slices(0, 200, 200);
    const std::string size = input_error([&] { reader.read_agents(bigger, 0, 1); });
    EXPECT_NE(size.find("population firms has 100 agents in the checkpoint, 200 in this run"), std::string::npos)
        << size;
  }
  fs::remove(folder / "part-0000.bin");
  const std::string message = input_error([&] { io::CheckpointReader reader(dir_ / "c"); });
  EXPECT_NE(message.find("part-0000.bin: missing"), std::string::npos) << message;
}

TEST_F(CheckpointTest, ANewCheckpointReplacesTheOldAndLeftoversAreIgnored) {
  auto comm = make_local_comm();
  const fs::path root = dir_ / "c";
  Fake first(100);
  write(*comm, root, first, 4);
  // A write that died half-way: a leftover temporary folder with junk, and no header.
  fs::create_directories(root / ".writing-quarter-0008");
  { std::ofstream(root / ".writing-quarter-0008" / "part-0000.bin") << "junk"; }
  {
    io::CheckpointReader reader(root);  // readers follow `latest`, never the temporary folder
    EXPECT_EQ(reader.header().quarters_done(), 4);
  }
  Fake second(100);
  second.global = "later state";
  write(*comm, root, second, 8);
  io::CheckpointReader reader(root);
  EXPECT_EQ(reader.header().quarters_done(), 8);
  EXPECT_EQ(read_global(reader), "later state");
  EXPECT_EQ(io::read_file(root / "latest"), "quarter-0008\n");
  std::vector<std::string> entries;
  for (const auto& e : fs::directory_iterator(root)) entries.push_back(e.path().filename().string());
  std::sort(entries.begin(), entries.end());
  EXPECT_EQ(entries, (std::vector<std::string>{"latest", "quarter-0008"}));  // the old one and the junk are gone
}

TEST_F(CheckpointTest, NoCheckpointThereIsSaidSo) {
  EXPECT_NE(input_error([&] { io::CheckpointReader r(dir_ / "nope"); }).find("no such checkpoint folder"),
            std::string::npos);
  EXPECT_NE(input_error([&] { io::CheckpointReader r(dir_); }).find("not a checkpoint"), std::string::npos);
  fs::create_directories(dir_ / "c");
  { std::ofstream(dir_ / "c" / "latest") << "quarter-0004\n"; }
  EXPECT_NE(input_error([&] { io::CheckpointReader r(dir_ / "c"); }).find("incomplete or was removed"),
            std::string::npos);
}

// The economy: a run stopped after 4 quarters and resumed into a fresh economy continues exactly as the
// uninterrupted run does (industry, market, enterprises and investors).
TEST_F(CheckpointTest, AnEconomyResumesExactlyWhereItStopped) {
  auto comm = make_local_comm();
  const LoadedScenario loaded =
      load_scenario(std::string(MEGACYCLE_SOURCE_DIR) + "/tests/scenarios/small_industry.textproto", {}, std::nullopt);
  Economy a(*comm, loaded.scenario, 0);
  for (int t = 0; t < 4; ++t) a.run_quarter(t);
  CheckpointHeader header;
  header.set_quarters_done(4);
  write_run_checkpoint(*comm, a, dir_ / "c", header, {});

  Economy b(*comm, loaded.scenario, 0);
  io::CheckpointReader reader(dir_ / "c");
  read_run_checkpoint(*comm, b, reader);
  const Outputs out_a = a.outputs(), out_b = b.outputs();
  ASSERT_EQ(out_a.tables.size(), 3u);  // quarterly.csv, firms.csv, daily.csv
  for (int t = 4; t < loaded.scenario.quarters(); ++t) {
    a.run_quarter(t);
    b.run_quarter(t);
    for (std::size_t i = 0; i < out_a.tables.size(); ++i)
      EXPECT_EQ(out_a.tables[i].rows(t), out_b.tables[i].rows(t)) << out_a.tables[i].file << ", quarter " << t;
  }
  EXPECT_EQ(a.enterprises().state().stage, b.enterprises().state().stage);
  EXPECT_EQ(a.equity_market()->investor_population().state().cash,
            b.equity_market()->investor_population().state().cash);
}

TEST_F(CheckpointTest, AnEconomyOfAnotherScenarioIsRefused) {
  auto comm = make_local_comm();
  const std::string file = std::string(MEGACYCLE_SOURCE_DIR) + "/tests/scenarios/small_industry.textproto";
  const LoadedScenario loaded = load_scenario(file, {}, std::nullopt);
  Economy a(*comm, loaded.scenario, 0);
  a.run_quarter(0);
  CheckpointHeader header;
  header.set_quarters_done(1);
  write_run_checkpoint(*comm, a, dir_ / "c", header, {});
  const LoadedScenario other = load_scenario(file, {"enterprises.population=30000"}, std::nullopt);
  Economy b(*comm, other.scenario, 0);
  io::CheckpointReader reader(dir_ / "c");
  try {
    read_run_checkpoint(*comm, b, reader);
    FAIL() << "a checkpoint of 20000 enterprises loaded into 30000";
  } catch (const AgreedFailure& e) {
    EXPECT_EQ(e.exit_code(), 2);
    EXPECT_NE(std::string(e.what()).find("20000 agents in the checkpoint, 30000 in this run"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace megacycle
