#pragma once
// The window's real model: one forward pass per folder and text, kept, so that changing the layer
// or the head costs no forward pass, and run on a worker thread so that frames keep coming.
#include <memory>
#include <string>
#include <vector>

#include "core/inputs/model_input.hpp"

namespace attnlab::gui {

struct Settings;

// The run of this folder and text when one was loaded, else null. Thread-safe.
std::shared_ptr<const ModelRun> loaded_model(const std::string& folder, const std::string& text);
// Loads the folder and runs the forward pass over the text's tokens (slow: call it off the frame
// loop), keeping the result for loaded_model(). Throws InputError as the command line would.
std::shared_ptr<const ModelRun> load_model_run(const std::string& folder, const std::string& text,
                                               const ModelProgress& progress = {});

// What the window runs a model on when no --text is given: the sentence example's words.
inline constexpr const char* default_model_text = "The cat sat because it was tired";

// --model DIR [--text T] on the window's command line, loaded before any window opens (its errors are
// the command line's): the settings on the model and its --layer, with the layer's own mask and
// scale where --mask and --scale were not given. Throws InputError.
void start_on_model(const InputOptions& input, Settings& settings);

// The settings moved from layer `from` to settings.layer of the loaded model: where they still have
// layer `from`'s own mask and scale, they take the new layer's own (a sliding window on some
// layers only; GPT-2's scale_attn_by_inverse_layer_idx), and a mask or scale the user chose stays.
void follow_layer(Settings& settings, int from);

// The `count` likeliest next tokens after the run's text, as the window shows them.
struct NextTokenLabel {
  std::string label;
  double probability = 0;
};
std::vector<NextTokenLabel> next_token_labels(const ModelRun& run, int count);

// Layer settings.layer of the loaded run as every head's problem, with the model's mask and scale
// (build_heads then applies the settings' own). Throws InputError when the run is not loaded or
// the layer is out of range.
HeadsProblem model_source(const Settings& settings);

}  // namespace attnlab::gui
