#include "engine/io/text_input.hpp"

#include <charconv>
#include <limits>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/text_format.h>

#include "engine/error.hpp"
#include "options.pb.h"

namespace megacycle::io {

namespace pb = google::protobuf;

// ---------------------------------------------------------------------------------------------------
// FieldLocator

FieldLocator::FieldLocator(std::string source_name) : source_name_(std::move(source_name)) {}

namespace {
// "a.b[2].c" -> "a.b[2]" -> "a.b" -> "a" -> "".
std::string parent_path(const std::string& path) {
  const auto cut = path.find_last_of(".[");
  return cut == std::string::npos ? std::string() : path.substr(0, cut);
}
}  // namespace

std::string FieldLocator::locate(const std::string& path) const {
  for (std::string p = path; !p.empty(); p = parent_path(p)) {
    if (const auto it = locations_.find(p); it != locations_.end()) return it->second;
  }
  return source_name_;
}

void FieldLocator::record(const std::string& path, std::string location) { locations_[path] = std::move(location); }

void FieldLocator::forget(const std::string& path) {
  for (auto it = locations_.lower_bound(path); it != locations_.end() && it->first.starts_with(path);) {
    const std::string& key = it->first;
    if (key.size() == path.size() || key[path.size()] == '[' || key[path.size()] == '.')
      it = locations_.erase(it);
    else
      ++it;
  }
}

void FieldLocator::absorb(const FieldLocator& other) {
  for (const auto& [path, location] : other.locations_) locations_[path] = location;
}

const std::string& FieldLocator::source_name() const { return source_name_; }

// ---------------------------------------------------------------------------------------------------
// Helpers shared by parsing and overrides

namespace {

// Keeps only the first error: later ones are usually consequences of it and would bury the real cause.
class FirstErrorCollector : public pb::io::ErrorCollector {
 public:
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    if (has_error_) return;
    has_error_ = true;
    line_ = line;
    column_ = column;
    message_ = message;
  }
  void AddWarning(int, pb::io::ColumnNumber, const std::string&) override {}

  bool has_error() const { return has_error_; }
  int line() const { return line_; }
  int column() const { return column_; }
  const std::string& message() const { return message_; }

 private:
  bool has_error_ = false;
  int line_ = -1;
  int column_ = -1;
  std::string message_;
};

std::string join_names(const std::vector<std::string>& names) { return fmt::format("{}", fmt::join(names, ", ")); }

std::string enum_names(const pb::EnumDescriptor& type) {
  std::vector<std::string> names;
  for (int i = 0; i < type.value_count(); ++i) names.push_back(type.value(i)->name());
  return join_names(names);
}

std::string field_names(const pb::Descriptor& type) {
  std::vector<std::string> names;
  for (int i = 0; i < type.field_count(); ++i) names.push_back(type.field(i)->name());
  return join_names(names);
}

// The parser names only the field of an unknown enum value, not its message, so search the schema for
// an enum field of that name reachable from the root.
const pb::EnumDescriptor* find_enum_field(const pb::Descriptor& root, const std::string& field_name) {
  std::set<const pb::Descriptor*> seen{&root};
  std::vector<const pb::Descriptor*> todo{&root};
  while (!todo.empty()) {
    const pb::Descriptor* type = todo.back();
    todo.pop_back();
    for (int i = 0; i < type->field_count(); ++i) {
      const pb::FieldDescriptor* f = type->field(i);
      if (f->enum_type() != nullptr && f->name() == field_name) return f->enum_type();
      if (f->message_type() != nullptr && seen.insert(f->message_type()).second) todo.push_back(f->message_type());
    }
  }
  return nullptr;
}

std::string explain_parse_error(const pb::Descriptor& root, const std::string& message) {
  static const std::regex unknown_enum(R"re(^Unknown enumeration value of ".*" for field "(\w+)")re");
  // The tokenizer's end-of-input token has empty text, which would leave "got: " dangling.
  if (message.ends_with("got: ")) return message + "end of input";
  std::smatch m;
  if (!std::regex_search(message, m, unknown_enum)) return message;
  const pb::EnumDescriptor* type = find_enum_field(root, m[1].str());
  return type == nullptr ? message : fmt::format("{} Allowed: {}.", message, enum_names(*type));
}

struct Position {
  int line;  // 0-based, as protobuf reports them
  int column;
};

// For some errors (unknown field, unknown enum value) the parser reports the token *after* the culprit,
// often on the next line. When the message quotes the preceding token, that token is what to fix.
Position culprit_position(const std::string& text, Position reported, const std::string& message) {
  FirstErrorCollector ignored;
  pb::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
  pb::io::Tokenizer tokenizer(&input, &ignored);
  tokenizer.set_comment_style(pb::io::Tokenizer::SH_COMMENT_STYLE);  // as TextFormat does
  std::optional<pb::io::Tokenizer::Token> previous;
  while (tokenizer.Next()) {
    const auto& token = tokenizer.current();
    if (std::pair(token.line, token.column) >= std::pair(reported.line, reported.column)) break;
    previous = token;
  }
  if (previous && message.find('"' + previous->text + '"') != std::string::npos)
    return Position{previous->line, previous->column};
  return reported;
}

void record_locations(const pb::Message& msg, const pb::TextFormat::ParseInfoTree* tree, const std::string& prefix,
                      const std::string& source_name, FieldLocator& locator) {
  if (tree == nullptr) return;
  const pb::Reflection& refl = *msg.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  refl.ListFields(msg, &fields);
  for (const pb::FieldDescriptor* f : fields) {
    const int count = f->is_repeated() ? refl.FieldSize(msg, f) : 1;
    for (int i = 0; i < count; ++i) {
      const int index = f->is_repeated() ? i : -1;
      const std::string path = prefix + f->name() + (f->is_repeated() ? fmt::format("[{}]", i) : "");
      const auto loc = tree->GetLocation(f, index);
      if (loc.line >= 0) locator.record(path, fmt::format("{}:{}:{}", source_name, loc.line + 1, loc.column + 1));
      if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) continue;
      const pb::Message& child = f->is_repeated() ? refl.GetRepeatedMessage(msg, f, i) : refl.GetMessage(msg, f);
      record_locations(child, tree->GetTreeForNested(f, index), path + ".", source_name, locator);
    }
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------------
// parse_text

void parse_text(const std::string& source_name, const std::string& text, pb::Message& out, FieldLocator& locator) {
  out.Clear();
  FirstErrorCollector errors;
  pb::TextFormat::ParseInfoTree tree;
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(text, &out)) {
    if (!errors.has_error()) throw InputError(source_name + ": cannot parse the file");
    const std::string what = explain_parse_error(*out.GetDescriptor(), errors.message());
    // Whole-message errors (missing required fields) have no position.
    if (errors.line() < 0) throw InputError(fmt::format("{}: {}", source_name, what));
    const Position at = culprit_position(text, Position{errors.line(), errors.column()}, errors.message());
    throw InputError(fmt::format("{}:{}:{}: {}", source_name, at.line + 1, at.column + 1, what));
  }
  record_locations(out, &tree, "", source_name, locator);
}

// ---------------------------------------------------------------------------------------------------
// apply_override

namespace {

struct Segment {
  std::string name;
  std::optional<int> index;
};

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

std::vector<Segment> split_path(const std::string& path) {
  std::vector<Segment> segments;
  std::size_t start = 0;
  while (true) {
    const auto dot = path.find('.', start);
    const std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    Segment seg{part, std::nullopt};
    if (const auto open = part.find('['); open != std::string::npos) {
      const std::string digits = part.substr(open + 1, part.size() - open - 2);
      int index = -1;
      const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
      if (part.back() != ']' || ec != std::errc() || end != digits.data() + digits.size() || index < 0)
        throw InputError(fmt::format("bad path segment \"{}\" (expected name or name[index])", part));
      seg = Segment{part.substr(0, open), index};
    }
    if (seg.name.empty()) throw InputError(fmt::format("empty field name in path \"{}\"", path));
    segments.push_back(std::move(seg));
    if (dot == std::string::npos) return segments;
    start = dot + 1;
  }
}

const pb::FieldDescriptor& find_field(const pb::Message& msg, const std::string& name) {
  const pb::Descriptor& type = *msg.GetDescriptor();
  const pb::FieldDescriptor* f = type.FindFieldByName(name);
  if (f == nullptr)
    throw InputError(
        fmt::format("message {} has no field \"{}\"; its fields are: {}", type.full_name(), name, field_names(type)));
  return *f;
}

// Element index into `f` for segment `seg`; size() itself appends, so overrides can grow lists.
int checked_index(const pb::Message& msg, const pb::FieldDescriptor& f, const Segment& seg, const std::string& path) {
  if (!f.is_repeated()) {
    if (seg.index) throw InputError(fmt::format("{} is not repeated; drop the [{}]", path, *seg.index));
    return -1;
  }
  if (!seg.index) throw InputError(fmt::format("{} is repeated; give an element index, e.g. {}[0]", path, path));
  const int size = msg.GetReflection()->FieldSize(msg, &f);
  if (*seg.index > size)
    throw InputError(
        fmt::format("index {} of {} is out of range: it has {} element(s), allowed indices are "
                    "0 to {} ({} appends a new element)",
                    *seg.index, path, size, size, size));
  return *seg.index;
}

pb::Message& step_into(pb::Message& msg, const pb::FieldDescriptor& f, int index) {
  const pb::Reflection& refl = *msg.GetReflection();
  if (index < 0) return *refl.MutableMessage(&msg, &f);
  if (index == refl.FieldSize(msg, &f)) return *refl.AddMessage(&msg, &f);
  return *refl.MutableRepeatedMessage(&msg, &f, index);
}

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Parses into a scratch message first, so a bad value leaves `msg` untouched.
void set_value(pb::Message& msg, const pb::FieldDescriptor& f, int index, const std::string& raw) {
  const bool bare_string =
      f.cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING && !raw.empty() && raw[0] != '"' && raw[0] != '\'';
  const std::string value = bare_string ? quote(raw) : raw;
  FirstErrorCollector errors;
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  const std::unique_ptr<pb::Message> scratch(msg.New());
  if (!parser.ParseFieldValueFromString(value, &f, scratch.get())) {
    std::string reason = errors.has_error() ? errors.message() : "unexpected text after the value";
    if (f.enum_type() != nullptr) reason += fmt::format(" Allowed: {}.", enum_names(*f.enum_type()));
    throw InputError(fmt::format("cannot read \"{}\" as {} ({}): {}", raw, f.name(), f.type_name(), reason));
  }
  const pb::Reflection& refl = *msg.GetReflection();
  const int size = f.is_repeated() ? refl.FieldSize(msg, &f) : 0;
  pb::TextFormat::ParseFieldValueFromString(value, &f, &msg);  // appends when repeated
  if (index >= 0 && index < size) {
    refl.SwapElements(&msg, &f, index, size);
    refl.RemoveLast(&msg, &f);
  }
}

// Sets the field at `path`; `appended` gets the paths of repeated elements the path created, so that
// later errors about them point at the --set, not at the file.
void apply_path(const std::string& path, const std::string& value, pb::Message& root,
                std::vector<std::string>& appended) {
  const std::vector<Segment> segments = split_path(path);
  pb::Message* msg = &root;
  std::string walked;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& seg = segments[i];
    const pb::FieldDescriptor& f = find_field(*msg, seg.name);
    walked += (walked.empty() ? "" : ".") + seg.name;
    const int index = checked_index(*msg, f, seg, walked);
    if (seg.index) walked += fmt::format("[{}]", *seg.index);
    const bool leaf = i + 1 == segments.size();
    const bool is_message = f.cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE;
    if (leaf && is_message)
      throw InputError(fmt::format("{} is a message ({}); set one of its fields: {}", walked,
                                   f.message_type()->full_name(), field_names(*f.message_type())));
    if (!leaf && !is_message)
      throw InputError(fmt::format("{} has type {}, not a message; it has no field \"{}\"", walked, f.type_name(),
                                   segments[i + 1].name));
    if (!leaf) {
      if (f.is_repeated() && index == msg->GetReflection()->FieldSize(*msg, &f)) appended.push_back(walked);
      msg = &step_into(*msg, f, index);
      continue;
    }
    set_value(*msg, f, index, value);
  }
}

}  // namespace

void apply_override(const std::string& assignment, pb::Message& msg, FieldLocator& locator,
                    const std::string& given_location) {
  const std::string location = given_location.empty() ? "--set " + assignment : given_location;
  const auto eq = assignment.find('=');
  try {
    if (eq == std::string::npos) throw InputError("expected path=value (no '=' found)");
    const std::string path = trim(assignment.substr(0, eq));
    if (path.empty()) throw InputError("expected path=value (empty path)");
    std::vector<std::string> appended;
    apply_path(path, trim(assignment.substr(eq + 1)), msg, appended);
    locator.record(path, location);
    for (const auto& element : appended) locator.record(element, location);
  } catch (const InputError& e) {
    throw InputError(fmt::format("{}: {}", location, e.what()));
  }
}

// ---------------------------------------------------------------------------------------------------
// merge_replacing_lists

namespace {

// Clears in `to` every list that `from` sets, at any depth, so that MergeFrom then copies it over
// instead of appending.
void clear_replaced_lists(const pb::Message& from, pb::Message& to, const std::string& prefix, FieldLocator& locator) {
  const pb::Reflection& from_refl = *from.GetReflection();
  const pb::Reflection& to_refl = *to.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  from_refl.ListFields(from, &fields);
  for (const pb::FieldDescriptor* f : fields) {
    const std::string path = prefix + f->name();
    if (f->is_repeated()) {
      to_refl.ClearField(&to, f);
      locator.forget(path);
    } else if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE && to_refl.HasField(to, f)) {
      clear_replaced_lists(from_refl.GetMessage(from, f), *to_refl.MutableMessage(&to, f), path + ".", locator);
    }
  }
}

}  // namespace

void merge_replacing_lists(const pb::Message& from, const FieldLocator& from_locator, pb::Message& to,
                           FieldLocator& to_locator) {
  clear_replaced_lists(from, to, "", to_locator);
  to.MergeFrom(from);
  to_locator.absorb(from_locator);
}

// ---------------------------------------------------------------------------------------------------
// check_ranges

namespace {

struct Number {
  double value;
  std::string text;
};

Number read_number(const pb::Message& msg, const pb::FieldDescriptor& f, int index) {
  const pb::Reflection& r = *msg.GetReflection();
  const bool rep = index >= 0;
  const auto make = [](auto v) { return Number{static_cast<double>(v), fmt::format("{}", v)}; };
  switch (f.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
      return make(rep ? r.GetRepeatedInt32(msg, &f, index) : r.GetInt32(msg, &f));
    case pb::FieldDescriptor::CPPTYPE_INT64:
      return make(rep ? r.GetRepeatedInt64(msg, &f, index) : r.GetInt64(msg, &f));
    case pb::FieldDescriptor::CPPTYPE_UINT32:
      return make(rep ? r.GetRepeatedUInt32(msg, &f, index) : r.GetUInt32(msg, &f));
    case pb::FieldDescriptor::CPPTYPE_UINT64:
      return make(rep ? r.GetRepeatedUInt64(msg, &f, index) : r.GetUInt64(msg, &f));
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
      return make(rep ? r.GetRepeatedDouble(msg, &f, index) : r.GetDouble(msg, &f));
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return make(rep ? r.GetRepeatedFloat(msg, &f, index) : r.GetFloat(msg, &f));
    default:
      return Number{0, ""};
  }
}

bool is_numeric(const pb::FieldDescriptor& f) {
  switch (f.cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT32:
    case pb::FieldDescriptor::CPPTYPE_INT64:
    case pb::FieldDescriptor::CPPTYPE_UINT32:
    case pb::FieldDescriptor::CPPTYPE_UINT64:
    case pb::FieldDescriptor::CPPTYPE_DOUBLE:
    case pb::FieldDescriptor::CPPTYPE_FLOAT:
      return true;
    default:
      return false;
  }
}

void check_field(const pb::Message& msg, const pb::FieldDescriptor& f, int index, const std::string& path,
                 const FieldLocator& locator, std::vector<std::string>& lines) {
  const pb::FieldOptions& opt = f.options();
  if (!is_numeric(f) || !(opt.HasExtension(megacycle::min) || opt.HasExtension(megacycle::max))) return;
  const double lo =
      opt.HasExtension(megacycle::min) ? opt.GetExtension(megacycle::min) : -std::numeric_limits<double>::infinity();
  const double hi =
      opt.HasExtension(megacycle::max) ? opt.GetExtension(megacycle::max) : std::numeric_limits<double>::infinity();
  const Number n = read_number(msg, f, index);
  if (n.value >= lo && n.value <= hi) return;  // written this way round so that NaN fails
  std::string line =
      fmt::format("{}: {} = {} is outside the allowed range [{}, {}]", locator.locate(path), path, n.text, lo, hi);
  if (opt.HasExtension(megacycle::unit)) line += fmt::format(" ({})", opt.GetExtension(megacycle::unit));
  lines.push_back(std::move(line));
}

void check_message(const pb::Message& msg, const std::string& prefix, const FieldLocator& locator,
                   std::vector<std::string>& lines) {
  const pb::Reflection& refl = *msg.GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  refl.ListFields(msg, &fields);
  for (const pb::FieldDescriptor* f : fields) {
    const int count = f->is_repeated() ? refl.FieldSize(msg, f) : 1;
    for (int i = 0; i < count; ++i) {
      const int index = f->is_repeated() ? i : -1;
      const std::string path = prefix + f->name() + (f->is_repeated() ? fmt::format("[{}]", i) : "");
      if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) {
        check_field(msg, *f, index, path, locator, lines);
        continue;
      }
      const pb::Message& child = f->is_repeated() ? refl.GetRepeatedMessage(msg, f, i) : refl.GetMessage(msg, f);
      check_message(child, path + ".", locator, lines);
    }
  }
}

}  // namespace

std::vector<std::string> check_ranges(const pb::Message& msg, const FieldLocator& locator) {
  std::vector<std::string> lines;
  check_message(msg, "", locator, lines);
  return lines;
}

// ---------------------------------------------------------------------------------------------------
// ValidationReport

ValidationReport::ValidationReport(const FieldLocator& locator) : locator_(locator) {}

void ValidationReport::add(const std::string& path, const std::string& problem) {
  lines_.push_back(fmt::format("{}: {}: {}", locator_.locate(path), path, problem));
}

void ValidationReport::add_lines(const std::vector<std::string>& lines) {
  lines_.insert(lines_.end(), lines.begin(), lines.end());
}

bool ValidationReport::empty() const { return lines_.empty(); }

void ValidationReport::throw_if_any() const {
  if (!lines_.empty()) throw InputError(fmt::format("{}", fmt::join(lines_, "\n")));
}

void write_out_defaults(pb::Message& message) {
  const auto* descriptor = message.GetDescriptor();
  const auto* reflection = message.GetReflection();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (field->is_repeated()) continue;
    using F = pb::FieldDescriptor;
    switch (field->cpp_type()) {
      case F::CPPTYPE_MESSAGE:
        write_out_defaults(*reflection->MutableMessage(&message, field));
        break;
      case F::CPPTYPE_DOUBLE:
        reflection->SetDouble(&message, field, reflection->GetDouble(message, field));
        break;
      case F::CPPTYPE_FLOAT:
        reflection->SetFloat(&message, field, reflection->GetFloat(message, field));
        break;
      case F::CPPTYPE_INT32:
        reflection->SetInt32(&message, field, reflection->GetInt32(message, field));
        break;
      case F::CPPTYPE_INT64:
        reflection->SetInt64(&message, field, reflection->GetInt64(message, field));
        break;
      case F::CPPTYPE_UINT32:
        reflection->SetUInt32(&message, field, reflection->GetUInt32(message, field));
        break;
      case F::CPPTYPE_UINT64:
        reflection->SetUInt64(&message, field, reflection->GetUInt64(message, field));
        break;
      case F::CPPTYPE_BOOL:
        reflection->SetBool(&message, field, reflection->GetBool(message, field));
        break;
      case F::CPPTYPE_STRING:
        reflection->SetString(&message, field, reflection->GetString(message, field));
        break;
      case F::CPPTYPE_ENUM:
        reflection->SetEnum(&message, field, reflection->GetEnum(message, field));
        break;
    }
  }
}

}  // namespace megacycle::io
