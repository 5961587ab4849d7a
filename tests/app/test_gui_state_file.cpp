// The window's remembered state against poisoned files, through the real window under Xvfb: a
// last.json that fails is kept aside as last.json.bad and the window says so, opens on its defaults,
// closes when asked, and what it writes at exit reads back.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "app/gui/settings_file.hpp"
#include "tests/cli_run.hpp"

using namespace cli_test;

namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Runs the window for a few frames on the remembered state in `config` (its XDG_CONFIG_HOME).
RunResult run_window(const TempDir& config) {
  return run_attnlab({"gui", "--frames", "3", "--remember", "--backend", "cpu"},
                     within(120).with("XDG_CONFIG_HOME=" + config.path().string()));
}

}  // namespace

TEST_SUITE("gui/remembered-state") {
  TEST_CASE("a poisoned last.json is kept aside as last.json.bad; the window opens, says so and closes") {
    const std::vector<std::pair<std::string, std::string>> poisons = {
        {R"({"heads": 2000000000})", "heads"},
        {R"({"lq": 4294967304})", "lq"},
        {R"({"lq": 1e10})", "lq"},
        {R"({"font_scale": 1e300})", "font_scale"},
        {R"({"font_scale": null})", "font_scale"},
        {R"({"source": "random", "lq": 1000000, "lk": 1000000})", "needs about"},
        {"{ not json", "not a JSON object"},
        {R"({"lq": "twelve"})", "lq"},
        {"{\"mask\": \"" + std::string(50'000'000, 'x') + "\"}", "mask"},
    };
    for (const auto& [poison, named] : poisons) {
      TempDir config;
      fs::create_directories(config / "attnlab");
      write_all(config / "attnlab/last.json", poison);
      const RunResult r = run_window(config);
      INFO("last.json: " << poison.substr(0, 80));
      INFO("stderr: " << r.err.substr(0, 2000));
      CHECK_FALSE(r.timed_out);
      CHECK(r.status == 0);
      CHECK(contains(r.err, "attnlab: last state not restored: "));
      CHECK(contains(r.err, named));
      CHECK(contains(r.err, "(kept as last.json.bad)"));
      for (const auto& line : r.err_lines()) CHECK(line.size() < 400);  // an excerpt, never the whole value
      CHECK(read_all(config / "attnlab/last.json.bad") == poison);
      // What the window wrote at exit is its defaults, and reads back.
      const attnlab::gui::Settings saved = attnlab::gui::load_settings(config / "attnlab/last.json");
      CHECK(saved.source == attnlab::gui::Source::example);
      CHECK(saved.heads == 1);
      CHECK(saved.font_scale == 1.0f);
    }
  }

  TEST_CASE("a good last.json is restored and written back as it was") {
    TempDir config;
    fs::create_directories(config / "attnlab");
    attnlab::gui::Settings s;
    s.source = attnlab::gui::Source::random, s.lq = 12, s.lk = 9, s.seed = 18446744073709551615u, s.font_scale = 1.25f;
    s.mask = "causal", s.stage = attnlab::Stage::weights;
    attnlab::gui::save_settings(s, config / "attnlab/last.json");
    const RunResult r = run_window(config);
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK_FALSE(contains(r.err, "not restored"));
    CHECK_FALSE(fs::exists(config / "attnlab/last.json.bad"));
    CHECK(attnlab::gui::load_settings(config / "attnlab/last.json") == s);
  }
}
