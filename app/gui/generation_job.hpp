#pragma once
// Generation in the window (heads.md): the loaded model's sentence grows by one token at a time
// through its pass's KV cache, each token drawn by the sampler `attnlab generate` uses
// (core/model/sampling.hpp), so that the window and the command line give the same ids for the same
// settings; the last token taken back by dropping its row from the cache. What the worker computes,
// and what the window keeps between tokens; app_generate.cpp runs it.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/gui/heatmap_image.hpp"
#include "app/gui/model_source.hpp"
#include "core/attention/trace.hpp"
#include "core/model/forward.hpp"
#include "core/model/sampling.hpp"

namespace attnlab::gui {

// A token the window generated: the sentence before and after it, and the model's logits before it
// (the cache keeps rows, not the logits of earlier steps).
struct GeneratedToken {
  std::string text_before, text_after;
  Eigen::VectorXf logits_before;
};

// What the frame would compute from a new sentence's run, computed by the worker after the step (or
// the undo): the selected layer's heads as `settings` build them and, when the window's engine runs
// on the CPU, the selected head's trace; app_state.hpp's adopt() takes it over in one move.
struct PreparedView {
  Settings settings;  // what it was built for (the new sentence's)
  HeadsProblem source, heads;
  std::optional<Trace> trace;
  std::optional<PaintedStage> painted;  // with the trace: the heatmap's texture of the settings' stage
};

// How many candidates of a step the sampling panel lists.
inline constexpr Index shown_candidates = 8;

// A token made a part at a time (a layer, then the logits: LayerRun), so that a page (one thread) can
// spread it over frames: a copy of the model's run grows by the token's rows while the frames keep
// drawing the run they have. Dropped unfinished (Cancel), the model is untouched.
class TokenParts {
 public:
  // Throws InputError when the sentence fills the model's positions.
  TokenParts(const LoadedModel& model, std::int64_t id);
  bool next() { return layers_->next(); }  // one part; true once the token is through the model
  Index done() const { return layers_->done(); }
  Index parts() const { return layers_->parts(); }
  // The token with its parts left run: what extended(model, settings, id) gives (it is this).
  LoadedModel finish(const LoadedModel& model, const Settings& settings);

 private:
  std::int64_t id_;
  std::shared_ptr<ModelRun> run_;
  std::optional<LayerRun> layers_;  // last: it holds run_'s pass
};

struct Generating {
  Sampling sampling;  // the sampling panel's: greedy at temperature 0
  int count = 16;     // Shift+G's new tokens
  // The sentence as typed and its tokens: the sampler's step t counts the tokens after them, as
  // `attnlab generate --text` counts from its prompt.
  std::string prompt_folder, prompt_text;
  std::size_t prompt_tokens = 0;
  std::vector<GeneratedToken> tokens;  // generated onto the sentence shown, the last one last
  std::optional<TokenDraw> last_draw;  // the last step's candidates, for the panel
  std::string typed_text;              // what the model's text field was given by the last token
  // A run of tokens: how many are still wanted, and how many came of `asked`.
  int wanted = 0, asked = 0, made = 0;
  int changes = 0;  // tokens taken in or back so far: a frame that moves it changed the sentence (frame_report.hpp)
  // The step on the worker: `from` is the model it extends (or, `undoing`, takes the last token
  // from), `result` (or `error`) and `prepared` written before `finished`.
  bool undoing = false;
  bool trace_on_worker = false;  // the window's engine runs on the CPU: the worker traces the new head too
  LoadedModel from;
  Settings settings;    // the knocked-out heads the step keeps
  Sampling drawn_with;  // the panel's sampling when the step began (the panel may change meanwhile)
  std::uint64_t step = 0;
  LoadedModel result;
  std::optional<PreparedView> prepared;
  TokenDraw draw;
  std::string error;
  std::atomic<bool> finished{false};
  std::atomic<bool> cancel{false};  // Cancel: no token after the one under way
  // While true a worker's step waits before it begins: a test holds it to see the frames while it runs.
  std::atomic<bool> hold{false};
  // The page's step, made a part at a time over frames (the desktop's runs whole on `worker`).
  std::unique_ptr<TokenParts> parts;
  std::jthread retiring;  // frees the run before the last token (app_generate.cpp)
  std::jthread worker;    // last: joined before what it uses goes
  bool running() const { return worker.joinable() || parts || wanted > 0; }
  bool taking_back() const { return worker.joinable() && undoing; }
};

// What a finished step (or take-back) left in `g`, moved out: the model it started from, the one it
// made and what the frame would build from that; the worker's fields are empty again.
struct StepResult {
  LoadedModel from, result;
  std::optional<PreparedView> prepared;
};
StepResult take_result(Generating& g);

// The token drawn after `model`'s pass (its knocked-out heads' pass when it has one) at the sampler's
// step `step`.
TokenDraw draw_next(const LoadedModel& model, const Sampling& sampling, std::uint64_t step);

// `model` with token `id` after its sentence: a new run that shares the model's weights, the token's
// row appended to every layer's cache (forward_step, no pass over the earlier tokens), its text
// appended to the sentence, and the knocked-out heads of `settings` computed again from their first
// layer. Throws InputError when the sentence fills the model's positions.
LoadedModel extended(const LoadedModel& model, const Settings& settings, std::int64_t id);

// Frees `old` (a run the sentence no longer shows) on a thread of its own: giving a long sentence's
// cache back (hundreds of MiB) takes longer than a frame. One at a time: the next waits for it.
void retire(Generating& g, LoadedModel old);

// `model` without its last token: the cache's rows dropped, the logits before it restored, the
// sentence `text`, the knocked-out heads computed again.
LoadedModel without_last(const LoadedModel& model, const Settings& settings, const std::string& text,
                         const Eigen::VectorXf& logits);

// Ctrl+Z on a generated token: true when the settings name the sentence before `g`'s last token and
// `model` is the sentence after it, so that without_last() (the cache's undo, no forward pass) gives
// the model they name; otherwise the model loads as any change would.
bool can_take_back(const Generating& g, const LoadedModel& model, const Settings& settings);

}  // namespace attnlab::gui
