#pragma once
// Runs one scenario of drive.mjs in Chromium against the built page; what it saw is left in `out`.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/cli_run.hpp"

inline void drive(const std::string& scenario, const std::filesystem::path& out,
                  const std::vector<std::string>& files = {}) {
  namespace fs = std::filesystem;
  REQUIRE_MESSAGE(fs::exists(fs::path(ATTNLAB_WEB_DIR) / "attnlab.wasm"),
                  "no web page in " ATTNLAB_WEB_DIR ": build it with scripts/web.sh build");
  REQUIRE_MESSAGE(fs::exists(fs::path(ATTNLAB_WEB_NPM_DIR) / "node_modules/playwright-core"),
                  "no playwright-core in " ATTNLAB_WEB_NPM_DIR ": scripts/test.sh installs it");
  std::vector<std::string> args{ATTNLAB_WEB_TESTS "/drive.mjs", scenario, out.string(), ATTNLAB_WEB_DIR,
                                ATTNLAB_WEB_NPM_DIR};
  args.insert(args.end(), files.begin(), files.end());
  const auto result = cli_test::run_program("/usr/bin/node", args);
  REQUIRE_MESSAGE(result.status == 0, result.command << "\n" << result.out << result.err);
}
