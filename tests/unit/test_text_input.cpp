// Every way a scenario file or --set override can be wrong must name the exact place to fix.
#include "engine/io/text_input.hpp"

#include <functional>
#include <string>

#include <google/protobuf/descriptor.pb.h>
#include <gtest/gtest.h>

#include "tests/unit/input_error.hpp"

#include "engine/error.hpp"
#include "scenario.pb.h"

namespace megacycle::io {
namespace {

std::string parse_error(const std::string& text) {
  Scenario scenario;
  FieldLocator locator("x.textproto");
  return input_error([&] { parse_text("x.textproto", text, scenario, locator); });
}

std::vector<std::string> ranges_of(const std::string& text) {
  Scenario scenario;
  FieldLocator locator("x.textproto");
  parse_text("x.textproto", text, scenario, locator);
  return check_ranges(scenario, locator);
}

Scenario two_sectors(FieldLocator& locator) {
  Scenario scenario;
  parse_text("x.textproto",
             "enterprises {\n"
             "  sector { name: \"a\" ai_exposure: 0.1 }\n"
             "  sector { name: \"b\" ai_exposure: 0.2 }\n"
             "}\n",
             scenario, locator);
  return scenario;
}

TEST(ParseText, SyntaxErrorNamesLineAndColumn) {
  const std::string msg = parse_error("quarters: 10\nenterprises {\n  population 5\n}\n");
  EXPECT_STARTS(msg, "x.textproto:3:14: ");
  EXPECT_CONTAINS(msg, "Expected \":\"");
}

TEST(ParseText, UnknownFieldNamesLineAndColumn) {
  const std::string msg = parse_error("quarters: 10\nenterprises {\n  populaton: 5\n}\n");
  EXPECT_STARTS(msg, "x.textproto:3:3: ");
  EXPECT_CONTAINS(msg, "no field named \"populaton\"");
}

TEST(ParseText, StringForNumberIsWrongType) {
  const std::string msg = parse_error("name: \"t\"\nquarters: \"ten\"\n");
  EXPECT_STARTS(msg, "x.textproto:2:11: ");
  EXPECT_CONTAINS(msg, "Expected integer");
}

TEST(ParseText, DuplicateSingularField) {
  const std::string msg = parse_error("quarters: 10\nquarters: 12\n");
  EXPECT_STARTS(msg, "x.textproto:2:1: ");
  EXPECT_CONTAINS(msg, "\"quarters\" is specified multiple times");
}

TEST(ParseText, UnknownEnumNameListsAllowedNames) {
  google::protobuf::FieldDescriptorProto field;
  FieldLocator locator("x.textproto");
  const std::string msg =
      input_error([&] { parse_text("x.textproto", "name: \"f\"\ntype: TYPE_BOGUS\n", field, locator); });
  EXPECT_STARTS(msg, "x.textproto:2:7: ");
  EXPECT_CONTAINS(msg, "TYPE_BOGUS");
  EXPECT_CONTAINS(msg, "Allowed: TYPE_DOUBLE, TYPE_FLOAT, TYPE_INT64");
}

TEST(ParseText, ClearsTheOutputFirst) {
  Scenario scenario;
  scenario.set_quarters(7);
  FieldLocator locator("x.textproto");
  parse_text("x.textproto", "name: \"t\"\n", scenario, locator);
  EXPECT_FALSE(scenario.has_quarters());
  EXPECT_EQ(scenario.name(), "t");
}

TEST(ParseText, RecordsLocationsOfNestedAndRepeatedFields) {
  FieldLocator locator("x.textproto");
  two_sectors(locator);
  EXPECT_EQ(locator.locate("enterprises"), "x.textproto:1:1");
  EXPECT_EQ(locator.locate("enterprises.sector[1]"), "x.textproto:3:3");
  EXPECT_EQ(locator.locate("enterprises.sector[1].ai_exposure"), "x.textproto:3:22");
}

TEST(CheckRanges, NegativePopulationNamesLocationAndRange) {
  const auto lines = ranges_of("name: \"t\"\nenterprises {\n  population: -5\n}\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "x.textproto:3:3: enterprises.population = -5 is outside the allowed range [1, 4000000000] (agents)");
}

TEST(CheckRanges, ProbabilityAboveOne) {
  const auto lines = ranges_of("enterprises {\n  network { rewiring_probability: 1.5 }\n}\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0],
            "x.textproto:2:13: enterprises.network.rewiring_probability = 1.5 is outside the allowed range [0, 1]");
}

TEST(CheckRanges, ZeroQuarterHorizon) {
  const auto lines = ranges_of("quarters: 0\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "x.textproto:1:1: quarters = 0 is outside the allowed range [1, 400] (quarters)");
}

TEST(CheckRanges, ChecksEveryRepeatedElement) {
  const auto lines = ranges_of("enterprises {\n  sector { ai_exposure: 0.5 }\n  sector { ai_exposure: 2 }\n}\n");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_STARTS(lines[0], "x.textproto:3:12: enterprises.sector[1].ai_exposure = 2 is outside");
}

TEST(CheckRanges, PassesOnValidFile) {
  const auto lines = ranges_of(
      "name: \"baseline\"\nquarters: 40\nstart_year: 2025\n"
      "environment { compute_price { point { quarter: 0 value: 2 } point { quarter: 8 value: 1.2 } } }\n"
      "enterprises { population: 1000 sector { name: \"x\" firm_share: 1 ai_exposure: 0 }\n"
      "  network { degree: 8 rewiring_probability: 1 } }\n");
  EXPECT_TRUE(lines.empty()) << lines.front();
}

TEST(ApplyOverride, UnknownPathNamesMessageAndItsFields) {
  Scenario scenario;
  FieldLocator locator;
  const std::string msg = input_error([&] { apply_override("enterprises.populaton=5", scenario, locator); });
  EXPECT_STARTS(msg, "--set enterprises.populaton=5: ");
  EXPECT_CONTAINS(msg, "megacycle.Enterprises has no field \"populaton\"");
  EXPECT_CONTAINS(msg, "population, represented_firms");
}

TEST(ApplyOverride, IndexOutOfRangeSaysAllowedRange) {
  FieldLocator locator("x.textproto");
  Scenario scenario = two_sectors(locator);
  const std::string msg =
      input_error([&] { apply_override("enterprises.sector[5].ai_exposure=0.3", scenario, locator); });
  EXPECT_STARTS(msg, "--set enterprises.sector[5].ai_exposure=0.3: ");
  EXPECT_CONTAINS(msg, "allowed indices are 0 to 2");
  EXPECT_EQ(scenario.enterprises().sector_size(), 2);
}

TEST(ApplyOverride, RepeatedWithoutIndexAsksForOne) {
  FieldLocator locator("x.textproto");
  Scenario scenario = two_sectors(locator);
  const std::string msg = input_error([&] { apply_override("enterprises.sector.ai_exposure=1", scenario, locator); });
  EXPECT_CONTAINS(msg, "enterprises.sector is repeated; give an element index, e.g. enterprises.sector[0]");
}

TEST(ApplyOverride, BadValueIncludesParserReasonAndLeavesMessageAlone) {
  Scenario scenario;
  scenario.set_quarters(12);
  FieldLocator locator;
  const std::string msg = input_error([&] { apply_override("quarters=abc", scenario, locator); });
  EXPECT_STARTS(msg, "--set quarters=abc: ");
  EXPECT_CONTAINS(msg, "Expected integer");
  EXPECT_EQ(scenario.quarters(), 12);
}

TEST(ApplyOverride, TrailingTextInValueIsAnError) {
  Scenario scenario;
  FieldLocator locator;
  const std::string msg = input_error([&] { apply_override("quarters=12 13", scenario, locator); });
  EXPECT_CONTAINS(msg, "unexpected text after the value");
  EXPECT_FALSE(scenario.has_quarters());
}

TEST(ApplyOverride, MissingEqualsSign) {
  Scenario scenario;
  FieldLocator locator;
  const std::string msg = input_error([&] { apply_override("quarters", scenario, locator); });
  EXPECT_EQ(msg, "--set quarters: expected path=value (no '=' found)");
}

TEST(ApplyOverride, MessageLeafIsRejected) {
  Scenario scenario;
  FieldLocator locator;
  const std::string msg = input_error([&] { apply_override("enterprises=1", scenario, locator); });
  EXPECT_CONTAINS(msg, "enterprises is a message (megacycle.Enterprises)");
}

TEST(ApplyOverride, UnknownEnumNameListsAllowedNames) {
  google::protobuf::FieldDescriptorProto field;
  FieldLocator locator;
  const std::string msg = input_error([&] { apply_override("type=TYPE_BOGUS", field, locator); });
  EXPECT_STARTS(msg, "--set type=TYPE_BOGUS: ");
  EXPECT_CONTAINS(msg, "TYPE_DOUBLE, TYPE_FLOAT");
}

TEST(ApplyOverride, SetsScalarAndNestedFields) {
  Scenario scenario;
  FieldLocator locator;
  apply_override("quarters=12", scenario, locator);
  apply_override("enterprises.network.rewiring_probability = 0.25", scenario, locator);
  apply_override("name=bare_name", scenario, locator);
  apply_override("description=\"quoted \\\"text\\\"\"", scenario, locator);
  EXPECT_EQ(scenario.quarters(), 12);
  EXPECT_DOUBLE_EQ(scenario.enterprises().network().rewiring_probability(), 0.25);
  EXPECT_EQ(scenario.name(), "bare_name");
  EXPECT_EQ(scenario.description(), "quoted \"text\"");
}

TEST(ApplyOverride, SetsRepeatedElementByIndexAndAppendsAtSize) {
  FieldLocator locator("x.textproto");
  Scenario scenario = two_sectors(locator);
  apply_override("enterprises.sector[0].ai_exposure=0.7", scenario, locator);
  apply_override("enterprises.sector[2].name=retail", scenario, locator);
  ASSERT_EQ(scenario.enterprises().sector_size(), 3);
  EXPECT_DOUBLE_EQ(scenario.enterprises().sector(0).ai_exposure(), 0.7);
  EXPECT_EQ(scenario.enterprises().sector(0).name(), "a");
  EXPECT_DOUBLE_EQ(scenario.enterprises().sector(1).ai_exposure(), 0.2);
  EXPECT_EQ(scenario.enterprises().sector(2).name(), "retail");
}

TEST(ApplyOverride, ReplacesRepeatedScalarElementInPlace) {
  google::protobuf::DescriptorProto message;
  message.add_reserved_name("a");
  message.add_reserved_name("b");
  message.add_reserved_name("c");
  FieldLocator locator;
  apply_override("reserved_name[1]=z", message, locator);
  ASSERT_EQ(message.reserved_name_size(), 3);
  EXPECT_EQ(message.reserved_name(0), "a");
  EXPECT_EQ(message.reserved_name(1), "z");
  EXPECT_EQ(message.reserved_name(2), "c");
}

TEST(ApplyOverride, SetsEnumByName) {
  google::protobuf::FieldDescriptorProto field;
  FieldLocator locator;
  apply_override("type=TYPE_INT64", field, locator);
  EXPECT_EQ(field.type(), google::protobuf::FieldDescriptorProto::TYPE_INT64);
}

TEST(FieldLocator, MapsOverrideLocationIntoRangeErrors) {
  Scenario scenario;
  FieldLocator locator("x.textproto");
  parse_text("x.textproto", "quarters: 10\nenterprises {\n  population: 100\n}\n", scenario, locator);
  apply_override("enterprises.population=0", scenario, locator);
  EXPECT_EQ(locator.locate("enterprises.population"), "--set enterprises.population=0");
  const auto lines = check_ranges(scenario, locator);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_STARTS(lines[0], "--set enterprises.population=0: enterprises.population = 0 is outside");
}

TEST(FieldLocator, FallsBackToAncestorThenSourceName) {
  FieldLocator locator("x.textproto");
  locator.record("enterprises", "x.textproto:4:1");
  EXPECT_EQ(locator.locate("enterprises.sector[3].ai_exposure"), "x.textproto:4:1");
  EXPECT_EQ(locator.locate("quarters"), "x.textproto");
  EXPECT_EQ(locator.source_name(), "x.textproto");
}

TEST(ValidationReport, ThrowsAllLinesAtOnce) {
  FieldLocator locator("x.textproto");
  locator.record("enterprises.network.degree", "x.textproto:7:5");
  ValidationReport report(locator);
  EXPECT_TRUE(report.empty());
  EXPECT_NO_THROW(report.throw_if_any());
  report.add("enterprises.network.degree", "must be even");
  report.add_lines({"x.textproto:9:1: something else"});
  EXPECT_FALSE(report.empty());
  EXPECT_EQ(input_error([&] { report.throw_if_any(); }),
            "x.textproto:7:5: enterprises.network.degree: must be even\nx.textproto:9:1: something else");
}

}  // namespace
}  // namespace megacycle::io
