#include "app/gui/stage_motion.hpp"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace attnlab::gui {
namespace {

// std::lerp is exact at 0 and 1: the first and last frames of a motion are the stages themselves.
float mix(float a, float b, float e) {
  if (e <= 0) return a;
  if (e >= 1) return b;
  // A value without a finite path (an overflow of the precision lab) changes half way.
  if (!std::isfinite(a) || !std::isfinite(b)) return e < 0.5f ? a : b;
  return std::lerp(a, b, e);
}

std::uint8_t mix_channel(std::uint8_t a, std::uint8_t b, float e) {
  return static_cast<std::uint8_t>(std::lround(std::lerp(static_cast<float>(a), static_cast<float>(b), e)));
}

template <class At>
Between between(Index rows, Index cols, Stage from, Stage to, float e, At&& at) {
  Between b{Matrix(rows, cols), Matrix(rows, cols)};
  for (Index i = 0; i < rows; ++i)
    for (Index j = 0; j < cols; ++j) {
      const auto [a, z, masked] = at(i, j);
      const CellBetween c = cell_between(a, shows_masked(from, masked), z, shows_masked(to, masked), e);
      b.values(i, j) = c.value, b.grey(i, j) = c.grey;
    }
  return b;
}

}  // namespace

Rgba mix_colour(Rgba a, Rgba b, float e) {
  if (e <= 0) return a;
  if (e >= 1) return b;
  return {mix_channel(a.r, b.r, e), mix_channel(a.g, b.g, e), mix_channel(a.b, b.b, e), 255};
}

float ease_in_out(float t) {
  t = std::clamp(t, 0.0f, 1.0f);
  return t * t * (3 - 2 * t);
}

float StageMotion::progress() const {
  return moving() ? ease_in_out(static_cast<float>(elapsed / stage_motion_seconds)) : 1.0f;
}

void follow_stage(StageMotion& m, Stage shown, int generation, bool motion, Index cells) {
  if (!m.started || generation != m.generation || (!motion && m.moving())) {
    m = {shown, shown, stage_motion_seconds, generation, true};
    return;
  }
  if (shown == m.to) return;
  const bool start =
      motion && !m.moving() && shown != Stage::output && m.to != Stage::output && cells <= stage_motion_cells;
  m.from = start ? m.to : shown;
  m.to = shown;
  m.elapsed = start ? 0 : stage_motion_seconds;
}

void advance(StageMotion& m, double seconds) {
  if (m.moving()) m.elapsed += seconds;
}

CellBetween cell_between(float from, bool from_masked, float to, bool to_masked, float e) {
  const float end = e <= 0 ? from : e >= 1 ? to : NAN;
  if (from_masked && to_masked) return {e < 1 ? from : to, 1};
  // The mask arriving (or leaving): the cell keeps its number and fades to (or from) the grey.
  if (to_masked) return {e >= 1 ? end : from, e >= 1 ? 1.0f : std::max(e, 0.0f)};
  if (from_masked) return {e <= 0 ? end : to, e <= 0 ? 1.0f : std::max(1 - e, 0.0f)};
  return {mix(from, to, e), 0};
}

Between stages_between(const Trace& t, Stage from, Stage to, float e) {
  const Matrix &a = t.stage(from), &z = t.stage(to), &masked = t.masked;
  return between(a.rows(), a.cols(), from, to, e,
                 [&](Index i, Index j) { return std::tuple{a(i, j), z(i, j), masked(i, j)}; });
}

Between row_between(const Trace& t, Stage from, Stage to, Index query, float e) {
  const Matrix &a = t.stage(from), &z = t.stage(to), &masked = t.masked;
  return between(1, a.cols(), from, to, e,
                 [&](Index, Index j) { return std::tuple{a(query, j), z(query, j), masked(query, j)}; });
}

ColourRange range_between(const ColourRange& from, const ColourRange& to, float e) {
  return {mix(from.lo, to.lo, e), mix(from.hi, to.hi, e), e < 0.5f ? from.diverging : to.diverging};
}

Rgba colour_between(const CellBetween& cell, const ColourRange& range, const ColormapTable& from,
                    const ColormapTable& to, float e) {
  if (cell.grey >= 1) return masked_colour;
  if (std::isnan(cell.value)) return nan_colour;
  const Rgba own = mix_colour(colormap(cell.value, range.lo, range.hi, from),
                              colormap(cell.value, range.lo, range.hi, to), &from == &to ? 0.0f : e);
  return mix_colour(own, masked_colour, cell.grey);
}

std::vector<std::uint32_t> paint_between(const Between& b, const ColourRange& range, const ColormapTable& from,
                                         const ColormapTable& to, float e) {
  std::vector<std::uint32_t> pixels(static_cast<std::size_t>(b.values.size()));
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < b.values.size(); ++i)
    pixels[static_cast<std::size_t>(i)] =
        packed(colour_between({b.values.data()[i], b.grey.data()[i]}, range, from, to, e));
  return pixels;
}

}  // namespace attnlab::gui
