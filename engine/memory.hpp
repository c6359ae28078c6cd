#pragma once
// Memory a run may use, so oversized runs are refused up front with numbers instead of being killed
// by the kernel's OOM killer half-way.
#include <cstdint>

namespace megacycle {

// Bytes this node can still give: MemAvailable from /proc/meminfo, or the cgroup limit if lower.
// 0 if unknown (the check is then skipped).
std::uint64_t available_memory_bytes();

}  // namespace megacycle
