#include "core/figure/figure_parts.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/figure/figure_text.hpp"

namespace attnlab::figure_parts {
namespace {

// Black on light cells, white on dark ones (Rec. 709 luma).
Rgba ink_on(Rgba c) {
  return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b > 150 ? kInk : kWhite;
}

// A label's line: its size and a little air.
constexpr float kLabelLine = 1.2f;

}  // namespace

void check_width(int width) {
  if (width < figure_min_width || width > figure_max_side)
    throw InputError("width " + std::to_string(width) + " is out of range: a figure is " +
                     std::to_string(figure_min_width) + " to " + std::to_string(figure_max_side) + " pixels wide");
}

void check_query(std::optional<Index> query, Index lq) {
  if (query && (*query < 0 || *query >= lq))
    throw InputError("query " + std::to_string(*query) + " is out of range: the problem has " + std::to_string(lq) +
                     " queries (0 to " + std::to_string(lq - 1) + ")");
}

float text_line(FigurePen& l, const std::string& text, float above, float lead, float size, Rgba colour,
                const char* role) {
  const float text_width = static_cast<float>(l.figure.width) - 2 * l.px(kPad);
  const float fitted = l.fitting(text, size, text_width);
  const float y = above + (lead + l.font.ascent(fitted));
  l.text(text, l.px(kPad), y, fitted, Anchor::start, colour, role);
  return y;
}

namespace {

bool blocked(const Trace& trace, Index i, Index j) {
  return trace.masked(i, j) == -std::numeric_limits<float>::infinity();
}

}  // namespace

bool masked_cell(const Trace& trace, Stage stage, Index i, Index j) {
  return (stage == Stage::masked || stage == Stage::weights) && blocked(trace, i, j);
}

bool to_be_masked(const Trace& trace, Stage stage, Index i, Index j) {
  return (stage == Stage::scores || stage == Stage::scaled || stage == Stage::capped) && blocked(trace, i, j);
}

MaskLegend mask_legend(const Trace& trace, Stage stage) {
  if (stage == Stage::output || !(trace.masked.array() == -std::numeric_limits<float>::infinity()).any())
    return MaskLegend::none;
  return stage == Stage::masked || stage == Stage::weights ? MaskLegend::masked : MaskLegend::to_be_masked;
}

std::string fit(const Font& font, const std::string& text, float size, float max_w) {
  return shorten(text, max_w, [&](const std::string& s) { return font.width(s, size); });
}

std::vector<std::string> labels_or_numbers(const std::vector<std::string>& tokens, const char* prefix, Index count) {
  return static_cast<Index>(tokens.size()) == count ? tokens : numbered_tokens(prefix, count);
}

std::vector<std::string> fitted_labels(const FigurePen& l, const std::vector<std::string>& names) {
  std::vector<std::string> labels;
  for (const auto& name : axis_texts(names)) labels.push_back(fit(l.font, name, l.px(kLabel), l.px(kMaxLabel)));
  return labels;
}

void size_cells(FigureHeatmap& h, float avail) {
  const auto rows = static_cast<float>(h.rows), cols = static_cast<float>(h.cols);
  h.cell_w = avail / cols;
  h.cell_h = std::clamp(h.cell_w, 0.25f * avail / rows, avail / rows);
  if (h.cell_w >= 8) h.cell_w = std::floor(h.cell_w);
  if (h.cell_h >= 8) h.cell_h = std::floor(h.cell_h);
}

CellRange fill_cells(FigureHeatmap& h, const Trace& trace, Stage stage, const StageColours& colours) {
  const Matrix& m = trace.stage(stage);
  h.colours.resize(static_cast<std::size_t>(h.rows * h.cols));
  h.values.resize(h.colours.size());
  h.mask.assign(h.colours.size(), FigureHeatmap::Mask::open);
  CellRange range;
  for (Index i = 0; i < h.rows; ++i)
    for (Index j = 0; j < h.cols; ++j) {
      const auto n = static_cast<std::size_t>(i * h.cols + j);
      h.colours[n] = cell_colour(trace, stage, i, j, colours);
      h.values[n] = m(i, j);
      h.mask[n] = masked_cell(trace, stage, i, j)    ? FigureHeatmap::Mask::masked
                  : to_be_masked(trace, stage, i, j) ? FigureHeatmap::Mask::to_be_masked
                                                     : FigureHeatmap::Mask::open;
      if (!std::isfinite(m(i, j))) continue;
      range.largest = std::max(range.largest, std::abs(m(i, j)));
      range.whole = range.whole && m(i, j) == std::round(m(i, j));
    }
  return range;
}

void heatmap_frame(FigurePen& l, const FigureHeatmap& h, float heat_w, float heat_h) {
  const float frame = std::max(1.0f, l.px(1.2f));
  l.rect(h.x - frame, h.y - frame, heat_w + 2 * frame, heat_h + 2 * frame, kFrame, "frame", frame);
}

AxisPlan label_plan(const FigurePen& l, const FigureHeatmap& h, const std::vector<std::string>& col_labels) {
  const float size = l.px(kLabel);
  float widest = 0;
  for (const auto& text : col_labels) widest = std::max(widest, l.font.width(text, size));
  return plan_axis(h.cell_w, h.cell_h, kLabelLine * size, widest, l.px(kGap));
}

void query_labels(FigurePen& l, const FigureHeatmap& h, const std::vector<std::string>& labels,
                  std::optional<Index> query, const AxisPlan& plan) {
  const float size = l.px(kLabel), gap = l.px(kGap);
  for (Index i : labelled(0, h.rows, plan.stride, query))
    l.text(labels[static_cast<std::size_t>(i)], h.x - gap,
           h.y + (static_cast<float>(i) + 0.5f) * h.cell_h + kCentre * size, size, Anchor::end,
           query && *query == i ? kInk : kSoftInk, "query-label");
}

float key_labels(FigurePen& l, const FigureHeatmap& h, float heat_h, const std::vector<std::string>& labels,
                 const AxisPlan& plan) {
  const float size = l.px(kLabel), frame = std::max(1.0f, l.px(1.2f));
  const float top = h.y + heat_h + frame + l.px(8);
  float reach = top + l.font.ascent(size);
  for (Index j : labelled(0, h.cols, plan.stride)) {
    const std::string& text = labels[static_cast<std::size_t>(j)];
    const float x = h.x + (static_cast<float>(j) + 0.5f) * h.cell_w;
    if (plan.upright) {
      // Read bottom to top, ending under the column; the baseline right of the column's middle.
      l.text(text, x + kCentre * size, top, size, Anchor::end, kSoftInk, "key-label");
      l.figure.texts.back().upright = true;
      reach = std::max(reach, top + l.font.width(text, size));
    } else {
      l.text(text, x, top + l.font.ascent(size), size, Anchor::middle, kSoftInk, "key-label");
    }
  }
  return reach;
}

void cell_values(FigurePen& l, const FigureHeatmap& h, const Trace& trace, Stage stage, CellRange range) {
  if (std::min(h.cell_w, h.cell_h) < l.px(kValueCell)) return;
  const int decimals = cell_decimals(stage, range.largest, range.whole);
  const auto shows_value = [&](Index i, Index j) {
    return stage != Stage::weights || !masked_cell(trace, stage, i, j);
  };
  float size = std::min(l.px(kLabel), h.cell_h * 0.3f), widest = 0;
  for (float v : h.values) widest = std::max(widest, l.font.width(format_value(v, decimals), size));
  if (widest > 0.88f * h.cell_w) size *= 0.88f * h.cell_w / widest;
  if (size < l.px(kValueMin)) return;
  for (Index i = 0; i < h.rows; ++i)
    for (Index j = 0; j < h.cols; ++j) {
      const auto n = static_cast<std::size_t>(i * h.cols + j);
      if (!shows_value(i, j)) continue;
      l.text(format_value(h.values[n], decimals), h.x + (static_cast<float>(j) + 0.5f) * h.cell_w,
             h.y + (static_cast<float>(i) + 0.5f) * h.cell_h + kCentre * size, size, Anchor::middle,
             ink_on(h.colours[n]), "cell-value");
    }
}

void query_outline(FigurePen& l, const FigureHeatmap& h, float heat_w, Index query) {
  const float row_y = h.y + static_cast<float>(query) * h.cell_h;
  const float outer = std::max(2.0f, l.px(3.5f)), inner = std::max(1.0f, l.px(1.5f));
  l.rect(h.x - outer, row_y - outer, heat_w + 2 * outer, h.cell_h + 2 * outer, kInk, "outline", outer);
  if (h.cell_h >= 4 * inner) l.rect(h.x, row_y, heat_w, h.cell_h, kWhite, "outline", inner);
}

namespace {

constexpr const char* kMaskedText = "masked (\u2212\u221e)";
constexpr const char* kToBeMaskedText = "to be masked";

}  // namespace

float colour_bar_space(const FigurePen& l, const StageColours& c, MaskLegend legend) {
  float tick_w = 0;
  for (const Tick& t : nice_ticks(c.lo, c.hi)) tick_w = std::max(tick_w, l.font.width(t.text, l.px(kTick)));
  const char* text = legend == MaskLegend::masked ? kMaskedText : kToBeMaskedText;
  const float legend_w = legend != MaskLegend::none ? l.px(kBarW + 8) + l.font.width(text, l.px(kTick)) : 0;
  return l.px(kBarGap) + std::max(l.px(kBarW + kTickLen + 5) + tick_w, legend_w);
}

float colour_bar(FigurePen& l, const StageColours& c, Stage stage, float x, float y, float h, MaskLegend legend) {
  return colour_bar(l, c, std::string(stage_name(stage)), x, y, h, legend);
}

float colour_bar(FigurePen& l, const StageColours& c, const std::string& title, float x, float y, float h,
                 MaskLegend legend) {
  const float w = l.px(kBarW), tick = l.px(kTick);
  l.text(title, x + w / 2, y - l.px(kAxisLift), tick, Anchor::middle, kSoftInk, "axis-title");
  // One rect per table entry, each reaching 1 px into the one below so no background shows between.
  const float step = h / 256.0f;
  for (int k = 0; k < 256; ++k)
    l.rect(x, y + step * static_cast<float>(255 - k), w, step + (k > 0 ? 1.0f : 0.0f),
           (*c.table)[static_cast<std::size_t>(k)], "colour-bar");
  const float frame = std::max(1.0f, l.px(1));
  l.rect(x - frame, y - frame, w + 2 * frame, h + 2 * frame, kFrame, "frame", frame);
  for (const Tick& t : nice_ticks(c.lo, c.hi)) {
    const float ty = y + h * (c.hi - t.value) / (c.hi - c.lo);
    l.rect(x + w, ty - frame * 0.75f, l.px(kTickLen), frame * 1.5f, kFrame, "tick");
    l.text(t.text, x + w + l.px(kTickLen + 5), ty + kCentre * tick, tick, Anchor::start, kInk, "tick");
  }
  if (legend == MaskLegend::none) return y + h;
  // Grey for cells the mask blocked; before the mask stage, the middle of the bar hatched, as the
  // cells that keep their colours until the mask blocks them.
  const float sy = y + h + l.px(16), sh = l.px(18);
  if (legend == MaskLegend::masked) {
    l.rect(x, sy, w, sh, masked_colour, "masked-swatch");
  } else {
    l.rect(x, sy, w, sh, (*c.table)[128], "to-be-masked-swatch");
    l.figure.rects.back().hatched = true;
  }
  l.rect(x - frame, sy - frame, w + 2 * frame, sh + 2 * frame, kFrame, "frame", frame);
  l.text(legend == MaskLegend::masked ? kMaskedText : kToBeMaskedText, x + w + l.px(8), sy + sh / 2 + kCentre * tick,
         tick, Anchor::start, kInk, "legend");
  return sy + sh;
}

}  // namespace attnlab::figure_parts
