// libFuzzer target: arbitrary bytes as a scenario file.
//
// 1. megacycle::io::parse_text into a megacycle::Scenario, then check_ranges (the loader API directly);
// 2. megacycle::load_scenario on the same bytes written to a scratch file (parse, ranges and the model's
//    consistency checks);
// 3. the two must agree: text that parse_text rejects or that check_ranges flags must not load, and an
//    accepted scenario's effective text must read back as itself.
// megacycle::InputError (bad input) is the expected way to reject; megacycle::Error is tolerated from
// load_scenario (file handling). Anything else - a crash, another exception, a sanitizer report, a
// broken property above - is a finding.
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "fuzz_common.hpp"

namespace {

// load_scenario reads a path. One scratch file per process, unlinked at once (nothing is left behind
// when a finding kills the process) and reached through /proc/self/fd; rewritten for every input.
class ScratchFile {
 public:
  ScratchFile() {
    const char* dir = std::getenv("TMPDIR");
    std::string name = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/fuzz_scenario_XXXXXX";
    fd_ = ::mkstemp(name.data());
    if (fd_ < 0) megacycle::fuzz::finding("harness: cannot create a scratch file", name);
    ::unlink(name.c_str());
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  void write(const std::string& text) const {
    if (::ftruncate(fd_, 0) != 0) megacycle::fuzz::finding("harness: ftruncate failed");
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::pwrite(fd_, text.data() + done, text.size() - done, static_cast<off_t>(done));
      if (n <= 0) megacycle::fuzz::finding("harness: pwrite failed");
      done += static_cast<std::size_t>(n);
    }
  }
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using megacycle::fuzz::finding;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string source = "fuzz.textproto";

  // 1. The loader API.
  megacycle::Scenario scenario;
  megacycle::io::FieldLocator locator(source);
  bool parsed = true;
  std::vector<std::string> range_problems;
  try {
    megacycle::io::parse_text(source, text, scenario, locator);
  } catch (const megacycle::InputError& e) {
    parsed = false;
    // Documented: "file:line:column: <what>" (or "file: <what>" for whole-message errors).
    if (!std::string_view(e.what()).starts_with(source + ":"))
      finding("parse_text error does not start with the source name", e.what());
  }
  if (parsed) range_problems = megacycle::io::check_ranges(scenario, locator);

  // 2. The full load, from a file.
  static const ScratchFile scratch;
  scratch.write(text);
  std::optional<megacycle::LoadedScenario> loaded;
  try {
    loaded = megacycle::load_scenario(scratch.path(), {}, std::nullopt);
  } catch (const megacycle::Error&) {  // InputError and its base
  }

  // 3. Agreement.
  if (loaded) {
    if (!parsed) finding("load_scenario accepted text that parse_text rejects");
    if (!range_problems.empty())
      finding("load_scenario accepted a scenario that check_ranges flags", range_problems[0]);
    megacycle::fuzz::check_round_trip(*loaded);
  }
  return 0;
}
