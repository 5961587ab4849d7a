#pragma once
// The one state of the app: the settings, the engine with its trace, the loaded model, and what the
// screen says. Every change goes through apply(): a change that fails keeps the data the app had and
// shows why. Its functions are split by concern, one file each: app_state.cpp (start, apply, the
// colours), app_model_load.cpp (the model's forward pass on a worker), app_actions.hpp (the keys'
// actions), app_grids.hpp (the thumbnail grids).
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/gui/export.hpp"
#include "app/gui/generation_job.hpp"
#include "app/gui/heatmap_image.hpp"
#include "app/gui/model_source.hpp"
#include "app/gui/model_views.hpp"
#include "app/gui/platform.hpp"
#include "app/gui/score_job.hpp"
#include "app/gui/settings.hpp"
#include "app/gui/stage_motion.hpp"
#include "core/attention/engine.hpp"
#include "core/figure/figure.hpp"
#include "core/sweep/sweep.hpp"

namespace attnlab::gui {

struct AppState {
  Settings settings;               // what the controls show (may be ahead of the data after an error)
  Settings applied;                // what the engine's problem was built from
  std::unique_ptr<Engine> engine;  // runs the selected head
  HeadsProblem source;             // the inputs as loaded, every head at the source's own width
  HeadsProblem heads;              // every head as the settings make them; the engine has settings.head
  LoadedModel model;               // the real model's last forward pass, when one was loaded
  ModelJobs jobs;                  // what is computed from its pass off the frame: the head scores, a query's next token
  ModelViews views;                // the compare and rollout tabs: a second sentence's pass, the rollout
  struct HeadGrid {                // every head's weights as thumbnails, for the heads panel
    int generation = -1;
    std::vector<Matrix> weights;  // block means when L is large
    Matrix masked;                // -inf where the shared mask hides a whole block, else 0
  } grid;
  struct ModelGrid {  // a real model's layers × heads, for the model view
    int generation = -1;          // of the data shown: a newer grid may be under way in `next`
    Index layers = 0, heads = 0;
    std::vector<Matrix> weights;  // layer ℓ, head h at ℓ·heads + h; block means when L is large
    std::vector<Matrix> masked;   // per layer (a sliding window differs by layer)
    // The grid under way, built a head at a time over frames (app_grids.hpp) from the data as it was
    // when it began: the settings and the model's pass.
    struct Next {
      int generation = -1;  // -1: none under way
      Settings settings;
      LoadedModel model;
      Index layers = 0, heads = 0, layer = 0, head = 0;  // the next head to compute
      HeadsProblem problem;                             // of `layer`
      std::vector<Matrix> weights, masked;
    } next;
  } model_grid;
  // Opens a backend by name ("auto", "cpu", "gpu") for this window, setting `why` when it had to
  // fall back to the CPU; the window provides it, since only it knows its GL context.
  std::function<std::unique_ptr<Backend>(const std::string& name, std::string& why)> open_backend;
  std::string error;         // why the last change was refused; the data shown is still the old one
  std::string backend_note;  // which backend runs, and why when "auto" fell back
  std::string status;        // a short confirmation (saved, loaded, exported, ...)
  double status_clock = 0;   // seconds left to show it; 0: until replaced
  // The dk explorer's sweep, run on a thread of its own so that the window stays live.
  struct Explorer {
    SweepOptions options;  // what `points` (or the sweep under way) was run with
    std::vector<SweepPoint> points;
    std::atomic<int> done{0};
    std::atomic<bool> cancel{false}, finished{false}, failed{false};
    std::vector<SweepPoint> result;  // written by the thread, moved to `points` once finished
    std::string failure;             // why the sweep was refused (σ too large): written before `failed`
    std::jthread worker;
    ~Explorer() { cancel = true; }  // the jthread joins after this
  } explorer;
  // The real model's forward pass, on a thread of its own: the window keeps the data it had (and
  // its frames) until the run is there, and keeps it too when the folder or text is refused. A Hub
  // id is downloaded there first (platform::model_folder), with a progress bar and a Cancel button.
  // --model's options for a model that comes after the window opens (a web page's Hub id).
  std::optional<InputOptions> model_start;
  struct ModelLoad {
    std::string folder, text;  // what the worker loads, or loaded last: a folder or a Hub id
    Settings wanted;           // the settings it loads for: their folder, text and knocked-out heads
    // The model already loaded when only the knocked-out heads changed: the worker then computes
    // again from the first knocked-out layer only.
    std::optional<LoadedModel> base;
    std::atomic<bool> finished{false};
    bool hub = false;                      // `folder` is a Hub id: a scripted run shows its download
    std::atomic<bool> downloading{false};  // the worker is still bringing the Hub model's files
    std::atomic<bool> cancel{false};       // the Cancel button: the download stops within a second
    // The download's progress, and `finished`, under `mutex`; `changed` wakes a scripted run's wait.
    std::mutex mutex;
    std::condition_variable changed;
    platform::DownloadProgress download;
    // How far the worker is: layers `done` of `total` of `phase` (a string literal of the model's).
    std::atomic<const char*> phase{nullptr};
    std::atomic<Index> done{0}, total{0};
    // One thread only (a web page): the frame before the run has said that it comes; the browser
    // fetches a Hub model's files between frames.
    bool announced = false, fetching = false;
    LoadedModel result;                      // written by the worker before `finished`
    std::string error;                       // written by the worker before `finished`
    std::string failed_folder, failed_text;  // refused: not tried again until one of them changes
    std::string failed_ablate;
    std::jthread worker;
    ~ModelLoad() { cancel = true; }  // a window closed mid-download: the jthread joins after this
  } model_load;
  bool model_loading() const {
    return (model_load.worker.joinable() && !model_load.finished) || model_load.fetching;
  }
  // G, Shift+G and Ctrl+Z on a loaded model's sentence (generation_job.hpp, app_generate.hpp).
  Generating generating;
  bool scripted = false;  // a --frames run: background work is waited for, so pictures are complete
  // The right column's tabs: the stepper, and under it (or beside it, folded, when there is no
  // room below it) the output, the inputs (when they have no column of their own), the dk explorer,
  // the heads and, for a real model, the head scores and generation.
  // A real model's compare (a second sentence beside the first) and rollout tabs come last.
  enum class Tab { stepper, output, inputs, explorer, heads, scores, generate, compare, rollout };
  Tab tab = Tab::stepper;
  std::optional<Tab> tab_shown;  // what the tab bar showed last frame: a key's choice is made to show
  bool tabs_folded = false;      // the tabs share the stepper's panel (the layout's choice last frame)
  bool help = false;             // the overlay that lists every key
  // Ctrl+Z / Ctrl+Shift+Z: the settings before each change, and those undone; view settings (the
  // stage, the query, the head, the mode and theme) are not changes to undo.
  struct History {
    std::vector<Settings> undo, redo;
    std::optional<Settings> last;  // what the last remembered state was
  } history;
  struct Zoom {  // the heatmap's view: from cell (row0, col0), 1/scale of each axis
    float scale = 1, row0 = 0, col0 = 0;
  } zoom;
  struct Typed {  // text being typed, used when its button is pressed
    std::string q_path, k_path, v_path, scenario = "lesson.json", export_dir = "attnlab-figures";
    std::string model_folder, model_text;
    bool model_filled = false;                           // the model's fields start from the settings once
    std::optional<std::vector<std::string>> cached_hub;  // the cache's Hub ids, listed again after a download
  } typed;
  PaintedStage painted;  // a generated token's heatmap, painted by the worker (app.generation's, or stale)
  struct Colours {  // the current stage's colour range, found once per recompute
    int generation = -1;
    Stage stage = Stage::scores;
    bool stretch = false, shared = false;
    ColourRange range;
  } colours;
  bool show_error = false;  // the weights' error against float64 instead of the weights (precision lab)
  bool tiles = false;       // the stepper walks the FlashAttention tiles instead of the five stages
  int tile = 4, tile_step = 0;
  int focus_key = -1;    // the key under the mouse in the stepper or heatmap, this frame
  StageMotion motion;    // the heatmap and the row's bars moving from one stage to the next
  bool playing = false;  // space: step through the stages on a timer
  double play_clock = 0;
  bool fullscreen = false;
  bool applied_theme_light = false;
  double last_compute_ms = 0;
  int generation = 0;  // counts successful recomputes: views repaint when it moves

  const Problem& problem() const { return engine->problem(); }
  const Trace& trace() { return engine->trace(); }
};

// The colour range of the stage on screen (cached per recompute and stage), as the figures find it.
ColourSpan colour_span(const Settings& settings);
// True when the weights are stretched though the settings do not ask it: every weight is below 0.2.
bool weights_stretched_by_default(AppState& app);
// The span the window draws (and exports) with: the settings', stretched by default as above.
ColourSpan shown_span(AppState& app);
const ColourRange& stage_colours(AppState& app);
// Whether a change of stage moves: the setting, and on a page the browser's "reduce motion" not asked.
inline bool motion_on(const AppState& app) {
  return app.settings.motion && !platform::reduced_motion();
}
// The colour range of any stage, found afresh (a stage change's motion starts from the old one's).
ColourRange colours_of(AppState& app, Stage stage);
const ColormapTable& stage_table(Stage stage);

// Builds the engine on the settings' backend and problem; throws InputError/RunError if even
// the first problem cannot be built (the caller falls back to the defaults).
void start(AppState& app, std::unique_ptr<Backend> backend);
// Brings the engine up to date with app.settings, recomputing only what changed.
void apply(AppState& app);
// True when the model the settings name is loaded; else starts or follows its loading on the worker
// (a scripted run waits for it) and says why the data stays as it was (app_model_load.cpp).
bool model_ready(AppState& app);
// A scripted run's waits (--actions wait-progress, wait-model): until a Hub download has brought part of
// the weights (or the load is done), or until the load is done.
void wait_for_model(AppState& app, bool progress_is_enough);

// The heads and trace apply() would build for `settings` from `model`, computed off the frame (the
// trace on a CPU backend of the worker's own when `trace` is true). Throws what apply() would catch.
PreparedView prepare_view(const Settings& settings, const LoadedModel& model, bool trace);
// Takes `prepared` over as apply() would have built it, when the settings are still the ones it was
// built for and the engine runs on the CPU: true then, and apply() finds nothing to do.
bool adopt(AppState& app, PreparedView& prepared);

// Ctrl+Z on a generated token (app_take_back.cpp): when the settings name the sentence before the
// last generated token, its run without the token is made on the generation worker (at once in a
// scripted run or on a web page); true while that is under way, and the data stays as it is.
bool take_back(AppState& app);
// Once the worker is done: the sentence before the token, its view taken over from the worker.
void land_take_back(AppState& app);

// What the window shows, as an export draws it: the selected head, every head's trace for the grid.
ExportSource export_source(AppState& app);

}  // namespace attnlab::gui
