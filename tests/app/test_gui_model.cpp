// A real model in the window: the project's tiny model (assets/models/induction) under Xvfb — the
// heatmap is the layer's weights, a layer change repaints it, the model view draws — and the state
// logic without a window: the forward pass on the worker, a layer change that runs no forward pass, a
// folder that does not load keeping the data it had.
#include <doctest/doctest.h>
#include <stb/stb_image.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "app/gui/app_state.hpp"
#include "app/gui/model_source.hpp"
#include "core/attention/cpu_backend.hpp"
#include "core/colormap/colormap.hpp"
#include "core/io/npy.hpp"
#include "tests/cli_run.hpp"

using namespace attnlab;
using cli_test::run_attnlab;

namespace {

const std::string kModel = std::string(ATTNLAB_ASSETS_DIR) + "/models/induction";
const std::string kText = "Every head has a job to do. Every head has a job to do.";

struct Image {
  int width = 0, height = 0;
  std::vector<unsigned char> rgba;
  Rgba at(int x, int y) const {
    const auto* p = &rgba[(static_cast<std::size_t>(y) * width + x) * 4];
    return {p[0], p[1], p[2], p[3]};
  }
};

Image load_png(const std::filesystem::path& path) {
  Image image;
  int channels = 0;
  std::unique_ptr<unsigned char, void (*)(void*)> data(
      stbi_load(path.c_str(), &image.width, &image.height, &channels, 4), stbi_image_free);
  REQUIRE_MESSAGE(data, "cannot decode " << path);
  image.rgba.assign(data.get(), data.get() + static_cast<std::size_t>(image.width) * image.height * 4);
  return image;
}

bool close(Rgba a, Rgba b) {
  return std::abs(a.r - b.r) <= 2 && std::abs(a.g - b.g) <= 2 && std::abs(a.b - b.b) <= 2;
}

struct Shot {
  Image image;
  float x = 0, y = 0, size = 0;
  int rows = 0, cols = 0;
};

Shot screenshot(const cli_test::TempDir& dir, const std::string& name, const std::vector<std::string>& extra) {
  std::vector<std::string> args{
      "gui", "--example",    "induction",          "--stage", "weights", "--head", "2", "--backend", "cpu", "--frames",
      "4",   "--screenshot", (dir / name).string()};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_attnlab(args);
  REQUIRE_MESSAGE(r.status == 0, r.command << "\n" << r.err);
  Shot s;
  const auto at = r.err.find("heatmap cells at");
  REQUIRE_MESSAGE(at != std::string::npos, r.err);
  REQUIRE(std::sscanf(r.err.c_str() + at, "heatmap cells at x=%f y=%f size=%f rows=%d cols=%d", &s.x, &s.y, &s.size,
                      &s.rows, &s.cols) == 5);
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
    app.settings.source = "model", app.settings.model_folder = kModel, app.settings.model_text = kText;
    app.settings.mask = "causal", app.settings.layer = 1, app.settings.head = 2;
    gui::load_model_run(kModel, kText);
    start(app, std::make_unique<CpuBackend>());
    const auto run = gui::loaded_model(kModel, kText);
    REQUIRE(run);
    CHECK(app.problem().lq() == static_cast<Index>(kText.size()));
    CHECK(app.heads.heads() == 4);
    // Another layer: a new problem from the same forward pass.
    const Matrix layer1_q = app.problem().q;
    app.settings.layer = 0;
    apply(app);
    CHECK(app.error.empty());
    CHECK(app.applied.layer == 0);
    CHECK(gui::loaded_model(kModel, kText) == run);
    CHECK((app.problem().q - layer1_q).cwiseAbs().maxCoeff() > 0.1f);
    // A folder that does not load: the worker says why, and the data stays.
    const Matrix kept = app.problem().q;
    app.settings.model_folder = kModel + "-missing";
    apply(app);  // starts the worker
    for (int i = 0; i < 500 && app.model_loading(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    apply(app);
    CHECK(app.error.find("induction-missing") != std::string::npos);
    CHECK(app.problem().q == kept);
    CHECK(app.applied.model_folder == kModel);
    apply(app);  // not tried again
    CHECK_FALSE(app.model_loading());
    // A new sentence on the worker, then shown.
    app.settings.model_folder = kModel, app.settings.model_text = "abcabc";
    apply(app);
    for (int i = 0; i < 500 && app.model_loading(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    apply(app);
    CHECK(app.error.empty());
    CHECK(app.problem().lq() == 6);
    CHECK(app.problem().query_tokens.at(3) == "a");
  }
}
