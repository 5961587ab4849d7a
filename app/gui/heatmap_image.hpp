#pragma once
// A stage's matrix as one RGBA texture (never one draw call per cell), repainted only when the
// trace, the stage or the colour range changes.
#include <cstdint>
#include <vector>

#include "core/attention/trace.hpp"
#include "core/base/matrix.hpp"
#include "core/colormap/colormap.hpp"

namespace attnlab::gui {

// NaN cells (the precision lab's overflows): a colour no table holds, and not the masked grey.
inline constexpr Rgba nan_colour{255, 0, 255, 255};

// The colour range of a stage: weights on [0, 1], signed stages symmetric around 0.
struct ColourRange {
  float lo = 0, hi = 1;
  bool diverging = false;
};
// A stage painted off the frame (a generated token's, on the worker), for the heatmap to upload as it
// is when its stage and colours are still these.
struct PaintedStage {
  int generation = -1;  // the app's recompute it belongs to (set when the frame takes it over)
  Stage stage = Stage::scores;
  ColourRange range;
  std::vector<std::uint32_t> pixels;
  int decimals = 2;
};

// Pixels of `m`, one per cell, row-major, through the table; cells that are -inf in `masked`
// (the masked stage for the masked and weights stages, m itself for the others) in the masked colour.
std::vector<std::uint32_t> paint(const Matrix& m, const Matrix& masked, const ColourRange& range,
                                 const ColormapTable& table);
// Whether `stage` shows masked cells in the masked grey: from the masked stage on; before it the
// cells keep their colours (and are striped).
inline bool greys_masked(Stage stage) {
  return stage == Stage::masked || stage == Stage::weights;
}
// `m` shown at `stage` (its values, or the precision lab's error over them) as the heatmap paints it:
// grey where `t` masks a cell when the stage greys them.
std::vector<std::uint32_t> paint_stage(const Matrix& m, const Trace& t, Stage stage, const ColourRange& range,
                                       const ColormapTable& table);

class HeatmapImage {
 public:
  HeatmapImage() = default;
  HeatmapImage(const HeatmapImage&) = delete;
  HeatmapImage& operator=(const HeatmapImage&) = delete;
  ~HeatmapImage();
  // Uploads the pixels of an rows × cols matrix; the texture grows only when the size changes.
  void upload(const std::vector<std::uint32_t>& pixels, Index rows, Index cols);
  void* texture_id() const { return reinterpret_cast<void*>(static_cast<std::uintptr_t>(texture_)); }

 private:
  unsigned texture_ = 0;
  Index rows_ = 0, cols_ = 0;
};

// Stripes rising to the right, a dark band and a light one in each period of 8 texels, repeating:
// drawn over the cells the mask will block, before the masked stage (as the figures stripe them).
class HatchImage {
 public:
  HatchImage() = default;
  HatchImage(const HatchImage&) = delete;
  HatchImage& operator=(const HatchImage&) = delete;
  ~HatchImage();
  void* texture_id();  // made on first use
  static constexpr int period = 8;

 private:
  unsigned texture_ = 0;
};

}  // namespace attnlab::gui
