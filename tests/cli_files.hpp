#pragma once
// What the command-line suites share about a command's files and refusals: an .npy read back with
// the project's reader (checked against numpy in io/npy), a text file's lines, and the refusal every
// bad input must give (exit 2, one "attnlab: " line naming it, nothing written).
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "core/io/npy.hpp"
#include "tests/cli_run.hpp"

namespace cli_test {

inline attnlab::Array read_npy(const fs::path& path) {
  return attnlab::parse_npy(read_all(path), path.string());
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The arguments `a` followed by `b`.
inline std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// A refused command: exit 2, one "attnlab: " line holding every part of `parts`, nothing at `out`.
inline void check_refused(const std::vector<std::string>& args, const std::vector<std::string>& parts,
                          const fs::path& out) {
  const RunResult r = run_attnlab(args);
  INFO("command: " << r.command);
  INFO("stderr: " << r.err);
  CHECK(r.status == 2);
  REQUIRE(r.err_lines().size() == 1);
  CHECK(r.err.rfind("attnlab: ", 0) == 0);
  for (const std::string& part : parts) CHECK_MESSAGE(r.err.find(part) != std::string::npos, "missing: " << part);
  CHECK_FALSE(fs::exists(out));
}

}  // namespace cli_test
