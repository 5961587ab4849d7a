// The soft-cap and the sink in the window: C and N switch them, the stepper walks the capped stage,
// each head keeps its own sink, scenarios keep them, and the real window shows the numbers a float64
// reference gives (its heatmap's pixels, its stepper's table and statistics). The gui/ suite runs
// inside xvfb-run.
#include <doctest/doctest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "app/gui/app_actions.hpp"
#include "app/gui/app_state.hpp"
#include "app/gui/settings_file.hpp"
#include "core/attention/cpu_backend.hpp"
#include "core/inputs/examples.hpp"
#include "tests/cli_refused.hpp"
#include "tests/cli_run.hpp"
#include "tests/reference.hpp"
#include "tests/window_capture.hpp"

using namespace attnlab;
using namespace attnlab::gui;
using cli_test::run_attnlab;
using nlohmann::json;

namespace {

void begin(AppState& app, Settings settings = {}) {
  app.settings = settings;
  start(app, std::make_unique<CpuBackend>());
}

// The sentence as the window opens on it, with the soft-cap and the sink given: the reference's input.
Problem sentence(std::optional<double> softcap, std::optional<double> sink) {
  Problem p = make_example("sentence").problem;
  p.softcap = softcap, p.sink = sink;
  return p;
}

template <class M>
void check_close(const Matrix& got, const M& expected, double tolerance = 1e-5) {
  REQUIRE(got.rows() == expected.rows());
  REQUIRE(got.cols() == expected.cols());
  for (Index i = 0; i < got.rows(); ++i)
    for (Index j = 0; j < got.cols(); ++j)
      CHECK_MESSAGE(std::abs(double(got(i, j)) - expected(i, j)) <= tolerance,
                    "(" << i << ", " << j << "): " << got(i, j) << " vs " << expected(i, j));
}

std::vector<Stage> walk(AppState& app) {
  std::vector<Stage> seen{app.settings.stage};
  for (int k = 0; k < 6; ++k) {
    act(app, Action::next_stage);
    if (app.settings.stage != seen.back()) seen.push_back(app.settings.stage);
  }
  return seen;
}

}  // namespace

TEST_SUITE("app/softcap-sink") {
  TEST_CASE("C switches the soft-cap and N the sink; the trace is the float64 reference's") {
    AppState app;
    Settings s;
    s.softcap = 1.5f, s.sinks = {0.5f};
    begin(app, s);
    CHECK_FALSE(app.problem().softcap);
    CHECK_FALSE(app.problem().sink);
    CHECK(app.trace().capped.size() == 0);

    act(app, Action::toggle_softcap);
    REQUIRE(app.problem().softcap);
    CHECK(*app.problem().softcap == 1.5);
    test::RefTrace ref = test::reference(sentence(1.5, std::nullopt));
    check_close(app.trace().capped, ref.capped);
    check_close(app.trace().weights, ref.weights);
    for (Index i = 0; i < app.trace().weights.rows(); ++i)
      CHECK(app.trace().weights.row(i).sum() == doctest::Approx(1));

    act(app, Action::toggle_sink);
    REQUIRE(app.problem().sink);
    ref = test::reference(sentence(1.5, 0.5));
    check_close(app.trace().weights, ref.weights);
    for (std::size_t i = 0; i < ref.stats.size(); ++i) {
      CHECK(app.trace().stats[i].sink_weight == doctest::Approx(ref.stats[i].sink_weight).epsilon(1e-5));
      CHECK(app.trace().weights.row(static_cast<Index>(i)).sum() ==
            doctest::Approx(1 - ref.stats[i].sink_weight).epsilon(1e-5));
      CHECK(ref.stats[i].sink_weight > 0.05);  // a share the stepper has something to say about
    }

    act(app, Action::toggle_softcap);
    act(app, Action::toggle_sink);
    CHECK_FALSE(app.problem().softcap);
    CHECK_FALSE(app.problem().sink);
    check_close(app.trace().weights, test::reference(sentence(std::nullopt, std::nullopt)).weights);
  }

  TEST_CASE("the stepper walks the capped stage only with a soft-cap, and leaves it when the cap goes") {
    AppState app;
    begin(app);
    CHECK(walk(app) == std::vector<Stage>{Stage::scores, Stage::scaled, Stage::masked, Stage::weights, Stage::output});
    app.settings.stage = Stage::scores;
    act(app, Action::toggle_softcap);
    CHECK(walk(app) == std::vector<Stage>{Stage::scores, Stage::scaled, Stage::capped, Stage::masked, Stage::weights,
                                          Stage::output});
    app.settings.stage = Stage::capped;
    act(app, Action::previous_stage);
    CHECK(app.settings.stage == Stage::scaled);
    act(app, Action::next_stage);
    CHECK(app.settings.stage == Stage::capped);
    act(app, Action::toggle_softcap);
    CHECK(app.settings.stage == Stage::scaled);
  }

  TEST_CASE("a sink for every head, or one per head; the slider's value reaches the engine") {
    Settings s;
    s.source = Source::random, s.lq = 5, s.lk = 6, s.dk = 16, s.seed = 4, s.heads = 2, s.kv_heads = 2;
    s.mask = "causal", s.sink_on = true, s.sinks = {1.0f, -2.0f};
    AppState app;
    begin(app, s);
    for (int h = 0; h < 2; ++h) {
      INFO("head " << h);
      Problem p = head_problem(app.heads, h);
      CHECK(*p.sink == (h == 0 ? 1.0 : -2.0));
      const test::RefTrace ref = test::reference(p);
      if (h == 1) act(app, Action::next_head);
      REQUIRE(app.settings.head == h);
      check_close(app.trace().weights, ref.weights);
      for (std::size_t i = 0; i < ref.stats.size(); ++i)
        CHECK(app.trace().stats[i].sink_weight == doctest::Approx(ref.stats[i].sink_weight).epsilon(1e-5));
    }
    // A larger sink takes more of every row.
    const float before = app.trace().stats[2].sink_weight;
    app.settings.sinks = {3.0f};
    apply(app);
    CHECK(*app.problem().sink == 3.0);
    CHECK(app.trace().stats[2].sink_weight > before);
    // Three sinks for two heads: refused, and the data stays.
    const Matrix weights = app.trace().weights;
    app.settings.sinks = {1.0f, 2.0f, 3.0f};
    apply(app);
    CHECK_FALSE(app.error.empty());
    CHECK(app.trace().weights == weights);
  }

  TEST_CASE("the soft-cap and the sinks round-trip through a scenario; bad ones are named") {
    Settings s;
    s.softcap_on = true, s.softcap = 30.0f, s.sink_on = true, s.sinks = {0.25f, -1.5f}, s.stage = Stage::capped;
    const Settings back = settings_from_json(to_json(s), "t.json");
    CHECK(back == s);
    const auto refused = [](const std::string& text, const std::string& part) {
      INFO(text);
      try {
        settings_from_json(text, "t.json");
        FAIL("accepted");
      } catch (const InputError& e) {
        CHECK_MESSAGE(std::string(e.what()).find(part) != std::string::npos, e.what());
      }
    };
    refused(R"({"softcap": 0})", "\"softcap\" 0 is out of range");
    refused(R"({"softcap": "50"})", "\"softcap\" \"50\" has the wrong type");
    refused(R"({"sinks": []})", "\"sinks\" [] has the wrong type");
    refused(R"({"sinks": [1, "a"]})", "\"sinks\" \"a\" is not a number");
    refused(R"({"sinks": [1e15]})", "\"sinks\" 1e+15 is out of range");
    refused(R"({"sink_on": 1})", "\"sink_on\" 1 has the wrong type");
    refused(R"({"stage": "capped"})", "\"stage\" capped needs \"softcap_on\" true");
  }
}

namespace {

// The stepper's table in the last frame of a layout report: a row of cells per key (its label first).
std::vector<std::vector<std::string>> table_rows(const json& report, std::size_t per_row) {
  std::vector<std::string> cells;
  for (const json& t : report["frames"].back()["texts"])
    if (t["id"] == "stepper.table.cell") cells.push_back(t["text"]);
  std::vector<std::vector<std::string>> rows;
  for (std::size_t at = 0; at + per_row <= cells.size(); at += per_row)
    rows.emplace_back(cells.begin() + static_cast<long>(at), cells.begin() + static_cast<long>(at + per_row));
  return rows;
}

// The last text of that id in the last frame: a statistic's value (its name comes first).
std::optional<std::string> text_of(const json& report, const std::string& id) {
  std::optional<std::string> last;
  for (const json& t : report["frames"].back()["texts"])
    if (t["id"] == id) last = t["text"].get<std::string>();
  return last;
}

struct Shown {
  window_capture::Image image;
  window_capture::Cells cells;
  json report;
};

Shown show(const cli_test::TempDir& dir, std::vector<std::string> args, const std::string& backend) {
  args.insert(args.begin(), {"gui", "--example", "sentence", "--query", "4", "--stage", "weights"});
  args.insert(args.end(), {"--backend", backend, "--frames", "4", "--width", "1600", "--height", "900", "--screenshot",
                           (dir / "shot.png").string(), "--layout-report", (dir / "layout.json").string()});
  const auto result = run_attnlab(args);
  REQUIRE_MESSAGE(result.status == 0, result.command << "\n" << result.err);
  return {window_capture::load_png(dir / "shot.png"), window_capture::heatmap_cells(result.err),
          json::parse(cli_test::read_all(dir / "layout.json"))};
}

}  // namespace

TEST_SUITE("gui/softcap-sink") {
  TEST_CASE("gui --softcap --sink: the heatmap, the stepper's table and the sink's share are the reference's") {
    const test::RefTrace ref = test::reference(sentence(1.5, 0.5));
    for (const std::string backend : {"cpu", "gpu"}) {
      INFO("backend " << backend);
      cli_test::TempDir dir;
      const Shown shown = show(dir, {"--softcap", "1.5", "--sink", "0.5"}, backend);
      window_capture::check_cells(
          shown.image, shown.cells, 7, [&](int i, int j) { return ref.weights(i, j); }, [](int, int) { return false; });
      // key, q·k, scaled, capped, masked, weight
      const auto rows = table_rows(shown.report, 6);
      REQUIRE(rows.size() == 7);
      for (int j = 0; j < 7; ++j) {
        INFO("key " << j);
        CHECK(std::abs(std::stod(rows[j][3]) - ref.capped(4, j)) <= 6e-4);
        CHECK(std::abs(std::stod(rows[j][5]) - ref.weights(4, j)) <= 6e-4);
      }
      const auto share = text_of(shown.report, "stats.sink");
      REQUIRE(share);
      CHECK(std::abs(std::stod(*share) - ref.stats[4].sink_weight) <= 6e-4);
    }
  }

  TEST_CASE("the keys C and N switch them off again: the plain softmax's numbers, no capped column, no share") {
    const test::RefTrace ref = test::reference(sentence(std::nullopt, std::nullopt));
    cli_test::TempDir dir;
    const Shown shown = show(dir, {"--softcap", "1.5", "--sink", "0.5", "--actions", "softcap,sink"}, "cpu");
    window_capture::check_cells(
        shown.image, shown.cells, 7, [&](int i, int j) { return ref.weights(i, j); }, [](int, int) { return false; });
    const auto rows = table_rows(shown.report, 5);  // key, q·k, scaled, masked, weight
    REQUIRE(rows.size() == 7);
    for (int j = 0; j < 7; ++j) CHECK(std::abs(std::stod(rows[j][4]) - ref.weights(4, j)) <= 6e-4);
    CHECK_FALSE(text_of(shown.report, "stats.sink"));
  }

  TEST_CASE("gui refuses a bad soft-cap or sink, and --stage capped without a cap, before any window") {
    cli_test::TempDir dir;
    const std::string shot = (dir / "x.png").string();
    const std::vector<std::string> tail{"--frames", "2", "--screenshot", shot};
    const auto refused = [&](std::vector<std::string> args, const std::vector<std::string>& parts) {
      args.insert(args.begin(), "gui");
      args.insert(args.end(), tail.begin(), tail.end());
      cli_test::check_refused(args, parts);
      CHECK_FALSE(std::filesystem::exists(shot));
    };
    refused({"--softcap", "0"}, {"--softcap", "0"});
    refused({"--softcap", "abc"}, {"--softcap", "abc"});
    refused({"--sink", "1,x"}, {"--sink", "x"});
    refused({"--heads", "3", "--sink", "1,2"}, {"sink", "3"});
    refused({"--stage", "capped"}, {"--stage capped needs --softcap"});
  }
}
