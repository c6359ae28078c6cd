#pragma once
// Reading protobuf text-format input (scenario files and --set overrides) with error messages that
// point at the exact place the user has to fix. Model-agnostic: works on any protobuf message whose
// numeric fields may carry (megacycle.min), (megacycle.max) and (megacycle.unit) options.
#include <map>
#include <string>
#include <vector>

#include <google/protobuf/message.h>

namespace megacycle::io {

// Where each field of a message came from: "file:line:column" for fields parsed from a file,
// "--set path=value" for overrides. Paths look like "enterprises.sector[2].ai_exposure".
class FieldLocator {
 public:
  explicit FieldLocator(std::string source_name = "");
  // Exact path if recorded, else the nearest recorded ancestor, else source_name().
  std::string locate(const std::string& path) const;
  void record(const std::string& path, std::string location);
  // Drops what is recorded for `path` and everything under it ("path[i]...", "path.x...").
  void forget(const std::string& path);
  // Records every location `other` has recorded (replacing this locator's for the same paths).
  void absorb(const FieldLocator& other);
  const std::string& source_name() const;

 private:
  std::string source_name_;
  std::map<std::string, std::string, std::less<>> locations_;
};

// Parses protobuf text format into `out` (cleared first) and records the location of every parsed field.
// Throws megacycle::InputError "file:line:column: <what>" on the first error (syntax, unknown field,
// wrong type, unknown enum name with the allowed names, duplicate singular field).
void parse_text(const std::string& source_name, const std::string& text, google::protobuf::Message& out,
                FieldLocator& locator);

// Applies one override "path=value": path segments separated by '.', repeated elements as name[i]
// (i == size appends an element); value in text-format syntax (strings may be bare). Throws
// InputError "--set <assignment>: <what>" and records "--set <assignment>" as the path's location.
// `location`, when given, replaces "--set <assignment>" as the error prefix and the recorded location
// (an assignment written in a file: its "file:line:column").
void apply_override(const std::string& assignment, google::protobuf::Message& msg, FieldLocator& locator,
                    const std::string& location = "");

// Merges `from` into `to` as Message::MergeFrom does (a set scalar overwrites, a set message is merged
// field by field), except that a repeated field set in `from` replaces `to`'s list instead of being
// appended to it. Locations follow: `to_locator` forgets a replaced list and takes everything
// `from_locator` recorded. Both messages must be of the same type.
void merge_replacing_lists(const google::protobuf::Message& from, const FieldLocator& from_locator,
                           google::protobuf::Message& to, FieldLocator& to_locator);

// Sets every singular field to the value it reads as (its default when unset), recursively, so that the
// text format prints all of them: a record of every parameter a run used.
void write_out_defaults(google::protobuf::Message& msg);

// One line per set numeric field outside its [(megacycle.min), (megacycle.max)] option range:
// "<location>: <path> = <value> is outside the allowed range [<min>, <max>]" plus " (<unit>)".
std::vector<std::string> check_ranges(const google::protobuf::Message& msg, const FieldLocator& locator);

// Collects model-level problems so that the user sees all of them at once, not one per run.
class ValidationReport {
 public:
  explicit ValidationReport(const FieldLocator& locator);
  // Adds "<location>: <path>: <problem>".
  void add(const std::string& path, const std::string& problem);
  // Adds already formatted lines (e.g. from check_ranges).
  void add_lines(const std::vector<std::string>& lines);
  bool empty() const;
  // Throws InputError whose message is the lines joined by '\n'.
  void throw_if_any() const;

 private:
  const FieldLocator& locator_;
  std::vector<std::string> lines_;
};

}  // namespace megacycle::io
