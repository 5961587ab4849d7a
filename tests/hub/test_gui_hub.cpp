// The window's model source on a Hub id, through the real window under Xvfb against the fake Hub: a
// remembered org/tiny downloads on the worker while the frames go on (its weights held at a gate for
// the whole run), the progress bar drawn from what has come; Cancel keeps the data shown and says
// why; let through, the model opens, and the cache's list offers it.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/hub/hub_fixture.hpp"

using namespace hub_test;
using cli_test::RunResult;

namespace {

// A last.json that names the Hub model: the window restores it and loads it on the worker.
void remember_model(const fs::path& home, const std::string& id) {
  fs::create_directories(home / "config" / "attnlab");
  const nlohmann::json state{
      {"source", "model"}, {"model", id}, {"text", "ab ab ab ab"}, {"stage", "weights"}, {"backend", "cpu"}};
  cli_test::write_all(home / "config" / "attnlab" / "last.json", state.dump());
}

// The window for `frames` frames on the remembered state, `actions` one a frame from the second.
RunResult run_window(const TinyHub& world, int frames, const std::string& actions, const fs::path& report) {
  std::vector<std::string> args{"gui",     "--remember", "--backend", "cpu", "--frames",        std::to_string(frames),
                                "--width", "1600",       "--height",  "900", "--layout-report", report.string()};
  if (!actions.empty()) args.insert(args.end(), {"--actions", actions});
  const RunResult r = cli_test::run_attnlab(args, world.env);
  CAPTURE(r.command);
  CAPTURE(r.err);
  REQUIRE(r.status == 0);
  return r;
}

// The texts the window drew under `id` in frame `frame` of its layout report.
std::vector<std::string> texts_of(const fs::path& report, std::size_t frame, const std::string& id) {
  const nlohmann::json json = nlohmann::json::parse(cli_test::read_all(report));
  std::vector<std::string> found;
  for (const auto& t : json["frames"].at(frame)["texts"])
    if (t["id"] == id) found.push_back(t["text"]);
  return found;
}
bool drew_item(const fs::path& report, std::size_t frame, const std::string& id) {
  const nlohmann::json json = nlohmann::json::parse(cli_test::read_all(report));
  for (const auto& i : json["frames"].at(frame)["items"])
    if (i["id"] == id) return true;
  return false;
}

// The heatmap's rows, from "attnlab: heatmap cells at … rows=N cols=M", which a scripted run prints.
int heatmap_rows(const std::string& err) {
  const std::size_t at = err.find(" rows=");
  REQUIRE_MESSAGE(at != std::string::npos, err);
  return std::stoi(err.substr(at + 6));
}

}  // namespace

TEST_SUITE("gui/hub") {
  TEST_CASE(
      "a Hub id downloads in the window: progress drawn while frames go on, Cancel keeps the data, then it opens") {
    TinyHub world(tiny_repo(commit_a, large_spec()));
    auto& [hub, repo, home, env] = world;
    const std::string& weights = repo.files.at("model.safetensors").bytes;
    REQUIRE(weights.size() > 2 * held_at);
    const auto gate = hold_weights(hub);
    const Opener opener{gate};
    remember_model(home.path(), "org/tiny");

    // The weights stop at the gate: after the first bytes have come, four more frames are drawn with
    // the bar on model.safetensors and a Cancel button; the window closed mid-download ends at once.
    const RunResult held = run_window(world, 6, "wait-progress,wait,wait,wait", home / "held.json");
    for (std::size_t frame = 2; frame < 6; ++frame) {
      CAPTURE(frame);
      const std::vector<std::string> bar = texts_of(home / "held.json", frame, "heatmap.download");
      REQUIRE(bar.size() == 1);
      CHECK(bar[0].find("Downloading org/tiny from the Hub: model.safetensors") != std::string::npos);
      CHECK(bar[0].find(" / ") != std::string::npos);  // bytes of the file's size
      CHECK(drew_item(home / "held.json", frame, "heatmap.cancel"));
      CHECK(drew_item(home / "held.json", frame, "heatmap.download-bar"));
    }
    CHECK(held.err.find("the window says") == std::string::npos);
    const fs::path blobs = home / "hub" / "models--org--tiny" / "blobs";
    CHECK(files_named(blobs, ".incomplete").size() == 1);  // the part, kept for the next try

    // Cancel: the download stops, the window says why, and the data it had (the example it opened on) stays.
    const RunResult cancelled =
        run_window(world, 6, "wait-progress,cancel-download,wait-model,wait", home / "cancelled.json");
    CHECK(cancelled.err.find("the window says: download of org/tiny cancelled") != std::string::npos);
    CHECK(texts_of(home / "cancelled.json", 5, "heatmap.download").empty());
    const int example_rows = heatmap_rows(cancelled.err);
    CHECK(example_rows != 4);
    CHECK_FALSE(fs::exists(home / "hub" / "models--org--tiny" / "snapshots" / commit_a / "model.safetensors"));

    // Let through: the part resumes, the model opens (ab, Ġab, Ġab, Ġab: four tokens), and the cache's
    // list offers org/tiny.
    gate->open();
    hub.fault("model.safetensors", [](Faults& f) { f.pace = nullptr; });
    const RunResult opened = run_window(world, 4, "wait-model,wait", home / "opened.json");
    CHECK(opened.err.find("the window says") == std::string::npos);
    CHECK(heatmap_rows(opened.err) == 4);
    CHECK(cli_test::read_all(home / "hub" / "models--org--tiny" / "snapshots" / commit_a / "model.safetensors") ==
          weights);
    CHECK(texts_of(home / "opened.json", 3, "inputs.cached") == std::vector<std::string>{"org/tiny"});
  }

  TEST_CASE("a Hub id the Hub does not have: the window says so and keeps its data") {
    TinyHub world;
    remember_model(world.home.path(), "org/missing");
    const RunResult r = run_window(world, 4, "wait-model,wait", world.home / "missing.json");
    CHECK(r.err.find("the window says: Hub model org/missing: no such model") != std::string::npos);
    CHECK(heatmap_rows(r.err) != 4);
  }
}
