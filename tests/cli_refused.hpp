#pragma once
// The refusal contract, checked on a run of the real binary: exit status 2 (or the one given) within
// the run's time limit, one line "attnlab: …" naming every part, nothing on stdout, and a peak memory
// no larger than the program's own with a small input. The peak is the child's rusage, which also
// holds this test process's own small peak; under the sanitizers, where a process's memory is mostly
// their shadow, it is not checked.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "tests/cli_run.hpp"

namespace cli_test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

// What a run that read nothing large stays under: the program, its libraries and a small input.
inline constexpr double kSmallMib = 96;

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

inline RunResult check_refused(const std::vector<std::string>& args, const std::vector<std::string>& parts,
                               int status = 2, const RunOptions& options = within(120)) {
  const RunResult r = run_attnlab(args, options);
  INFO("command: " << r.command.substr(0, 400));
  INFO("stderr: " << r.err);
  CHECK_FALSE(r.timed_out);
  CHECK(r.status == status);
  CHECK(r.err_lines().size() == 1);
  CHECK(r.err.starts_with("attnlab: "));
  for (const auto& part : parts) CHECK_MESSAGE(contains(r.err, part), "the message does not say '" << part << "'");
  CHECK(r.out.empty());
  if (!kSanitized) CHECK_MESSAGE(r.peak_rss_mib < kSmallMib, "peak " << r.peak_rss_mib << " MiB");
  return r;
}

}  // namespace cli_test
