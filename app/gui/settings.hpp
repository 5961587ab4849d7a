#pragma once
// Everything a teacher sets up: what a scenario file saves and the app remembers between runs.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/attention/heads.hpp"
#include "core/attention/memory.hpp"
#include "core/attention/problem.hpp"
#include "core/attention/trace.hpp"

namespace attnlab::gui {

struct Settings {
  std::string source = "example";  // example | random | files | model
  std::string example = "sentence";
  // A real model (models.md): its folder, the sentence, and the layer shown.
  std::string model_folder, model_text;
  int layer = 0;
  std::string q_path, k_path, v_path;
  int lq = 8, lk = 8;  // random inputs
  int dk = 0;          // 0: the source's own width (an example's, a file's, 64 for random)
  int dv = 64;         // random inputs
  std::uint64_t seed = 0;
  float sigma = 1.0f;
  std::string mask = "none";          // a mask spec of the CLI; "painted" uses `painted`
  std::vector<std::uint8_t> painted;  // Lq·Lk cells, 1 = may attend (a bool mask)
  std::string scale = "sqrt";         // sqrt | none | value
  float scale_value = 0.125f;
  float temperature = 1.0f;
  std::string backend = "auto";
  // The precision lab: fp32 | fp16 | bf16, the row maximum subtracted or not, and the value of
  // masked cells: -inf, -1e9, -65504 or lowest (the format's most negative finite value).
  std::string precision = "fp32";
  bool subtract_max = true;
  std::string mask_value = "-inf";
  // Heads: H query heads over G KV heads (G divides H); files bring their own. `head` is the one
  // the stepper and heatmap show. The KV-cache readout's context length and layer count.
  int heads = 1, kv_heads = 1, head = 0;
  int context = 8192, layers = 32;
  int query = 0;
  Stage stage = Stage::scores;
  bool scaling_on() const { return scale != "none"; }

  // How it looks; saved with the rest so a lesson opens as it was prepared.
  float font_scale = 1.0f;
  bool present = false;
  bool light = false;
  // The colour range: the weights over [0, their largest] instead of [0, 1]; scores, scaled and
  // masked on one range, so that scaling is seen to shrink the spread (ColourSpan, core/figure).
  bool stretch_weights = false;
  bool shared_range = false;

  bool operator==(const Settings&) const = default;
};

// The inputs as the source gives them, every head at the source's own width (no mask, scale, ...).
HeadsProblem load_source(const Settings& settings);
// Every head these settings describe, from the source already loaded; throws InputError naming
// what is wrong.
HeadsProblem build_heads(const Settings& settings, const HeadsProblem& source);
// The selected head's problem these settings describe.
Problem build_problem(const Settings& settings);
// The parts of build_problem() that a scale, mask or precision change needs, without rebuilding the inputs.
ScaleSpec build_scale(const Settings& settings);
// The settings' words for a scale: "sqrt", "none", or "value" with scale_value.
void set_scale(Settings& settings, const ScaleSpec& scale);
PrecisionMode build_precision(const Settings& settings);
MaskSpec build_mask(const Settings& settings, Index lq, Index lk);

std::string to_json(const Settings& settings);
// Unknown keys are ignored and missing ones keep their defaults. Every value goes through the
// command line's limits (core/base/limits.hpp): a file that is not a JSON object of settings, a
// key of the wrong type or a value out of range throws InputError naming the file and the key,
// quoting at most a short excerpt of the value.
Settings settings_from_json(const std::string& text, const std::string& name);
// The checks between keys (kv_heads divides heads) and of names (source, scale, backend, precision).
void check_settings(const Settings& settings, const std::string& name);
// Atomic; settings that would not read back (a value out of range or not finite) are refused.
void save_settings(const Settings& settings, const std::filesystem::path& path);
Settings load_settings(const std::filesystem::path& path);
// Moves a remembered state that failed to load or to start aside, to last.json.bad (replacing an
// older one), so that the defaults written at exit never replace the user's file unseen. Returns
// the new path, or an empty one when there was nothing to move or it could not be moved.
std::filesystem::path keep_aside(const std::filesystem::path& path);
// Throws InputError when the window with these settings on a problem of these sizes would need
// more memory than it may use (the source, every head, the trace, the heads' grid, the textures).
void check_window_memory(const Settings& settings, const RunSizes& sizes);

// $XDG_CONFIG_HOME/attnlab/last.json, or ~/.config/attnlab/last.json.
std::filesystem::path last_state_path();

}  // namespace attnlab::gui
