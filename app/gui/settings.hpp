#pragma once
// Everything a teacher sets up: what a scenario file saves and the app remembers between runs. Inside
// the program a setting is an enum or a number; words only at the edges (settings_file.cpp, the command
// line). One table, settings_fields(), lists every setting once — its key, its member, its range and
// the part of the window it changes — and writing, reading, checking and comparing all walk it.
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/attention/mask.hpp"
#include "core/attention/precision.hpp"
#include "core/attention/scale.hpp"
#include "core/attention/trace.hpp"

namespace attnlab::gui {

// Where the data comes from.
enum class Source { example, random, files, model };
// Which backend runs the selected head: "auto" takes the GPU where it starts, else the CPU.
enum class BackendName { automatic, cpu, gpu };

struct Settings {
  Source source = Source::example;
  std::string example = "sentence";
  // A real model (models.md): its folder, the sentence, and the layer shown.
  std::string model_folder, model_text;
  int layer = 0;
  // The model's heads knocked out ("1.2,0.0", as --ablate lists them), each replaced by 0 or by its
  // mean output (heads.md): the model view's toggle and Alt+click, undone like any change.
  std::string ablate;
  bool ablate_mean = false;
  std::string q_path, k_path, v_path;
  int lq = 8, lk = 8;  // random inputs
  int dk = 0;          // 0: the source's own width (an example's, a file's, 64 for random)
  int dv = 64;         // random inputs
  std::uint64_t seed = 0;
  float sigma = 1.0f;
  std::string mask = "none";          // a mask spec of the command line; "painted" uses `painted`
  std::vector<std::uint8_t> painted;  // Lq·Lk cells, 1 = may attend (a bool mask)
  ScaleSpec::Kind scale = ScaleSpec::Kind::sqrt;
  float scale_value = 0.125f;  // with ScaleSpec::Kind::value
  float temperature = 1.0f;
  BackendName backend = BackendName::automatic;
  // The precision lab: the format, the row maximum subtracted or not, and the value of masked cells
  // as parse_mask_value reads it: -inf, -1e9, -65504 or lowest (the format's most negative value).
  Precision precision = Precision::fp32;
  bool subtract_max = true;
  std::string mask_value = "-inf";
  // Heads: H query heads over G KV heads (G divides H); files bring their own. `head` is the one
  // the stepper and heatmap show. The KV-cache readout's context length and layer count.
  int heads = 1, kv_heads = 1, head = 0;
  int context = 8192, layers = 32;
  int query = 0;
  Stage stage = Stage::scores;
  // The soft-cap C·tanh(scaled/C) (Gemma 2) and the sink logit (gpt-oss), as --softcap and --sink set
  // them: each on or off, keeping its value while off; one sink for every head, or one per head.
  bool softcap_on = false;
  float softcap = 2.0f;
  bool sink_on = false;
  std::vector<float> sinks{0.0f};
  // A model layer with a QK-norm (Qwen3, Gemma 3, OLMo 2) shown as if it had none: q and k before the
  // norm, turned by RoPE as the model turns them, in every stage, figure and the precision lab.
  bool qk_norm_before = false;
  bool scaling_on() const { return scale != ScaleSpec::Kind::none; }

  // How it looks; saved with the rest so a lesson opens as it was prepared.
  float font_scale = 1.0f;
  bool present = false;
  bool light = false;
  bool motion = true;  // a change of stage moves the values for a moment (stage_motion.hpp); off: at once
  // The colour range: the weights over [0, their largest] instead of [0, 1]; scores, scaled and
  // masked on one range, so that scaling is seen to shrink the spread (ColourSpan, core/figure).
  bool stretch_weights = false;
  bool shared_range = false;

  bool operator==(const Settings&) const = default;
};

// What a change of a setting asks of the window: a new source (its own part each: where the data
// comes from, the model's folder, text and layer, the heads), a new width, a new scale, mask or
// precision on the same inputs, another backend; `view` is what the teacher looks at (stage, query,
// head, fonts, mode, theme), never a change to undo; `display` shows the same data another way (the
// colour range, the KV-cache readout); `cap` is the soft-cap and the sink.
enum class Part { source, model, heads, dk, scale, mask, precision, backend, view, display, cap };

using Member = std::variant<std::string Settings::*, int Settings::*, float Settings::*, bool Settings::*,
                            std::uint64_t Settings::*, std::vector<std::uint8_t> Settings::*,
                            std::vector<float> Settings::*, Source Settings::*, BackendName Settings::*,
                            ScaleSpec::Kind Settings::*, Precision Settings::*, Stage Settings::*>;
// One setting: its key in a settings file, its member, its part, and for numbers the values a file may
// hold (the command line's limits, core/base/limits.hpp).
struct Field {
  const char* key;
  Member member;
  Part part;
  double lo = 0, hi = 0;
};
// Every setting, once, in the order a settings file is checked.
std::span<const Field> settings_fields();

// Whether a and b hold the same values in every setting of `parts` (or, same_outside, of every other part).
bool same_in(const Settings& a, const Settings& b, std::initializer_list<Part> parts);
bool same_outside(const Settings& a, const Settings& b, std::initializer_list<Part> parts);
// `to` with every setting of `parts` taken from `from`.
void copy_parts(const Settings& from, Settings& to, std::initializer_list<Part> parts);

// The words of a named setting at the edges: a settings file's, the command line's, the window's boxes.
template <class E>
struct Word {
  std::string_view text;
  E value;
};
inline constexpr Word<Source> source_words[] = {
    {"example", Source::example}, {"random", Source::random}, {"files", Source::files}, {"model", Source::model}};
inline constexpr Word<BackendName> backend_words[] = {
    {"auto", BackendName::automatic}, {"cpu", BackendName::cpu}, {"gpu", BackendName::gpu}};
inline constexpr Word<ScaleSpec::Kind> scale_words[] = {
    {"sqrt", ScaleSpec::Kind::sqrt}, {"none", ScaleSpec::Kind::none}, {"value", ScaleSpec::Kind::value}};

template <class E, std::size_t N>
constexpr std::string_view word_of(const Word<E> (&words)[N], E value) {
  for (const Word<E>& w : words)
    if (w.value == value) return w.text;
  return words[0].text;
}
template <class E, std::size_t N>
constexpr std::optional<E> from_word(const Word<E> (&words)[N], std::string_view text) {
  for (const Word<E>& w : words)
    if (w.text == text) return w.value;
  return std::nullopt;
}
// "a, b or c": the words, for a message.
template <class E, std::size_t N>
std::string word_list(const Word<E> (&words)[N]) {
  std::string list;
  for (std::size_t i = 0; i < N; ++i)
    list += std::string(i == 0 ? "" : i + 1 == N ? " or " : ", ") + std::string(words[i].text);
  return list;
}

// The backend's name as the window's platform and make_backend take it.
inline std::string backend_name(BackendName backend) {
  return std::string(word_of(backend_words, backend));
}

// The core's specs these settings name, for building a problem or changing the engine's: the scale,
// the precision (throws InputError for a mask value parse_mask_value refuses), the mask for Lq × Lk.
ScaleSpec build_scale(const Settings& settings);
// The settings' scale from a spec: sqrt, none, or value with scale_value.
void set_scale(Settings& settings, const ScaleSpec& scale);
PrecisionMode build_precision(const Settings& settings);
MaskSpec build_mask(const Settings& settings, Index lq, Index lk);
// The soft-cap and the sinks the settings switch on; none while off (a model's own then stays).
std::optional<double> build_softcap(const Settings& settings);
std::vector<double> build_sinks(const Settings& settings);

}  // namespace attnlab::gui
