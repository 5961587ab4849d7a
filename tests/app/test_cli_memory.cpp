// The memory estimate through the real binary: a run that would not fit is refused before any input
// exists (at once, one line, both numbers), and the estimate is never below what a run really takes,
// measured as the child's peak resident memory.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "tests/cli_run.hpp"

using namespace cli_test;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// "needs about 53.0 MiB" → 53.0, in MiB.
double estimate_mib(const std::string& message) {
  const std::regex needs("needs about ([0-9.]+) (B|KiB|MiB|GiB|TiB)");
  std::smatch m;
  if (!std::regex_search(message, m, needs)) return NAN;
  const double value = std::stod(m[1]);
  const std::string unit = m[2];
  const double scale = unit == "B"     ? 1.0 / (1 << 20)
                       : unit == "KiB" ? 1.0 / 1024
                       : unit == "MiB" ? 1
                       : unit == "GiB" ? 1024
                                       : 1 << 20;
  return value * scale;
}

// The run's estimate, as its refusal under a 1 MiB limit states it (rounded to 0.1 of its unit).
double estimate_of(const std::vector<std::string>& args) {
  const RunResult r = run_attnlab(args, within(60).with("ATTNLAB_MEMORY_LIMIT=1"));
  INFO(r.command << ": " << r.err);
  REQUIRE(r.status == 2);
  REQUIRE(r.err_lines().size() == 1);
  CHECK(contains(r.err, "ATTNLAB_MEMORY_LIMIT"));
  return estimate_mib(r.err);
}

std::vector<std::string> cat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace

TEST_SUITE("cli/memory") {
  TEST_CASE("a run too large for this machine is refused before any input exists: one line, both numbers") {
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"compute", "--random", "--lq", "1000000000", "--print", "--backend", "cpu"},
          {"compute", "--random", "--dk", "1000000000", "--print"},
          {"compute", "--random", "--lq", "1073741824", "--lk", "1073741824", "--heads", "4096", "--print"},
          {"bench", "--random", "--lq", "2000000", "--lk", "2000000"},
          {"export", "--random", "--lq", "2000000", "--lk", "2000000", "--stage", "weights", "--out", "x.png"},
          {"gui", "--random", "--lq", "2000000", "--lk", "2000000", "--frames", "1"}}) {
      const RunResult r = run_attnlab(args, within(30));
      INFO("command: " << r.command);
      INFO("stderr: " << r.err);
      CHECK_FALSE(r.timed_out);
      CHECK(r.status == 2);
      REQUIRE(r.err_lines().size() == 1);
      CHECK(r.err.starts_with("attnlab: "));
      CHECK(contains(r.err, "needs about"));
      CHECK(contains(r.err, "it may use"));
      CHECK(contains(r.err, "available"));
      CHECK(r.out.empty());
      // Nothing was allocated for it: the refused process stays the size of the program.
      CHECK(r.peak_rss_mib < 64);
    }
    CHECK_FALSE(fs::exists("x.png"));
  }

  TEST_CASE("ATTNLAB_MEMORY_LIMIT caps what a run may take, and --dump writes nothing then") {
    TempDir work;
    const RunResult r = run_attnlab(
        {"compute", "--random", "--lq", "2048", "--lk", "2048", "--dump", (work / "dump").string(), "--backend", "cpu"},
        within(30).with("ATTNLAB_MEMORY_LIMIT=64"));
    INFO(r.err);
    CHECK(r.status == 2);
    CHECK(r.err_lines().size() == 1);
    CHECK(contains(r.err, "64.0 MiB it may use (ATTNLAB_MEMORY_LIMIT)"));
    CHECK_FALSE(fs::exists(work / "dump"));
    const RunResult bad = run_attnlab({"examples"}, within(30).with("ATTNLAB_MEMORY_LIMIT=lots"));
    CHECK(bad.status == 0);  // a command that computes nothing does not ask
    const RunResult refused = run_attnlab({"compute", "--print"}, within(30).with("ATTNLAB_MEMORY_LIMIT=lots"));
    CHECK(refused.status == 2);
    CHECK(contains(refused.err, "ATTNLAB_MEMORY_LIMIT 'lots'"));
  }

  TEST_CASE("bench --json: the estimate is at least the peak measured, full trace and output-only") {
    for (const int l : {256, 1024, 2048})
      for (const std::string stages : {"all", "output"}) {
        const RunResult r =
            run_attnlab({"bench", "--random", "--lq", std::to_string(l), "--lk", std::to_string(l), "--dk", "128",
                         "--dv", "64", "--stages", stages, "--repeat", "1", "--json", "--backend", "cpu"},
                        within(300));
        INFO(r.command << ": " << r.err);
        REQUIRE(r.status == 0);
        const auto j = nlohmann::json::parse(r.out);
        const double estimated = j.at("estimated_peak_mib"), measured = j.at("peak_rss_mib");
        MESSAGE("bench L=" << l << " " << stages << ": estimated " << estimated << " MiB, peak " << measured
                           << " MiB (child rusage " << r.peak_rss_mib << " MiB)");
        CHECK(estimated >= measured);
        CHECK(estimated >= r.peak_rss_mib);
        CHECK(estimated <= 2 * measured + 64);  // an estimate, not a refusal of everything
      }
  }

  TEST_CASE("compute: the estimate is at least the peak measured, with heads and with --dump") {
    TempDir work;
    struct Case {
      std::vector<std::string> args;
      bool dump;
    };
    const std::vector<Case> cases = {
        {{"--lq", "2048", "--lk", "2048"}, false},
        {{"--lq", "2048", "--lk", "2048"}, true},
        {{"--lq", "1024", "--lk", "1024", "--heads", "4"}, false},
        {{"--lq", "1024", "--lk", "1024", "--heads", "4", "--kv-heads", "2"}, true},
        {{"--lq", "64", "--lk", "64", "--dk", "65536", "--dv", "4096"}, true},
    };
    int n = 0;
    for (const Case& c : cases) {
      const fs::path dir = work / ("dump" + std::to_string(n++));
      const std::vector<std::string> output =
          c.dump ? std::vector<std::string>{"--dump", dir.string()} : std::vector<std::string>{"--print"};
      const std::vector<std::string> args = cat(cat({"compute", "--random", "--backend", "cpu"}, c.args), output);
      const double estimated = estimate_of(args);
      CHECK_FALSE(fs::exists(dir));
      const RunResult r = run_attnlab(args, within(300).out_to("/dev/null"));
      INFO(r.command << ": " << r.err);
      REQUIRE(r.status == 0);
      MESSAGE(r.command << ": estimated " << estimated << " MiB, peak " << r.peak_rss_mib << " MiB");
      CHECK(estimated >= r.peak_rss_mib);
      CHECK(estimated <= 2 * r.peak_rss_mib + 64);
    }
  }
}
