#pragma once
// A real model's two views beyond one head's heatmap (heads.md): Compare, the selected layer and
// head on a second sentence beside the first and, where both have as many tokens, their difference on
// a diverging scale; and Rollout, Abnar & Zuidema's attention flow through every layer.
#include "app/gui/app_state.hpp"
#include "app/gui/heatmap_image.hpp"

namespace attnlab::gui {

struct CompareView {  // the tabs' textures and the weights they were painted from
  HeatmapImage first, second, difference, rollout;
  struct Painted {
    const void* first = nullptr;
    const void* second = nullptr;
    int layer = -1, head = -1;
    int generation = -1;  // the app's recomputes: a new pass may come where an old one was
    std::string text;
    bool operator==(const Painted&) const = default;
  } painted;
  Matrix first_weights, second_weights, difference_weights, first_masked, second_masked;
  const void* painted_rollout = nullptr;
  int painted_rollout_generation = -1;
  Matrix rollout_masked;
};

void draw_compare(AppState& app, CompareView& view);
void draw_rollout(AppState& app, CompareView& view);

}  // namespace attnlab::gui
