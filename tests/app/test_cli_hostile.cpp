// The command line against hostile and careless input: numbers that do not fit, ranges without end,
// files that are no files, outputs that cannot be written, paths that meet. Every run has a time
// limit: a hang fails the test instead of stalling it, and the refusals must come at once.
#include <doctest/doctest.h>
#include <sys/stat.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/cli_run.hpp"

using namespace cli_test;

namespace {

// A refusal is quick: it comes before any input is generated or read.
constexpr double kQuick = 30;

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Exit 2 within the time limit, one line on stderr naming every part, nothing on stdout.
void check_refused(const std::vector<std::string>& args, const std::vector<std::string>& parts, int status = 2) {
  const RunResult r = run_attnlab(args, within(kQuick));
  INFO("command: " << r.command);
  INFO("stderr: " << r.err);
  CHECK_FALSE(r.timed_out);
  CHECK(r.status == status);
  CHECK(r.err_lines().size() == 1);
  CHECK(r.err.starts_with("attnlab: "));
  for (const auto& part : parts) CHECK_MESSAGE(contains(r.err, part), "the message does not say '" << part << "'");
  CHECK(r.out.empty());
}

}  // namespace

TEST_SUITE("cli/limits") {
  TEST_CASE("whole numbers that do not fit are refused, not wrapped or saturated") {
    check_refused({"compute", "--random", "--lq", "4294967297", "--print"}, {"--lq 4294967297 is out of range"});
    check_refused({"compute", "--random", "--lq", "99999999999999999999", "--print"},
                  {"--lq", "99999999999999999999", "out of range"});
    check_refused({"compute", "--random", "--seed", "-1", "--print"}, {"--seed", "-1", "out of range"});
    check_refused({"compute", "--random", "--seed", "18446744073709551616", "--print"}, {"--seed"});
    check_refused({"compute", "--random", "--heads", "2147483648", "--print"}, {"--heads", "2147483648"});
    check_refused({"compute", "--random", "--dk", "0x10", "--print"}, {"--dk", "0x10", "not a whole number"});
    check_refused({"bench", "--repeat", "4294967297"}, {"--repeat", "4294967297"});
    check_refused({"sweep", "--dk", "1:4", "--trials", "-3", "--out", "x.csv"}, {"--trials", "-3"});
    check_refused({"export", "--stage", "weights", "--out", "x.png", "--width", "99999999999999999999"}, {"--width"});
    check_refused({"compute", "--random", "--sigma", "1e999", "--print"}, {"--sigma", "1e999"});
  }

  TEST_CASE("a number is read in decimal: 010 is ten, as it is everywhere else") {
    const RunResult r = run_attnlab(
        {"compute", "--random", "--lq", "010", "--lk", "3", "--dk", "2", "--dv", "2", "--print", "--backend", "cpu"},
        within(kQuick));
    REQUIRE(r.status == 0);
    CHECK(contains(r.out, "q9 "));
    CHECK_FALSE(contains(r.out, "q10"));
  }

  TEST_CASE("window sizes are options like any other: refused before a window opens") {
    check_refused({"gui", "--width", "-5", "--frames", "1"}, {"--width -5 is out of range: 320 to 8192"});
    check_refused({"gui", "--height", "100000", "--frames", "1"}, {"--height", "100000"});
    check_refused({"gui", "--font-scale", "1e300", "--frames", "1"}, {"--font-scale", "1e300"});
    check_refused({"gui", "--frames", "-1"}, {"--frames", "-1"});
  }

  TEST_CASE("the key tile is clamped to the keys: no crash, the output is the full trace's") {
    const RunResult r = run_attnlab({"bench", "--random", "--lq", "300", "--lk", "70", "--stages", "output", "--tile",
                                     "100000000", "--repeat", "1", "--json", "--backend", "cpu"},
                                    within(120));
    INFO(r.err);
    CHECK_FALSE(r.timed_out);
    REQUIRE(r.status == 0);
    CHECK(nlohmann::json::parse(r.out).at("tile") == 100000000);  // as given; the engine takes the 70 keys there are
    check_refused({"bench", "--stages", "output", "--tile", "100000000000"}, {"--tile", "100000000000"});
  }
}
