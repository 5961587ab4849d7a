#pragma once
// The keyboard's actions on the app's state, also reachable from buttons and from --actions; the undo
// history; the mask kinds M steps through; the heatmap's zoom; the play-through's clock.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "app/gui/app_state.hpp"

namespace attnlab::gui {

// True (and the status line says why) when dₖ cannot change: a real model's heads are its own.
bool dk_is_fixed(AppState& app);

enum class Action {
  next_stage,
  previous_stage,
  next_query,
  previous_query,
  play,
  dk_up,
  dk_down,
  toggle_present,
  toggle_scaling,
  toggle_softcap,
  toggle_sink,
  toggle_qk_norm,  // a model layer's q and k before / after its QK-norm
  toggle_explorer,
  export_stage,
  export_all,
  toggle_tiles,
  next_tile,
  previous_tile,
  toggle_heads,
  next_head,
  previous_head,
  next_mask,
  previous_mask,
  toggle_help,
  close_help,
  zoom_in,
  zoom_out,
  zoom_reset,
  undo,
  redo,
  reset,
  toggle_theme,
  toggle_fullscreen,  // the window follows app.fullscreen
  next_layer,
  previous_layer,
  toggle_scores,     // the head dashboard's tab (a real model's)
  toggle_knockout,   // knock the selected head of a real model out, or bring it back
  generate,          // one new token after a real model's sentence (app_generate.hpp runs it)
  generate_many,     // the sampling panel's count of new tokens, until the model's end-of-text
  cancel_generation,  // no new token after the one under way
  toggle_generation,  // the generation tab (a real model's)
  toggle_compare,    // a real model's compare tab: a second sentence beside the first
  toggle_rollout,    // a real model's attention rollout tab
  cancel_download,  // the model source's Cancel button: a Hub download stops, the data shown stays
  toggle_motion,    // stage changes move the values for a moment, or change at once
  wait,             // nothing: a frame for the layout to settle in a scripted run
  wait_motion,      // a scripted run: the stage's motion to its end, so that this frame shows the stage still
  wait_progress,    // a scripted run: until a Hub download has brought part of the weights (or the load is done)
  wait_model        // a scripted run: until the model's download and forward pass are done
};
// Does what the action's key does, then apply().
void act(AppState& app, Action action);
// The names of --actions ("next-stage", "previous-stage", …, "wait"); parse_action throws an
// InputError that lists them.
Action parse_action(std::string_view name);
std::vector<std::string_view> action_names();

// The mask kinds M steps through, in order.
const std::vector<std::string>& mask_kinds();
// Sets the mask to a kind with its default parameter (window:3, padding:Lk−2); "painted" starts from
// the cells the current mask allows.
void set_mask_kind(AppState& app, const std::string& kind);
// Records the settings as a step of the undo history when they changed since the last step; call
// once a change has settled (no slider held), so that a drag is one step.
void remember(AppState& app);
// R: the example's (or the source's) own settings again — its dk, no mask, 1/√dk, fp32, one
// head — keeping the inputs, the stage, the query and the look.
void reset_to_defaults(Settings& settings);

// Moves the zoomed view the least that shows `row` whole (the selected query: never clipped by a zoom).
void show_row(AppState::Zoom& zoom, Index row, Index rows);
// Zooms the heatmap of rows × cols cells by `factor` about the point (row, col) in cells, which stays
// where it was on screen; the view never leaves the matrix, and scale 1 shows all of it.
void zoom_heatmap(AppState::Zoom& zoom, float factor, float row, float col, Index rows, Index cols);
// Advances the play-through: one stage per `seconds_per_stage`.
void tick(AppState& app, double seconds, double seconds_per_stage = 1.5);

}  // namespace attnlab::gui
