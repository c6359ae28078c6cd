// Scenario files that derive from another (`base`) and change single elements of its lists (`set`):
// what the merged scenario is, where errors point, and that the effective text stands on its own.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <fmt/core.h>
#include <gtest/gtest.h>

#include "tests/unit/input_error.hpp"

#include "app/scenario.hpp"
#include "engine/error.hpp"
#include "engine/io/text_input.hpp"

namespace megacycle {
namespace {

namespace fs = std::filesystem;

// A fresh folder per test, removed afterwards; files are written relative to it.
class ScenarioBase : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / folder_name(info->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string folder_name(const std::string& test) {
    return "megacycle_scenario_base_" + std::to_string(::getpid()) + "_" + test;
  }
  // Writes `text` to dir/name and returns the full path.
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path path = dir_ / name;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
    return path.string();
  }
  LoadedScenario load(const std::string& name, const std::vector<std::string>& overrides = {}) const {
    return load_scenario((dir_ / name).string(), overrides, std::nullopt);
  }
  std::string error(const std::string& name, const std::vector<std::string>& overrides = {}) const {
    return input_error([&] { load(name, overrides); });
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  fs::path dir_;
};

constexpr const char* kBase =
    "name: \"base\"\n"                                                                            // 1
    "quarters: 12\n"                                                                              // 2
    "seed: 5\n"                                                                                   // 3
    "environment {\n"                                                                             // 4
    "  risk_free_rate { point { quarter: 0 value: 0.04 } }\n"                                     // 5
    "  algorithmic_efficiency { point { quarter: 0 value: 1 } point { quarter: 8 value: 2 } }\n"  // 6
    "}\n"                                                                                         // 7
    "enterprises {\n"                                                                             // 8
    "  population: 1000\n"                                                                        // 9
    "  sector { name: \"a\" firm_share: 0.5 ai_exposure: 0.1 }\n"                                 // 10
    "  sector { name: \"b\" firm_share: 0.5 ai_exposure: 0.2 }\n"                                 // 11
    "  network { degree: 4 }\n"                                                                   // 12
    "}\n";                                                                                        // 13

TEST_F(ScenarioBase, DerivedFieldsReplaceInheritedOnesAndTheRestIsInherited) {
  write("base.textproto", kBase);
  write("derived.textproto", "base: \"base.textproto\"\nname: \"derived\"\nquarters: 16\n");
  const auto loaded = load("derived.textproto");
  const Scenario& s = loaded.scenario;
  EXPECT_EQ(s.name(), "derived");
  EXPECT_EQ(s.quarters(), 16);
  EXPECT_EQ(s.seed(), 5u);
  EXPECT_EQ(s.enterprises().population(), 1000);
  ASSERT_EQ(s.enterprises().sector_size(), 2);
  EXPECT_EQ(s.enterprises().sector(1).name(), "b");
  EXPECT_EQ(s.environment().algorithmic_efficiency().point_size(), 2);
  ASSERT_EQ(loaded.bases.size(), 1u);
  EXPECT_EQ(loaded.bases[0].file, path("base.textproto"));
  EXPECT_EQ(loaded.bases[0].text, kBase);
  EXPECT_EQ(loaded.file_text, "base: \"base.textproto\"\nname: \"derived\"\nquarters: 16\n");
}

TEST_F(ScenarioBase, AListTheDerivedFileSetsReplacesTheWholeListAtAnyDepth) {
  write("base.textproto", kBase);
  write("derived.textproto",
        "base: \"base.textproto\"\n"
        "environment { algorithmic_efficiency { point { quarter: 8 value: 3 } } }\n"
        "enterprises { sector { name: \"only\" ai_exposure: 0.9 } }\n");
  const Scenario s = load("derived.textproto").scenario;
  ASSERT_EQ(s.environment().algorithmic_efficiency().point_size(), 1);  // replaced, not appended
  EXPECT_EQ(s.environment().algorithmic_efficiency().point(0).value(), 3);
  ASSERT_EQ(s.environment().risk_free_rate().point_size(), 1);  // the message's other lists stay
  EXPECT_EQ(s.environment().risk_free_rate().point(0).value(), 0.04);
  ASSERT_EQ(s.enterprises().sector_size(), 1);
  EXPECT_EQ(s.enterprises().sector(0).name(), "only");
  EXPECT_EQ(s.enterprises().sector(0).firm_share(), 0.05);  // the element is new: defaults, not the base's [0]
  EXPECT_FALSE(s.enterprises().sector(0).has_firm_share());
  EXPECT_EQ(s.enterprises().network().degree(), 4);  // sibling message kept
}

TEST_F(ScenarioBase, EffectiveTextIsTheMergedScenarioWithoutBaseOrSetAndStandsAlone) {
  write("base.textproto", kBase);
  write("derived.textproto",
        "base: \"base.textproto\"\nquarters: 16\nset: \"enterprises.sector[1].ai_exposure=0.7\"\n");
  const auto loaded = load("derived.textproto", {"seed=9"});
  EXPECT_EQ(loaded.effective_text.find("base:"), std::string::npos) << loaded.effective_text;
  EXPECT_EQ(loaded.effective_text.find("set:"), std::string::npos) << loaded.effective_text;
  // Loading the effective text from a file of its own gives the same scenario and text.
  write("effective.textproto", loaded.effective_text);
  const auto again = load("effective.textproto");
  EXPECT_EQ(again.effective_text, loaded.effective_text);
  EXPECT_EQ(again.scenario.enterprises().sector(1).ai_exposure(), 0.7);
  EXPECT_EQ(again.scenario.seed(), 9u);
  EXPECT_TRUE(again.bases.empty());
}

TEST_F(ScenarioBase, BaseIsReadRelativeToTheFolderOfTheFileNamingIt) {
  write("lib/base.textproto", kBase);
  write("lib/middle/mid.textproto", "base: \"../base.textproto\"\nquarters: 20\n");
  write("runs/top.textproto", "base: \"../lib/middle/mid.textproto\"\nseed: 11\n");
  const auto loaded = load("runs/top.textproto");
  EXPECT_EQ(loaded.scenario.quarters(), 20);
  EXPECT_EQ(loaded.scenario.seed(), 11u);
  EXPECT_EQ(loaded.scenario.name(), "base");
  ASSERT_EQ(loaded.bases.size(), 2u);
  EXPECT_EQ(fs::path(loaded.bases[0].file).filename(), "mid.textproto");  // nearest first
  EXPECT_EQ(fs::path(loaded.bases[1].file).filename(), "base.textproto");
  // An absolute base path is taken as it is.
  write("abs.textproto", "base: \"" + path("lib/base.textproto") + "\"\n");
  EXPECT_EQ(load("abs.textproto").scenario.quarters(), 12);
}

TEST_F(ScenarioBase, SetLinesChangeOneElementOfAnInheritedListAfterTheMerge) {
  write("base.textproto", kBase);
  write("derived.textproto",
        "base: \"base.textproto\"\n"
        "quarters: 16\n"
        "set: \"enterprises.sector[0].ai_exposure=0.6\"\n"
        "set: \"quarters=18\"\n"
        "set: \"enterprises.sector[2].name=c\"\n");  // size appends, as on the command line
  const auto loaded = load("derived.textproto", {"quarters=20"});
  const Scenario& s = loaded.scenario;
  ASSERT_EQ(s.enterprises().sector_size(), 3);
  EXPECT_EQ(s.enterprises().sector(0).ai_exposure(), 0.6);
  EXPECT_EQ(s.enterprises().sector(0).name(), "a");
  EXPECT_EQ(s.enterprises().sector(1).ai_exposure(), 0.2);
  EXPECT_EQ(s.enterprises().sector(2).name(), "c");
  EXPECT_EQ(s.quarters(), 20);  // the file's 16, its set line's 18, then the command line's 20
}

TEST_F(ScenarioBase, SetLineErrorsNameTheLineInTheFile) {
  write("base.textproto", kBase);
  write("bad_path.textproto", "base: \"base.textproto\"\nset: \"enterprises.sector[5].ai_exposure=0.6\"\n");
  EXPECT_STARTS(error("bad_path.textproto"), path("bad_path.textproto") + ":2:1: index 5 of enterprises.sector");
  write("bad_range.textproto", "base: \"base.textproto\"\n\nset: \"enterprises.sector[1].ai_exposure=1.5\"\n");
  EXPECT_STARTS(error("bad_range.textproto"),
                path("bad_range.textproto") + ":3:1: enterprises.sector[1].ai_exposure = 1.5 is outside");
}

TEST_F(ScenarioBase, ErrorsInABaseNameTheBaseFile) {
  write("syntax.textproto", "quarters: 12\nenterprises {\n  population 5\n}\n");
  write("d1.textproto", "base: \"syntax.textproto\"\n");
  EXPECT_STARTS(error("d1.textproto"), path("syntax.textproto") + ":3:14: ");

  write("range.textproto", "quarters: 12\nenterprises { population: -1 }\n");
  write("d2.textproto", "base: \"range.textproto\"\n");
  EXPECT_STARTS(error("d2.textproto"), path("range.textproto") + ":2:15: enterprises.population = -1 is outside");

  // A base value out of range is an error even if the derived file replaces it.
  write("d3.textproto", "base: \"range.textproto\"\nenterprises { population: 100 }\n");
  EXPECT_STARTS(error("d3.textproto"), path("range.textproto") + ":2:15: ");

  // A model check on an inherited value points into the base; on a derived value into the derived file.
  write("odd.textproto", "enterprises {\n  population: 100\n  network { degree: 3 }\n}\n");
  write("d4.textproto", "base: \"odd.textproto\"\nquarters: 4\n");
  EXPECT_STARTS(error("d4.textproto"), path("odd.textproto") + ":3:13: enterprises.network.degree: 3 must be even");
  write("d5.textproto", "base: \"base.textproto\"\nenterprises {\n  network { degree: 5 }\n}\n");
  write("base.textproto", kBase);
  EXPECT_STARTS(error("d5.textproto"), path("d5.textproto") + ":3:13: enterprises.network.degree: 5 must be even");
}

TEST_F(ScenarioBase, ARepeatedElementReplacedByTheDerivedFileIsLocatedThere) {
  write("base.textproto", kBase);
  // The derived sector list has one element with a bad name; the base's [0] had a good one at line 10.
  write("derived.textproto", "base: \"base.textproto\"\nenterprises {\n  sector { name: \"bad name\" }\n}\n");
  EXPECT_STARTS(error("derived.textproto"), path("derived.textproto") + ":3:12: enterprises.sector[0].name");
}

TEST_F(ScenarioBase, MissingBaseNamesTheLineAndTheResolvedPath) {
  write("derived.textproto", "quarters: 4\nbase: \"nowhere/none.textproto\"\n");
  const std::string msg = error("derived.textproto");
  EXPECT_STARTS(msg, path("derived.textproto") + ":2:1: base \"nowhere/none.textproto\": ");
  EXPECT_CONTAINS(msg, path("nowhere/none.textproto") + " does not exist");
}

TEST_F(ScenarioBase, BaseMustBeARegularFile) {
  fs::create_directories(dir_ / "folder.textproto");
  write("derived.textproto", "base: \"folder.textproto\"\n");
  EXPECT_CONTAINS(error("derived.textproto"), "is not a regular file");
}

TEST_F(ScenarioBase, CyclesAreRefused) {
  write("self.textproto", "base: \"self.textproto\"\n");
  EXPECT_CONTAINS(error("self.textproto"), "makes a cycle of base files");
  write("a.textproto", "base: \"b.textproto\"\n");
  write("b.textproto", "base: \"./a.textproto\"\n");
  const std::string msg = error("a.textproto");
  EXPECT_STARTS(msg, path("b.textproto") + ":1:1: base \"./a.textproto\": makes a cycle of base files: ");
  EXPECT_CONTAINS(msg, "a.textproto -> ");
}

TEST_F(ScenarioBase, ChainsAreAtMostEightDeep) {
  write("s0.textproto", "quarters: 4\n");
  for (int i = 1; i <= 9; ++i) write(fmt::format("s{}.textproto", i), fmt::format("base: \"s{}.textproto\"\n", i - 1));
  EXPECT_EQ(load("s8.textproto").scenario.quarters(), 4);  // eight bases
  EXPECT_CONTAINS(error("s9.textproto"), "more than 8 levels of base files");
}

TEST_F(ScenarioBase, BaseAndSetAreNotOverrides) {
  write("base.textproto", kBase);
  write("plain.textproto", "quarters: 4\n");
  EXPECT_STARTS(error("plain.textproto", {"base=base.textproto"}),
                "--set base=base.textproto: base: a base is read only from a scenario file");
  EXPECT_STARTS(error("plain.textproto", {"set[0]=quarters=5"}),
                "--set set[0]=quarters=5: set[0]: set lines are read only");
}

TEST(MergeReplacingLists, LocatorForgetsReplacedListsAndTakesTheNewLocations) {
  Scenario to, from;
  io::FieldLocator to_locator("base.textproto"), from_locator("derived.textproto");
  io::parse_text("base.textproto", kBase, to, to_locator);
  io::parse_text("derived.textproto", "enterprises {\n  sector { name: \"x\" }\n}\n", from, from_locator);
  EXPECT_EQ(to_locator.locate("enterprises.sector[1].ai_exposure"), "base.textproto:11:38");
  io::merge_replacing_lists(from, from_locator, to, to_locator);
  EXPECT_EQ(to.enterprises().sector_size(), 1);
  EXPECT_EQ(to_locator.locate("enterprises.sector[0]"), "derived.textproto:2:3");
  // Nothing of the base's sector list is left: a field the new element leaves out is located at it.
  EXPECT_EQ(to_locator.locate("enterprises.sector[0].ai_exposure"), "derived.textproto:2:3");
  EXPECT_EQ(to_locator.locate("enterprises.sector[1]"), "derived.textproto:1:1");  // enterprises, from derived
  EXPECT_EQ(to_locator.locate("enterprises.population"), "base.textproto:9:3");
  EXPECT_EQ(to_locator.locate("environment.risk_free_rate"), "base.textproto:5:3");
}

TEST(FieldLocatorForget, DropsThePathAndWhatIsUnderItOnly) {
  io::FieldLocator locator("x");
  locator.record("a.point", "1");
  locator.record("a.point[0]", "2");
  locator.record("a.point[0].value", "3");
  locator.record("a.pointy", "4");
  locator.record("a", "5");
  locator.forget("a.point");
  EXPECT_EQ(locator.locate("a.point[0].value"), "5");
  EXPECT_EQ(locator.locate("a.pointy"), "4");
}

}  // namespace
}  // namespace megacycle
