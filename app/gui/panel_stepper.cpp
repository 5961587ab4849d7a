// Stepper: one query through scores → scaled → masked → weights → output, with its numbers.
#include <imgui.h>

#include <cmath>
#include <string>

#include "app/gui/panels.hpp"
#include "app/gui/plot.hpp"
#include "core/attention/query_view.hpp"

namespace attnlab::gui {
namespace {

const char* step_titles[] = {"scores", "scaled", "masked", "softmax", "output"};

std::string explanation(const Problem& p, Stage stage) {
  char text[512];
  switch (stage) {
    case Stage::scores:
      return "Each score is the dot product q·k of this query with one key: large when they point the same way.";
    case Stage::scaled:
      if (p.scale.kind == ScaleSpec::Kind::sqrt) {
        std::snprintf(text, sizeof text,
                      "Scores are multiplied by 1/√dₖ = 1/√%lld = %.3f, so their spread stays near 1 whatever dₖ is.",
                      static_cast<long long>(p.dk()), 1 / std::sqrt(double(p.dk())));
        return text;
      }
      if (p.scale.kind == ScaleSpec::Kind::none)
        return "No scaling: the scores go to softmax as they are. Their spread grows like √dₖ.";
      std::snprintf(text, sizeof text, "Scores are multiplied by s = %.4g%s.", resolve_scale(p.scale, p.dk()),
                    p.temperature != 1 ? " and divided by the temperature" : "");
      return text;
    case Stage::masked:
      return p.mask.kind == MaskSpec::Kind::none
                 ? "No mask: this query may attend every key. A mask would put −∞ where it may not look."
                 : "Keys this query may not see get −∞ (grey), so softmax gives them weight 0.";
    case Stage::weights:
      return "Softmax turns the row into weights that are positive and add up to 1: exp(x − max) / Σ exp(x − max).";
    case Stage::output: break;
  }
  return "The output is the weighted sum of the value vectors: Σⱼ wⱼ·vⱼ. Each value contributes by its weight.";
}

bool stage_shows_saturation(Stage stage) {
  return stage == Stage::weights || stage == Stage::output;
}

// q·k written out term by term when dk is small enough to read.
std::string dot_product(const Problem& p, Index i, Index j) {
  std::string text = "q·k(" + key_label(p, j) + ") = ";
  if (p.dk() <= 8) {
    for (Index d = 0; d < p.dk(); ++d) {
      char term[48];
      std::snprintf(term, sizeof term, "%s%.3g·%.3g", d ? " + " : "", p.q(i, d), p.k(j, d));
      text += term;
    }
    text += " = ";
  } else {
    text += "Σ of " + std::to_string(p.dk()) + " products = ";
  }
  char total[32];
  std::snprintf(total, sizeof total, "%.4g", double(p.q.row(i).dot(p.k.row(j))));
  return text + total;
}

void query_selector(AppState& app) {
  const Problem& p = app.problem();
  if (ImGui::ArrowButton("##previous_query", ImGuiDir_Up)) act(app, Action::previous_query);
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next_query", ImGuiDir_Down)) act(app, Action::next_query);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  const std::string label =
      "query " + std::to_string(app.settings.query) + ": “" + query_label(p, app.settings.query) + "”";
  ImGui::SliderInt("##query", &app.settings.query, 0, static_cast<int>(p.lq()) - 1, label.c_str());
}

// Which head the stepper and heatmap show, when there are several.
void head_selector(AppState& app) {
  const Index heads = app.heads.heads();
  if (heads < 2) return;
  if (ImGui::ArrowButton("##previous_head", ImGuiDir_Left)) act(app, Action::previous_head);
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next_head", ImGuiDir_Right)) act(app, Action::next_head);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  const Index kv = kv_head(app.settings.head, heads, app.heads.kv_heads());
  const std::string label = "head " + std::to_string(app.settings.head) + " of " + std::to_string(heads) +
                            ", reads KV head " + std::to_string(kv) + " of " + std::to_string(app.heads.kv_heads());
  ImGui::SliderInt("##head", &app.settings.head, 0, static_cast<int>(heads) - 1, label.c_str());
}

void stage_steps(AppState& app) {
  const float w = (ImGui::GetContentRegionAvail().x - 4 * ImGui::GetStyle().ItemSpacing.x) / 5;
  for (int s = 0; s < 5; ++s) {
    if (s) ImGui::SameLine();
    const bool current = static_cast<int>(app.settings.stage) == s;
    if (current) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    if (ImGui::Button(step_titles[s], {w, 0})) app.settings.stage = static_cast<Stage>(s);
    if (current) ImGui::PopStyleColor();
  }
  if (ImGui::Button("◀ previous")) act(app, Action::previous_stage);
  ImGui::SameLine();
  if (ImGui::Button("next ▶")) act(app, Action::next_stage);
  ImGui::SameLine();
  if (ImGui::Button(app.playing ? "stop" : "play all")) act(app, Action::play);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped(
      "keys: ←/→ stage, ↑/↓ query, ,/. head, space play, +/− dₖ, S scaling on/off, D dₖ explorer, "
      "H heads, T tiles, E export, P present, F full screen");
  ImGui::PopStyleColor();
}

void row_numbers(AppState& app, const QueryView& view) {
  const Problem& p = app.problem();
  const int stage = static_cast<int>(app.settings.stage);
  const int columns = 1 + std::min(stage, 3) + 1 + (stage == 4);
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV;
  if (!ImGui::BeginTable("row", columns, flags, {0, ImGui::GetContentRegionAvail().y})) return;
  ImGui::TableSetupScrollFreeze(1, 1);
  ImGui::TableSetupColumn("key");
  const char* names[] = {"q·k", "scaled", "masked", "weight"};
  for (int c = 0; c <= std::min(stage, 3); ++c) ImGui::TableSetupColumn(names[c]);
  if (stage == 4) ImGui::TableSetupColumn("‖w·v‖");
  ImGui::TableHeadersRow();
  const Eigen::VectorXf* cols[] = {&view.scores, &view.scaled, &view.masked, &view.weights};
  ImGuiListClipper clipper;  // only the rows on screen: thousands of keys cost nothing
  clipper.Begin(static_cast<int>(p.lk()));
  while (clipper.Step()) {
    for (Index j = clipper.DisplayStart; j < clipper.DisplayEnd; ++j) {
      ImGui::TableNextRow();
      if (j == app.focus_key)
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, ImGui::GetColorU32(ImGuiCol_HeaderHovered));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(key_label(p, j).c_str());
      for (int c = 0; c <= std::min(stage, 3); ++c) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(format_value((*cols[c])(j)).c_str());
      }
      if (stage == 4) {
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(format_value(view.contributions.row(j).norm()).c_str());
      }
    }
  }
  ImGui::EndTable();
}

}  // namespace

void draw_stepper(AppState& app) {
  const Problem& p = app.problem();
  const Trace& t = app.trace();
  const QueryView view = query_view(p, t, app.settings.query);
  query_selector(app);
  head_selector(app);
  if (ImGui::Checkbox("FlashAttention tiles (T)", &app.tiles)) app.tile_step = 0;
  if (app.tiles) {
    draw_tiles(app);
    return;
  }
  stage_steps(app);
  ImGui::Separator();
  ImGui::TextWrapped("%s", explanation(p, app.settings.stage).c_str());
  if (stage_shows_saturation(app.settings.stage) && view.stats.max_weight > 0.99f)
    ImGui::TextColored({1.0f, 0.55f, 0.2f, 1.0f}, "Saturated: %.1f%% of the weight on one key.",
                       100 * view.stats.max_weight);

  Bars bars;
  const Stage stage = app.settings.stage;
  const Eigen::VectorXf& row = stage == Stage::output ? view.output
                                                      : (stage == Stage::weights  ? view.weights
                                                         : stage == Stage::masked ? view.masked
                                                         : stage == Stage::scaled ? view.scaled
                                                                                  : view.scores);
  bars.values.assign(row.data(), row.data() + row.size());
  for (Index j = 0; j < row.size(); ++j)
    bars.labels.push_back(stage == Stage::output ? "d" + std::to_string(j) : key_label(p, j));
  float largest = 0;
  for (float v : bars.values)
    if (std::isfinite(v)) largest = std::max(largest, std::abs(v));
  if (largest == 0) largest = 1;
  bars.lo = stage == Stage::weights ? 0 : -largest;
  bars.hi = stage == Stage::weights ? 1 : largest;
  const ColourRange range = stage_colours(app);
  const ColormapTable& table = stage_table(stage);
  bars.colour = [&](int j) {
    return to_imgui(colormap(bars.values[static_cast<std::size_t>(j)], range.lo, range.hi, table));
  };
  bars.highlight = stage == Stage::output ? -1 : app.focus_key;
  const int hovered = bar_chart("row", bars, {ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 9});
  if (hovered >= 0 && stage != Stage::output) app.focus_key = hovered;

  Index focus = app.focus_key;
  if (focus < 0 || focus >= p.lk()) view.weights.maxCoeff(&focus);
  ImGui::TextWrapped("%s", dot_product(p, app.settings.query, focus).c_str());
  if (stage >= Stage::scaled)
    ImGui::Text("scaled %s   masked %s   weight %s", format_value(view.scaled(focus)).c_str(),
                format_value(view.masked(focus)).c_str(), format_value(view.weights(focus)).c_str());
  row_numbers(app, view);
}

}  // namespace attnlab::gui
