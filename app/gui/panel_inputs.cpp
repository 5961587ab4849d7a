// Inputs: where the data comes from, dk, the mask, the scale, the backend, and scenarios.
#include <imgui.h>
#include <imgui_stdlib.h>

#include <cmath>

#include "app/gui/panels.hpp"
#include "app/gui/platform.hpp"
#include "core/inputs/examples.hpp"

namespace attnlab::gui {
namespace {

bool combo(const char* label, std::string& value, const std::vector<std::string>& options) {
  bool changed = false;
  if (ImGui::BeginCombo(label, value.c_str())) {
    for (const auto& option : options)
      if (ImGui::Selectable(option.c_str(), option == value)) value = option, changed = true;
    ImGui::EndCombo();
  }
  return changed;
}

// A path typed in, or on a web page also chosen in the browser's file picker.
void file_field(AppState& app, const char* label, const char* slot, std::string& path) {
  if (platform::picks_files()) {
    if (std::optional<std::string> picked = platform::picked_file(slot)) path = *picked;
    if (ImGui::Button((std::string("Open…##") + slot).c_str())) platform::pick_file(slot);
    ImGui::SameLine();
  }
  ImGui::InputText(label, &path);
}

void source_controls(AppState& app) {
  Settings& s = app.settings;
  if (combo("source", s.source, {"example", "random", "files"})) s.dk = 0, s.query = 0, s.painted.clear();
  if (s.source == "example") {
    if (combo("example", s.example, example_names())) s.dk = 0, s.query = 0, s.painted.clear();
    ImGui::TextWrapped("%s", make_example(s.example).description.c_str());
  } else if (s.source == "random") {
    ImGui::SliderInt("Lq queries", &s.lq, 1, 4096, "%d", ImGuiSliderFlags_Logarithmic);
    ImGui::SliderInt("Lk keys", &s.lk, 1, 4096, "%d", ImGuiSliderFlags_Logarithmic);
    int seed = static_cast<int>(s.seed);
    if (ImGui::InputInt("seed", &seed)) s.seed = static_cast<std::uint64_t>(std::max(seed, 0));
    ImGui::SliderFloat("σ of Q, K, V", &s.sigma, 0.1f, 10.0f, "%.2f", ImGuiSliderFlags_Logarithmic);
  } else {
    file_field(app, "Q file", "q", app.typed.q_path);
    file_field(app, "K file", "k", app.typed.k_path);
    file_field(app, "V file", "v", app.typed.v_path);
    if (ImGui::Button("Load Q, K, V")) {
      s.q_path = app.typed.q_path, s.k_path = app.typed.k_path, s.v_path = app.typed.v_path;
      s.dk = 0, s.query = 0;
    }
  }
}

void width_controls(AppState& app) {
  Settings& s = app.settings;
  int dk = static_cast<int>(app.problem().dk());
  if (ImGui::SliderInt("dₖ", &dk, 1, 1024, "%d", ImGuiSliderFlags_Logarithmic)) s.dk = dk;
  ImGui::SameLine();
  ImGui::TextDisabled("(+/−)");
  if (s.source == "random") ImGui::SliderInt("dᵥ", &s.dv, 1, 1024, "%d", ImGuiSliderFlags_Logarithmic);
}

void mask_controls(AppState& app) {
  Settings& s = app.settings;
  const std::string kind = s.mask.substr(0, s.mask.find(':'));
  std::string chosen = kind;
  if (combo("mask", chosen, {"none", "causal", "causal-bottom-right", "window", "padding", "painted"})) {
    if (chosen == "window") s.mask = "window:3";
    else if (chosen == "padding") s.mask = "padding:" + std::to_string(std::max<Index>(1, app.problem().lk() - 2));
    else s.mask = chosen;
  }
  if (kind == "window" || kind == "padding") {
    int w = std::atoi(s.mask.c_str() + kind.size() + 1);
    const int most = static_cast<int>(kind == "window" ? app.problem().lk() + app.problem().lq() : app.problem().lk());
    if (ImGui::SliderInt(kind == "window" ? "W keys" : "N kept", &w, 1, std::max(most, 1)))
      s.mask = kind + ":" + std::to_string(w);
  }
  if (kind == "painted") ImGui::TextWrapped("Click cells of the heatmap to block or allow them.");
}

void scale_controls(AppState& app) {
  Settings& s = app.settings;
  ImGui::TextUnformatted("scale");
  ImGui::SameLine();
  if (ImGui::RadioButton("1/√dₖ", s.scale == "sqrt")) s.scale = "sqrt";
  ImGui::SameLine();
  if (ImGui::RadioButton("none", s.scale == "none")) s.scale = "none";
  ImGui::SameLine();
  if (ImGui::RadioButton("value", s.scale == "value")) s.scale = "value";
  if (s.scale == "value") ImGui::DragFloat("s", &s.scale_value, 0.005f, -10, 10, "%.4f");
  ImGui::SliderFloat("temperature", &s.temperature, 0.05f, 20.0f, "%.2f", ImGuiSliderFlags_Logarithmic);
}

// The precision lab: what float16 and bfloat16 do to each stage, and why the maximum is subtracted.
void precision_controls(AppState& app) {
  Settings& s = app.settings;
  combo("precision", s.precision, {"fp32", "fp16", "bf16"});
  ImGui::Checkbox("subtract the row max", &s.subtract_max);
  combo("masked cells", s.mask_value, {"-inf", "-1e9", "-65504", "lowest"});
  if (s.precision != "fp32") {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped(
        "Rounded to %s, as a kernel with fp32 sums would: Q, K, V; each score; scaled; masked; each "
        "exp; the weights; the output. Sums stay in fp32.",
        s.precision.c_str());
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
  combo("backend", app.settings.backend, {"auto", "cpu", "gpu"});
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("running on: %s", app.backend_note.c_str());
  ImGui::TextWrapped("last recompute: %.1f ms", app.last_compute_ms);
  ImGui::PopStyleColor();
  ImGui::Checkbox("presentation (P)", &app.settings.present);
  ImGui::SameLine();
  ImGui::Checkbox("light theme", &app.settings.light);
  ImGui::Separator();
  scenario_controls(app);
  ImGui::PopItemWidth();
  if (!app.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 120, 90, 255));
    ImGui::TextWrapped("%s — showing the last good data", app.error.c_str());
    ImGui::PopStyleColor();
  }
}

}  // namespace attnlab::gui
