// Heads: every head's weights side by side, the head selector, H and G, and what the KV cache costs.
#include "app/gui/panel_heads.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "app/gui/app_grids.hpp"
#include "app/gui/keys.hpp"
#include "app/gui/knockouts.hpp"
#include "app/gui/layout_audit.hpp"
#include "app/gui/model_cache.hpp"
#include "app/gui/next_tokens.hpp"
#include "app/gui/plot.hpp"
#include "app/gui/widgets.hpp"
#include "core/attention/memory.hpp"
#include "core/inputs/example_heads.hpp"

namespace attnlab::gui {
namespace {

constexpr ImU32 selected_colour = IM_COL32(255, 80, 40, 255);  // the heatmap's query outline
constexpr int most_heads = 16;

std::string layout_name(Index heads, Index kv_heads) {
  if (heads == 1) return "one head";
  if (kv_heads == heads) return "multi-head (MHA)";
  if (kv_heads == 1) return "multi-query (MQA)";
  return "grouped-query (GQA)";
}

void head_counts(AppState& app) {
  Settings& s = app.settings;
  const Index heads = app.heads.heads(), kv_heads = app.heads.kv_heads();
  if (s.source == Source::model) {
    wrapped_text("heads.text", printed("%lld query heads over %lld KV heads, as the model has them.",
                                       static_cast<long long>(heads), static_cast<long long>(kv_heads)));
  } else if (s.source == Source::files && s.heads == 1 && heads > 1) {
    wrapped_text("heads.text", printed("%lld query heads over %lld KV heads, as the files give them (H × L × d).",
                                       static_cast<long long>(heads), static_cast<long long>(kv_heads)));
  } else {
    ImGui::PushItemWidth(ImGui::GetFontSize() * 6);
    if (slider_int("heads.heads", "H query heads", &s.heads, 1, most_heads)) {
      s.heads = std::clamp(s.heads, 1, most_heads);
      while (s.heads % s.kv_heads != 0) --s.kv_heads;  // G must divide H: the largest divisor not above G
    }
    ImGui::SameLine();
    // G moves over the divisors of H only, so every position of the slider is a valid model.
    std::vector<int> divisors;
    for (int g = 1; g <= s.heads; ++g)
      if (s.heads % g == 0) divisors.push_back(g);
    int at = static_cast<int>(std::find(divisors.begin(), divisors.end(), s.kv_heads) - divisors.begin());
    at = std::min(at, static_cast<int>(divisors.size()) - 1);
    if (slider_int("heads.kv_heads", "G KV heads", &at, 0, static_cast<int>(divisors.size()) - 1,
                   std::to_string(divisors[static_cast<std::size_t>(at)]).c_str()))
      s.kv_heads = divisors[static_cast<std::size_t>(at)];
    ImGui::PopItemWidth();
  }
  if (heads > 1)
    wrapped_text("heads.text", printed("%s: query head h reads KV head ⌊h·G/H⌋; each KV head serves %lld.",
                                       layout_name(heads, kv_heads).c_str(), static_cast<long long>(heads / kv_heads)));
  if (s.source == Source::example) {
    const std::string about = example_heads_description(s.example, heads);
    if (!about.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      wrapped_text("heads.text", about);
      ImGui::PopStyleColor();
    }
  }
}

// The panels' columns that make the thumbnails largest in the space there is.
int best_columns(Index heads, float width, float height, float label_h, Index rows, Index cols, float& scale) {
  int best = 1;
  scale = 0;
  for (int c = 1; c <= heads; ++c) {
    const auto r = static_cast<float>((heads + c - 1) / c);
    const float s = std::min((width / float(c) - 12) / float(cols), (height / r - label_h - 12) / float(rows));
    if (s > scale) scale = s, best = c;
  }
  return best;
}

void grid(AppState& app, HeadsView& view, float height) {
  const AppState::HeadGrid& g = head_grid(app);
  const Index heads = app.heads.heads(), kv_heads = app.heads.kv_heads();
  if (view.painted_generation != app.generation || view.images.size() != static_cast<std::size_t>(heads)) {
    view.images.resize(static_cast<std::size_t>(heads));
    for (Index h = 0; h < heads; ++h) {
      auto& image = view.images[static_cast<std::size_t>(h)];
      if (!image) image = std::make_unique<HeatmapImage>();
      const Matrix& w = g.weights[static_cast<std::size_t>(h)];
      image->upload(paint(w, g.masked, ColourRange{0, 1, false}, viridis()), w.rows(), w.cols());
    }
    view.painted_generation = app.generation;
  }
  const Index rows = g.masked.rows(), cols = g.masked.cols();
  const float line = ImGui::GetTextLineHeight();
  float scale = 0;
  const int columns = best_columns(heads, ImGui::GetContentRegionAvail().x, height, line, rows, cols, scale);
  scale = std::max(scale, 0.5f);
  const ImVec2 thumb{scale * float(cols), scale * float(rows)};
  const float panel_w = ImGui::GetContentRegionAvail().x / float(columns);
  const Index selected = app.applied.head, selected_kv = kv_head(selected, heads, kv_heads);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 start = ImGui::GetCursorScreenPos();
  for (Index h = 0; h < heads; ++h) {
    const Index kv = kv_head(h, heads, kv_heads);
    const ImVec2 at{start.x + float(h % columns) * panel_w + 4, start.y + float(h / columns) * (thumb.y + line + 12)};
    // The label: the head, and its KV head in the KV group's colour.
    const ImU32 group = okabe_ito(static_cast<int>(kv));
    draw->AddRectFilled({at.x, at.y + 3}, {at.x + line - 6, at.y + line - 3}, group);
    // As much of "head h · KV g" as fits the panel: the KV head's colour still tells the group.
    std::string label = "head " + std::to_string(h) + " · KV " + std::to_string(kv);
    if (ImGui::CalcTextSize(label.c_str()).x > panel_w - line - 4)
      label = std::to_string(h) + " · KV " + std::to_string(kv);
    if (ImGui::CalcTextSize(label.c_str()).x > panel_w - line - 4) label = std::to_string(h);
    draw->AddText({at.x + line - 2, at.y}, ImGui::GetColorU32(h == selected ? ImGuiCol_Text : ImGuiCol_TextDisabled),
                  label.c_str());
    const ImVec2 image{at.x, at.y + line + 2};
    ImGui::SetCursorScreenPos(image);
    ImGui::Image(view.images[static_cast<std::size_t>(h)]->texture_id(), thumb);
    if (ImGui::IsItemHovered()) {
      ImGui::SetTooltip("head %lld reads KV head %lld\nclick: show it in the stepper and heatmap",
                        static_cast<long long>(h), static_cast<long long>(kv));
      if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) app.settings.head = static_cast<int>(h);
    }
    // The selected head outlined; the heads that share its KV head in their group's colour.
    if (h == selected)
      draw->AddRect({image.x - 3, image.y - 3}, {image.x + thumb.x + 3, image.y + thumb.y + 3}, selected_colour, 0, 0,
                    3);
    else if (kv == selected_kv && kv_heads < heads)
      draw->AddRect({image.x - 2, image.y - 2}, {image.x + thumb.x + 2, image.y + thumb.y + 2}, group, 0, 0, 2);
  }
  const auto panel_rows = static_cast<float>((heads + columns - 1) / columns);
  ImGui::SetCursorScreenPos({start.x, start.y + panel_rows * (thumb.y + line + 12)});
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  wrapped_text(
      "heads.text",
      printed("Weights on [0, 1]. Outlined: head %lld, as in the heatmap (click another).%s",
              static_cast<long long>(selected),
              kv_heads < heads ? (" Framed: the heads sharing its KV head " + std::to_string(selected_kv) + ".").c_str()
                               : ""));
  ImGui::PopStyleColor();
}

// The model view: every layer (rows) × every head (columns) of a real model, as BertViz draws it;
// click one to step it in the stepper and heatmap.
void model_view(AppState& app, HeadsView& view, float height) {
  // A frame's budget at a time on the window (the last whole grid drawn meanwhile), whole when scripted.
  const AppState::ModelGrid& g = model_grid(app, app.scripted ? INFINITY : platform::frame_budget_ms());
  const auto [layers_done, layers] = model_grid_progress(app);
  const std::string progress =
      printed("The model view follows the new data: layer %lld of %lld …", static_cast<long long>(layers_done + 1),
              static_cast<long long>(layers));
  if (g.layers == 0 || g.weights.empty()) {
    if (layers > 0) wrapped_text("heads.text", progress);
    return;
  }
  if (view.model_painted_generation != g.generation || view.model_images.size() != g.weights.size()) {
    view.model_images.resize(g.weights.size());
    for (std::size_t n = 0; n < g.weights.size(); ++n) {
      auto& image = view.model_images[n];
      if (!image) image = std::make_unique<HeatmapImage>();
      const Matrix& w = g.weights[n];
      image->upload(paint(w, g.masked[n / static_cast<std::size_t>(g.heads)], ColourRange{0, 1, false}, viridis()),
                    w.rows(), w.cols());
    }
    view.model_painted_generation = g.generation;
  }
  const float line = ImGui::GetTextLineHeight();
  const float label_w = ImGui::CalcTextSize("layer 00").x + 8;
  const Index rows = g.weights.front().rows(), cols = g.weights.front().cols();
  const float width = ImGui::GetContentRegionAvail().x - label_w;
  float side = std::max(4.0f, std::min(width / float(g.heads) - 6, (height - line - 4) / float(g.layers) - 6));
  // Too small to read on a projector (or anywhere): the selected layer alone, its heads in the rows
  // that make them largest; J and K step through the layers.
  const bool strip = side < (app.settings.present ? 64.0f : 24.0f) && g.layers > 1;
  const Index first_layer = strip ? app.applied.layer : 0, shown_layers = strip ? 1 : g.layers;
  int per_row = static_cast<int>(g.heads);
  if (strip) {
    // Room for three rows of 64-pixel thumbnails at least: the panel scrolls for what comes under them.
    const float strip_h = std::max(height - line - 4, 3 * (64 + line + 2 + 12));
    float scale = 0;
    // Its layer's name on a line of its own above: the thumbnails take the whole width.
    per_row = best_columns(g.heads, width + label_w, strip_h, line + 2, 1, 1, scale);
    side = std::max(4.0f, scale);
  }
  const Index strip_rows = (g.heads + per_row - 1) / per_row;
  const ImVec2 thumb{side, side * float(rows) / float(std::max<Index>(cols, 1))};
  // In the strip each row of heads has its numbers over it; the grid has one row of them on top.
  const float row_h = thumb.y + 6 + (strip ? line + 2 : 0);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImU32 caption = ImGui::GetColorU32(app.settings.present ? ImGuiCol_Text : ImGuiCol_TextDisabled);
  const ImVec2 start = ImGui::GetCursorScreenPos();
  if (!strip)
    for (Index h = 0; h < g.heads; ++h)
      draw->AddText({start.x + label_w + float(h) * (side + 6), start.y}, caption, std::to_string(h).c_str());
  const float top = start.y + line + 4;  // under the heads' numbers, or the strip's layer name
  const float left = start.x + (strip ? 0 : label_w);
  for (Index l = first_layer; l < first_layer + shown_layers; ++l) {
    const float y = top + float(l - first_layer) * row_h;
    draw->AddText({start.x, strip ? start.y : y},
                  ImGui::GetColorU32(l == app.applied.layer ? ImGuiCol_Text : ImGuiCol_TextDisabled),
                  ("layer " + std::to_string(l)).c_str());
    for (Index h = 0; h < g.heads; ++h) {
      const Index column = strip ? h % per_row : h, row = strip ? h / per_row : 0;
      ImVec2 at{left + float(column) * (side + 6), y + float(row) * row_h};
      if (strip) {
        const std::string name = "head " + std::to_string(h);
        draw->AddText(at, caption, (text_width(name) < side ? name : std::to_string(h)).c_str());
        at.y += line + 2;
      }
      ImGui::SetCursorScreenPos(at);
      ImGui::Image(view.model_images[static_cast<std::size_t>(l * g.heads + h)]->texture_id(), thumb);
      audit_item("heads.model_view");
      if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("layer %lld, head %lld\nclick: step it · Alt+click: knock it out", static_cast<long long>(l),
                          static_cast<long long>(h));
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && ImGui::GetIO().KeyAlt) toggle_knockout(app.settings, l, h);
        else if (ImGui::IsMouseClicked(ImGuiMouseButton_Left))
          app.settings.layer = static_cast<int>(l), app.settings.head = static_cast<int>(h);
      }
      if (knocked_out(app.settings, l, h)) knockout_mark(draw, at, {at.x + thumb.x, at.y + thumb.y});
      if (l == app.applied.layer && h == app.applied.head)
        draw->AddRect({at.x - 3, at.y - 3}, {at.x + thumb.x + 3, at.y + thumb.y + 3}, selected_colour, 0, 0, 3);
    }
  }
  ImGui::SetCursorScreenPos({start.x, top + float(strip ? strip_rows : shown_layers) * row_h});
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(caption));
  const std::string layer_keys = key_names({Action::next_layer, Action::previous_layer});
  const std::string help =
      strip ? printed(
                  "The model view, layer %d of %lld (%s: the next / previous layer): its heads' weights on "
                  "[0, 1]. Outlined: head %d, as in the heatmap. Crossed: knocked out.",
                  app.applied.layer, static_cast<long long>(g.layers), layer_keys.c_str(), app.applied.head)
            : printed(
                  "The model view: every layer × every head, weights on [0, 1]. Outlined: layer %d, head %d, as "
                  "in the heatmap (click another; %s change the layer). Crossed: knocked out.",
                  app.applied.layer, app.applied.head, layer_keys.c_str());
  const std::string& shown = g.generation == app.generation ? help : progress;
  wrapped_text("heads.text", shown);
  audit_text("heads.model_help", shown, 0, 0);
  ImGui::PopStyleColor();
  knockout_controls(app);
  draw_next_tokens(app);
}

// A real model's cache, from its own config: every layer, its KV heads and head_dim, its checkpoint's
// dtype, for the tokens so far (it grows as G adds them) and for its most positions, next to what
// MHA (a KV head per query head) and MQA (one) would keep.
void model_kv_cache(const ModelCache& m) {
  ImGui::Separator();
  ImGui::TextUnformatted("KV cache: the keys and values this model keeps");
  std::vector<std::pair<const char*, Index>> table{{"MHA", m.heads}};
  if (m.kv_heads > 1 && m.kv_heads < m.heads) table.emplace_back("GQA", m.kv_heads);
  if (m.heads > 1) table.emplace_back("MQA", 1);
  const std::string now = printed("%lld tokens", static_cast<long long>(m.tokens));
  const std::string full = printed("%lld tokens", static_cast<long long>(m.positions));
  if (ImGui::BeginTable("kv", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    for (const char* title : {"", "KV heads", "per token", now.c_str(), full.c_str()}) ImGui::TableSetupColumn(title);
    ImGui::TableHeadersRow();
    for (const auto& [name, kv] : table) {
      ImGui::TableNextRow();
      if (kv == m.kv_heads)  // this model
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, (selected_colour & 0x00FFFFFF) | 0x50000000);
      for (const std::string& cell : {std::string(name), std::to_string(kv), human_bytes(m.per_token(kv)),
                                      human_bytes(m.now(kv)), human_bytes(m.full(kv))}) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(cell.c_str());
      }
    }
    ImGui::EndTable();
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  wrapped_text("heads.text",
               printed("per token: %lld layers × KV heads × (dₖ %lld + dᵥ %lld) × %d bytes (the "
                       "checkpoint's %s); then × the tokens",
                       static_cast<long long>(m.layers), static_cast<long long>(m.head_dim),
                       static_cast<long long>(m.head_dim), m.value_bytes, m.value_bytes == 2 ? "16-bit" : "float32"));
  ImGui::PopStyleColor();
}

// What one attention layer's cache holds per token, and for the context and layers chosen, for
// the three ways to share KV heads at the current sizes and precision.
void kv_cache(AppState& app) {
  if (const ModelRun* run = app.applied.source == Source::model ? app.model.of(app.applied) : nullptr)
    return model_kv_cache(model_cache(run->model, static_cast<Index>(run->tokens.ids.size())));
  Settings& s = app.settings;
  const Problem& p = app.problem();
  const Index heads = app.heads.heads(), kv_heads = app.heads.kv_heads();
  const int bytes = value_bytes(p.precision.format);
  ImGui::Separator();
  ImGui::TextUnformatted("KV cache: the keys and values each token keeps");
  ImGui::PushItemWidth(ImGui::GetFontSize() * 6);
  slider_int("heads.context", "context tokens", &s.context, 1, 1 << 20, "%d", ImGuiSliderFlags_Logarithmic);
  ImGui::SameLine();
  slider_int("heads.layers", "layers", &s.layers, 1, 128);
  ImGui::PopItemWidth();
  s.context = std::clamp(s.context, 1, 1 << 20), s.layers = std::clamp(s.layers, 1, 128);
  struct Row {
    const char* name;
    Index kv_heads;
  };
  std::vector<Row> table{{"MHA", heads}};
  if (kv_heads > 1 && kv_heads < heads) table.push_back({"GQA", kv_heads});
  if (heads > 1) table.push_back({"MQA", 1});
  const std::uint64_t mha = kv_cache_bytes_per_token(heads, p.dk(), p.dv(), bytes);
  if (ImGui::BeginTable("kv", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
    for (const char* title : {"", "KV heads", "per token", "whole cache", "of MHA"}) ImGui::TableSetupColumn(title);
    ImGui::TableHeadersRow();
    for (const Row& row : table) {
      const std::uint64_t per_token = kv_cache_bytes_per_token(row.kv_heads, p.dk(), p.dv(), bytes);
      const std::uint64_t total =
          per_token * static_cast<std::uint64_t>(s.context) * static_cast<std::uint64_t>(s.layers);
      ImGui::TableNextRow();
      if (row.kv_heads == kv_heads)  // this model
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, (selected_colour & 0x00FFFFFF) | 0x50000000);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(row.name);
      ImGui::TableNextColumn();
      ImGui::Text("%lld", static_cast<long long>(row.kv_heads));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(human_bytes(per_token).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(human_bytes(total).c_str());
      ImGui::TableNextColumn();
      if (per_token == mha) ImGui::TextUnformatted("1");
      else ImGui::Text("1/%lld", static_cast<long long>(mha / per_token));
    }
    ImGui::EndTable();
  }
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  wrapped_text(
      "heads.text",
      printed(
          "per token and layer: KV heads × (dₖ %lld + dᵥ %lld) × %d bytes (%s); whole cache: × %d tokens × %d layers",
          static_cast<long long>(p.dk()), static_cast<long long>(p.dv()), bytes,
          std::string(precision_name(p.precision.format)).c_str(), s.context, s.layers));
  ImGui::PopStyleColor();
}

}  // namespace

void draw_heads(AppState& app, HeadsView& view) {
  head_counts(app);
  if (app.applied.source == Source::model) {
    // The legend, the knock-out's controls and the next tokens (before and after) under it; the KV
    // cache below them, where the panel scrolls.
    // At least room for a strip of 64-pixel thumbnails, and half the panel.
    const float kv_h = ImGui::GetTextLineHeightWithSpacing() * (app.model.ablated ? 14 : 8);
    const float avail = ImGui::GetContentRegionAvail().y;
    model_view(app, view, std::max({avail - kv_h, avail / 2, 64 + 12 + 3 * ImGui::GetTextLineHeight()}));
  } else if (app.heads.heads() > 1) {
    const float kv_h = ImGui::GetTextLineHeightWithSpacing() * 12;  // the legend under the grid, and the KV cache
    grid(app, view, std::max(ImGui::GetContentRegionAvail().y - kv_h, ImGui::GetTextLineHeight() * 4));
  } else {
    wrapped_text("heads.text",
                 printed("One head. Raise H to run several heads side by side, each with its own queries; lower G "
                         "to let query heads share keys and values, and watch the KV cache below shrink."));
  }
  kv_cache(app);
}

}  // namespace attnlab::gui
