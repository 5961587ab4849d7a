// The lesson bar: what a lesson changes, always on screen in both modes — the stage, the query,
// dk, the scaling, the mask, the head — each with its key, wrapping onto a second line rather than
// running off a narrow window.
#include "app/gui/panel_toolbar.hpp"

#include <imgui.h>

#include <algorithm>
#include <functional>

#include "app/gui/app_actions.hpp"
#include "app/gui/labels.hpp"
#include "app/gui/layout_audit.hpp"
#include "app/gui/widgets.hpp"
#include "core/figure/axis_labels.hpp"

namespace attnlab::gui {
namespace {

struct Group {
  const char* id;
  float width;
  std::function<void()> draw;
};

float inner() {
  return ImGui::GetStyle().ItemInnerSpacing.x;
}

float pad() {
  return 2 * ImGui::GetStyle().FramePadding.x;
}

// The query's caption in its slider: "4 “it”", or the number alone for numbered tokens.
std::string query_caption(const Problem& p, Index i) {
  const std::string& token = query_label(p, i);
  const std::string number = std::to_string(i);
  return token.size() > 1 && token.substr(1) == number ? number : number + " \u201c" + token + "\u201d";
}

float slider_room(float width) {
  return width - 2 * ImGui::GetStyle().FramePadding.x;
}

// ◀ scores scaled masked weights output ▶ and play.
Group stage_group(AppState& app) {
  // The problem's stages: the five, and capped when it has a soft-cap.
  const std::span<const Stage> stages = stages_with(app.problem().softcap.has_value());
  float width =
      2 * ImGui::GetFrameHeight() + button_width("\u25b6 play") + static_cast<float>(stages.size() + 2) * inner();
  for (Stage stage : stages) width += button_width(stage_name(stage));
  return {"toolbar.stage", width, [&app, stages] {
            if (ImGui::ArrowButton("##previous_stage", ImGuiDir_Left)) act(app, Action::previous_stage);
            for (Stage stage : stages) {
              ImGui::SameLine(0, inner());
              const bool current = app.settings.stage == stage;
              const std::string label(stage_name(stage));
              if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
              if (fit_button("toolbar.stage." + label, {label})) app.settings.stage = stage;
              if (current) ImGui::PopStyleColor();
            }
            ImGui::SameLine(0, inner());
            if (ImGui::ArrowButton("##next_stage", ImGuiDir_Right)) act(app, Action::next_stage);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("← and → step through the stages");
            ImGui::SameLine(0, inner());
            if (fit_button("toolbar.play", {app.playing ? "\u25a0 stop" : "\u25b6 play"})) act(app, Action::play);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("space: play through the stages");
          }};
}

// The query: its caption sized for the longest of the first queries, so the bar does not jump.
Group query_group(AppState& app) {
  const Problem& p = app.problem();
  float caption = 0;
  for (Index i = 0; i < std::min<Index>(p.lq(), 64); ++i) caption = std::max(caption, text_width(query_caption(p, i)));
  caption = std::max(caption, text_width(std::to_string(p.lq() - 1)));
  const float query_w = std::min(caption + pad() + 2 * ImGui::GetStyle().GrabMinSize, 14 * ImGui::GetFontSize());
  return {"toolbar.query", text_width("query") + 2 * ImGui::GetFrameHeight() + query_w + 3 * inner(), [&app, query_w] {
            const Problem& problem = app.problem();
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted("query");
            ImGui::SameLine(0, inner());
            if (ImGui::ArrowButton("##previous_query", ImGuiDir_Up)) act(app, Action::previous_query);
            ImGui::SameLine(0, inner());
            if (ImGui::ArrowButton("##next_query", ImGuiDir_Down)) act(app, Action::next_query);
            ImGui::SameLine(0, inner());
            ImGui::SetNextItemWidth(query_w);
            const std::string text = query_caption(problem, app.settings.query);
            const std::string shown =
                shorten(text, slider_room(query_w), [](const std::string& t) { return text_width(t); });
            slider_int("toolbar.query", "##query", &app.settings.query, 0, static_cast<int>(problem.lq()) - 1,
                       shown.c_str(), ImGuiSliderFlags_NoInput);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("↑ and ↓ choose the query");
            audit_text("toolbar.query", shown, text_width(shown), slider_room(query_w));
          }};
}

// dₖ − [slider] +
Group dk_group(AppState& app) {
  const float dk_w = text_width("1024") + pad() + 2 * ImGui::GetStyle().GrabMinSize;
  return {"toolbar.dk", text_width("d\u2096") + 2 * ImGui::GetFrameHeight() + dk_w + 3 * inner(), [&app, dk_w] {
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted("d\u2096");
            ImGui::SameLine(0, inner());
            if (ImGui::Button("\u2212##dk", {ImGui::GetFrameHeight(), 0})) act(app, Action::dk_down);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("− halves dₖ");
            ImGui::SameLine(0, inner());
            ImGui::SetNextItemWidth(dk_w);
            int dk = static_cast<int>(app.problem().dk());
            if (slider_int("toolbar.dk", "##dk", &dk, 1, 1024, "%d", ImGuiSliderFlags_Logarithmic) && !dk_is_fixed(app))
              app.settings.dk = dk;
            audit_text("toolbar.dk", std::to_string(dk), text_width(std::to_string(dk)), slider_room(dk_w));
            ImGui::SameLine(0, inner());
            if (ImGui::Button("+##dk", {ImGui::GetFrameHeight(), 0})) act(app, Action::dk_up);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("+ doubles dₖ (the new dimensions are random)");
          }};
}

Group scale_group(AppState& app) {
  const char* scale_label = "scale by 1/\u221ad\u2096 (S)";
  return {"toolbar.scale", checkbox_width(scale_label), [&app, scale_label] {
            bool on = app.settings.scaling_on();
            if (ImGui::Checkbox(scale_label, &on)) act(app, Action::toggle_scaling);
          }};
}

// soft-cap (C) [C slider]: the slider only while the cap is on.
Group softcap_group(AppState& app) {
  const char* label = "soft-cap (C)";
  const float value_w = text_width("C = 0.000") + pad() + 2 * ImGui::GetStyle().GrabMinSize;
  const float width = checkbox_width(label) + (app.settings.softcap_on ? inner() + value_w : 0);
  return {"toolbar.softcap", width, [&app, label, value_w] {
            Settings& s = app.settings;
            bool on = s.softcap_on;
            if (ImGui::Checkbox(label, &on)) act(app, Action::toggle_softcap);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("C: scaled scores become C·tanh(x/C) (Gemma 2)");
            if (!s.softcap_on) return;
            ImGui::SameLine(0, inner());
            ImGui::SetNextItemWidth(value_w);
            const std::string shown = printed("C = %.3g", static_cast<double>(s.softcap));
            slider_float("toolbar.softcap", "##softcap", &s.softcap, 0.25f, 50.0f, shown.c_str(),
                         ImGuiSliderFlags_Logarithmic);
            audit_text("toolbar.softcap", shown, text_width(shown), slider_room(value_w));
          }};
}

// before QK-norm (Q): a model layer with a QK-norm shown as if it had none; only where there is one.
Group qk_norm_group(AppState& app) {
  const char* label = "before QK-norm (Q)";
  return {"toolbar.qknorm", checkbox_width(label), [&app, label] {
            bool before = app.settings.qk_norm_before;
            if (ImGui::Checkbox(label, &before)) act(app, Action::toggle_qk_norm);
            if (ImGui::IsItemHovered())
              ImGui::SetTooltip("Q: q and k as projected, before the layer's QK-norm (then RoPE), in every stage");
          }};
}

// sink (N) [logit slider]: the selected head's sink, or every head's when there is one for all.
Group sink_group(AppState& app) {
  const char* label = "sink (N)";
  const float value_w = text_width("logit −8.88") + pad() + 2 * ImGui::GetStyle().GrabMinSize;
  const float width = checkbox_width(label) + (app.settings.sink_on ? inner() + value_w : 0);
  return {"toolbar.sink", width, [&app, label, value_w] {
            Settings& s = app.settings;
            bool on = s.sink_on;
            if (ImGui::Checkbox(label, &on)) act(app, Action::toggle_sink);
            if (ImGui::IsItemHovered())
              ImGui::SetTooltip("N: a sink logit in the softmax's sum that has no value (gpt-oss)");
            if (!s.sink_on) return;
            ImGui::SameLine(0, inner());
            ImGui::SetNextItemWidth(value_w);
            // One per head when the heads have their own; a list that no longer fits the heads is one for all.
            const bool per_head = s.sinks.size() == static_cast<std::size_t>(app.heads.heads()) && s.sinks.size() > 1;
            float value = s.sinks[per_head ? static_cast<std::size_t>(s.head) : 0];
            const std::string shown = printed("logit %.2f", static_cast<double>(value));
            if (slider_float("toolbar.sink", "##sink", &value, -8.0f, 8.0f, shown.c_str())) {
              if (per_head) s.sinks[static_cast<std::size_t>(s.head)] = value;
              else s.sinks = {value};
            }
            audit_text("toolbar.sink", shown, text_width(shown), slider_room(value_w));
          }};
}

Group mask_group(AppState& app) {
  float widest_mask = 0;
  for (const auto& kind : mask_kinds()) widest_mask = std::max(widest_mask, text_width(kind));
  widest_mask = std::max(widest_mask, text_width("painted"));
  const float mask_w = widest_mask + ImGui::GetFrameHeight() + pad();
  return {"toolbar.mask", text_width("mask (M)") + inner() + mask_w, [&app, mask_w] {
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted("mask (M)");
            ImGui::SameLine(0, inner());
            ImGui::SetNextItemWidth(mask_w);
            std::string kind = app.settings.mask.substr(0, app.settings.mask.find(':'));
            std::vector<std::string> kinds = mask_kinds();
            kinds.push_back("painted");
            if (combo("##mask", kind, kinds, "toolbar.mask.kind")) set_mask_kind(app, kind);
          }};
}

// With several heads: ◀ ▶ and "h of H · KV g".
Group head_group(AppState& app) {
  const std::string widest = "15 of 16 \u00b7 KV 15";
  return {"toolbar.head", text_width("head") + 2 * ImGui::GetFrameHeight() + text_width(widest) + 3 * inner(), [&app] {
            const Index heads = app.heads.heads();
            ImGui::AlignTextToFramePadding();
            ImGui::TextUnformatted("head");
            ImGui::SameLine(0, inner());
            if (ImGui::ArrowButton("##previous_head", ImGuiDir_Left)) act(app, Action::previous_head);
            ImGui::SameLine(0, inner());
            if (ImGui::ArrowButton("##next_head", ImGuiDir_Right)) act(app, Action::next_head);
            ImGui::SameLine(0, inner());
            const Index kv = kv_head(app.settings.head, heads, app.heads.kv_heads());
            ImGui::Text("%d of %lld \u00b7 KV %lld", app.settings.head, static_cast<long long>(heads),
                        static_cast<long long>(kv));
          }};
}

Group help_group(AppState& app) {
  return {"toolbar.help", button_width("? keys") + inner() + checkbox_width("present (P)"), [&app] {
            if (fit_button("toolbar.help.keys", {"? keys"})) act(app, Action::toggle_help);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("? or F1: every key");
            ImGui::SameLine(0, inner());
            ImGui::Checkbox("present (P)", &app.settings.present);
          }};
}

std::vector<Group> groups(AppState& app) {
  std::vector<Group> out{stage_group(app),   query_group(app), dk_group(app),  scale_group(app),
                         softcap_group(app), sink_group(app),  mask_group(app)};
  if (shows_qk_norm(app.applied, app.model)) out.push_back(qk_norm_group(app));
  if (app.heads.heads() > 1) out.push_back(head_group(app));
  out.push_back(help_group(app));
  return out;
}

std::vector<float> widths(const std::vector<Group>& groups) {
  std::vector<float> out;
  for (const Group& g : groups) out.push_back(g.width);
  return out;
}

}  // namespace

float toolbar_height(AppState& app, float width) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const int lines = flow_lines(widths(groups(app)), width - 2 * style.WindowPadding.x);
  return 2 * style.WindowPadding.y + static_cast<float>(lines) * ImGui::GetFrameHeight() +
         static_cast<float>(lines - 1) * style.ItemSpacing.y;
}

void draw_toolbar(AppState& app) {
  const std::vector<Group> all = groups(app);
  Flow flow;
  for (const Group& g : all) {
    flow.next(g.width);
    ImGui::BeginGroup();
    g.draw();
    ImGui::EndGroup();
    audit_item(g.id);
  }
}

}  // namespace attnlab::gui
