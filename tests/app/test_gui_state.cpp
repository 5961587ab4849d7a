// The app's state logic without a window: stepping, keys, errors that keep the data, scenarios.
#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>

#include "app/gui/app_actions.hpp"
#include "app/gui/app_state.hpp"
#include "app/gui/panel_stepper.hpp"
#include "app/gui/query_stats.hpp"
#include "app/gui/settings_file.hpp"
#include "app/gui/stepper_tiles.hpp"
#include "core/attention/cpu_backend.hpp"
#include "core/inputs/input.hpp"

using namespace attnlab;
using namespace attnlab::gui;

namespace {

void begin(AppState& app, Settings settings = {}) {
  app.settings = settings;
  start(app, std::make_unique<CpuBackend>());
}

std::filesystem::path scratch(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() / "attnlab_gui_state";
  std::filesystem::create_directories(dir);
  return dir / name;
}

}  // namespace

TEST_SUITE("app/state") {
  TEST_CASE("stepping through stages and queries stays in range") {
    AppState app;
    begin(app);
    CHECK(app.settings.stage == Stage::scores);
    act(app, Action::previous_stage);
    CHECK(app.settings.stage == Stage::scores);
    for (int i = 0; i < 7; ++i) act(app, Action::next_stage);
    CHECK(app.settings.stage == Stage::output);
    act(app, Action::previous_query);
    CHECK(app.settings.query == 0);
    for (int i = 0; i < 20; ++i) act(app, Action::next_query);
    CHECK(app.settings.query == app.problem().lq() - 1);
  }

  TEST_CASE("play walks the stages on a timer and stops at the output") {
    AppState app;
    begin(app);
    act(app, Action::play);
    CHECK(app.playing);
    tick(app, 1.0);
    CHECK(app.settings.stage == Stage::scores);
    tick(app, 0.6);
    CHECK(app.settings.stage == Stage::scaled);
    for (int i = 0; i < 10; ++i) tick(app, 1.6);
    CHECK(app.settings.stage == Stage::output);
    CHECK_FALSE(app.playing);
  }

  TEST_CASE("+/− double and halve dk, keeping the first columns, and recompute") {
    AppState app;
    begin(app);
    const Matrix q8 = app.problem().q;
    REQUIRE(q8.cols() == 8);
    const int generation = app.generation;
    act(app, Action::dk_up);
    CHECK(app.problem().dk() == 16);
    CHECK(app.problem().q.leftCols(8) == q8);
    CHECK(app.trace().scores.rows() == 7);
    CHECK(app.generation == generation + 1);
    act(app, Action::dk_down);
    act(app, Action::dk_down);
    CHECK(app.problem().dk() == 4);
    CHECK(app.problem().q == q8.leftCols(4));
    for (int i = 0; i < 12; ++i) act(app, Action::dk_up);
    CHECK(app.problem().dk() == 1024);
  }

  TEST_CASE("the dk slider on random inputs gives what the generator gives at that width") {
    Settings s;
    s.source = Source::random, s.lq = 5, s.lk = 9, s.dk = 32, s.seed = 3;
    AppState app;
    begin(app, s);
    act(app, Action::dk_up);
    InputOptions in;
    in.random = true, in.lq = 5, in.lk = 9, in.dk = 64, in.dv = s.dv, in.seed = 3;
    const Problem direct = load_problem(in);
    CHECK(app.problem().q == direct.q);
    CHECK(app.problem().k == direct.k);
  }

  TEST_CASE("S turns scaling off and on; the scores are kept") {
    AppState app;
    begin(app);
    const Matrix scores = app.trace().scores;
    act(app, Action::toggle_scaling);
    CHECK(app.problem().scale.kind == ScaleSpec::Kind::none);
    CHECK(app.trace().scaled == scores);
    act(app, Action::toggle_scaling);
    CHECK(app.problem().scale.kind == ScaleSpec::Kind::sqrt);
  }

  TEST_CASE("a change that fails keeps the data the app had and says why") {
    AppState app;
    begin(app);
    const Matrix weights = app.trace().weights;
    const int generation = app.generation;
    app.settings.mask = "padding:99";
    apply(app);
    CHECK(app.error.find("99") != std::string::npos);
    CHECK(app.problem().mask.kind == MaskSpec::Kind::none);
    CHECK(app.trace().weights == weights);
    CHECK(app.generation == generation);

    app.settings.mask = "none";
    app.settings.source = Source::files;
    app.settings.q_path = "/no/such/q.npy", app.settings.k_path = "/no/such/k.npy",
    app.settings.v_path = "/no/such/v.npy";
    apply(app);
    CHECK(app.error.find("/no/such/q.npy") != std::string::npos);
    CHECK(app.problem().lq() == 7);
    CHECK(app.trace().weights == weights);

    // Put right, the error goes away.
    app.settings.source = Source::example;
    apply(app);
    CHECK(app.error.empty());
  }

  TEST_CASE("a painted mask blocks exactly the painted cells") {
    Settings s;
    s.mask = "painted";
    s.painted.assign(7 * 7, 1);
    s.painted[2 * 7 + 4] = 0;
    AppState app;
    begin(app, s);
    const Trace& t = app.trace();
    CHECK(std::isinf(t.masked(2, 4)));
    CHECK(t.weights(2, 4) == 0);
    CHECK(t.stats[2].masked_keys == 1);
    CHECK(t.stats[3].masked_keys == 0);
  }

  TEST_CASE("scenarios round-trip, and bad or old files give a message and defaults") {
    Settings s;
    s.source = Source::random, s.lq = 12, s.dk = 256, s.seed = 9, s.mask = "window:3", s.scale = ScaleSpec::Kind::value;
    s.scale_value = 0.25f, s.temperature = 1.5f, s.query = 4, s.stage = Stage::masked, s.present = true;
    s.painted = {1, 0, 1};
    const auto path = scratch("lesson.json");
    save_settings(s, path);
    const Settings back = load_settings(path);
    CHECK(back.source == Source::random);
    CHECK(back.lq == 12);
    CHECK(back.dk == 256);
    CHECK(back.seed == 9);
    CHECK(back.mask == "window:3");
    CHECK(back.scale == ScaleSpec::Kind::value);
    CHECK(back.scale_value == 0.25f);
    CHECK(back.temperature == 1.5f);
    CHECK(back.query == 4);
    CHECK(back.stage == Stage::masked);
    CHECK(back.present);
    CHECK(back.painted == s.painted);

    // An older file: unknown keys ignored, missing ones default.
    std::ofstream(path) << R"({"source": "example", "example": "needle", "from_an_old_version": 3})";
    const Settings old = load_settings(path);
    CHECK(old.example == "needle");
    CHECK(old.dk == 0);

    std::ofstream(path) << "{ not json";
    CHECK_THROWS_WITH_AS(load_settings(path), doctest::Contains("lesson.json"), InputError);
    std::ofstream(path) << R"({"lq": "twelve"})";
    CHECK_THROWS_WITH_AS(load_settings(path), doctest::Contains("lq"), InputError);
    std::ofstream(path) << R"({"stage": "sideways"})";
    CHECK_THROWS_AS(load_settings(path), InputError);
    CHECK_THROWS_AS(load_settings(scratch("missing.json")), InputError);
    std::filesystem::remove_all(path.parent_path());
  }

  TEST_CASE("the precision lab: fp16 without the max subtracted overflows; a bad mask value keeps the data") {
    Settings s;
    s.source = Source::random, s.lq = 12, s.lk = 12, s.dk = 8, s.sigma = 1.5f, s.scale = ScaleSpec::Kind::none;
    AppState app;
    begin(app, s);
    CHECK(app.trace().weights.allFinite());
    app.settings.precision = Precision::fp16;
    apply(app);
    CHECK(app.problem().precision.format == Precision::fp16);
    CHECK(app.trace().weights.allFinite());  // the maximum is still subtracted
    app.settings.subtract_max = false;
    apply(app);
    CHECK_FALSE(app.problem().precision.subtract_max);
    CHECK_FALSE(app.trace().weights.allFinite());  // exp of scores above ln 65504 ≈ 11.09 overflows
    const Matrix weights = app.trace().weights;
    app.settings.mask_value = "-1e99x";
    apply(app);
    CHECK(app.error.find("-1e99x") != std::string::npos);
    CHECK(app.trace().weights.cwiseEqual(weights).count() + weights.array().isNaN().count() >= weights.size());
    app.settings.mask_value = "lowest";
    app.settings.precision = Precision::fp32;
    app.settings.subtract_max = true;
    apply(app);
    CHECK(app.error.empty());
    CHECK(*app.problem().precision.mask_value == std::numeric_limits<float>::lowest());
  }

  TEST_CASE("key actions by name, as --actions takes them") {
    CHECK(parse_action("dk-up") == Action::dk_up);
    CHECK(parse_action("next-stage") == Action::next_stage);
    CHECK_THROWS_WITH_AS(parse_action("jump"), doctest::Contains("next-stage"), InputError);
    // Every name parses, and the error lists every one of them.
    std::string message;
    try {
      parse_action("jump");
    } catch (const InputError& e) {
      message = e.what();
    }
    for (std::string_view name : action_names()) {
      CHECK_NOTHROW(parse_action(name));
      CHECK_MESSAGE(message.find(std::string(name)) != std::string::npos, name);
    }
  }

  TEST_CASE("the stepper says why a row of weights is NaN, and when a row is saturated") {
    Settings s;
    s.source = Source::random, s.lq = 12, s.lk = 12, s.dk = 8, s.sigma = 1.5f, s.scale = ScaleSpec::Kind::none;
    s.precision = Precision::fp16, s.subtract_max = false, s.stage = Stage::weights;
    AppState app;
    begin(app, s);
    // The rows whose largest score is past ln 65504 overflow; the others are finite.
    int overflowed = 0;
    for (Index i = 0; i < 12; ++i) {
      const QueryView view = query_view(app.problem(), app.trace(), i);
      app.settings.query = static_cast<int>(i);
      const std::string warning = row_warning(app, view);
      if (view.masked.maxCoeff() > 11.09f) {
        ++overflowed;
        CHECK_MESSAGE(warning.find("Overflow") != std::string::npos, warning);
        CHECK(warning.find("65504") != std::string::npos);
        CHECK(warning.find("exp(") != std::string::npos);
        CHECK(warning.find("Subtracting the max") != std::string::npos);
      } else {
        CHECK(warning.find("Overflow") == std::string::npos);
      }
    }
    CHECK(overflowed > 0);
    // Before the softmax there is nothing to warn of.
    app.settings.stage = Stage::scores;
    CHECK(row_warning(app, query_view(app.problem(), app.trace(), 0)).empty());
    // A one-hot row: saturated.
    Settings one_hot;
    one_hot.scale = ScaleSpec::Kind::none, one_hot.dk = 512, one_hot.stage = Stage::weights, one_hot.query = 4;
    AppState saturated;
    begin(saturated, one_hot);
    const QueryView view = query_view(saturated.problem(), saturated.trace(), 4);
    REQUIRE(view.stats.max_weight > 0.99f);
    CHECK(row_warning(saturated, view).starts_with("Saturated"));
    // Query 0 under a causal mask sees one key: its weight is 1 by construction, not a saturated softmax.
    Settings causal;
    causal.mask = "causal", causal.stage = Stage::weights, causal.query = 0;
    AppState first;
    begin(first, causal);
    const QueryView alone = query_view(first.problem(), first.trace(), 0);
    REQUIRE(alone.stats.max_weight == 1.0f);
    CHECK(row_warning(first, alone) == "One key visible: the weight is 1 by construction.");
    CHECK(saturation_note(alone.stats, first.problem().lk()) == "One key visible: the weight is 1 by construction.");
  }

  TEST_CASE("weights all below 0.2 (random, L = 256) are stretched by default, and the export follows") {
    Settings random;
    random.source = Source::random, random.lq = random.lk = 256, random.stage = Stage::weights;
    AppState app;
    begin(app, random);
    const float largest = app.trace().weights.maxCoeff();
    REQUIRE(largest < 0.2f);
    CHECK(weights_stretched_by_default(app));
    CHECK(stage_colours(app).hi == largest);
    CHECK(export_source(app).span.stretch);
    // The sentence's weights reach above 0.2: [0, 1] as before.
    AppState sentence;
    Settings weights;
    weights.stage = Stage::weights;
    begin(sentence, weights);
    CHECK_FALSE(weights_stretched_by_default(sentence));
    CHECK(stage_colours(sentence).hi == 1);
  }

  TEST_CASE("one colour range for scores and scaled: the scaled scores' colours fade by √dₖ") {
    AppState app;
    begin(app);
    app.settings.stage = Stage::scaled;
    CHECK(stage_colours(app).hi == doctest::Approx(10 / std::sqrt(8.0f)));
    app.settings.shared_range = true;
    CHECK(stage_colours(app).hi == 10);
    app.settings.stage = Stage::weights;
    CHECK(stage_colours(app).hi == 1);
    app.settings.stretch_weights = true;
    CHECK(stage_colours(app).hi == app.trace().weights.maxCoeff());
  }

  TEST_CASE("Ctrl+Z undoes changes of settings one at a time, Ctrl+Shift+Z redoes them; the view is left alone") {
    AppState app;
    begin(app);
    remember(app);
    act(app, Action::dk_up);  // dk 16
    remember(app);
    act(app, Action::next_mask);  // causal
    remember(app);
    act(app, Action::toggle_scaling);  // none
    // Moving about is not a change to undo: stage and query stay as they are.
    act(app, Action::next_stage);
    act(app, Action::next_query);
    remember(app);
    REQUIRE(app.problem().dk() == 16);
    act(app, Action::undo);
    CHECK(app.settings.scale == ScaleSpec::Kind::sqrt);
    CHECK(app.settings.mask == "causal");
    CHECK(app.settings.stage == Stage::scaled);
    CHECK(app.settings.query == 1);
    act(app, Action::undo);
    CHECK(app.settings.mask == "none");
    CHECK(app.problem().dk() == 16);
    act(app, Action::undo);
    CHECK(app.problem().dk() == 8);
    act(app, Action::undo);  // nothing more to undo
    CHECK(app.problem().dk() == 8);
    act(app, Action::redo);
    CHECK(app.problem().dk() == 16);
    act(app, Action::redo);
    CHECK(app.problem().mask.text() == "causal");
    // A new change forgets what was undone.
    act(app, Action::dk_up);
    remember(app);
    act(app, Action::redo);
    CHECK(app.settings.scale == ScaleSpec::Kind::sqrt);
    CHECK(app.problem().dk() == 32);
    // A change not yet remembered is the one undone.
    act(app, Action::toggle_scaling);
    act(app, Action::undo);
    CHECK(app.settings.scale == ScaleSpec::Kind::sqrt);
    // Even the first change, before any other was remembered, can be undone.
    AppState fresh;
    begin(fresh);
    remember(fresh);
    act(fresh, Action::next_mask);
    act(fresh, Action::undo);
    CHECK(fresh.problem().mask.kind == MaskSpec::Kind::none);
    act(fresh, Action::redo);
    CHECK(fresh.problem().mask.text() == "causal");
  }

  TEST_CASE("R resets to the example's defaults, keeping the example, the stage and the query; L the theme") {
    Settings s;
    s.example = "needle", s.stage = Stage::weights, s.query = 3;
    AppState app;
    begin(app, s);
    const Index own_dk = app.problem().dk();
    act(app, Action::dk_up);
    act(app, Action::next_mask);
    act(app, Action::toggle_scaling);
    app.settings.precision = Precision::fp16, app.settings.temperature = 2, app.settings.shared_range = true;
    apply(app);
    act(app, Action::reset);
    CHECK(app.settings.example == "needle");
    CHECK(app.problem().dk() == own_dk);
    CHECK(app.problem().mask.kind == MaskSpec::Kind::none);
    CHECK(app.problem().scale.kind == ScaleSpec::Kind::sqrt);
    CHECK(app.problem().precision.is_default());
    CHECK(app.problem().temperature == 1);
    CHECK_FALSE(app.settings.shared_range);
    CHECK(app.settings.stage == Stage::weights);
    CHECK(app.settings.query == 3);
    CHECK_FALSE(app.settings.light);
    act(app, Action::toggle_theme);
    CHECK(app.settings.light);
    act(app, Action::reset);
    CHECK(app.settings.light);  // the look is not a setting of the example
  }

  TEST_CASE("M steps through the mask kinds and back, each with a mask the engine computes") {
    AppState app;
    begin(app);
    std::vector<std::string> seen;
    for (std::size_t n = 0; n < mask_kinds().size(); ++n) {
      act(app, Action::next_mask);
      seen.push_back(app.problem().mask.text());
    }
    CHECK(seen == std::vector<std::string>{"causal", "causal-bottom-right", "window:3", "padding:5", "none"});
    act(app, Action::previous_mask);
    CHECK(app.settings.mask == "padding:5");
    act(app, Action::next_mask);
    act(app, Action::next_mask);
    // The causal mask: query 4 may not see keys 5 and 6.
    CHECK(std::isinf(app.trace().masked(4, 5)));
    CHECK(std::isfinite(app.trace().masked(4, 4)));
  }

  TEST_CASE("the tiles' memory line explains itself when the tiled path keeps more, at small L") {
    // 7 × 7 float32 stages: 4 · 4 · 49 = 784 B; tiles of 4 keys: 3 · 4 · 128 · 4 · 2 = 12 KiB.
    CHECK(tiles_memory_figures(7, 7, 4, 2).find("784 B") != std::string::npos);
    const std::string why = tiles_memory_why(7, 7, 4, 2);
    CHECK(why.find("keeps more") != std::string::npos);
    CHECK(why.find("whatever L is") != std::string::npos);
    // 4096 × 4096: 256.0 MiB against 12 KiB, nothing to explain.
    CHECK(tiles_memory_figures(4096, 4096, 4, 2).find("256.0 MiB") != std::string::npos);
    CHECK(tiles_memory_why(4096, 4096, 4, 2).empty());
  }

  TEST_CASE("painting starts from the mask there is, not from an empty one") {
    AppState app;
    Settings s;
    s.mask = "causal";
    begin(app, s);
    set_mask_kind(app, "painted");
    apply(app);
    REQUIRE(app.settings.mask == "painted");
    REQUIRE(app.error.empty());
    for (Index i = 0; i < 7; ++i)
      for (Index j = 0; j < 7; ++j) CHECK(std::isinf(app.trace().masked(i, j)) == (j > i));
  }
}  // TEST_SUITE("app/state")
