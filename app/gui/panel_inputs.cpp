// Inputs: where the data comes from, dk, the mask, the scale, the backend, and scenarios.
#include "app/gui/panel_inputs.hpp"

#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "app/gui/app_actions.hpp"
#include "app/gui/labels.hpp"
#include "app/gui/next_tokens.hpp"
#include "app/gui/platform.hpp"
#include "app/gui/settings_file.hpp"
#include "app/gui/widgets.hpp"
#include "core/inputs/examples.hpp"
#include "core/inputs/model_examples.hpp"

namespace attnlab::gui {
namespace {

// A combo box of a named setting: its values by their words.
template <class E>
bool enum_combo(const char* label, E& value, std::initializer_list<E> values,
                std::type_identity_t<std::string_view (*)(E)> word) {
  std::string text(word(value));
  std::vector<std::string> options;
  for (const E v : values) options.emplace_back(word(v));
  if (!combo(label, text, options)) return false;
  for (const E v : values)
    if (word(v) == text) value = v;
  return true;
}

// The model chosen: a folder or a Hub id, tried again even when it was refused last time (a download
// cancelled, the network back).
void choose_model(AppState& app, const std::string& source) {
  Settings& s = app.settings;
  app.typed.model_folder = s.model_folder = source, s.query = 0, s.layer = 0;
  s.ablate.clear();  // another model has other heads
  app.model_load.failed_folder.clear();
}

// The model (a folder, or a Hub id with the cache's models to pick from) and the sentence, each used
// on Enter (a download's bar is the heatmap's); the layer, the tokens as chips with their ids, and the model's next
// tokens: proof to a class that this is the real model.
void model_controls(AppState& app) {
  Settings& s = app.settings;
  auto& typed = app.typed;
  if (!typed.model_filled)
    typed.model_folder = s.model_folder, typed.model_text = s.model_text, typed.model_filled = true;
  // A web page: the browser's folder picker copies the chosen folder's files into the page.
  if (platform::picks_files()) {
    if (std::optional<std::string> picked = platform::picked_file("model")) choose_model(app, *picked);
    if (ImGui::Button("Open folder…")) platform::pick_file("model");
    ImGui::SameLine();
  }
  if (ImGui::InputText("folder or Hub id", &typed.model_folder, ImGuiInputTextFlags_EnterReturnsTrue))
    choose_model(app, typed.model_folder);
  // The Hugging Face cache's models (what transformers or this lab downloaded), to pick by id.
  if (!typed.cached_hub) typed.cached_hub = platform::cached_hub_models();
  if (!typed.cached_hub->empty()) {
    const auto& ids = *typed.cached_hub;
    std::string picked = std::find(ids.begin(), ids.end(), s.model_folder) != ids.end() ? s.model_folder : "";
    if (combo(platform::hub_models_title(), picked, ids, "inputs.cached") && !picked.empty()) choose_model(app, picked);
  }
  if (ImGui::InputText("text", &typed.model_text, ImGuiInputTextFlags_EnterReturnsTrue))
    s.model_text = typed.model_text, s.query = 0;
  if (app.model_loading()) {
    // Layer by layer: a large model's weights take seconds to widen, and its forward pass as long.
    const auto& m = app.model_load;
    const char* phase = m.phase;
    const Index total = m.total, done = m.done;
    if (phase && total > 0) {
      const std::string label =
          std::string(phase) + ": layer " + std::to_string(done + 1) + " of " + std::to_string(total);
      ImGui::ProgressBar(static_cast<float>(done) / static_cast<float>(total), ImVec2(-1, 0), label.c_str());
    } else {
      const char* what = m.downloading ? "downloading …" : "reading the model …";
      ImGui::ProgressBar(-1.0f * static_cast<float>(ImGui::GetTime()), ImVec2(-1, 0), what);
    }
    return;
  }
  const ModelRun* run = app.model.of(app.applied);
  if (!run || app.applied.source != Source::model) return;
  const int layers = static_cast<int>(run->model.config.layers);
  slider_int("inputs.layer", "layer", &s.layer, 0, layers - 1);
  ImGui::SameLine();
  ImGui::TextDisabled("(J/K)");
  // Chips: the token's text over its id, wrapped to the panel.
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  const auto& tokens = run->tokens;
  for (std::size_t i = 0; i < tokens.ids.size(); ++i) {
    const std::string chip = visible_spaces(tokens.labels[i]) + " " + std::to_string(tokens.ids[i]);
    const float width = ImGui::CalcTextSize(chip.c_str()).x + 2 * ImGui::GetStyle().FramePadding.x;
    if (i > 0 && ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width < right) ImGui::SameLine();
    ImGui::PushID(static_cast<int>(i));
    const bool selected = static_cast<int>(i) == s.query;
    if (selected) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (ImGui::SmallButton(chip.c_str())) s.query = static_cast<int>(i);
    if (selected) ImGui::PopStyleColor();
    ImGui::PopID();
  }
  draw_next_tokens(app);
}

// A path typed in, or on a web page also chosen in the browser's file picker.
void file_field(const char* label, const char* slot, std::string& path) {
  if (platform::picks_files()) {
    if (std::optional<std::string> picked = platform::picked_file(slot)) path = *picked;
    if (ImGui::Button((std::string("Open…##") + slot).c_str())) platform::pick_file(slot);
    ImGui::SameLine();
  }
  ImGui::InputText(label, &path);
}

void source_controls(AppState& app) {
  Settings& s = app.settings;
  const auto source_word = [](Source v) { return word_of(source_words, v); };
  if (enum_combo("source", s.source, {Source::example, Source::random, Source::files, Source::model}, source_word)) {
    s.dk = 0, s.query = 0, s.painted.clear();
    if (s.source == Source::model) {
      s.mask = "causal", s.heads = s.kv_heads = 1, s.head = 0;
      // Nothing chosen yet: the shipped tiny model on its sentence, so that the switch shows a model at once.
      if (s.model_folder.empty()) {
        const ModelExample& tiny = model_examples().front();
        s.model_folder = (assets_folder() / tiny.folder).string(), s.layer = 0;
        if (s.model_text.empty()) s.model_text = tiny.text;
        app.typed.model_filled = false;
      }
    }
  }
  if (s.source == Source::model) {
    model_controls(app);
  } else if (s.source == Source::example) {
    if (combo("example", s.example, example_names())) s.dk = 0, s.query = 0, s.painted.clear();
    wrapped_text("inputs.text", make_example(s.example).description);
  } else if (s.source == Source::random) {
    slider_int("inputs.lq", "Lq queries", &s.lq, 1, 4096, "%d", ImGuiSliderFlags_Logarithmic);
    slider_int("inputs.lk", "Lk keys", &s.lk, 1, 4096, "%d", ImGuiSliderFlags_Logarithmic);
    int seed = static_cast<int>(s.seed);
    if (ImGui::InputInt("seed", &seed)) s.seed = static_cast<std::uint64_t>(std::max(seed, 0));
    slider_float("inputs.sigma", "σ of Q, K, V", &s.sigma, 0.1f, 10.0f, "%.2f", ImGuiSliderFlags_Logarithmic);
  } else {
    file_field("Q file", "q", app.typed.q_path);
    file_field("K file", "k", app.typed.k_path);
    file_field("V file", "v", app.typed.v_path);
    if (ImGui::Button("Load Q, K, V")) {
      s.q_path = app.typed.q_path, s.k_path = app.typed.k_path, s.v_path = app.typed.v_path;
      s.dk = 0, s.query = 0;
    }
  }
}

void width_controls(AppState& app) {
  Settings& s = app.settings;
  if (s.source == Source::model) {
    ImGui::TextWrapped(
        "dₖ = %lld, the model's head size (the dₖ slider does not apply to a model; the scaling switch does)",
        static_cast<long long>(app.problem().dk()));
    return;
  }
  int dk = static_cast<int>(app.problem().dk());
  if (slider_int("inputs.dk", "dₖ", &dk, 1, 1024, "%d", ImGuiSliderFlags_Logarithmic)) s.dk = dk;
  ImGui::SameLine();
  ImGui::TextDisabled("(+/−)");
  if (s.source == Source::random) slider_int("inputs.dv", "dᵥ", &s.dv, 1, 1024, "%d", ImGuiSliderFlags_Logarithmic);
}

void mask_controls(AppState& app) {
  Settings& s = app.settings;
  const std::string kind = s.mask.substr(0, s.mask.find(':'));
  std::string chosen = kind;
  if (combo("mask", chosen, {"none", "causal", "causal-bottom-right", "window", "padding", "painted"})) {
    set_mask_kind(app, chosen);
  }
  if (kind == "window" || kind == "padding") {
    int w = std::atoi(s.mask.c_str() + kind.size() + 1);
    const int most = static_cast<int>(kind == "window" ? app.problem().lk() + app.problem().lq() : app.problem().lk());
    if (slider_int("inputs.mask_keys", kind == "window" ? "W keys" : "N kept", &w, 1, std::max(most, 1)))
      s.mask = kind + ":" + std::to_string(w);
  }
  if (kind == "painted") wrapped_text("inputs.text", "Click cells of the heatmap to block or allow them.");
}

void scale_controls(AppState& app) {
  Settings& s = app.settings;
  ImGui::TextUnformatted("scale");
  ImGui::SameLine();
  using Kind = ScaleSpec::Kind;
  if (ImGui::RadioButton("1/√dₖ", s.scale == Kind::sqrt)) s.scale = Kind::sqrt;
  ImGui::SameLine();
  if (ImGui::RadioButton("none", s.scale == Kind::none)) s.scale = Kind::none;
  ImGui::SameLine();
  if (ImGui::RadioButton("value", s.scale == Kind::value)) s.scale = Kind::value;
  if (s.scale == Kind::value) ImGui::DragFloat("s", &s.scale_value, 0.005f, -10, 10, "%.4f");
  slider_float("inputs.temperature", "temperature", &s.temperature, 0.05f, 20.0f, "%.2f", ImGuiSliderFlags_Logarithmic);
}

// The precision lab: what float16 and bfloat16 do to each stage, and why the maximum is subtracted.
void precision_controls(AppState& app) {
  Settings& s = app.settings;
  enum_combo("precision", s.precision, {Precision::fp32, Precision::fp16, Precision::bf16}, precision_name);
  ImGui::Checkbox("subtract the row max", &s.subtract_max);
  combo("masked cells", s.mask_value, {"-inf", "-1e9", "-65504", "lowest"});
  if (s.precision != Precision::fp32) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    wrapped_text("inputs.text",
                 printed("Rounded to %s, as a kernel with fp32 sums would: Q, K, V; each score; scaled; masked; each "
                         "exp; the weights; the output. Sums stay in fp32.",
                         std::string(precision_name(s.precision)).c_str()));
    ImGui::PopStyleColor();
  }
}

void scenario_controls(AppState& app) {
  std::string& path = app.typed.scenario;
  ImGui::InputText("scenario", &path);
  if (ImGui::Button("Save")) {
    try {
      save_settings(app.settings, path);
      app.status = "saved " + path;
    } catch (const std::exception& e) {
      app.status = e.what();
    }
  }
  ImGui::SameLine();
  if (ImGui::Button("Open")) {
    try {
      const Settings loaded = load_settings(path);
      const Settings before = app.settings;
      app.settings = loaded;
      apply(app);
      if (!app.error.empty()) app.settings = before, app.status = "not opened: " + app.error;
      else app.status = "opened " + path;
    } catch (const std::exception& e) {
      app.status = e.what();
    }
  }
}

}  // namespace

void draw_inputs(AppState& app) {
  ImGui::PushItemWidth(-ImGui::GetFontSize() * 7);
  source_controls(app);
  ImGui::Separator();
  width_controls(app);
  mask_controls(app);
  scale_controls(app);
  precision_controls(app);
  ImGui::Separator();
  const auto backend_word = [](BackendName v) { return word_of(backend_words, v); };
  enum_combo("backend", app.settings.backend, {BackendName::automatic, BackendName::cpu, BackendName::gpu},
             backend_word);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  wrapped_text("inputs.text", printed("running on: %s", app.backend_note.c_str()));
  wrapped_text("inputs.text", printed("last recompute: %.1f ms", app.last_compute_ms));
  ImGui::PopStyleColor();
  ImGui::Checkbox("presentation (P)", &app.settings.present);
  ImGui::SameLine();
  ImGui::Checkbox("light theme", &app.settings.light);
  ImGui::Checkbox("animate stage changes", &app.settings.motion);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip(platform::reduced_motion() ? "off while the system asks for reduced motion"
                                                 : "→ and ← move the values from one stage to the next (0.4 s)");
  ImGui::Separator();
  scenario_controls(app);
  ImGui::PopItemWidth();
}

}  // namespace attnlab::gui
