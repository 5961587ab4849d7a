// Generation in the window (heads.md) on the shipped induction model: G's token against `attnlab
// generate`'s and the float64 reference's argmax, the cached pass against the reference after it,
// Shift+G's run against the command line's (greedy and sampled), Ctrl+Z taking tokens back through
// the cache (and undoing a later knock-out first), the KV-cache numbers against the config worked out
// by hand; and the real window under Xvfb: G and Shift+G write the command line's text.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <thread>
#include <nlohmann/json.hpp>

#include "app/gui/app_actions.hpp"
#include "app/gui/app_generate.hpp"
#include "app/gui/app_state.hpp"
#include "app/gui/model_cache.hpp"
#include "app/gui/model_source.hpp"
#include "core/attention/cpu_backend.hpp"
#include "tests/app/shipped_model.hpp"
#include "tests/app/shipped_window.hpp"
#include "tests/cli_run.hpp"
#include "tests/model/reference_families.hpp"
#include "tests/window_capture.hpp"

using namespace attnlab;
using cli_test::run_attnlab;

namespace {

const std::string kModel = shipped_test::kModel.string();
// The card's sentence and the first words of it again: the induction heads copy what followed.
const std::string kPrompt = "When a word comes back, look at what came after it last time. When a word comes";

void start_on(gui::AppState& app, const std::string& text) {
  shipped_test::start_on(app, text);
  gui::remember(app);
}

// A key as the window does it: the action, then the frame's generation step and apply.
void press(gui::AppState& app, gui::Action action) {
  act(app, action);
  gui::follow_generation(app);
  apply(app);
  gui::remember(app);
}

std::vector<long> ids_of(const gui::AppState& app) {
  return {app.model.run->tokens.ids.begin(), app.model.run->tokens.ids.end()};
}

struct Generated {
  std::vector<long> prompt_ids, ids;
  std::string text;
};

// attnlab generate --json with these extra options.
Generated cli_generate(const std::string& text, int tokens, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> args{"generate", "--model", kModel, "--text", text, "--tokens", std::to_string(tokens),
                                "--json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_attnlab(args);
  REQUIRE_MESSAGE(r.status == 0, r.err);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  return {j["prompt_ids"].get<std::vector<long>>(), j["ids"].get<std::vector<long>>(), j["text"].get<std::string>()};
}

model_test::RefForward reference(const std::vector<long>& ids) {
  static const model_test::TinyModel shipped = shipped_test::shipped_model();
  return model_test::reference_any(shipped, ids);
}

long argmax(const std::vector<double>& z) {
  return static_cast<long>(std::max_element(z.begin(), z.end()) - z.begin());
}

}  // namespace

TEST_SUITE("app/generate") {
  TEST_CASE("G appends the greedy token: attnlab generate's id and the float64 reference's argmax") {
    gui::AppState app;
    app.scripted = true;
    start_on(app, kPrompt);
    const std::vector<long> prompt = ids_of(app);
    press(app, gui::Action::generate);
    const std::vector<long> ids = ids_of(app);
    REQUIRE(ids.size() == prompt.size() + 1);
    CHECK(std::equal(prompt.begin(), prompt.end(), ids.begin()));
    const Generated cli = cli_generate(kPrompt, 1);
    CHECK(cli.prompt_ids == prompt);
    CHECK(ids.back() == cli.ids.at(0));
    CHECK(ids.back() == argmax(reference(prompt).logits));
    // The sentence, the settings and the view follow the new token.
    CHECK(app.settings.model_text == kPrompt + cli.text);
    CHECK(app.applied.model_text == app.settings.model_text);
    CHECK(app.settings.query == static_cast<int>(ids.size()) - 1);
    CHECK(app.problem().lq() == static_cast<Index>(ids.size()));
    // The cached pass's logits after the new token are the reference's over all of them.
    const std::vector<double> want = reference(ids).logits;
    const Eigen::VectorXf& got = app.model.run->pass.logits;
    REQUIRE(got.size() == static_cast<Index>(want.size()));
    for (Index i = 0; i < got.size(); ++i)
      CHECK(got(i) == doctest::Approx(want[static_cast<std::size_t>(i)]).epsilon(1e-4).scale(1));
    CHECK(app.generating.last_draw->id == ids.back());
  }

  TEST_CASE("Shift+G writes the command line's tokens; Ctrl+Z takes them back one by one through the cache") {
    gui::AppState app;
    app.scripted = true;
    start_on(app, kPrompt);
    const std::vector<long> prompt = ids_of(app);
    const Eigen::VectorXf prompt_logits = app.model.run->pass.logits;
    app.generating.count = 6;
    press(app, gui::Action::generate_many);
    const Generated cli = cli_generate(kPrompt, 6);
    const std::vector<long> ids = ids_of(app);
    REQUIRE(ids.size() == prompt.size() + 6);
    CHECK(std::vector<long>(ids.begin() + static_cast<long>(prompt.size()), ids.end()) == cli.ids);
    CHECK(cli.text == " back, look at what came");  // the lesson: the induction heads copy the sentence
    CHECK(app.settings.model_text == kPrompt + cli.text);
    CHECK(app.generating.made == 6);
    CHECK_FALSE(app.generating.running());
    // Each Ctrl+Z drops one token's row; no forward pass on the worker.
    for (int back = 1; back <= 6; ++back) {
      press(app, gui::Action::undo);
      CHECK_FALSE(app.model_load.worker.joinable());
      REQUIRE(app.model.of(app.settings));
      CHECK(ids_of(app) == std::vector<long>(ids.begin(), ids.end() - back));
      CHECK(app.applied.model_text == app.settings.model_text);
    }
    CHECK(app.settings.model_text == kPrompt);
    CHECK(app.model.run->pass.logits.isApprox(prompt_logits));
    for (const LayerQKV& layer : app.model.run->pass.layers) CHECK(layer.k.rows() == static_cast<Index>(prompt.size()));
    // G after taking all back draws the first token again.
    press(app, gui::Action::generate);
    CHECK(ids_of(app).back() == cli.ids.front());
  }

  TEST_CASE("sampled: the window's tokens are attnlab generate's for the same temperature, top-k, top-p and seed") {
    gui::AppState app;
    app.scripted = true;
    start_on(app, "the cat sat on the mat and the");
    app.generating.sampling = Sampling{1.3, 20, 0.9, 11};
    app.generating.count = 5;
    press(app, gui::Action::generate_many);
    const std::vector<long> ids = ids_of(app);
    const Generated cli = cli_generate("the cat sat on the mat and the", 5,
                                       {"--temperature", "1.3", "--top-k", "20", "--top-p", "0.9", "--seed", "11"});
    REQUIRE(ids.size() == cli.prompt_ids.size() + cli.ids.size());
    CHECK(std::vector<long>(ids.begin() + static_cast<long>(cli.prompt_ids.size()), ids.end()) == cli.ids);
    // Another seed, another run (the sampler's step counts from the sentence as typed, as the CLI's).
    for (int i = 0; i < 5; ++i) press(app, gui::Action::undo);
    app.generating.sampling.seed = 12;
    press(app, gui::Action::generate_many);
    const Generated other = cli_generate("the cat sat on the mat and the", 5,
                                         {"--temperature", "1.3", "--top-k", "20", "--top-p", "0.9", "--seed", "12"});
    const std::vector<long> again = ids_of(app);
    CHECK(std::vector<long>(again.begin() + static_cast<long>(other.prompt_ids.size()), again.end()) == other.ids);
  }

  TEST_CASE("Ctrl+Z undoes the latest action: a knock-out after a token first, then the token") {
    gui::AppState app;
    app.scripted = true;
    start_on(app, kPrompt);
    const std::size_t prompt = app.model.run->tokens.ids.size();
    press(app, gui::Action::generate);
    const std::string one = app.settings.model_text;
    app.settings.layer = 1, app.settings.head = 2;
    apply(app);
    press(app, gui::Action::toggle_knockout);
    REQUIRE(app.model.ablated);
    CHECK(app.settings.ablate == "1.2");
    // G with the head knocked out draws from the knocked-out pass, as generate --ablate does.
    press(app, gui::Action::generate);
    const Generated cli = cli_generate(one, 1, {"--ablate", "1.2"});
    CHECK(ids_of(app).back() == cli.ids.at(0));
    press(app, gui::Action::undo);  // the second token
    CHECK(app.settings.model_text == one);
    CHECK(app.settings.ablate == "1.2");
    press(app, gui::Action::undo);  // the knock-out
    CHECK(app.settings.ablate.empty());
    CHECK(app.settings.model_text == one);
    CHECK(app.model.run->tokens.ids.size() == prompt + 1);
    press(app, gui::Action::undo);  // the first token
    CHECK(app.settings.model_text == kPrompt);
    CHECK(app.model.run->tokens.ids.size() == prompt);
  }

  TEST_CASE("live: G and Ctrl+Z run on the worker while the frames keep the sentence; the view is a fresh load's") {
    gui::AppState app;
    start_on(app, kPrompt);  // not scripted: nothing is waited for
    app.settings.layer = 1, app.settings.head = 2, app.settings.stage = Stage::weights;
    apply(app);
    gui::remember(app);
    gui::Generating& g = app.generating;
    const auto follow = [&] {
      gui::follow_generation(app);
      apply(app);
      gui::remember(app);
    };
    // The view after a token is what opening the window on the longer sentence shows.
    const auto check_fresh = [&](const std::string& text) {
      gui::AppState fresh;
      start_on(fresh, text);
      fresh.settings.layer = 1, fresh.settings.head = 2, fresh.settings.stage = Stage::weights;
      apply(fresh);
      REQUIRE(app.problem().lq() == fresh.problem().lq());
      CHECK(app.trace().weights.isApprox(fresh.trace().weights, 1e-5f));
      CHECK(app.trace().output.isApprox(fresh.trace().output, 1e-5f));
      CHECK(app.heads.heads() == fresh.heads.heads());
      CHECK(app.heads.q.back().isApprox(fresh.heads.q.back(), 1e-5f));
    };
    const std::size_t prompt = app.model.run->tokens.ids.size();
    // The worker's step is held until the frames have been seen going on without it.
    const auto release = [&] {
      g.hold = false;
      g.hold.notify_all();
      while (!g.finished) std::this_thread::yield();
    };
    g.hold = true;
    act(app, gui::Action::generate);
    follow();
    REQUIRE(g.worker.joinable());
    CHECK_FALSE(g.finished);
    CHECK(app.model.run->tokens.ids.size() == prompt);  // the frames go on with the sentence they have
    release();
    const int changes = g.changes;
    follow();
    CHECK(g.changes == changes + 1);
    REQUIRE(app.model.run->tokens.ids.size() == prompt + 1);
    CHECK(app.applied.model_text == app.settings.model_text);
    CHECK(app.painted.generation == app.generation);  // the heatmap's texture came painted from the worker
    CHECK(gui::newest_row(app) == static_cast<Index>(prompt));
    check_fresh(app.settings.model_text);
    // Ctrl+Z: the worker drops the row; until it is done the sentence and the data stay, nothing loads.
    g.hold = true;
    act(app, gui::Action::undo);
    follow();
    REQUIRE(g.taking_back());
    CHECK_FALSE(g.finished);
    CHECK(app.model.run->tokens.ids.size() == prompt + 1);
    CHECK_FALSE(app.model_load.worker.joinable());
    release();
    follow();
    CHECK_FALSE(g.running());
    REQUIRE(app.model.run->tokens.ids.size() == prompt);
    CHECK(app.settings.model_text == kPrompt);
    CHECK(app.applied.model_text == kPrompt);
    CHECK_FALSE(gui::newest_row(app).has_value());
    CHECK_FALSE(app.model_load.worker.joinable());
    check_fresh(kPrompt);
  }

  TEST_CASE("G without a model, or past the model's positions, says why and changes nothing") {
    gui::AppState app;
    app.scripted = true;
    start(app, std::make_unique<CpuBackend>());
    press(app, gui::Action::generate);
    CHECK(app.status.find("load a model") != std::string::npos);
    CHECK_FALSE(app.generating.running());
    // A sentence a few tokens short of the 128 positions: Shift+G stops when they are full.
    gui::AppState full;
    full.scripted = true;
    std::string text;
    for (int i = 0; i < 3; ++i) text += kPrompt + " back, look at what came after it last time. ";
    start_on(full, text + kPrompt);
    const auto n = static_cast<int>(full.model.run->tokens.ids.size());
    REQUIRE(n < 128);
    full.generating.count = 128 - n + 5;
    press(full, gui::Action::generate_many);
    CHECK(full.model.run->tokens.ids.size() == 128);
    CHECK(full.generating.made == 128 - n);
    CHECK(full.status.find("fills the model's 128 positions") != std::string::npos);
    CHECK(full.error.empty());
  }

  TEST_CASE("the KV-cache numbers are the config's: layers × KV heads × (dk + dv) × bytes × tokens") {
    const nlohmann::json config = nlohmann::json::parse(cli_test::read_all(shipped_test::kModel / "config.json"));
    const std::uint64_t layers = config["n_layer"], heads = config["n_head"], hidden = config["n_embd"];
    const std::uint64_t positions = config["n_positions"], hd = hidden / heads;
    gui::AppState app;
    app.scripted = true;
    start_on(app, kPrompt);
    const std::uint64_t tokens = app.model.run->tokens.ids.size();
    const gui::ModelCache cache = gui::model_cache(app.model.run->model, static_cast<Index>(tokens));
    // F32 weights: 4 bytes a number; GPT-2 has a KV head per query head.
    CHECK(cache.per_token(cache.kv_heads) == layers * heads * 2 * hd * 4);
    CHECK(cache.now(cache.kv_heads) == layers * heads * 2 * hd * 4 * tokens);
    CHECK(cache.full(cache.kv_heads) == layers * heads * 2 * hd * 4 * positions);
    CHECK(cache.per_token(1) == layers * 2 * hd * 4);              // MQA
    CHECK(cache.per_token(cache.kv_heads) == 2 * 4 * 2 * 16 * 4);  // the card's 2 layers of 4 heads of 16
    // A 16-bit checkpoint with grouped KV heads: 2 bytes a number, 2 KV heads for 4 query heads of 16 / 4.
    cli_test::TempDir dir;
    model_test::TinySpec spec;
    spec.model_type = "llama", spec.kv_heads = 2, spec.dtype = model_test::DT::bf16;
    model_test::write_tiny_model(model_test::make_tiny_model(spec), dir.path());
    const gui::ModelCache small = gui::model_cache(load_model(dir.path()), 10);
    CHECK(small.per_token(small.kv_heads) == 2 * 2 * (4 + 4) * 2);
    CHECK(small.now(small.kv_heads) == 2 * 2 * (4 + 4) * 2 * 10);
    CHECK(small.now(small.heads) == 2 * 4 * (4 + 4) * 2 * 10);  // MHA: twice the cache
    CHECK(small.full(small.kv_heads) == 2 * 2 * (4 + 4) * 2 * 24);
  }
}

TEST_SUITE("gui/generate") {
  TEST_CASE("in the window G and Shift+G write attnlab generate's text; Ctrl+Z takes a token back") {
    cli_test::TempDir dir;
    const auto run = [&](const std::string& actions, bool present = false) {
      std::vector<std::string> args{"gui", "--model", kModel, "--text", kPrompt, "--actions", actions};
      args.insert(args.end(), {"--backend", "cpu", "--width", "1280", "--height", "720", "--frames", "10"});
      args.insert(args.end(), {"--screenshot", (dir / "g.png").string(), "--layout-report", (dir / "g.json").string()});
      if (present) args.push_back("--present");
      const auto r = run_attnlab(args);
      REQUIRE_MESSAGE(r.status == 0, r.err);
      return nlohmann::json::parse(cli_test::read_all(dir / "g.json"))["frames"].back();
    };
    const auto said = [](const nlohmann::json& frame, const std::string& id) {
      for (const nlohmann::json& t : frame["texts"])
        if (t["id"] == id) return t["text"].get<std::string>();
      return std::string();
    };
    const Generated cli = cli_generate(kPrompt, 6);
    const nlohmann::json one = run("generation,generate,wait");
    CHECK(said(one, "generate.sentence") == "Generated so far (1 tokens): \"" + cli_generate(kPrompt, 1).text + "\"");
    const nlohmann::json many = run("generation,generate-many,wait");  // the panel's 16, or to the end-of-text
    const nlohmann::json six = run("generation,generate,generate,generate,generate,generate");
    CHECK(said(six, "generate.sentence").starts_with("Generated so far (5 tokens)"));
    CHECK(said(many, "generate.sentence").find(cli.text) != std::string::npos);
    const nlohmann::json back = run("generation,generate,generate,undo,wait");
    CHECK(said(back, "generate.sentence") == said(one, "generate.sentence"));
    const nlohmann::json presented = run("generation,generate,wait", true);
    CHECK_FALSE(said(presented, "generate.text").empty());
  }

  TEST_CASE("the newest token's row is marked in the heatmap after G, and the mark goes with Ctrl+Z") {
    cli_test::TempDir dir;
    const attnlab::Rgba mark{0, 170, 235, 255};  // the wedge and outline's blue
    struct Shot {
      window_capture::Image image;
      nlohmann::json frame;
    };
    const auto run = [&](const std::string& actions, bool present) {
      std::vector<std::string> args{"gui",     "--model", kModel,   "--text", kPrompt, "--backend", "cpu",
                                    "--width", "1280",    "--height", "720",  "--frames", "5",   "--actions", actions};
      args.insert(args.end(), {"--screenshot", (dir / "m.png").string(), "--layout-report", (dir / "m.json").string()});
      if (present) args.push_back("--present");
      const auto r = run_attnlab(args);
      REQUIRE_MESSAGE(r.status == 0, r.err);
      return Shot{window_capture::load_png(dir / "m.png"),
                  nlohmann::json::parse(cli_test::read_all(dir / "m.json"))["frames"].back()};
    };
    const auto box_of = [](const nlohmann::json& frame, const std::string& id) -> std::optional<std::vector<float>> {
      for (const nlohmann::json& item : frame["items"])
        if (item["id"] == id) return item["box"].get<std::vector<float>>();
      return std::nullopt;
    };
    for (const bool present : {false, true}) {
      INFO("present " << present);
      const Shot before = run("wait", present);
      CHECK(before.image.pixels_of(mark) == 0);
      CHECK_FALSE(box_of(before.frame, "heatmap.new_row"));
      const Shot after = run("generate,wait", present);
      const auto wedge = box_of(after.frame, "heatmap.new_row"), query = box_of(after.frame, "heatmap.query");
      REQUIRE(wedge);
      REQUIRE(query);
      // The wedge's pixels left of the cells, on the new row (the selected query's, after G).
      std::size_t in_wedge = 0;
      for (int y = static_cast<int>((*wedge)[1]); y < static_cast<int>((*wedge)[3]); ++y)
        for (int x = static_cast<int>((*wedge)[0]); x < static_cast<int>((*wedge)[2]); ++x)
          in_wedge += window_capture::close(after.image.at(x, y), mark);
      CHECK(in_wedge >= 10);
      CHECK((*wedge)[2] <= (*query)[0]);
      CHECK((*wedge)[1] <= (*query)[1] + 1);
      CHECK((*wedge)[3] >= (*query)[3] - 1);
      // The lines above and below the row, along its whole width.
      for (const int y : {static_cast<int>(std::floor((*query)[1])) - 1, static_cast<int>(std::ceil((*query)[3]))}) {
        std::size_t on_line = 0;
        for (int x = static_cast<int>((*query)[0]); x < static_cast<int>((*query)[2]); ++x)
          on_line += after.image.at(x, y) == mark;
        CHECK(on_line >= static_cast<std::size_t>((*query)[2] - (*query)[0]) - 1);
      }
      const Shot undone = run("generate,wait,undo,wait", present);
      CHECK(undone.image.pixels_of(mark) == 0);
      CHECK_FALSE(box_of(undone.frame, "heatmap.new_row"));
    }
  }

  TEST_CASE("--frame-report: every frame's time, and the frames that took a token in or back") {
    cli_test::TempDir dir;
    const std::string report = (dir / "frames.json").string();
    const std::vector<std::string> window{"gui", "--model", kModel, "--text", kPrompt, "--backend", "cpu",
                                          "--width", "1024", "--height", "768"};
    const auto run = [&](std::vector<std::string> extra) {
      std::vector<std::string> args = window;
      args.insert(args.end(), extra.begin(), extra.end());
      return run_attnlab(args);
    };
    // Scripted: the token is made in the frame that presses G, taken back in the frame after Ctrl+Z.
    auto r = run({"--frames", "6", "--actions", "generate,wait,undo,wait", "--frame-report", report});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    nlohmann::json j = nlohmann::json::parse(cli_test::read_all(dir / "frames.json"));
    CHECK(j["live"] == false);
    CHECK(j["width"] == 1024);
    const nlohmann::json& frames = j["frames"];
    REQUIRE(frames.size() == 6);
    const long n = frames[0]["tokens"];
    CHECK(n > 10);
    const std::vector<long> tokens{n, n + 1, n + 1, n, n, n};
    for (std::size_t f = 0; f < 6; ++f) {
      CHECK(frames[f]["frame"] == f);
      CHECK(frames[f]["ms"].get<double>() > 0);
      CHECK(frames[f]["swap_ms"].get<double>() >= 0);
      CHECK(frames[f]["tokens"] == tokens[f]);
      CHECK(frames[f]["landed"] == (f == 1 || f == 3));
      CHECK(frames[f]["generating"] == (f == 1 || f == 3));
    }
    // Live: the same report, the frames not waiting for the worker (how many frames see a token land
    // depends on the machine, so only the report's shape is checked).
    r = run({"--frames", "3", "--live", "--actions", "generate", "--frame-report", report});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    j = nlohmann::json::parse(cli_test::read_all(dir / "frames.json"));
    CHECK(j["live"] == true);
    CHECK(j["frames"].size() == 3);
    CHECK(j["frames"][1]["generating"] == true);
    // Both need --frames: refused before the window opens, nothing written.
    std::filesystem::remove(report);
    for (const std::vector<std::string>& bad :
         {std::vector<std::string>{"--frame-report", report}, std::vector<std::string>{"--live"}}) {
      r = run(bad);
      CHECK(r.status == 2);
      CHECK(r.err.find("needs --frames N") != std::string::npos);
      CHECK_FALSE(std::filesystem::exists(report));
    }
  }
}
