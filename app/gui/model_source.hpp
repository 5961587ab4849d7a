#pragma once
// The window's real model: one forward pass per folder and text, kept in the app's state (LoadedModel),
// so that changing the layer or the head costs no forward pass; the pass runs off the frame loop.
#include <memory>
#include <string>
#include <vector>

#include "app/gui/settings.hpp"
#include "core/inputs/model_input.hpp"

namespace attnlab::gui {

// The last run only: a class looks at one sentence at a time, and GPT-2's is 0.5 GB of weights.
struct LoadedModel {
  std::string folder, text;
  std::shared_ptr<const ModelRun> run;
  // The run when it is of this folder and text, else null.
  const ModelRun* of(const std::string& folder_, const std::string& text_) const {
    return run && folder == folder_ && text == text_ ? run.get() : nullptr;
  }
  // The run of the model these settings name, else null.
  const ModelRun* of(const Settings& s) const { return of(s.model_folder, s.model_text); }
};

// Loads the folder and runs the forward pass over the text's tokens (slow: call it off the frame
// loop). Throws InputError as the command line would.
LoadedModel load_model_run(const std::string& folder, const std::string& text, const ModelProgress& progress = {});

// What the window runs a model on when no --text is given: the sentence example's words.
inline constexpr const char* default_model_text = "The cat sat because it was tired";

// --model DIR [--text T] on the window's command line, loaded before any window opens (its errors are
// the command line's): the settings on the model and its --layer, with the layer's own mask and
// scale where --mask and --scale were not given. Returns the run. Throws InputError.
LoadedModel start_on_model(const InputOptions& input, Settings& settings);

// The settings moved from layer `from` to settings.layer of the loaded model: where they still have
// layer `from`'s own mask and scale, they take the new layer's own (a sliding window on some
// layers only; GPT-2's scale_attn_by_inverse_layer_idx), and a mask or scale the user chose stays.
void follow_layer(Settings& settings, int from, const LoadedModel& model);

// The `count` likeliest next tokens after the run's text, as the window shows them.
struct NextTokenLabel {
  std::string label;
  double probability = 0;
};
std::vector<NextTokenLabel> next_token_labels(const ModelRun& run, int count);

// QK-norm in the stepper (families.md): query head `head`'s q of token `query` and its KV head's k of
// token `key` in `layer`, each before and after the norm, as chunks of text the stepper wraps (its
// numbers, all of a small head, else the first four, and its rms). Empty without a QK-norm there.
std::vector<std::vector<std::string>> qk_norm_lines(const ModelRun& run, Index layer, Index head, Index query,
                                                    Index key, const std::string& key_label);

// Layer settings.layer of the loaded run as every head's problem, with the model's mask and scale
// (build_heads then applies the settings' own). Throws InputError when the run is not the one the
// settings name or the layer is out of range.
HeadsProblem model_source(const Settings& settings, const LoadedModel& model);

}  // namespace attnlab::gui
