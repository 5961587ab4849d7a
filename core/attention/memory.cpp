#include "core/attention/memory.hpp"

#include <cstdio>
#include <fstream>
#include <string>

namespace attnlab {

std::uint64_t full_trace_bytes(Index lq, Index lk, Index dk, Index dv) {
  const auto n = [](Index a, Index b) { return static_cast<std::uint64_t>(a) * static_cast<std::uint64_t>(b); };
  return sizeof(float) * (n(lq, dk) + n(lk, dk) + n(lk, dv) + 4 * n(lq, lk) + n(lq, dv));
}

std::uint64_t available_memory_bytes() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kib = 0;
  std::string unit;
  while (meminfo >> key >> kib >> unit)
    if (key == "MemAvailable:") return kib * 1024;
  return 0;
}

std::string human_bytes(std::uint64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int u = 0;
  while (value >= 1024 && u < 4) value /= 1024, ++u;
  char text[32];
  std::snprintf(text, sizeof text, u == 0 ? "%.0f %s" : "%.1f %s", value, units[u]);
  return text;
}

void check_full_trace_fits(Index lq, Index lk, Index dk, Index dv) {
  const std::uint64_t need = full_trace_bytes(lq, lk, dk, dv);
  const std::uint64_t have = available_memory_bytes();
  // Keep a fifth of what is free for everything else on the machine.
  if (have == 0 || need <= have / 5 * 4) return;
  throw InputError("the full trace of Lq×Lk = " + shape_str(lq, lk) + " needs about " + human_bytes(need) + " but " +
                   human_bytes(have) + " is available; use the output-only mode (--stages output)," +
                   " which keeps no Lq×Lk matrix");
}

}  // namespace attnlab
