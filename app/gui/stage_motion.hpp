#pragma once
// What the class sees between two stages of the lesson: for a short while after → or ← the heatmap
// and the row's bars move from the old stage's values to the new ones, in the same box. Only the
// values move, never the layout (panel_heatmap.cpp keeps one geometry for every lesson stage).
//
// The values are interpolated, not the two pictures cross-faded: scaling is every score divided by the
// same √dₖ, and a class should see 9 count down through 6 to 3.18 (the numbers in the cells and on the
// colour bar pass through every value between), not two pictures on top of each other. A cell the mask
// blocks has no value between its score and −∞: it keeps its value and fades to the masked grey instead.
#include <cstdint>
#include <vector>

#include "app/gui/heatmap_image.hpp"
#include "core/attention/trace.hpp"

namespace attnlab::gui {

// How long a stage change moves: long enough to be followed from the back of a room, short enough
// that stepping through a lesson never waits for it.
inline constexpr double stage_motion_seconds = 0.4;
// Problems larger than this change stage at once: a frame would repaint too many cells (512 × 512 took
// 35 ms a frame on two busy cores, 256 × 256 fits a 60 Hz frame).
inline constexpr Index stage_motion_cells = Index{1} << 16;  // 256 × 256

struct StageMotion {
  Stage from = Stage::scores, to = Stage::scores;  // `to`: the stage the window shows (or moves to)
  double elapsed = stage_motion_seconds;           // seconds since the change; ≥ stage_motion_seconds: still
  int generation = -1;                             // the data `to` was shown on
  bool started = false;                            // `to` and `generation` have been set once
  bool moving() const { return elapsed < stage_motion_seconds - 1e-9; }
  // How far the values have moved, 0 to 1, eased in and out (slow at both ends, as a hand moves).
  float progress() const;
};

// Smoothstep: 0 at 0, 1 at 1, flat at both ends.
float ease_in_out(float t);

// Follows the stage the settings show, once per frame before anything is drawn: a change of stage on
// the same data starts a motion from the stage shown to the new one when `motion` is on and both are
// lesson stages of a problem no larger than stage_motion_cells; a change during a motion jumps to the
// new stage at once (keys held or pressed quickly never queue motions); new data stops any motion.
void follow_stage(StageMotion& m, Stage shown, int generation, bool motion, Index cells);
// Advances a motion by a frame's seconds.
void advance(StageMotion& m, double seconds);

// Whether a cell of `stage` shows as masked: -inf in the masked stage, from the masked stage on.
inline bool shows_masked(Stage stage, float masked) {
  return greys_masked(stage) && masked == -INFINITY;
}

// One cell between two stages at eased progress e: `value` its number, `grey` how far it has faded to
// the masked grey (0: its colour, 1: grey). At e = 0 the old stage's cell exactly, at e = 1 the new's.
struct CellBetween {
  float value = 0, grey = 0;
};
CellBetween cell_between(float from, bool from_masked, float to, bool to_masked, float e);

// Every cell of `from` and `to` (the trace's matrices of two lesson stages) between them at e; `masked`
// is the trace's masked stage. `grey` as above, per cell.
struct Between {
  Matrix values, grey;
};
Between stages_between(const Trace& t, Stage from, Stage to, float e);
// One query's row of the same.
Between row_between(const Trace& t, Stage from, Stage to, Index query, float e);

// The colour range between two stages' ranges.
ColourRange range_between(const ColourRange& from, const ColourRange& to, float e);
// A cell's colour at e: its value through both stages' tables on the range between (the tables mixed,
// weights to viridis from the scores' blue and red), then mixed towards the masked grey.
Rgba colour_between(const CellBetween& cell, const ColourRange& range, const ColormapTable& from,
                    const ColormapTable& to, float e);
// a, b mixed: a at e = 0, b at e = 1 exactly.
Rgba mix_colour(Rgba a, Rgba b, float e);
// The texture's pixels of a Between, as paint() makes a stage's.
std::vector<std::uint32_t> paint_between(const Between& b, const ColourRange& range, const ColormapTable& from,
                                         const ColormapTable& to, float e);

}  // namespace attnlab::gui
