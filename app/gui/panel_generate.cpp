#include "app/gui/panel_generate.hpp"

#include <imgui.h>

#include <algorithm>

#include "app/gui/app_actions.hpp"
#include "app/gui/app_generate.hpp"
#include "app/gui/keys.hpp"
#include "app/gui/layout_audit.hpp"
#include "app/gui/model_cache.hpp"
#include "app/gui/widgets.hpp"
#include "core/base/memory.hpp"

namespace attnlab::gui {
namespace {

// On the line of the item before when `width` more fits there, else on the next: the tab is narrow
// beside the heatmap, and a control cut at the panel's edge cannot be read.
void beside_if_room(float width) {
  const float right = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width;
  if (right <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
}

// A slider's width and its label's.
float control_width(const char* label) {
  return ImGui::GetFontSize() * 7 + ImGui::GetStyle().ItemInnerSpacing.x + text_width(label);
}

// The panel's sampling settings, each as the command line's option.
void sampling_controls(Generating& g) {
  Sampling& s = g.sampling;
  ImGui::PushItemWidth(ImGui::GetFontSize() * 7);
  auto temperature = static_cast<float>(s.temperature), top_p = static_cast<float>(s.top_p);
  int top_k = static_cast<int>(s.top_k), seed = static_cast<int>(s.seed);
  if (ImGui::SliderFloat("temperature", &temperature, 0, 2, temperature == 0 ? "0 (greedy)" : "%.2f"))
    s.temperature = std::clamp(static_cast<double>(temperature), 0.0, 2.0);
  beside_if_room(control_width("top-k"));
  if (ImGui::SliderInt("top-k", &top_k, 0, 100, top_k == 0 ? "0 (all)" : "%d")) s.top_k = std::clamp(top_k, 0, 100);
  if (ImGui::SliderFloat("top-p", &top_p, 0.01f, 1, "%.2f"))
    s.top_p = std::clamp(static_cast<double>(top_p), 0.01, 1.0);
  beside_if_room(control_width("seed"));
  if (ImGui::InputInt("seed", &seed)) s.seed = static_cast<std::uint64_t>(std::max(seed, 0));
  if (ImGui::SliderInt("tokens (Shift+G)", &g.count, 1, 256)) g.count = std::clamp(g.count, 1, 256);
  ImGui::PopItemWidth();
}

void buttons(AppState& app) {
  const Generating& g = app.generating;
  const std::string one = printed("Generate one (%s)", key_names({Action::generate}).c_str());
  const std::string many = printed("Generate %d (%s)", g.count, key_names({Action::generate_many}).c_str());
  const std::string back = printed("Take back (%s)", key_names({Action::undo}).c_str());
  ImGui::BeginDisabled(g.running());
  if (ImGui::Button(one.c_str())) act(app, Action::generate);
  beside_if_room(button_width(many));
  if (ImGui::Button(many.c_str())) act(app, Action::generate_many);
  ImGui::EndDisabled();
  if (g.running()) {
    beside_if_room(button_width("Cancel"));
    if (ImGui::Button("Cancel")) act(app, Action::cancel_generation);
  } else {
    beside_if_room(button_width(back));
    ImGui::BeginDisabled(g.tokens.empty());
    if (ImGui::Button(back.c_str())) act(app, Action::undo);
    ImGui::EndDisabled();
  }
  const std::string progress = generation_progress(app);
  if (!progress.empty()) wrapped_text("generate.progress", progress);
}

// The command line that writes the same tokens after the sentence as typed.
void command_line(const AppState& app) {
  const Generating& g = app.generating;
  const Sampling& s = g.sampling;
  std::string line = "attnlab generate --model " + app.settings.model_folder + " --text \"" +
                     (g.prompt_text.empty() ? app.settings.model_text : g.prompt_text) + "\" --tokens " +
                     std::to_string(std::max<std::size_t>(g.tokens.size(), 1));
  if (s.temperature > 0) {
    line += printed(" --temperature %g --seed %llu", s.temperature, static_cast<unsigned long long>(s.seed));
    if (s.top_k > 0) line += " --top-k " + std::to_string(s.top_k);
    if (s.top_p < 1) line += printed(" --top-p %g", s.top_p);
  }
  if (!app.settings.ablate.empty())
    line += " --ablate " + app.settings.ablate + (app.settings.ablate_mean ? " --ablation mean" : "");
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  wrapped_text("generate.command", "The same tokens on the command line: " + line);
  ImGui::PopStyleColor();
}

// The last step's candidates in the sampler's order: p at temperature 1, at the temperature, after
// top-k and top-p (renormalised), and the one drawn.
void candidates(const ModelRun& run, const TokenDraw& draw, const Sampling& s) {
  wrapped_text("generate.candidates",
               s.temperature == 0 ? std::string("The last token: the most probable (greedy).")
                                  : printed("The last token: drawn with u = %.4f from the kept candidates.", draw.u));
  if (draw.candidates.empty() ||
      !ImGui::BeginTable("candidates", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp))
    return;
  for (const char* title : {"token", "p", "p at T", "kept", ""}) ImGui::TableSetupColumn(title);
  ImGui::TableHeadersRow();
  const Tokenizer* tokenizer = run.tokenizer_or_null();
  for (const Candidate& c : draw.candidates) {
    ImGui::TableNextRow();
    for (const std::string& cell :
         {token_label(tokenizer, c.id), printed("%.1f %%", 100 * c.probability), printed("%.1f %%", 100 * c.tempered),
          c.kept > 0 ? printed("%.1f %%", 100 * c.kept) : std::string("—"),
          std::string(c.id == draw.id ? "◀ drawn" : "")}) {
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(cell.c_str());
    }
  }
  ImGui::EndTable();
}

}  // namespace

void draw_generate(AppState& app) {
  const ModelRun* run = app.model.of(app.applied);
  if (!run || app.applied.source != Source::model) {
    ImGui::TextDisabled("Load a model (inputs: model) to generate.");
    return;
  }
  Generating& g = app.generating;
  wrapped_text("generate.text",
               printed("%s adds one token to the sentence, %s adds %d (until the model's end-of-text), %s takes the "
                       "last one back. Each token is one new query row in every layer and head, attending over the "
                       "keys and values the cache kept: nothing before it is computed again.",
                       key_names({Action::generate}).c_str(), key_names({Action::generate_many}).c_str(), g.count,
                       key_names({Action::undo}).c_str()));
  if (!g.tokens.empty() && app.model.text.starts_with(g.prompt_text))
    wrapped_text("generate.sentence", printed("Generated so far (%zu tokens): \"%s\"", g.tokens.size(),
                                              app.model.text.substr(g.prompt_text.size()).c_str()));
  sampling_controls(g);
  buttons(app);
  command_line(app);
  if (g.last_draw) candidates(*run, *g.last_draw, g.sampling);
  const ModelCache cache = model_cache(run->model, static_cast<Index>(run->tokens.ids.size()));
  wrapped_text(
      "generate.cache",
      printed("KV cache after %lld tokens: %s (%s per token; MHA would keep %s)", static_cast<long long>(cache.tokens),
              human_bytes(cache.now(cache.kv_heads)).c_str(), human_bytes(cache.per_token(cache.kv_heads)).c_str(),
              human_bytes(cache.now(cache.heads)).c_str()));
}

}  // namespace attnlab::gui
