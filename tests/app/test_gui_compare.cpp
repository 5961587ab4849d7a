// The window's compare and rollout tabs (heads.md) on the shipped model: the second sentence's pass
// and the rollout against float64 references (reference_families.hpp, reference_scores.hpp), the
// rollout following a knock-out; and the real window under Xvfb: the three panels' cells (the
// difference on the diverging colours around 0), the rollout's cells, and gui --compare-text's refusals.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "app/gui/app_state.hpp"
#include "app/gui/model_views.hpp"
#include "core/attention/cpu_backend.hpp"
#include "core/colormap/colormap.hpp"
#include "tests/app/shipped_model.hpp"
#include "tests/app/shipped_window.hpp"
#include "tests/cli_refused.hpp"
#include "tests/cli_run.hpp"
#include "tests/heads/reference_scores.hpp"
#include "tests/model/reference_families.hpp"
#include "tests/window_capture.hpp"

using namespace attnlab;
using shipped_test::start_on;
using cli_test::run_attnlab;

namespace {

const std::string kModel = shipped_test::kModel.string();
const std::string kFirst = "The cat sat because it was tired";
const std::string kSecond = "The cat sat because it was big";  // "wide" is two tokens of this vocabulary

model_test::RefForward reference(const std::vector<long>& ids, model_test::RefAblation ablation = {}) {
  static const model_test::TinyModel shipped = shipped_test::shipped_model();
  return model_test::reference_any(shipped, ids, ablation);
}

std::vector<long> ids_of(const std::vector<std::int64_t>& ids) {
  return {ids.begin(), ids.end()};
}

heads_test::Weights rollout_of(const model_test::RefForward& ref) {
  std::vector<std::vector<heads_test::Weights>> layers;
  for (const auto& layer : ref.layers) layers.push_back(layer.weights);
  return heads_test::reference_rollout(layers);
}

void check_matrix(const Matrix& got, const heads_test::Weights& want) {
  REQUIRE(static_cast<std::size_t>(got.rows()) == want.size());
  for (Index i = 0; i < got.rows(); ++i)
    for (Index j = 0; j < got.cols(); ++j)
      CHECK(got(i, j) ==
            doctest::Approx(want[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]).epsilon(1e-4).scale(1));
}

// The report's box of an item, as x0, y0, x1, y1.
std::vector<float> box_of(const nlohmann::json& frame, const std::string& id) {
  for (const nlohmann::json& item : frame["items"])
    if (item["id"] == id) return item["box"].get<std::vector<float>>();
  FAIL("no item " << id << " in the layout report");
  return {};
}

// The window at 1280×720 on kFirst with `extra`, four frames: the last frame's layout and pixels.
struct Shot {
  nlohmann::json frame;
  window_capture::Image image;
};
Shot shoot(const std::vector<std::string>& extra) {
  cli_test::TempDir dir;
  const auto shot = dir / "w.png", report = dir / "w.json";
  std::vector<std::string> args{"gui",    "--model", kModel, "--text",   kFirst, "--backend",    "cpu",
                                "--width", "1280",   "--height", "720", "--frames", "4", "--screenshot",
                                shot.string(), "--layout-report", report.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  const auto r = run_attnlab(args);
  REQUIRE_MESSAGE(r.status == 0, r.err);
  return {nlohmann::json::parse(cli_test::read_all(report))["frames"].back(), window_capture::load_png(shot)};
}

std::vector<long> ids_for(const std::string& text) {
  InputOptions in;
  in.model = kModel;
  in.tokens.text = text;
  gui::Settings s;
  return ids_of(gui::start_on_model(in, s).run->tokens.ids);
}

// Every cell of the n × n heatmap `id` on screen against colour_of(i, j), grey above the diagonal:
// sampled at the cell's middle, clear of the selected query's outline at its edges.
template <class Colour>
void check_cells(const Shot& shot, const std::string& id, std::size_t n, Colour colour_of) {
  const std::vector<float> box = box_of(shot.frame, id);
  const float cell = (box[2] - box[0]) / static_cast<float>(n);
  CHECK((box[3] - box[1]) / static_cast<float>(n) == doctest::Approx(cell));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const Rgba got = shot.image.at(static_cast<int>(box[0] + (static_cast<float>(j) + 0.5f) * cell),
                                     static_cast<int>(box[1] + (static_cast<float>(i) + 0.5f) * cell));
      const Rgba want = j > i ? masked_colour : colour_of(i, j);
      CHECK_MESSAGE(window_capture::close(got, want), id << " cell " << i << "," << j);
    }
}

}  // namespace

TEST_SUITE("app/compare") {
  TEST_CASE("the second sentence's pass is the model's, with the first's knock-outs") {
    for (const std::string ablate : {"", "0.2"}) {
      CAPTURE(ablate);
      gui::AppState app;
      app.scripted = true;
      start_on(app, kFirst, ablate);
      apply(app);
      app.views.text = kSecond;
      const gui::ComparedPass* second = gui::compared_pass(app.views, app.model, true);
      REQUIRE(second);
      REQUIRE_MESSAGE(second->pass, second->error);
      const std::vector<long> ids = ids_of(second->tokens.ids);
      CHECK(ids.size() == app.model.run->tokens.ids.size());  // one word for another
      model_test::RefAblation knocked;
      if (!ablate.empty()) knocked.heads = {{0, 2}};
      const model_test::RefForward ref = reference(ids, knocked);
      for (std::size_t l = 0; l < ref.layers.size(); ++l)
        for (Index h = 0; h < 4; ++h) {
          const AttentionShape shape = attention_shape(app.model.run->model.config, static_cast<Index>(l));
          check_matrix(head_weights(second->pass->layers[l].q, second->pass->layers[l].k, shape, h, 0),
                       ref.layers[l].weights[static_cast<std::size_t>(h)]);
        }
    }
  }

  TEST_CASE("a second sentence the model refuses says why; the first stays") {
    gui::AppState app;
    app.scripted = true;
    start_on(app, kFirst);
    apply(app);
    std::string long_text;
    for (int n = 0; n < 140; ++n) long_text += "cat ";
    app.views.text = long_text;
    const gui::ComparedPass* second = gui::compared_pass(app.views, app.model, true);
    REQUIRE(second);
    CHECK_FALSE(second->pass);
    CHECK(second->error.starts_with("--compare-text: "));
    CHECK(second->error.find("128") != std::string::npos);
    CHECK(app.model.run->tokens.ids.size() == 8);  // "sat" is " s" + "at" in this vocabulary
  }

  TEST_CASE("the rollout is Abnar & Zuidema's on the pass shown, knocked-out heads and all") {
    gui::AppState app;
    app.scripted = true;
    start_on(app, kFirst);
    const std::vector<long> ids = ids_of(app.model.run->tokens.ids);
    const gui::TimedRollout* r = gui::current_rollout(app.views, app.model, true);
    REQUIRE(r);
    check_matrix(r->rollout, rollout_of(reference(ids)));
    app.settings.ablate = "0.2,1.1";
    apply(app);
    gui::wait_for_model(app, false);
    apply(app);
    REQUIRE(app.model.ablated);
    const gui::TimedRollout* knocked = gui::current_rollout(app.views, app.model, true);
    REQUIRE(knocked);
    check_matrix(knocked->rollout, rollout_of(reference(ids, {{{0, 2}, {1, 1}}, false})));
  }
}

TEST_SUITE("gui/compare") {
  TEST_CASE("--compare-text: both sentences, and second − first on the diverging colours around 0") {
    const Shot shot = shoot({"--compare-text", kSecond, "--layer", "1", "--head", "2", "--actions", "wait"});
    const model_test::RefForward first = reference(ids_for(kFirst)), second = reference(ids_for(kSecond));
    const auto& a = first.layers[1].weights[2];
    const auto& b = second.layers[1].weights[2];
    const std::size_t n = a.size();
    REQUIRE(b.size() == n);
    double largest = 0;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j <= i; ++j) largest = std::max(largest, std::abs(b[i][j] - a[i][j]));
    REQUIRE(largest > 0.01);
    check_cells(shot, "compare.first.cells", n, [&](std::size_t i, std::size_t j) {
      return colormap(static_cast<float>(a[i][j]), 0, 1, viridis());
    });
    check_cells(shot, "compare.second.cells", n, [&](std::size_t i, std::size_t j) {
      return colormap(static_cast<float>(b[i][j]), 0, 1, viridis());
    });
    check_cells(shot, "compare.difference.cells", n, [&](std::size_t i, std::size_t j) {
      return colormap(static_cast<float>(b[i][j] - a[i][j]), static_cast<float>(-largest), static_cast<float>(largest),
                      diverging());
    });
  }

  TEST_CASE("O: the rollout tab's cells are the float64 rollout on viridis") {
    const Shot shot = shoot({"--actions", "rollout,wait"});
    const heads_test::Weights want = rollout_of(reference(ids_for(kFirst)));
    check_cells(shot, "rollout.cells", want.size(), [&](std::size_t i, std::size_t j) {
      return colormap(static_cast<float>(want[i][j]), 0, 1, viridis());
    });
  }

  TEST_CASE("gui --compare-text refused before any window: one line naming the input") {
    using cli_test::check_refused;
    const std::vector<std::string> base{"gui", "--frames", "2", "--backend", "cpu"};
    const auto with = [&](std::vector<std::string> extra) {
      std::vector<std::string> args = base;
      args.insert(args.end(), extra.begin(), extra.end());
      return args;
    };
    check_refused(with({"--compare-text", "a b"}), {"--compare-text", "--model"});
    check_refused(with({"--model", kModel, "--text", kFirst, "--compare-text", ""}), {"--compare-text is empty"});
    check_refused(with({"--model", kModel, "--text", kFirst, "--compare-token-ids", "1,2"}),
                  {"--compare-text T2", "--compare-token-ids"});
    std::string long_text;
    for (int n = 0; n < 140; ++n) long_text += "cat ";
    check_refused(with({"--model", kModel, "--text", kFirst, "--compare-text", long_text}),
                  {"--compare-text", "128"});
  }
}
