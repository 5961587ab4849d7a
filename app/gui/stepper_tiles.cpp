// The FlashAttention stepper: the selected query's softmax taken tile by tile, as the output-only
// mode computes it (core/tile_step.hpp), never holding a row of Lk weights.
#include "app/gui/stepper_tiles.hpp"

#include <imgui.h>

#include <cmath>

#include "app/gui/app_actions.hpp"
#include "app/gui/labels.hpp"
#include "app/gui/layout_audit.hpp"
#include "app/gui/plot.hpp"
#include "app/gui/widgets.hpp"
#include "core/attention/cpu_backend.hpp"
#include "core/attention/memory.hpp"
#include "core/attention/tile_walk.hpp"

namespace attnlab::gui {

namespace {

// Every tile so far, a row each: its keys, its largest score, the running m and ℓ, and the factor that
// rescaled what came before; the tile `now` highlighted.
void tile_table(const TileWalk& walk, int now) {
  // As tall as its rows (a panel's room is not spent on empty ones), scrolled beyond six; the last
  // column named by its formula where the panel is wide enough, else by what it does.
  const float row = ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y;
  const bool scrolls = now + 1 > 6;
  const char* rescale = "exp(m_old − m_new)";
  const char* names[] = {"tile", "keys", "tile max", "m", "ℓ", rescale};
  float widths = 0;
  for (const char* name : names) widths += text_width(name) + 2 * ImGui::GetStyle().CellPadding.x + 1;
  if (widths > ImGui::GetContentRegionAvail().x) names[5] = "rescale";
  if (ImGui::BeginTable("tiles", 6,
                        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit |
                            (scrolls ? ImGuiTableFlags_ScrollY : 0),
                        {0, scrolls ? row * 7 : 0})) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (const char* name : names) ImGui::TableSetupColumn(name);
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    for (int c = 0; c < 6; ++c) {
      ImGui::TableSetColumnIndex(c);
      const float room = ImGui::GetContentRegionAvail().x;
      ImGui::TableHeader(names[c]);
      if (c == 5 && names[5] != rescale && ImGui::IsItemHovered())
        ImGui::SetTooltip("the factor exp(m_old − m_new) that rescaled what came before");
      audit_text("tiles.header", names[c], text_width(names[c]), room);
    }
    for (int k = 0; k <= now; ++k) {
      const TileStep& step = walk.steps[static_cast<std::size_t>(k)];
      ImGui::TableNextRow();
      if (k == now) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, ImGui::GetColorU32(ImGuiCol_HeaderHovered));
      ImGui::TableNextColumn();
      ImGui::Text("%d", k + 1);
      ImGui::TableNextColumn();
      ImGui::Text("%lld–%lld", static_cast<long long>(step.first_key),
                  static_cast<long long>(step.first_key + step.keys - 1));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_value(step.tile_max).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_value(step.max_after).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(format_value(static_cast<float>(step.sum_after)).c_str());
      ImGui::TableNextColumn();
      // The first tile with a key to attend sets m; nothing came before it to rescale.
      const bool first = !std::isfinite(step.max_before) && std::isfinite(step.max_after);
      ImGui::TextUnformatted(first                  ? "— (m set)"
                             : step.rescale == 1.0f ? "1 (m kept)"
                                                    : format_value(step.rescale).c_str());
    }
    ImGui::EndTable();
  }
}

}  // namespace

void draw_tiles(AppState& app) {
  const Problem& p = app.problem();
  const Trace& t = app.trace();
  const TileWalk walk = walk_tiles(p, app.settings.query, app.tile, &t);
  const int tiles = static_cast<int>(walk.steps.size());
  app.tile_step = std::clamp(app.tile_step, 0, tiles - 1);
  const TileStep& now = walk.steps[static_cast<std::size_t>(app.tile_step)];

  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (slider_int("tiles.tile", "keys per tile", &app.tile, 1, std::max(2, static_cast<int>(p.lk())))) app.tile_step = 0;
  ImGui::SameLine();
  if (ImGui::ArrowButton("##previous_tile", ImGuiDir_Left)) act(app, Action::previous_tile);
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next_tile", ImGuiDir_Right)) act(app, Action::next_tile);
  ImGui::Text("tile %d of %d (keys %lld–%lld)", app.tile_step + 1, tiles, static_cast<long long>(now.first_key),
              static_cast<long long>(now.first_key + now.keys - 1));
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("[ and ] step through the tiles; T leaves the tiles");
  wrapped_text("tiles.text",
               printed("Each tile's scores meet a running maximum m and a running sum ℓ = Σ exp(x − m). When a tile "
                       "brings a larger m, ℓ and the partial output are first multiplied by exp(m_old − m_new). "
                       "No row of %lld weights is ever held.",
                       static_cast<long long>(p.lk())));

  // The query's scaled scores: this tile bright, earlier ones faint, later ones not yet seen.
  Bars bars;
  for (const TileStep& step : walk.steps)
    for (Index j = 0; j < step.keys; ++j)
      bars.values.push_back(step.scaled(j)), bars.labels.push_back(key_label(p, step.first_key + j));
  float largest = 1e-6f;
  for (float v : bars.values) largest = std::max(largest, std::abs(v));
  bars.lo = -largest, bars.hi = largest;
  bars.colour = [&](int j) {
    if (j < now.first_key) return IM_COL32(86, 180, 233, 110);
    if (j < now.first_key + now.keys) return IM_COL32(230, 159, 0, 255);
    return IM_COL32(128, 128, 128, 60);
  };
  // Presenting, the chart is shorter: the table, the result and the memory line keep their room.
  const float chart = ImGui::GetFontSize() * (app.settings.present ? 4.0f : 6.0f);
  bar_chart("tile scores", bars, {ImGui::GetContentRegionAvail().x, chart});

  tile_table(walk, std::min(app.tile_step, tiles - 1));  // a button may have stepped past the last

  const bool last = app.tile_step == tiles - 1;
  if (last) {
    wrapped_text("tiles.text",
                 printed("Done: output = partial / ℓ. Largest difference from the standard path: %.2e (rounding).",
                         walk.difference));
  } else {
    wrapped_text("tiles.text", printed("Estimate so far: partial / ℓ, still missing %lld keys.",
                                       static_cast<long long>(p.lk() - now.first_key - now.keys)));
  }
  // Presenting, the figures alone; why the tiled path keeps more at a few tokens is a hover away.
  const std::string figures = tiles_memory_figures(p.lq(), p.lk(), app.tile, cpu_threads()),
                    why = tiles_memory_why(p.lq(), p.lk(), app.tile, cpu_threads());
  wrapped_text("tiles.memory", app.settings.present || why.empty() ? figures : figures + " " + why);
  if (app.settings.present && !why.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", why.c_str());
}

std::string tiles_memory_figures(Index lq, Index lk, int tile, int threads) {
  const MemoryReadout here = memory_readout(lq, lk, tile, threads);
  const MemoryReadout big = memory_readout(32768, 32768, tile, threads);
  return printed("Memory for the Lq×Lk matrices: standard %s, tiled %s here; at L = 32k: standard %s, tiled %s.",
                 human_bytes(here.standard).c_str(), human_bytes(here.tiled).c_str(), human_bytes(big.standard).c_str(),
                 human_bytes(big.tiled).c_str());
}

std::string tiles_memory_why(Index lq, Index lk, int tile, int threads) {
  const MemoryReadout here = memory_readout(lq, lk, tile, threads);
  // At a few tokens the tiled figure is the larger one, which looks like a contradiction.
  if (here.tiled < here.standard) return "";
  return printed(
      "At so few tokens the tiled path keeps more: its buffers are a whole tile of %d keys for a block "
      "of 128 queries on each of %d threads, whatever L is, while the standard path's grow with Lq × Lk.",
      tile, threads);
}

}  // namespace attnlab::gui
