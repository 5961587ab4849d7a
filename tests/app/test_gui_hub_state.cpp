// The window's state with a Hub id, without a window: the download on the model's worker, its progress
// as the heatmap's bar shows it, Cancel keeping the model shown and saying why, and the same id opening
// once let through — against the fake Hub on 127.0.0.1, the process's environment pointed at it.
#include <doctest/doctest.h>

#include <cstdlib>
#include <optional>
#include <utility>

#include "app/gui/app_actions.hpp"
#include "app/gui/app_state.hpp"
#include "core/attention/cpu_backend.hpp"
#include "tests/hub/hub_fixture.hpp"

using namespace attnlab;
using namespace hub_test;

namespace {

// The variables the binary's Hub tests set, set in this process for one case and put back after it.
class HubEnvironment {
 public:
  explicit HubEnvironment(const cli_test::RunOptions& options) {
    for (const std::string& assignment : options.env) {
      const std::size_t equals = assignment.find('=');
      const std::string name = assignment.substr(0, equals);
      const char* old = std::getenv(name.c_str());
      saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
      setenv(name.c_str(), assignment.c_str() + equals + 1, 1);
    }
  }
  ~HubEnvironment() {
    for (const auto& [name, value] : saved_)
      if (value) setenv(name.c_str(), value->c_str(), 1);
      else unsetenv(name.c_str());
  }
  HubEnvironment(const HubEnvironment&) = delete;
  HubEnvironment& operator=(const HubEnvironment&) = delete;

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

}  // namespace

TEST_SUITE("app/hub") {
  TEST_CASE("a Hub id loads on the model's worker: progress said, Cancel keeps the model shown, then it opens") {
    TinyHub world(tiny_repo(commit_a, large_spec()));
    auto& [hub, repo, home, env] = world;
    const HubEnvironment environment(env);
    REQUIRE(repo.files.at("model.safetensors").bytes.size() > 2 * held_at);
    const auto gate = hold_weights(hub);
    const Opener opener{gate};

    // The same model as a folder, shown first.
    write_folder(repo, home / "folder");
    const std::string folder = (home / "folder").string(), text = "ab ab ab";
    gui::AppState app;
    InputOptions in;
    in.model = folder;
    in.tokens.text = text;
    app.model = gui::start_on_model(in, app.settings);
    start(app, std::make_unique<CpuBackend>());
    const Matrix shown = app.problem().q;
    REQUIRE(shown.rows() == 3);  // ab, Ġab, Ġab

    // The id: the worker downloads; what it says is what the bar draws; the folder's data stays.
    app.settings.model_folder = "org/tiny";
    apply(app);
    CHECK(app.model_loading());
    CHECK(app.model_load.hub);
    gui::act(app, gui::Action::wait_progress);
    gui::platform::DownloadProgress said;
    {
      const std::lock_guard lock(app.model_load.mutex);
      said = app.model_load.download;
    }
    CHECK(said.line.starts_with("model.safetensors"));
    CHECK(said.fraction > 0);
    CHECK(said.fraction < 1);
    CHECK(app.model_loading());
    CHECK(app.applied.model_folder == folder);
    CHECK(app.problem().q == shown);

    // Cancel: the worker stops, the window says why, the folder's model and data stay, and the id is
    // not tried again by itself.
    gui::act(app, gui::Action::cancel_download);
    gui::act(app, gui::Action::wait_model);
    CHECK_MESSAGE(contains(app.error, "download of org/tiny cancelled"), app.error);
    CHECK(app.applied.model_folder == folder);
    CHECK(app.model.of(folder, text) != nullptr);
    CHECK(app.problem().q == shown);
    apply(app);
    CHECK_FALSE(app.model_loading());

    // Let through and chosen again (Enter on the id): the part resumes and the model opens, the same
    // weights and tokens as the folder's.
    gate->open();
    hub.fault("model.safetensors", [](Faults& f) { f.pace = nullptr; });
    app.model_load.failed_folder.clear();
    apply(app);
    gui::act(app, gui::Action::wait_model);
    CHECK_MESSAGE(app.error.empty(), app.error);
    CHECK(app.applied.model_folder == "org/tiny");
    CHECK(app.model.of("org/tiny", text) != nullptr);
    CHECK(app.problem().q == shown);

    // Another model chosen while one downloads: the download stops by itself and the chosen one opens.
    hub.add("org/other", tiny_repo(commit_b, large_spec()));
    const auto other_gate = hold_weights(hub);
    const Opener other_opener{other_gate};
    app.settings.model_folder = "org/other";
    apply(app);
    gui::act(app, gui::Action::wait_progress);
    CHECK(app.model_loading());
    app.settings.model_folder = folder;
    apply(app);                              // cancels the download
    gui::act(app, gui::Action::wait_model);  // its end: then the folder's run starts (one run is kept)
    gui::act(app, gui::Action::wait_model);
    CHECK_FALSE(app.model_loading());
    CHECK_MESSAGE(app.error.empty(), app.error);
    CHECK(app.applied.model_folder == folder);
    CHECK(app.model.of(folder, text) != nullptr);
    CHECK(app.problem().q == shown);
    CHECK(files_named(home / "hub" / "models--org--other" / "blobs", ".incomplete").size() == 1);
  }
}
