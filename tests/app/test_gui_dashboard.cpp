// The head dashboard and knock-outs in the window (heads.md) on the shipped induction model: the
// scores the window shows against heads.md's float64 reference, following the text; a knock-out
// computed on the worker from its first layer on, the next token before → after and the knocked-out
// model's attention against the float64 reference (zero and mean), undone by Ctrl+Z; and the real
// window under Xvfb: a grid per score coloured by value, the table, the crosses on knocked-out heads,
// the before → after rows, and gui --ablate's refusals.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "app/gui/app_actions.hpp"
#include "app/gui/app_state.hpp"
#include "app/gui/model_source.hpp"
#include "app/gui/settings_file.hpp"
#include "core/attention/cpu_backend.hpp"
#include "core/colormap/colormap.hpp"
#include "tests/app/shipped_model.hpp"
#include "tests/app/shipped_window.hpp"
#include "tests/cli_run.hpp"
#include "tests/heads/reference_scores.hpp"
#include "tests/model/reference_families.hpp"
#include "tests/window_capture.hpp"

using namespace attnlab;
using shipped_test::start_on;
using cli_test::run_attnlab;

namespace {

const std::string kModel = shipped_test::kModel.string();
const std::string kText =
    "When a word comes back, look at what came after it last time. When a word comes back, look at what came after "
    "it last time.";
const std::string kOther = "the cat sat on the mat and the cat sat on the rug";

std::vector<long> ids_of(const ModelRun& run) {
  return {run.tokens.ids.begin(), run.tokens.ids.end()};
}

std::vector<double> softmax(std::vector<double> z) {
  const double top = *std::max_element(z.begin(), z.end());
  double sum = 0;
  for (double& x : z) sum += x = std::exp(x - top);
  for (double& x : z) x /= sum;
  return z;
}

// The float32 logits' softmax against the reference's, every entry.
void check_next(const Eigen::VectorXf& logits, const std::vector<double>& want_logits) {
  std::vector<double> got(static_cast<std::size_t>(logits.size()));
  for (Index i = 0; i < logits.size(); ++i) got[static_cast<std::size_t>(i)] = logits(i);
  const std::vector<double> p = softmax(got), want = softmax(want_logits);
  REQUIRE(p.size() == want.size());
  for (std::size_t i = 0; i < p.size(); ++i) CHECK(p[i] == doctest::Approx(want[i]).epsilon(1e-4));
}

// Every head's six scores against heads.md's float64 reference on the reference's weights.
void check_scores(const HeadScores& scores, const model_test::RefForward& ref, const std::vector<long>& ids) {
  REQUIRE(scores.layers == static_cast<Index>(ref.layers.size()));
  for (Index l = 0; l < scores.layers; ++l)
    for (Index h = 0; h < scores.heads; ++h) {
      const auto want =
          heads_test::reference_scores(ref.layers[static_cast<std::size_t>(l)].weights[static_cast<std::size_t>(h)], ids);
      for (int s = 0; s < 6; ++s) {
        const std::optional<double> got = scores.at(l, h).values[static_cast<std::size_t>(s)];
        const std::optional<double> expected = heads_test::pick(want, s);
        REQUIRE(got.has_value() == expected.has_value());
        if (got) CHECK(*got == doctest::Approx(*expected).epsilon(1e-4));
      }
    }
}

const HeadScores* scores_of(gui::AppState& app) {
  const gui::TimedScores* timed = gui::current_scores(app.jobs, app.model, true);
  return timed ? &timed->scores : nullptr;
}

model_test::RefForward reference(const std::vector<long>& ids, model_test::RefAblation ablation = {}) {
  static const model_test::TinyModel shipped = shipped_test::shipped_model();
  return model_test::reference_any(shipped, ids, ablation);
}

}  // namespace

TEST_SUITE("app/dashboard") {
  TEST_CASE("the head scores are heads.md's on the model's pass, and follow a new text") {
    gui::AppState app;
    app.scripted = true;
    start_on(app, kText);
    const ModelRun* run = app.model.of(app.applied);
    REQUIRE(run);
    const HeadScores* scores = scores_of(app);
    REQUIRE(scores);
    check_scores(*scores, reference(ids_of(*run)), ids_of(*run));
    // The shipped model's jobs: its previous-token head in layer 0, its induction heads in layer 1.
    CHECK(*scores->at(0, 2)[HeadScore::previous_token] > 0.9);
    CHECK(*scores->at(1, 2)[HeadScore::induction] > 0.9);
    // Another text: a new pass, scored again.
    app.settings.model_text = kOther;
    apply(app);
    const ModelRun* other = app.model.of(app.applied);
    REQUIRE(other);
    REQUIRE(other != run);
    const HeadScores* again = scores_of(app);
    REQUIRE(again);
    check_scores(*again, reference(ids_of(*other)), ids_of(*other));
  }

  TEST_CASE("a knock-out runs on the worker from its first layer on; before → after and undo") {
    gui::AppState app;
    start_on(app, kText);  // not scripted: the window's own frames, which never wait
    gui::remember(app);
    const ModelRun* run = app.model.of(app.applied);
    REQUIRE(run);
    const std::vector<long> ids = ids_of(*run);
    check_next(run->pass.logits, reference(ids).logits);
    // X on head 1.2: the frame starts the recompute and keeps drawing the data it has.
    app.settings.layer = 1, app.settings.head = 2;
    apply(app);
    gui::remember(app);
    act(app, gui::Action::toggle_knockout);
    gui::remember(app);
    CHECK(app.settings.ablate == "1.2");
    CHECK(app.model_load.worker.joinable());  // started on the worker, not joined by the frame
    CHECK_FALSE(app.model.ablated);
    CHECK(app.applied.ablate.empty());
    gui::wait_for_model(app, false);
    apply(app);
    REQUIRE(app.model.ablated);
    CHECK(app.applied.ablate == "1.2");
    CHECK(app.model.run.get() == run);  // the same tokens: no new load
    check_next(run->pass.logits, reference(ids).logits);  // before
    check_next(app.model.pass().logits, reference(ids, {{{1, 2}}, false}).logits);  // after

    // Head 0.2 too (the previous-token head): layer 1's attention changes, as the reference's does.
    app.settings.layer = 0, app.settings.head = 2;
    act(app, gui::Action::toggle_knockout);
    gui::remember(app);
    CHECK(app.settings.ablate == "0.2,1.2");
    gui::wait_for_model(app, false);
    app.settings.layer = 1, app.settings.head = 2;
    apply(app);
    REQUIRE(app.applied.ablate == "0.2,1.2");
    const model_test::RefForward both = reference(ids, {{{0, 2}, {1, 2}}, false});
    const auto& want = both.layers[1].weights[2];
    const Matrix& got = app.trace().weights;
    for (Index i = 0; i < got.rows(); ++i)
      for (Index j = 0; j < got.cols(); ++j)
        CHECK(got(i, j) == doctest::Approx(want[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]).epsilon(1e-4));
    app.scripted = true;
    const HeadScores* scores = scores_of(app);
    REQUIRE(scores);
    check_scores(*scores, both, ids);
    // Mean instead of zero.
    app.settings.ablate_mean = true;
    apply(app);
    check_next(app.model.pass().logits, reference(ids, {{{0, 2}, {1, 2}}, true}).logits);
    gui::remember(app);

    // Ctrl+Z, three times: every head back, the model as it is.
    for (int n = 0; n < 3; ++n) act(app, gui::Action::undo);
    CHECK(app.settings.ablate.empty());
    CHECK_FALSE(app.model.ablated);
    check_next(app.model.pass().logits, reference(ids).logits);
  }

  TEST_CASE("the next token is the prediction after the selected query, before and after a knock-out") {
    gui::AppState app;
    start_on(app, kText, "0.2");
    const ModelRun* run = app.model.of(app.applied);
    REQUIRE(run);
    const std::vector<long> ids = ids_of(*run);
    for (const Index query : {Index{0}, Index{5}, static_cast<Index>(ids.size()) - 2}) {
      const std::vector<long> prefix(ids.begin(), ids.begin() + query + 1);
      const gui::Prediction* p = gui::current_prediction(app.jobs, app.model, query, true);
      REQUIRE(p);
      CHECK(p->error.empty());
      check_next(p->before, reference(prefix).logits);
      REQUIRE(p->after);
      check_next(*p->after, reference(prefix, {{{0, 2}}, false}).logits);
    }
  }

  TEST_CASE("the knocked-out heads round-trip through a scenario; a bad list is named") {
    gui::Settings s;
    s.ablate = "0.2,1.2", s.ablate_mean = true;
    const gui::Settings back = gui::settings_from_json(gui::to_json(s), "lesson.json");
    CHECK(back.ablate == "0.2,1.2");
    CHECK(back.ablate_mean);
    nlohmann::json j = nlohmann::json::parse(gui::to_json(s));
    j["ablate"] = "1.x";
    try {
      gui::settings_from_json(j.dump(), "lesson.json");
      FAIL("a bad list was read");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).starts_with("lesson.json: --ablate '1.x'"));
    }
  }

  TEST_CASE("the recompute starts at the first knocked-out layer") {
    gui::AppState app;
    start_on(app, kText);
    for (const auto& [ablate, expected] : std::vector<std::pair<std::string, std::vector<std::string>>>{
             {"1.2", {"the forward pass 1/2"}}, {"0.3,1.1", {"the forward pass 0/2", "the forward pass 1/2"}}}) {
      gui::Settings s = app.settings;
      s.ablate = ablate;
      std::vector<std::string> said;
      const gui::LoadedModel out = gui::knock_out(app.model, s, [&said](const char* phase, Index done, Index total) {
        said.push_back(std::string(phase) + " " + std::to_string(done) + "/" + std::to_string(total));
      });
      CHECK(said == expected);
      REQUIRE(out.ablated);
      CHECK(out.run == app.model.run);
    }
  }
}

TEST_SUITE("gui/dashboard") {
  TEST_CASE("the head scores tab: a grid per score coloured by value, the top head named, the table") {
    cli_test::TempDir dir;
    const auto shot = dir / "scores.png", report = dir / "scores.json";
    const auto r = run_attnlab({"gui", "--model", kModel, "--text", kText, "--backend", "cpu", "--width", "1280",
                                "--height", "720", "--frames", "4", "--actions", "scores,wait", "--screenshot",
                                shot.string(), "--layout-report", report.string()});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const nlohmann::json frame = nlohmann::json::parse(cli_test::read_all(report))["frames"].back();
    InputOptions in;
    in.model = kModel;
    in.tokens.text = kText;
    gui::Settings s;
    const gui::LoadedModel model = gui::start_on_model(in, s);
    const std::vector<long> ids = ids_of(*model.run);
    const model_test::RefForward ref = reference(ids);
    const window_capture::Image image = window_capture::load_png(shot);
    int grids = 0;
    bool table = false;
    for (const nlohmann::json& item : frame["items"]) {
      const std::string id = item["id"];
      table = table || id == "scores.table";
      if (!id.starts_with("scores.grid.")) continue;
      ++grids;
      const std::string name = id.substr(12);
      const int score = static_cast<int>(parse_head_score(name, "test"));
      const float x0 = item["box"][0], y0 = item["box"][1], x1 = item["box"][2], y1 = item["box"][3];
      const float cell = (x1 - x0) / 4;  // four heads
      CHECK((y1 - y0) / 2 == doctest::Approx(cell));  // two layers
      double hi = 1;
      if (name == "entropy" || name == "distance") {
        hi = 0;
        for (int l = 0; l < 2; ++l)
          for (int h = 0; h < 4; ++h)
            if (auto v = heads_test::pick(heads_test::reference_scores(ref.layers[l].weights[h], ids), score))
              hi = std::max(hi, *v);
      }
      for (int l = 0; l < 2; ++l)
        for (int h = 0; h < 4; ++h) {
          const auto v = heads_test::pick(heads_test::reference_scores(ref.layers[l].weights[h], ids), score);
          const Rgba want = v ? colormap(static_cast<float>(*v), 0, static_cast<float>(hi), viridis()) : masked_colour;
          // Inside the cell, clear of the outlines at its edges.
          const Rgba got = image.at(static_cast<int>(x0 + (h + 0.3f) * cell), static_cast<int>(y0 + (l + 0.3f) * cell));
          CHECK_MESSAGE(window_capture::close(got, want), name << " " << l << "." << h);
        }
    }
    CHECK(grids == 6);
    CHECK(table);
  }

  TEST_CASE("X and --ablate: knocked-out heads crossed in every grid, before → after, Ctrl+Z restores") {
    cli_test::TempDir dir;
    const auto run = [&](const std::vector<std::string>& extra) {
      std::vector<std::string> args{"gui",    "--model", kModel, "--text",   kText,  "--backend", "cpu",
                                    "--width", "1280",   "--height", "720", "--frames", "6", "--screenshot",
                                    (dir / "x.png").string(), "--layout-report", (dir / "x.json").string()};
      args.insert(args.end(), extra.begin(), extra.end());
      const auto r = run_attnlab(args);
      REQUIRE_MESSAGE(r.status == 0, r.err);
      return nlohmann::json::parse(cli_test::read_all(dir / "x.json"))["frames"].back();
    };
    const auto count = [](const nlohmann::json& frame, const std::string& id) {
      int n = 0;
      for (const nlohmann::json& item : frame["items"]) n += item["id"] == id;
      return n;
    };
    // X on the selected head 1.2, then the model view: the before → after rows and the list.
    const nlohmann::json knocked = run({"--layer", "1", "--head", "2", "--actions", "knock-out,wait,heads,wait"});
    CHECK(count(knocked, "next.row") >= 1);
    CHECK(count(knocked, "knockout.list") >= 1);
    // Ctrl+Z: every head back, the plain next tokens again.
    const nlohmann::json undone = run({"--layer", "1", "--head", "2", "--actions", "knock-out,wait,undo,heads,wait"});
    CHECK(count(undone, "next.row") == 0);
    CHECK(count(undone, "next.token") >= 1);
    // --ablate on the command line; the scores' grids cross the head: red at the cell's centre.
    const nlohmann::json scored = run({"--ablate", "1.2", "--actions", "scores,wait"});
    const window_capture::Image image = window_capture::load_png(dir / "x.png");
    int crossed = 0;
    for (const nlohmann::json& item : scored["items"]) {
      if (!item["id"].get<std::string>().starts_with("scores.grid.")) continue;
      const float x0 = item["box"][0], y0 = item["box"][1], x1 = item["box"][2];
      const float cell = (x1 - x0) / 4;
      const Rgba centre = image.at(static_cast<int>(x0 + 2.5f * cell), static_cast<int>(y0 + 1.5f * cell));
      const Rgba other = image.at(static_cast<int>(x0 + 1.5f * cell), static_cast<int>(y0 + 1.5f * cell));
      crossed += centre.r > 200 && centre.g < 100 && centre.b < 100 && !(other.r > 200 && other.g < 100);
    }
    CHECK(crossed == 6);
    CHECK(count(scored, "next.row") >= 1);
  }

  TEST_CASE("presenting, the model view stays readable: a strip of one layer's heads of 64 px or more") {
    cli_test::TempDir dir;
    // Twelve layers of twelve heads (GPT-2 small's grid), with the shipped model's tokenizer.
    model_test::TinySpec spec;
    spec.vocab = nlohmann::json::parse(cli_test::read_all(kModel + "/config.json"))["vocab_size"];
    spec.positions = 128, spec.layers = 12, spec.heads = 12, spec.kv_heads = 12, spec.hidden = 48;
    const auto folder = dir / "wide";
    model_test::write_tiny_model(model_test::make_tiny_model(spec), folder);
    std::filesystem::copy_file(kModel + "/tokenizer.json", folder / "tokenizer.json");
    const auto report = dir / "r.json";
    const auto r = run_attnlab({"gui", "--model", folder.string(), "--text", kOther, "--layer", "5", "--backend", "cpu",
                                "--width", "1280", "--height", "720", "--present", "--frames", "4", "--actions",
                                "heads,wait", "--layout-report", report.string()});
    REQUIRE_MESSAGE(r.status == 0, r.err);
    const nlohmann::json frame = nlohmann::json::parse(cli_test::read_all(report))["frames"].back();
    int thumbnails = 0;
    for (const nlohmann::json& item : frame["items"])
      if (item["id"] == "heads.model_view") {
        ++thumbnails;
        CHECK(item["box"][2].get<float>() - item["box"][0].get<float>() >= 64);
      }
    CHECK(thumbnails == 12);  // layer 5's heads only
  }

  TEST_CASE("the next-token list leaves out what rounds to 0 %") {
    cli_test::TempDir dir;
    InputOptions in;
    in.model = kModel;
    in.tokens.text = kText;
    gui::Settings s;
    const std::vector<long> ids = ids_of(*gui::start_on_model(in, s).run);
    for (const long query : {27L, 3L}) {
      const std::vector<double> p = softmax(reference({ids.begin(), ids.begin() + query + 1}).logits);
      std::vector<double> top = p;
      std::sort(top.rbegin(), top.rend());
      const auto shown = std::count_if(top.begin(), top.begin() + 5, [](double x) { return x >= 0.005; });
      const auto report = dir / "r.json";
      const auto r = run_attnlab({"gui", "--model", kModel, "--text", kText, "--query", std::to_string(query),
                                  "--backend", "cpu", "--frames", "4", "--actions", "heads,wait", "--layout-report",
                                  report.string(), "--present"});  // presenting, only the heads tab lists them
      REQUIRE_MESSAGE(r.status == 0, r.err);
      const nlohmann::json frame = nlohmann::json::parse(cli_test::read_all(report))["frames"].back();
      long rows = 0;
      for (const nlohmann::json& item : frame["items"]) rows += item["id"] == "next.token";
      CAPTURE(query);
      CHECK(rows == shown);
      if (query == 27) CHECK(rows < 5);  // " time" alone: 99.5 %
    }
  }

  TEST_CASE("gui refuses a bad --ablate or --ablation before any window") {
    cli_test::TempDir dir;
    for (const std::vector<std::string>& extra : std::vector<std::vector<std::string>>{
             {"--model", kModel, "--text", "hi", "--ablate", "2.0"},
             {"--model", kModel, "--text", "hi", "--ablate", "1.4"},
             {"--model", kModel, "--text", "hi", "--ablate", "1.x"},
             {"--model", kModel, "--text", "hi", "--ablate", "1.1,1.1"},
             {"--model", kModel, "--text", "hi", "--ablate", "1.1", "--ablation", "max"},
             {"--example", "sentence", "--ablate", "0.0"}}) {
      std::vector<std::string> args{"gui"};
      args.insert(args.end(), extra.begin(), extra.end());
      args.insert(args.end(), {"--frames", "1", "--screenshot", (dir / "x.png").string()});
      const auto r = run_attnlab(args);
      CAPTURE(r.command);
      CHECK(r.status == 2);
      CHECK(r.err.starts_with("attnlab: "));
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
      CHECK_FALSE(std::filesystem::exists(dir / "x.png"));
    }
  }
}
