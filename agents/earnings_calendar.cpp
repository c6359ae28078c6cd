#include "agents/earnings_calendar.hpp"

#include <algorithm>

namespace megacycle {

int typical_report_day(const EarningsCalendar& calendar, std::string_view name, int days) {
  int day = calendar.default_report_day();
  for (const auto& r : calendar.report_day())
    if (r.firm() == name) day = r.day();
  return std::clamp(day, 0, days - 1);
}

int report_day(const StreamKey& key, std::uint64_t firm, int t, int typical, int jitter, int days) {
  Stream s(key, firm, static_cast<std::uint64_t>(t));
  const int shift = static_cast<int>(s.below(2 * static_cast<std::uint64_t>(jitter) + 1)) - jitter;
  return std::clamp(typical + shift, 0, days - 1);
}

}  // namespace megacycle
