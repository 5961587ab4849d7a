#include "core/figure.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/figure_pen.hpp"
#include "core/figure_text.hpp"
#include "core/font.hpp"

namespace attnlab {
namespace {

// Lengths in units of a figure 1000 units wide, multiplied into pixels by width/1000: a figure at
// 2400 px is the same figure as at 1600 px, only sharper.
constexpr float kPad = 28, kGap = 10, kAxisLift = 15;  // axis titles above the heatmap sit this far up
constexpr float kTitle = 30, kSubtitle = 18, kLabel = 17, kLabelMin = 13, kAxisTitle = 17, kTick = 15;
constexpr float kMaxLabel = 190;               // longer tokens end in "…"
constexpr float kBarGap = 30, kBarW = 26, kBarMinH = 150, kTickLen = 7;
constexpr float kValueCell = 40, kValueMin = 10;  // cells at least this large print their value
constexpr float kCentre = 0.36f;               // baseline below a line's middle, in ems (DejaVu's caps)
constexpr Rgba kInk{20, 20, 20, 255}, kSoftInk{70, 70, 70, 255}, kFrame{110, 110, 110, 255}, kWhite{255, 255, 255, 255};

bool masked_cell(const Trace& trace, Stage stage, Index i, Index j) {
  return stage != Stage::output && trace.masked(i, j) == -std::numeric_limits<float>::infinity();
}

// Black on light cells, white on dark ones (Rec. 709 luma).
Rgba ink_on(Rgba c) { return 0.2126 * c.r + 0.7152 * c.g + 0.0722 * c.b > 150 ? kInk : kWhite; }

// The text, or as much of it as fits in max_w followed by "…".
std::string fit(const Font& font, const std::string& text, float size, float max_w) {
  if (font.width(text, size) <= max_w) return text;
  std::string s = text.substr(0, 256);
  while (!s.empty()) {
    while (!s.empty() && (static_cast<unsigned char>(s.back()) & 0xc0) == 0x80) s.pop_back();
    if (!s.empty()) s.pop_back();
    if (font.width(s + "\u2026", size) <= max_w) break;
  }
  return s + "\u2026";
}

// Every n-th label, n from 1, 2, 5, 10, 20, 50, ...: a thinned axis still counts in round steps.
Index label_step(float needed, float cell) {
  if (needed <= cell) return 1;
  for (Index step = 1;; step *= 10)
    for (Index factor : {1, 2, 5})
      if (static_cast<float>(step * factor) * cell >= needed) return step * factor;
}

std::vector<std::string> labels_or_numbers(const std::vector<std::string>& tokens, const char* prefix, Index count) {
  return static_cast<Index>(tokens.size()) == count ? tokens : numbered_tokens(prefix, count);
}

// The colour bar from lo (bottom) to hi (top), its ticks, and the masked swatch when cells are masked.
// Returns the bottom of what it drew.
float colour_bar(FigurePen& l, const StageColours& c, Stage stage, float x, float y, float h, bool any_masked) {
  const float w = l.px(kBarW), tick = l.px(kTick);
  l.text(std::string(stage_name(stage)), x + w / 2, y - l.px(kAxisLift), tick, Anchor::middle, kSoftInk, "axis-title");
  // One rect per table entry, each reaching 1 px into the one below so no background shows between.
  const float step = h / 256.0f;
  for (int k = 0; k < 256; ++k)
    l.rect(x, y + step * static_cast<float>(255 - k), w, step + (k > 0 ? 1.0f : 0.0f), (*c.table)[static_cast<std::size_t>(k)],
           "colour-bar");
  const float frame = std::max(1.0f, l.px(1));
  l.rect(x - frame, y - frame, w + 2 * frame, h + 2 * frame, kFrame, "frame", frame);
  for (const Tick& t : nice_ticks(c.lo, c.hi)) {
    const float ty = y + h * (c.hi - t.value) / (c.hi - c.lo);
    l.rect(x + w, ty - frame * 0.75f, l.px(kTickLen), frame * 1.5f, kFrame, "tick");
    l.text(t.text, x + w + l.px(kTickLen + 5), ty + kCentre * tick, tick, Anchor::start, kInk, "tick");
  }
  if (!any_masked) return y + h;
  const float sy = y + h + l.px(16), sh = l.px(18);
  l.rect(x, sy, w, sh, masked_colour, "masked-swatch");
  l.rect(x - frame, sy - frame, w + 2 * frame, sh + 2 * frame, kFrame, "frame", frame);
  l.text("masked (\u2212\u221e)", x + w + l.px(8), sy + sh / 2 + kCentre * tick, tick, Anchor::start, kInk, "legend");
  return sy + sh;
}

}  // namespace

StageColours stage_colours(const Matrix& values, Stage stage, const std::string& colormap) {
  StageColours c;
  if (stage == Stage::weights) {
    c.colormap = "viridis";
  } else {
    float largest = 0;
    for (Index n = 0; n < values.size(); ++n)
      if (std::isfinite(values.data()[n])) largest = std::max(largest, std::abs(values.data()[n]));
    if (largest == 0) largest = 1;
    c = {nullptr, -largest, largest, "diverging"};
  }
  if (!colormap.empty()) c.colormap = colormap;
  c.table = &colormap_table(c.colormap);
  return c;
}

Rgba cell_colour(const Trace& trace, Stage stage, Index i, Index j, const StageColours& c) {
  if (masked_cell(trace, stage, i, j)) return masked_colour;
  return colormap(trace.stage(stage)(i, j), c.lo, c.hi, *c.table);
}

Figure build_figure(const Problem& p, const Trace& trace, const FigureOptions& o, const Font& font) {
  if (o.width < figure_min_width || o.width > figure_max_side)
    throw InputError("width " + std::to_string(o.width) + " is out of range: a figure is " +
                     std::to_string(figure_min_width) + " to " + std::to_string(figure_max_side) + " pixels wide");
  if (o.query && (*o.query < 0 || *o.query >= p.lq()))
    throw InputError("query " + std::to_string(*o.query) + " is out of range: the problem has " +
                     std::to_string(p.lq()) + " queries (0 to " + std::to_string(p.lq() - 1) + ")");
  const Matrix& m = trace.stage(o.stage);
  const StageColours colours = stage_colours(m, o.stage, o.colormap);

  Figure f;
  f.width = o.width;
  FigurePen l{font, static_cast<float>(o.width) / 1000.0f, f};
  const float pad = l.px(kPad), gap = l.px(kGap), label = l.px(kLabel), axis = l.px(kAxisTitle);
  const float text_width = static_cast<float>(o.width) - 2 * pad;

  // The title names the stage by its formula; the line under it says dk, the scale and the mask.
  f.title = figure_title(p, o.stage);
  const float title_size = l.fitting(f.title, l.px(kTitle), text_width);
  float y = pad + font.ascent(title_size);
  l.text(f.title, pad, y, title_size, Anchor::start, kInk, "title");
  const std::string subtitle = figure_subtitle(p, o.stage, o.query);
  const float subtitle_size = l.fitting(subtitle, l.px(kSubtitle), text_width);
  y += l.px(12) + font.ascent(subtitle_size);
  l.text(subtitle, pad, y, subtitle_size, Anchor::start, kSoftInk, "subtitle");

  FigureHeatmap& h = f.heatmap;
  h.rows = m.rows();
  h.cols = m.cols();
  h.row_names = labels_or_numbers(p.query_tokens, "q", h.rows);
  h.col_names = o.stage == Stage::output ? numbered_tokens("d", h.cols) : labels_or_numbers(p.key_tokens, "k", h.cols);

  // Left: the query labels; right: the colour bar, its numbers and the masked swatch.
  std::vector<std::string> row_labels, col_labels;
  float left = font.width("queries", axis);
  for (const auto& name : h.row_names) {
    row_labels.push_back(fit(font, name, label, l.px(kMaxLabel)));
    left = std::max(left, font.width(row_labels.back(), label));
  }
  const auto ticks = nice_ticks(colours.lo, colours.hi);
  float tick_w = 0;
  for (const Tick& t : ticks) tick_w = std::max(tick_w, font.width(t.text, l.px(kTick)));
  bool any_masked = false;
  for (Index i = 0; i < h.rows && !any_masked; ++i)
    for (Index j = 0; j < h.cols && !any_masked; ++j) any_masked = masked_cell(trace, o.stage, i, j);
  const float legend_w = any_masked ? l.px(kBarW + 8) + font.width("masked (\u2212\u221e)", l.px(kTick)) : 0;
  const float right = l.px(kBarGap) + std::max(l.px(kBarW + kTickLen + 5) + tick_w, legend_w) + pad;

  // The cells: square while the heatmap is at most as tall as it is wide, then flatter; whole
  // pixels when large, so every cell of the PNG has the same size and crisp edges.
  const float heat_x = std::round(pad + left + gap);
  const float avail = static_cast<float>(o.width) - heat_x - right;
  const auto rows = static_cast<float>(h.rows), cols = static_cast<float>(h.cols);
  h.cell_w = avail / cols;
  h.cell_h = std::clamp(h.cell_w, 0.25f * avail / rows, avail / rows);
  if (h.cell_w >= 8) h.cell_w = std::floor(h.cell_w);
  if (h.cell_h >= 8) h.cell_h = std::floor(h.cell_h);
  h.x = heat_x;
  h.y = std::round(y + l.px(22) + axis + gap);
  const float heat_w = h.cell_w * cols, heat_h = h.cell_h * rows;

  h.colours.resize(static_cast<std::size_t>(h.rows * h.cols));
  h.values.resize(h.colours.size());
  float largest = 0;
  bool whole = true;  // integer scores (the hand-made examples) print as "6", not "6.00"
  for (Index i = 0; i < h.rows; ++i)
    for (Index j = 0; j < h.cols; ++j) {
      const auto n = static_cast<std::size_t>(i * h.cols + j);
      h.colours[n] = cell_colour(trace, o.stage, i, j, colours);
      h.values[n] = m(i, j);
      if (!std::isfinite(m(i, j))) continue;
      largest = std::max(largest, std::abs(m(i, j)));
      whole = whole && m(i, j) == std::round(m(i, j));
    }
  const float frame = std::max(1.0f, l.px(1.2f));
  l.rect(h.x - frame, h.y - frame, heat_w + 2 * frame, heat_h + 2 * frame, kFrame, "frame", frame);

  // Query labels, right-aligned beside their rows: shrunk a little to fit, or else kept at full
  // size and thinned; the selected query always keeps its label.
  const float row_fit = h.cell_h * 0.8f;
  const float row_size = row_fit >= l.px(kLabelMin) ? std::min(row_fit, label) : label;
  const Index row_step = label_step(row_size * 1.25f, h.cell_h);
  l.text("queries", h.x - gap, h.y - l.px(kAxisLift), axis, Anchor::end, kSoftInk, "axis-title");
  for (Index i = 0; i < h.rows; ++i) {
    const bool selected = o.query && *o.query == i;
    const bool crowds_selected = o.query && !selected && std::abs(*o.query - i) < row_step;
    if (!selected && (i % row_step != 0 || crowds_selected)) continue;
    l.text(row_labels[static_cast<std::size_t>(i)], h.x - gap, h.y + (static_cast<float>(i) + 0.5f) * h.cell_h + kCentre * row_size,
           row_size, Anchor::end, selected ? kInk : kSoftInk, "query-label");
  }

  // Key labels (value dimensions for the output) under their columns: shrunk or thinned, as above.
  float col_w = 0;
  for (const auto& name : h.col_names) {
    col_labels.push_back(fit(font, name, label, l.px(kMaxLabel)));
    col_w = std::max(col_w, font.width(col_labels.back(), label));
  }
  const float col_fit = col_w > 0.9f * h.cell_w ? label * 0.9f * h.cell_w / col_w : label;
  const float col_size = col_fit >= l.px(kLabelMin) ? col_fit : label;
  const Index col_step = col_fit >= l.px(kLabelMin) ? 1 : label_step(col_w + gap, h.cell_w);
  const float col_y = h.y + heat_h + frame + l.px(8) + font.ascent(col_size);
  for (Index j = 0; j < h.cols; j += col_step)
    l.text(col_labels[static_cast<std::size_t>(j)], h.x + (static_cast<float>(j) + 0.5f) * h.cell_w, col_y, col_size,
           Anchor::middle, kSoftInk, "key-label");
  const float axis_y = col_y + l.px(14) + font.ascent(axis);
  l.text(o.stage == Stage::output ? "value dimensions" : "keys", h.x + heat_w / 2, axis_y, axis, Anchor::middle,
         kSoftInk, "axis-title");

  // Each cell's value, when the cells are large enough to read it.
  if (std::min(h.cell_w, h.cell_h) >= l.px(kValueCell)) {
    const int decimals = whole && o.stage != Stage::weights ? 0 : value_decimals(o.stage, largest);
    // A masked key's weight is 0 by construction: its grey says so without a number.
    const auto shows_value = [&](Index i, Index j) { return o.stage != Stage::weights || !masked_cell(trace, o.stage, i, j); };
    float size = std::min(label, h.cell_h * 0.3f), widest = 0;
    for (float v : h.values) widest = std::max(widest, font.width(format_value(v, decimals), size));
    if (widest > 0.88f * h.cell_w) size *= 0.88f * h.cell_w / widest;
    if (size >= l.px(kValueMin))
      for (Index i = 0; i < h.rows; ++i)
        for (Index j = 0; j < h.cols; ++j) {
          const auto n = static_cast<std::size_t>(i * h.cols + j);
          if (!shows_value(i, j)) continue;
          l.text(format_value(h.values[n], decimals), h.x + (static_cast<float>(j) + 0.5f) * h.cell_w,
                 h.y + (static_cast<float>(i) + 0.5f) * h.cell_h + kCentre * size, size, Anchor::middle,
                 ink_on(h.colours[n]), "cell-value");
        }
  }

  // The selected query: a dark band around its row, and a white line inside it for dark cells.
  if (o.query) {
    const float row_y = h.y + static_cast<float>(*o.query) * h.cell_h;
    const float outer = std::max(2.0f, l.px(3.5f)), inner = std::max(1.0f, l.px(1.5f));
    l.rect(h.x - outer, row_y - outer, heat_w + 2 * outer, h.cell_h + 2 * outer, kInk, "outline", outer);
    if (h.cell_h >= 4 * inner) l.rect(h.x, row_y, heat_w, h.cell_h, kWhite, "outline", inner);
  }

  const float bar_h = std::max(heat_h, l.px(kBarMinH));
  const float bar_bottom = colour_bar(l, colours, o.stage, h.x + heat_w + l.px(kBarGap), h.y, bar_h, any_masked);
  const float bottom = std::max(axis_y + 0.25f * axis, bar_bottom) + pad;
  f.height = checked_figure_height(bottom, o.width);
  return f;
}

int checked_figure_height(float bottom, int width) {
  const auto height = static_cast<long long>(std::ceil(bottom));
  if (height > figure_max_side || height * width > figure_max_pixels)
    throw InputError("the figure would be " + std::to_string(width) + "×" + std::to_string(height) +
                     " pixels, more than " + std::to_string(figure_max_side) + " a side or " +
                     std::to_string(figure_max_pixels / 1'000'000) + " million in all: use a smaller --width");
  return static_cast<int>(height);
}

}  // namespace attnlab
