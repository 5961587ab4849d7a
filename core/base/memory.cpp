#include "core/base/memory.hpp"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string_view>
#include <utility>

#include "core/base/error.hpp"
#include "core/base/quote.hpp"

namespace attnlab {
namespace {

std::optional<std::uint64_t> whole(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::uint64_t> number_in(const char* path) {
  std::ifstream in(path);
  std::string text;
  if (!(in >> text)) return std::nullopt;
  return whole(text);
}

// MemAvailable from /proc/meminfo, in bytes.
std::optional<std::uint64_t> mem_available() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key, unit;
  std::uint64_t kib = 0;
  while (meminfo >> key >> kib >> unit)
    if (key == "MemAvailable:") return kib * 1024;
  return std::nullopt;
}

// What the memory cgroup still allows (v2, then v1), when it sets a limit: in a container,
// MemAvailable speaks of the whole machine.
std::optional<std::uint64_t> cgroup_room() {
  for (const auto& [limit_path, usage_path] :
       {std::pair{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"},
        std::pair{"/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"}}) {
    const auto limit = number_in(limit_path), usage = number_in(usage_path);  // "max" is no number
    if (limit && usage && *limit < (std::uint64_t{1} << 60)) return *limit > *usage ? *limit - *usage : 0;
  }
  return std::nullopt;
}

}  // namespace

MemoryBudget memory_budget() {
  if (const char* limit = std::getenv("ATTNLAB_MEMORY_LIMIT"); limit && *limit) {
    const auto mib = whole(limit);
    if (!mib || *mib > (std::uint64_t{1} << 40))
      throw InputError("ATTNLAB_MEMORY_LIMIT '" + excerpt(limit) + "' is not a whole number of MiB");
    return {*mib << 20, "ATTNLAB_MEMORY_LIMIT"};
  }
  std::optional<std::uint64_t> available = mem_available();
  if (const auto room = cgroup_room(); room && (!available || *room < *available)) available = room;
  if (!available) return {};
  return {*available / 5 * 4, "four fifths of the " + human_bytes(*available) + " available"};
}

void check_memory(std::uint64_t need, const std::string& what, const std::string& advice) {
  const MemoryBudget budget = memory_budget();
  if (budget.bytes == 0 || need <= budget.bytes) return;
  throw InputError(what + " needs about " + human_bytes(need) + " of memory, more than the " +
                   human_bytes(budget.bytes) + " it may use (" + budget.source + ")" + advice);
}

std::string human_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes);
  int u = 0;
  while (value >= 1024 && u < 6) value /= 1024, ++u;
  char text[32];
  std::snprintf(text, sizeof text, u == 0 ? "%.0f %s" : "%.1f %s", value, units[u]);
  return text;
}

}  // namespace attnlab
