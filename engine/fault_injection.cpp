#include "engine/fault_injection.hpp"

#include <fmt/core.h>

#include <cstdlib>
#include <sstream>

#include "engine/error.hpp"

namespace megacycle {

TestFault TestFault::from_environment() {
  const char* value = std::getenv("MEGACYCLE_TEST_FAULT");
  return value ? parse(value) : TestFault{};
}

TestFault TestFault::parse(const std::string& text) {
  const auto bad = [&] {
    return InputError(
        fmt::format("MEGACYCLE_TEST_FAULT=\"{}\": expected error:rank=R:quarter=Q, nan:id=G:quarter=Q, "
                    "kill:rank=R:quarter=Q or signal:rank=R:quarter=Q",
                    text));
  };
  TestFault fault;
  std::stringstream in(text);
  std::string part;
  bool first = true;
  while (std::getline(in, part, ':')) {
    if (first) {
      if (part == "error")
        fault.kind = Kind::error;
      else if (part == "nan")
        fault.kind = Kind::nan;
      else if (part == "kill")
        fault.kind = Kind::kill;
      else if (part == "signal")
        fault.kind = Kind::signal;
      else
        throw bad();
      first = false;
      continue;
    }
    const auto eq = part.find('=');
    if (eq == std::string::npos) throw bad();
    const std::string key = part.substr(0, eq), value = part.substr(eq + 1);
    try {
      if (key == "rank")
        fault.rank = std::stoi(value);
      else if (key == "quarter")
        fault.quarter = std::stoi(value);
      else if (key == "id")
        fault.id = std::stoull(value);
      else
        throw bad();
    } catch (const std::logic_error&) {
      throw bad();
    }
  }
  if (fault.kind == Kind::none || fault.quarter < 0 || (fault.kind != Kind::nan && fault.rank < 0)) throw bad();
  return fault;
}

}  // namespace megacycle
