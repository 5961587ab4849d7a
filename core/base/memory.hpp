#pragma once
// How much memory a run may take, and a refusal that names both numbers when an estimate is more.
#include <cstdint>
#include <string>

namespace attnlab {

// What this process may use, in bytes, and how a message says where that comes from: four fifths of
// what the system has available (MemAvailable, within the cgroup's limit), leaving the rest to the
// machine, or ATTNLAB_MEMORY_LIMIT (in MiB) when that is set. 0 bytes: unknown, nothing is refused.
struct MemoryBudget {
  std::uint64_t bytes = 0;
  std::string source;  // "four fifths of the 18.0 GiB available" or "ATTNLAB_MEMORY_LIMIT"
};
MemoryBudget memory_budget();

// Throws InputError "<what> needs about 12.0 GiB of memory, more than the 9.6 GiB it may use
// (four fifths of the 12.0 GiB available)<advice>" when `need` is above the budget.
void check_memory(std::uint64_t need, const std::string& what, const std::string& advice = "");

std::string human_bytes(std::uint64_t bytes);  // "1.5 GiB"

}  // namespace attnlab
