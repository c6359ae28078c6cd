#include "engine/memory.hpp"

#include <algorithm>
#include <fstream>
#include <string>

namespace megacycle {
namespace {

std::uint64_t cgroup_limit_bytes() {
  std::ifstream in("/sys/fs/cgroup/memory.max");  // cgroup v2; "max" when unlimited
  std::string value;
  if (!(in >> value) || value == "max") return 0;
  try {
    return std::stoull(value);
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

std::uint64_t available_memory_bytes() {
  std::ifstream in("/proc/meminfo");
  std::string key, unit;
  std::uint64_t kib = 0, available = 0;
  while (in >> key >> kib >> unit)
    if (key == "MemAvailable:") available = kib * 1024;
  const std::uint64_t limit = cgroup_limit_bytes();
  if (available == 0) return limit;
  return limit ? std::min(available, limit) : available;
}

}  // namespace megacycle
