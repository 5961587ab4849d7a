// A real model in the window: the project's tiny model (assets/models/induction) under Xvfb — the
// heatmap is the layer's weights, a layer change repaints it, the model view draws — and the state
// logic without a window: the forward pass on the worker, a layer change that runs no forward pass, a
// folder that does not load keeping the data it had.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <memory>

#include "app/gui/app_actions.hpp"
#include "app/gui/app_grids.hpp"
#include "app/gui/export.hpp"
#include "app/gui/app_state.hpp"
#include "app/gui/model_source.hpp"
#include "core/attention/cpu_backend.hpp"
#include "core/colormap/colormap.hpp"
#include "core/io/npy.hpp"
#include "tests/cli_run.hpp"
#include "tests/model/reference_families.hpp"
#include "tests/model/tiny_models.hpp"
#include "tests/window_capture.hpp"

using namespace attnlab;
using cli_test::run_attnlab;
using namespace window_capture;

namespace {

const std::string kModel = std::string(ATTNLAB_ASSETS_DIR) + "/models/induction";
const std::string kText =
    "When a word comes back, look at what came after it last time. When a word comes back, look at what came after "
    "it last time.";

// A screenshot and where the window says the heatmap's cells are.
struct Shot : Cells {
  Image image;
};

Shot screenshot(const cli_test::TempDir& dir, const std::string& name, const std::vector<std::string>& extra) {
  std::vector<std::string> args{
      "gui", "--example",    "induction",          "--stage", "weights", "--head", "2", "--backend", "cpu", "--frames",
      "4",   "--screenshot", (dir / name).string()};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_attnlab(args);
  REQUIRE_MESSAGE(r.status == 0, r.command << "\n" << r.err);
  Shot s;
  static_cast<Cells&>(s) = heatmap_cells(r.err);
  s.image = load_png(dir / name);
  return s;
}

// Head 2 of layer ℓ as compute writes it (cli/tiny-model checks those against float64).
std::vector<float> layer_weights(const cli_test::TempDir& dir, int layer, long& length) {
  const auto dump = dir / ("dump" + std::to_string(layer));
  const auto r = run_attnlab({"compute", "--example", "induction", "--layer", std::to_string(layer), "--backend", "cpu",
                              "--dump", dump.string()});
  REQUIRE_MESSAGE(r.status == 0, r.err);
  const Array a = parse_npy(cli_test::read_all(dump / "weights.npy"), "weights.npy");
  length = a.shape[1];
  return {a.data.begin() + 2 * length * length, a.data.begin() + 3 * length * length};
}

// Every cell of the heatmap against the weights through viridis; the count of cells that differ.
long wrong_cells(const Shot& s, const std::vector<float>& w, long length) {
  long wrong = 0;
  for (long i = 0; i < length; ++i)
    for (long j = 0; j < length; ++j) {
      const Rgba expected =
          j > i ? masked_colour : colormap(w[static_cast<std::size_t>(i * length + j)], 0, 1, viridis());
      const Rgba got = s.image.at(static_cast<int>(s.x + (static_cast<float>(j) + 0.5f) * s.size),
                                  static_cast<int>(s.y + (static_cast<float>(i) + 0.5f) * s.size));
      wrong += !close(got, expected);
    }
  return wrong;
}

// A tiny model of `spec` in `dir`, with the shipped model's byte-level tokenizer and vocabulary size.
std::string tiny_folder(const cli_test::TempDir& dir, const std::string& name, model_test::TinySpec spec) {
  spec.vocab = nlohmann::json::parse(cli_test::read_all(kModel + "/config.json"))["vocab_size"];
  spec.positions = 128;
  const auto folder = dir / name;
  model_test::write_tiny_model(model_test::make_tiny_model(spec), folder);
  std::filesystem::copy_file(kModel + "/tokenizer.json", folder / "tokenizer.json");
  return folder.string();
}

// A small Llama (no QK-norm) or Qwen3 (a QK-norm in every layer, heads of 6): 4 heads over 2 KV heads.
model_test::TinySpec small_spec(const std::string& type) {
  model_test::TinySpec s;
  s.model_type = type, s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40;
  if (type == "qwen3") s.head_dim = 6;
  return s;
}

// The window on that model's first layer, as `attnlab gui --model FOLDER --text T` starts it.
void start_on(gui::AppState& app, const std::string& folder, const std::string& text) {
  InputOptions in;
  in.model = folder;
  in.tokens.text = text;
  app.model = gui::start_on_model(in, app.settings);
  start(app, std::make_unique<CpuBackend>());
}

// Softmax of q·kᵀ·scale (soft-capped C·tanh(s/C) when `softcap` > 0) over the keys a causal (or
// sliding, `window` > 0) mask leaves, in float64.
Eigen::MatrixXd reference_weights(const Matrix& q, const Matrix& k, double scale, Index window, double softcap = 0) {
  Eigen::MatrixXd w = Eigen::MatrixXd::Zero(q.rows(), k.rows());
  for (Index i = 0; i < q.rows(); ++i) {
    const Index first = window > 0 ? std::max<Index>(0, i - window + 1) : 0;
    double top = -INFINITY, sum = 0;
    for (Index j = first; j <= i; ++j) {
      w(i, j) = q.row(i).cast<double>().dot(k.row(j).cast<double>()) * scale;
      if (softcap > 0) w(i, j) = softcap * std::tanh(w(i, j) / softcap);
      top = std::max(top, w(i, j));
    }
    for (Index j = first; j <= i; ++j) sum += w(i, j) = std::exp(w(i, j) - top);
    for (Index j = first; j <= i; ++j) w(i, j) /= sum;
  }
  return w;
}

double distance(const Matrix& got, const Eigen::MatrixXd& expected) {
  return (got.cast<double>() - expected).cwiseAbs().maxCoeff();
}

}  // namespace

TEST_SUITE("gui/model") {
  TEST_CASE("the heatmap is the layer's weights, a layer change repaints it, and the model view draws") {
    cli_test::TempDir dir;
    long length = 0;
    const std::vector<float> layer0 = layer_weights(dir, 0, length), layer1 = layer_weights(dir, 1, length);
    const Shot one = screenshot(dir, "layer1.png", {"--layer", "1"});
    REQUIRE(one.rows == length);
    REQUIRE(one.size >= 4);
    CHECK(wrong_cells(one, layer1, length) == 0);
    CHECK(wrong_cells(one, layer0, length) > length);  // the two layers look different
    // K steps back a layer: the same head of layer 0 is painted.
    const Shot zero = screenshot(dir, "layer0.png", {"--layer", "1", "--actions", "previous-layer"});
    CHECK(wrong_cells(zero, layer0, length) == 0);
    // The heads tab holds the model view: the bottom right panel changes from the output bars to
    // the layers × heads thumbnails.
    const Shot view = screenshot(dir, "view.png", {"--layer", "1", "--actions", "heads"});
    long changed = 0;
    for (int y = 450; y < 900; ++y)
      for (int x = 1100; x < 1600; ++x) changed += !close(one.image.at(x, y), view.image.at(x, y));
    CHECK(changed > 20000);
    CHECK(wrong_cells(view, layer1, length) == 0);
  }

  TEST_CASE("gui --model without --text opens on the lab's sentence, its tokens as the queries") {
    cli_test::TempDir dir;
    const auto r = run_attnlab({"gui", "--model", kModel, "--stage", "weights", "--frames", "3", "--screenshot",
                                (dir / "model.png").string()});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const std::string sentence = gui::default_model_text;
    // The, cat, s·at (not one of its words), because, it, was, tired
    CHECK(heatmap_cells(r.err).rows == 8);
    gui::Settings s;
    InputOptions in;
    in.model = kModel;
    gui::start_on_model(in, s);
    CHECK(s.model_text == sentence);
    CHECK(s.layer == 0);
    CHECK(s.mask == "causal");
  }

  TEST_CASE("gui --model refuses what the command line refuses, before any window") {
    cli_test::TempDir dir;
    for (const std::vector<std::string>& args :
         std::vector<std::vector<std::string>>{{"gui", "--model", (dir / "nowhere").string(), "--text", "hi"},
                                               {"gui", "--model", kModel, "--text", ""},
                                               {"gui", "--model", kModel, "--token-ids", "1,2"},
                                               {"gui", "--example", "induction", "--layer", "2"}}) {
      std::vector<std::string> run = args;
      run.insert(run.end(), {"--frames", "1", "--screenshot", (dir / "x.png").string()});
      const auto r = run_attnlab(run);
      CAPTURE(r.command);
      CHECK(r.status == 2);
      CHECK(r.err.starts_with("attnlab: "));
      CHECK_FALSE(std::filesystem::exists(dir / "x.png"));
    }
  }
}

TEST_SUITE("app/model") {
  TEST_CASE("the model loads on the worker; a layer runs no forward pass; a bad folder keeps the data") {
    gui::AppState app;
    app.settings.source = gui::Source::model, app.settings.model_folder = kModel, app.settings.model_text = kText;
    app.settings.mask = "causal", app.settings.layer = 1, app.settings.head = 2;
    // The worker says how far it is, layer by layer: what the inputs panel's bar shows.
    std::vector<std::string> said;
    app.model = gui::load_model_run(kModel, kText, [&said](const char* phase, Index done, Index total) {
      said.push_back(std::string(phase) + " " + std::to_string(done) + "/" + std::to_string(total));
    });
    CHECK(said == std::vector<std::string>{"loading the weights 0/2", "loading the weights 1/2", "the forward pass 0/2",
                                           "the forward pass 1/2"});
    start(app, std::make_unique<CpuBackend>());
    const ModelRun* run = app.model.of(kModel, kText);
    REQUIRE(run);
    CHECK(app.problem().lq() == 30);  // a token a word or mark (cli/tiny-model checks them)
    CHECK(app.heads.heads() == 4);
    // Another layer: a new problem from the same forward pass.
    const Matrix layer1_q = app.problem().q;
    app.settings.layer = 0;
    apply(app);
    CHECK(app.error.empty());
    CHECK(app.applied.layer == 0);
    CHECK(app.model.of(kModel, kText) == run);
    CHECK((app.problem().q - layer1_q).cwiseAbs().maxCoeff() > 0.1f);
    // A folder that does not load: the worker says why, and the data stays.
    const Matrix kept = app.problem().q;
    app.settings.model_folder = kModel + "-missing";
    apply(app);  // starts the worker
    gui::wait_for_model(app, false);
    apply(app);
    CHECK(app.error.find("induction-missing") != std::string::npos);
    CHECK(app.problem().q == kept);
    CHECK(app.applied.model_folder == kModel);
    apply(app);  // not tried again
    CHECK_FALSE(app.model_loading());
    // A new sentence on the worker, then shown.
    app.settings.model_folder = kModel, app.settings.model_text = "abcabc";
    apply(app);
    gui::wait_for_model(app, false);
    apply(app);
    CHECK(app.error.empty());
    CHECK(app.problem().lq() == 6);
    CHECK(app.problem().query_tokens.at(3) == "a");
  }

  TEST_CASE("the model view follows a change a head at a time within the frame's budget, the last whole grid shown meanwhile") {
    gui::AppState app;
    start_on(app, kModel, kText);
    const std::vector<Matrix> causal = gui::model_grid(app).weights;  // no budget: whole at once
    const Index layers = 2, heads = 4;
    REQUIRE(causal.size() == static_cast<std::size_t>(layers * heads));
    // What a window opened on the new settings shows: the grid the frames must end on.
    const auto whole = [&](const std::string& mask) {
      gui::AppState fresh;
      start_on(fresh, kModel, kText);
      fresh.settings.mask = mask;
      apply(fresh);
      return gui::model_grid(fresh).weights;
    };
    const std::vector<Matrix> open = whole("none");
    REQUIRE(open != causal);
    const auto change_mask = [&](const std::string& mask) {
      const int before = app.generation;
      app.settings.mask = mask;
      apply(app);
      REQUIRE(app.generation != before);
    };
    // A budget of 0: one head a frame. The frames before the last draw the grid they had, whole.
    const auto frames = [&](int count, const std::vector<Matrix>& shown, int shown_generation, int done = 0) {
      for (int frame = 0; frame < count; ++frame) {
        const gui::AppState::ModelGrid& g = gui::model_grid(app, 0);
        CHECK(g.generation == shown_generation);
        CHECK(g.weights == shown);
        CHECK(gui::model_grid_progress(app) == std::pair<Index, Index>{(done + frame + 1) / heads, layers});
      }
    };
    const int causal_generation = app.model_grid.generation;
    change_mask("none");
    frames(layers * heads - 1, causal, causal_generation);
    const gui::AppState::ModelGrid& done = gui::model_grid(app, 0);
    CHECK(done.generation == app.generation);
    CHECK(done.weights == open);
    CHECK(gui::model_grid_progress(app).second == 0);  // nothing under way
    // A change while one is under way: that grid is finished and shown first (changes that come faster
    // than a grid, tokens generated or a slider dragged, still show), then the newest one is built.
    const int open_generation = app.generation;
    change_mask("causal");
    const int causal_again = app.generation;
    frames(3, open, open_generation);
    change_mask("window:2");
    frames(layers * heads - 4, open, open_generation, 3);
    const gui::AppState::ModelGrid& finished = gui::model_grid(app, 0);  // its last head
    CHECK(finished.generation == causal_again);
    CHECK(finished.weights == causal);
    CHECK(gui::model_grid_progress(app) == std::pair<Index, Index>{0, layers});  // the window's begun
    frames(layers * heads - 1, causal, causal_again);
    CHECK(gui::model_grid(app, 0).weights == whole("window:2"));
    // Without a budget (a scripted run, export) the grid returned is the data's now, whatever was under way.
    change_mask("none");
    gui::model_grid(app, 0);
    change_mask("causal");
    CHECK(gui::model_grid(app).generation == app.generation);
    CHECK(gui::model_grid(app).weights == causal);
  }

  TEST_CASE("a layer brings its own sliding window and scale, and a mask the user chose stays") {
    cli_test::TempDir dir;
    // Qwen2 sliding over 3 keys from layer 1 on: layer 0 is causal.
    model_test::TinySpec qwen;
    qwen.model_type = "qwen2", qwen.hidden = 32, qwen.heads = 4, qwen.kv_heads = 2, qwen.intermediate = 40;
    qwen.window = 3, qwen.max_window_layers = 1;
    const std::string text = "abcdefabcdef";
    gui::AppState app;
    start_on(app, tiny_folder(dir, "qwen", qwen), text);
    REQUIRE(app.error.empty());
    CHECK(app.applied.mask == "causal");
    const double scale = 1 / std::sqrt(8.0);
    CHECK(distance(app.trace().weights, reference_weights(app.problem().q, app.problem().k, scale, 0)) < 1e-5);
    app.settings.layer = 1;  // as J, the slider or a click in the model view
    apply(app);
    REQUIRE(app.error.empty());
    CHECK(app.applied.mask == "window:3");
    CHECK(distance(app.trace().weights, reference_weights(app.problem().q, app.problem().k, scale, 3)) < 1e-5);
    // The model view paints each layer with its own mask: layer 1 hides what layer 0 shows.
    const auto& grid = model_grid(app);
    REQUIRE(grid.masked.size() == 2);
    CHECK(std::isinf(grid.masked[1](11, 0)));
    CHECK(grid.masked[0](11, 0) == 0);
    // A mask the user chose is kept across layers.
    app.settings.mask = "none";
    apply(app);
    app.settings.layer = 0;
    apply(app);
    CHECK(app.applied.layer == 0);
    CHECK(app.applied.mask == "none");

    // GPT-2 with scale_attn_by_inverse_layer_idx: layer ℓ divides by √hd·(ℓ + 1).
    model_test::TinySpec gpt2;
    gpt2.inverse_layer_scale = true;
    gui::AppState inverse;
    start_on(inverse, tiny_folder(dir, "gpt2", gpt2), text);
    REQUIRE(inverse.error.empty());
    CHECK(inverse.applied.scale == ScaleSpec::Kind::sqrt);
    const double hd = 16.0 / 4;
    inverse.settings.layer = 1;
    apply(inverse);
    REQUIRE(inverse.error.empty());
    CHECK(inverse.applied.scale == ScaleSpec::Kind::value);
    CHECK(inverse.applied.scale_value == doctest::Approx(1 / (std::sqrt(hd) * 2)));
    CHECK(distance(inverse.trace().weights,
                   reference_weights(inverse.problem().q, inverse.problem().k, 1 / (std::sqrt(hd) * 2), 0)) < 1e-5);
    inverse.settings.layer = 0;
    apply(inverse);
    CHECK(inverse.applied.scale == ScaleSpec::Kind::sqrt);
  }

  TEST_CASE("Gemma 2's own soft-cap: the capped stage and its weights in the window; C's cap replaces it") {
    cli_test::TempDir dir;
    model_test::TinySpec gemma = model_test::tiny_gemma2();
    gemma.layers = 2, gemma.final_softcap.reset();
    gui::AppState app;
    start_on(app, tiny_folder(dir, "gemma2", gemma), "abcdefabcdef");
    REQUIRE(app.error.empty());
    REQUIRE(app.problem().softcap);
    CHECK(*app.problem().softcap == 1.5);
    CHECK(app.applied.mask == "window:3");  // layer 0 is even: it slides
    CHECK(app.trace().capped.rows() == 12);
    const double scale = 1 / std::sqrt(12.0);
    CHECK(distance(app.trace().weights, reference_weights(app.problem().q, app.problem().k, scale, 3, 1.5)) < 1e-5);
    CHECK(distance(app.trace().weights, reference_weights(app.problem().q, app.problem().k, scale, 3)) > 1e-2);
    app.settings.stage = Stage::capped;
    apply(app);
    CHECK(app.settings.stage == Stage::capped);
    // Layer 1, global: the same cap, the causal mask.
    app.settings.layer = 1;
    apply(app);
    REQUIRE(app.error.empty());
    CHECK(app.applied.mask == "causal");
    CHECK(distance(app.trace().weights, reference_weights(app.problem().q, app.problem().k, scale, 0, 1.5)) < 1e-5);
    // The soft-cap box shows the model's own cap; unticked, the model is shown without it.
    CHECK(app.applied.softcap_on);
    CHECK(app.applied.softcap == 1.5f);
    act(app, gui::Action::toggle_softcap);
    apply(app);
    REQUIRE(app.error.empty());
    CHECK_FALSE(app.problem().softcap);
    CHECK(app.settings.stage == Stage::scaled);  // the capped stage went with the cap
    CHECK(distance(app.trace().weights, reference_weights(app.problem().q, app.problem().k, scale, 0)) < 1e-5);
    // The lab's own cap (C and its slider) replaces the model's.
    act(app, gui::Action::toggle_softcap);
    app.settings.softcap = 0.5f;
    apply(app);
    REQUIRE(app.problem().softcap);
    CHECK(*app.problem().softcap == doctest::Approx(0.5));
    CHECK(distance(app.trace().weights, reference_weights(app.problem().q, app.problem().k, scale, 0, 0.5)) < 1e-5);
  }

  TEST_CASE("a model picked in the window brings its own mask, scale and soft-cap: Gemma 2's C, none for Llama") {
    cli_test::TempDir dir;
    model_test::TinySpec gemma = model_test::tiny_gemma2();
    gemma.layers = 2, gemma.final_softcap.reset(), gemma.attn_softcap = 4.0;
    const model_test::TinySpec llama = small_spec("llama");
    const std::string gemma_folder = tiny_folder(dir, "gemma2", gemma), llama_folder = tiny_folder(dir, "llama", llama);
    gui::AppState app;
    app.scripted = true;  // a model picked in the window is waited for, as a --frames run waits
    start_on(app, llama_folder, "abcdefabcdef");
    REQUIRE(app.error.empty());
    CHECK_FALSE(app.applied.softcap_on);
    CHECK_FALSE(app.problem().softcap);
    app.settings.model_folder = gemma_folder;  // as the inputs panel's folder box
    apply(app);
    REQUIRE(app.error.empty());
    REQUIRE(app.applied.model_folder == gemma_folder);
    CHECK(app.applied.softcap_on);
    CHECK(app.applied.softcap == 4.0f);
    CHECK(app.applied.mask == "window:3");  // layer 0 slides
    REQUIRE(app.problem().softcap);
    CHECK(*app.problem().softcap == 4.0);
    const double scale = 1 / std::sqrt(12.0);
    CHECK(distance(app.trace().weights, reference_weights(app.problem().q, app.problem().k, scale, 3, 4.0)) < 1e-5);
    // Back to a model without a cap: the box is unticked, the scores uncapped.
    app.settings.model_folder = llama_folder;
    apply(app);
    REQUIRE(app.applied.model_folder == llama_folder);
    CHECK_FALSE(app.applied.softcap_on);
    CHECK_FALSE(app.problem().softcap);
    // --softcap given with the model: the lab's C, not the model's.
    InputOptions in;
    in.model = gemma_folder, in.tokens.text = "abcdefabcdef", in.softcap = "2";
    gui::Settings given;
    given.softcap_on = true, given.softcap = 2.0f;
    gui::start_settings(in, app.model.run->model.config, given);
    CHECK(given.softcap == 2.0f);
  }

  // The tiny Qwen3 (a QK-norm family) opened in `app` on "abcdefabcdef" from a folder written in `dir`, and
  // the float64 reference's pass of the same model (tiny_folder's vocabulary and positions) on the
  // window's tokens.
  model_test::RefForward open_qwen3(gui::AppState& app, const cli_test::TempDir& dir, std::string& folder) {
    model_test::TinySpec qwen = small_spec("qwen3");
    folder = tiny_folder(dir, "qwen3", qwen);
    start_on(app, folder, "abcdefabcdef");
    REQUIRE(app.error.empty());
    const ModelRun* run = app.model.of(app.applied);
    REQUIRE(run);
    qwen.vocab = run->model.config.vocab, qwen.positions = 128;
    const std::vector<long> ids(run->tokens.ids.begin(), run->tokens.ids.end());
    return model_test::reference_family_forward(model_test::make_tiny_model(qwen), ids);
  }

  TEST_CASE("QK-norm in the stepper: the query's q and the key's k before and after the norm, the reference's") {
    cli_test::TempDir dir;
    gui::AppState app;
    std::string folder;
    const model_test::RefForward ref = open_qwen3(app, dir, folder);
    const ModelRun* run = app.model.of(app.applied);
    const Index layer = 1, head = 3, query = 7, key = 4, g = 1, hd = 6;
    const auto lines = gui::qk_norm_lines(*run, layer, head, query, key, "e");
    REQUIRE(lines.size() == 2);
    // "QK-norm, before RoPE: q", "before", hd numbers, "rms …", "→ after", hd numbers, "rms …"
    const auto check = [&](const std::vector<std::string>& line, std::size_t first, const model_test::Rows& before,
                           const model_test::Rows& after, Index row, Index h) {
      REQUIRE(line.size() == first + 2 * static_cast<std::size_t>(hd) + 4);
      CHECK(line[first] == "before");
      CHECK(line[first + static_cast<std::size_t>(hd) + 2] == "→ after");
      for (Index d = 0; d < hd; ++d) {
        const double b = before[static_cast<std::size_t>(row)][static_cast<std::size_t>(h * hd + d)];
        const double a = after[static_cast<std::size_t>(row)][static_cast<std::size_t>(h * hd + d)];
        CHECK(std::stod(line[first + 1 + static_cast<std::size_t>(d)]) == doctest::Approx(b).epsilon(6e-3).scale(1e-3));
        CHECK(std::stod(line[first + static_cast<std::size_t>(hd) + 3 + static_cast<std::size_t>(d)]) ==
              doctest::Approx(a).epsilon(6e-3).scale(1e-3));
      }
    };
    const auto& l = ref.layers[static_cast<std::size_t>(layer)];
    CHECK(lines[0][0] == "QK-norm, before RoPE: q");
    check(lines[0], 1, l.q_before_norm, l.q_after_norm, query, head);
    CHECK(lines[1][0] == "k(e)");
    check(lines[1], 1, l.k_before_norm, l.k_after_norm, key, g);
    // A family without one: nothing to show.
    const model_test::TinySpec llama = small_spec("llama");
    gui::AppState plain;
    start_on(plain, tiny_folder(dir, "llama", llama), "abcdefabcdef");
    REQUIRE(plain.error.empty());
    CHECK(gui::qk_norm_lines(*plain.model.of(plain.applied), 0, 0, 3, 2, "c").empty());
  }

  TEST_CASE("QK-norm in every stage: q and k after the norm, or before it (Q), in the weights, precision lab and export") {
    cli_test::TempDir dir;
    gui::AppState app;
    std::string folder;
    const model_test::RefForward ref = open_qwen3(app, dir, folder);
    app.settings.layer = 1, app.settings.head = 3;
    apply(app);
    REQUIRE(app.error.empty());
    const auto& l = ref.layers[1];
    const long H = 4, G = 2, hd = 6, head = 3, g = 1;
    // The reference's q and k without the norm: the projections turned by the same RoPE (θ from the config).
    const auto config = nlohmann::json::parse(cli_test::read_all(std::filesystem::path(folder) / "config.json"));
    const double theta = config.value("rope_theta", 10000.0);
    std::vector<double> inv_freq;
    for (long i = 0; i < hd / 2; ++i) inv_freq.push_back(1 / std::pow(theta, static_cast<double>(2 * i) / hd));
    model_test::Rows q_raw = l.q_before_norm, k_raw = l.k_before_norm;
    model_test::family_detail::rope(q_raw, H, hd, inv_freq, 1);
    model_test::family_detail::rope(k_raw, G, hd, inv_freq, 1);
    const auto head_of = [hd](const model_test::Rows& rows, long h) {
      Matrix m(static_cast<Index>(rows.size()), hd);
      for (std::size_t t = 0; t < rows.size(); ++t)
        for (long d = 0; d < hd; ++d) m(static_cast<Index>(t), d) = static_cast<float>(rows[t][static_cast<std::size_t>(h * hd + d)]);
      return m;
    };
    const double scale = 1 / std::sqrt(6.0);
    const Eigen::MatrixXd normed = reference_weights(head_of(l.q, head), head_of(l.k, g), scale, 0);
    const Eigen::MatrixXd unnormed = reference_weights(head_of(q_raw, head), head_of(k_raw, g), scale, 0);
    REQUIRE((normed - unnormed).cwiseAbs().maxCoeff() > 1e-2);  // the norm matters in this layer
    // After the norm (the model as it runs): the title says so, the weights are the normed ones.
    CHECK(gui::qk_norm_note(app.applied, app.model) == "q, k after the QK-norm");
    CHECK(distance(app.trace().weights, normed) < 1e-5);
    // Q: before the norm, in every stage.
    act(app, gui::Action::toggle_qk_norm);
    apply(app);
    REQUIRE(app.error.empty());
    CHECK(app.applied.qk_norm_before);
    CHECK(gui::qk_norm_note(app.applied, app.model) == "q, k before the QK-norm");
    CHECK((app.problem().q.cast<double>() - head_of(q_raw, head).cast<double>()).cwiseAbs().maxCoeff() < 1e-4);
    CHECK(distance(app.trace().weights, unnormed) < 1e-5);
    // The precision lab computes on the side shown: float16 near that side's float64 weights.
    app.settings.precision = Precision::fp16;
    apply(app);
    REQUIRE(app.error.empty());
    CHECK(distance(app.trace().weights, unnormed) < 5e-3);
    CHECK(distance(app.trace().weights, normed) > 1e-2);
    // The export names and titles the side: weights-…-prenorm-…, its matrix the trace's.
    const std::string said = gui::export_stage(gui::export_source(app), Stage::weights, dir.path() / "out");
    CHECK(said.find("-prenorm-") != std::string::npos);
    bool found = false;
    for (const auto& entry : std::filesystem::directory_iterator(dir.path() / "out"))
      if (entry.path().extension() == ".svg" && entry.path().filename().string().starts_with("weights-")) {
        CHECK(entry.path().filename().string().find("-prenorm-") != std::string::npos);
        CHECK(cli_test::read_all(entry.path()).find("q, k before the QK-norm") != std::string::npos);
        found = true;
      }
    CHECK(found);
    // Back after the norm, the precision lab on the normed q and k.
    act(app, gui::Action::toggle_qk_norm);
    apply(app);
    CHECK(distance(app.trace().weights, normed) < 5e-3);
    CHECK(distance(app.trace().weights, unnormed) > 1e-2);
    // A model without a QK-norm: Q does nothing, no title says a word about it.
    const model_test::TinySpec llama = small_spec("llama");
    gui::AppState plain;
    start_on(plain, tiny_folder(dir, "llama", llama), "abcdefabcdef");
    act(plain, gui::Action::toggle_qk_norm);
    CHECK_FALSE(plain.settings.qk_norm_before);
    CHECK(gui::qk_norm_note(plain.applied, plain.model).empty());
  }
}
