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
// With heads knocked out (settings.ablate), `ablated` is the pass of the model without them,
// computed again from the first knocked-out layer on; `run->pass` stays the model as it is.
struct LoadedModel {
  std::string folder, text;
  std::shared_ptr<const ModelRun> run;
  std::string ablate;        // the heads knocked out of `ablated`, as Settings::ablate lists them
  bool ablate_mean = false;  // replaced by their mean output instead of 0
  std::shared_ptr<const ForwardPass> ablated;
  double ablated_ms = 0;  // how long the knock-out's recompute took
  // The run when it is of this folder and text, else null.
  const ModelRun* of(const std::string& folder_, const std::string& text_) const {
    return run && folder == folder_ && text == text_ ? run.get() : nullptr;
  }
  // The run of the model these settings name, with the heads they knock out, else null.
  const ModelRun* of(const Settings& s) const {
    return ablate == s.ablate && (s.ablate.empty() || ablate_mean == s.ablate_mean) ? of(s.model_folder, s.model_text)
                                                                                    : nullptr;
  }
  // The pass the window shows: with the knocked-out heads, when there are any.
  const ForwardPass& pass() const { return ablated ? *ablated : run->pass; }
};

// The heads Settings::ablate lists ("1.2,0.0"), checked against the model. Throws InputError as --ablate.
Ablation settings_ablation(const Settings& settings, const ModelConfig& config);

// `model` (a run that kept its layers' inputs) with the heads `settings` knock out: the pass computed
// again from the first knocked-out layer on (slow for a large model: call it off the frame loop).
LoadedModel knock_out(const LoadedModel& model, const Settings& settings, const ModelProgress& progress = {});

// Loads the folder and runs the forward pass over the text's tokens, keeping each layer's input for
// a knock-out (slow: call it off the frame loop). Throws InputError as the command line would.
LoadedModel load_model_run(const std::string& folder, const std::string& text, const ModelProgress& progress = {});

// What the window runs a model on when no --text is given: the sentence example's words.
inline constexpr const char* default_model_text = "The cat sat because it was tired";

// --model DIR [--text T] [--ablate L.H,…] on the window's command line, loaded before any window opens
// (its errors are the command line's): the settings on the model, its knock-outs and start_settings.
// Returns the run. Throws InputError. A web page's Hub id is fetched between frames: the settings name
// it, no run is returned, and the window calls start_settings once it has come.
LoadedModel start_on_model(const InputOptions& input, Settings& settings);
// The settings on the model as --model starts the window: its --layer, checked against the model, and
// that layer's own mask, scale and soft-cap where --mask, --scale and --softcap were not given.
// Throws InputError.
void start_settings(const InputOptions& input, const ModelConfig& config, Settings& settings);
// The soft-cap box on the model's own cap (Gemma 2's attn_logit_softcapping): ticked with its C, or
// unticked for a model without one. The box is what the heads get: unticked, no cap at all.
void own_softcap(const ModelConfig& config, Settings& settings);
// A model picked in the window: the settings on its own mask, scale and soft-cap, at their layer when
// the model has it, else at layer 0 (what another model's settings were made for does not carry over).
void follow_model(const ModelConfig& config, Settings& settings);

// The settings moved from layer `from` to settings.layer of the loaded model: where they still have
// layer `from`'s own mask and scale, they take the new layer's own (a sliding window on some
// layers only; GPT-2's scale_attn_by_inverse_layer_idx), and a mask or scale the user chose stays.
void follow_layer(Settings& settings, int from, const LoadedModel& model);

// QK-norm in the stepper (families.md): query head `head`'s q of token `query` and its KV head's k of
// token `key` in `layer`, each before and after the norm, as chunks of text the stepper wraps (its
// numbers, all of a small head, else the first four, and its rms). Empty without a QK-norm there.
std::vector<std::vector<std::string>> qk_norm_lines(const ModelRun& run, Index layer, Index head, Index query,
                                                    Index key, const std::string& key_label);

// Whether the layer the settings show has a QK-norm: the Q key and the toolbar's box apply to it.
bool shows_qk_norm(const Settings& settings, const LoadedModel& model);
// What a title adds about the QK-norm: which side of it q and k are, or "" in a layer without one.
std::string qk_norm_note(const Settings& settings, const LoadedModel& model);

// Layer settings.layer of the loaded run as every head's problem, with the model's mask and scale
// (build_heads then applies the settings' own). Throws InputError when the run is not the one the
// settings name or the layer is out of range.
HeadsProblem model_source(const Settings& settings, const LoadedModel& model);

}  // namespace attnlab::gui
