// The window's Export never overwrites: names carry the stage and the settings, and a counter when
// the name is taken. Run without a window, on the app's state.
#include <doctest/doctest.h>

#include <filesystem>
#include <set>

#include "app/gui/app_actions.hpp"
#include "app/gui/app_state.hpp"
#include "app/gui/export.hpp"
#include "core/attention/cpu_backend.hpp"
#include "tests/cli_run.hpp"

using namespace attnlab;
using namespace attnlab::gui;
namespace fs = std::filesystem;

namespace {

void begin(AppState& app, Settings settings = {}) {
  app.settings = settings;
  start(app, std::make_unique<CpuBackend>());
}

std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) names.insert(entry.path().filename().string());
  return names;
}

}  // namespace

TEST_SUITE("app/export") {
  TEST_CASE("a file name carries the stage and the settings that made it") {
    Settings s;
    s.stage = Stage::weights, s.query = 4, s.mask = "causal";
    AppState app;
    begin(app, s);
    CHECK(settings_tag(export_source(app)) == "dk8-causal-q4");
    act(app, Action::dk_up);
    act(app, Action::toggle_scaling);
    CHECK(settings_tag(export_source(app)) == "dk16-noscale-causal-q4");
    app.settings.mask = "window:3", app.settings.precision = Precision::fp16, app.settings.subtract_max = false;
    app.settings.scale = ScaleSpec::Kind::value, app.settings.scale_value = 0.5f, app.settings.temperature = 2;
    apply(app);
    REQUIRE(app.error.empty());
    CHECK(settings_tag(export_source(app)) == "dk16-scale0.5-window3-t2-fp16-nomax-q4");

    Settings h;
    h.heads = 4, h.kv_heads = 2, h.head = 2;
    AppState heads;
    begin(heads, h);
    CHECK(settings_tag(export_source(heads)) == "dk8-head2-q0");
  }

  TEST_CASE("Export twice: the second lands beside the first, which stays as it was") {
    cli_test::TempDir dir;
    Settings s;
    s.stage = Stage::weights, s.query = 4, s.mask = "causal";
    AppState app;
    begin(app, s);
    export_stage(export_source(app), app.settings.stage, dir.path());
    const std::set<std::string> first{"weights-dk8-causal-q4.png", "weights-dk8-causal-q4.svg",
                                      "weights-dk8-causal-q4.npy", "weights-dk8-causal-q4.csv"};
    REQUIRE(listing(dir.path()) == first);
    // Something else in the first file's place: the next export must not touch it.
    cli_test::write_all(dir / "weights-dk8-causal-q4.png", "a figure already on a slide");
    const std::string said = export_stage(export_source(app), app.settings.stage, dir.path());
    CHECK(said.find("weights-dk8-causal-q4-2") != std::string::npos);
    CHECK(cli_test::read_all(dir / "weights-dk8-causal-q4.png") == "a figure already on a slide");
    CHECK(fs::file_size(dir / "weights-dk8-causal-q4-2.png") > 1000);
    CHECK(listing(dir.path()).size() == 8);
    // Only the .csv of a third name taken: the whole set moves on to -3, so that it stays one set.
    cli_test::write_all(dir / "weights-dk8-causal-q4-3.csv", "x");
    export_stage(export_source(app), app.settings.stage, dir.path());
    CHECK(fs::exists(dir / "weights-dk8-causal-q4-4.png"));
    CHECK_FALSE(fs::exists(dir / "weights-dk8-causal-q4-3.png"));
    CHECK(cli_test::read_all(dir / "weights-dk8-causal-q4-3.csv") == "x");
    // Another setting is another name, no counter.
    act(app, Action::toggle_scaling);
    export_stage(export_source(app), app.settings.stage, dir.path());
    CHECK(fs::exists(dir / "weights-dk8-noscale-causal-q4.png"));
  }

  TEST_CASE("Export all: five stages under one counter, none overwriting") {
    cli_test::TempDir dir;
    AppState app;
    begin(app);
    export_all(export_source(app), dir.path());
    cli_test::write_all(dir / "masked-dk8-q0-2.npy", "taken");
    export_all(export_source(app), dir.path());
    for (const char* stage : {"scores", "scaled", "masked", "weights", "output"}) {
      CHECK(fs::exists(dir / (std::string(stage) + "-dk8-q0.png")));
      CHECK(fs::exists(dir / (std::string(stage) + "-dk8-q0-3.png")));
      CHECK_FALSE(fs::exists(dir / (std::string(stage) + "-dk8-q0-2.png")));
    }
    CHECK(cli_test::read_all(dir / "masked-dk8-q0-2.npy") == "taken");
  }
}
