#include "core/figure/sweep_figure.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/figure/figure_pen.hpp"
#include "core/figure/figure_text.hpp"
#include "core/figure/font.hpp"

namespace attnlab {
namespace {

// Lengths in units of a figure 1000 units wide, as in figure.cpp: the figure at 2400 px is the one
// at 1600 px, sharper.
constexpr float kPad = 28, kColumnGap = 44, kRowGap = 34, kPlotH = 215;
constexpr float kTitle = 30, kSubtitle = 18, kLegend = 18, kPanelTitle = 20, kTick = 16, kAxisTitle = 17;
constexpr float kLineW = 2.8f, kPointR = 3.6f, kOwnR = 7, kRing = 2.2f, kMarkerW = 1.6f, kGridW = 1, kAxisW = 1.3f;
constexpr float kInset = 0.03f;   // of the plot's width, so the end points do not sit on its edges
constexpr float kCentre = 0.36f;  // baseline below a line's middle, in ems
constexpr Rgba kInk{20, 20, 20, 255}, kSoftInk{70, 70, 70, 255}, kAxis{110, 110, 110, 255}, kGrid{226, 226, 226, 255},
    kWhite{255, 255, 255, 255};
// Okabe–Ito: told apart with every common colour-vision deficiency, and in greyscale by lightness.
constexpr Rgba kScaled{86, 180, 233, 255}, kUnscaled{230, 159, 0, 255}, kOwn{20, 20, 20, 255},
    kMarker{150, 150, 150, 255};
constexpr const char* kDot = "  \u00b7  ";

const char* const kPanelTitles[4] = {"std of the scores softmax sees", "max weight", "entropy (nats)",
                                     "softmax-Jacobian norm"};

double statistic(const SweepPoint& p, int k) {
  const double values[4] = {p.score_std, p.max_weight, p.entropy, p.jacobian_norm};
  return values[k];
}

// The smallest of 1, 2, 2.5, 5 times a power of ten that is at least v.
double nice_up(double v) {
  const double power = std::pow(10.0, std::floor(std::log10(v)));
  for (double factor : {1.0, 2.0, 2.5, 5.0})
    if (factor * power >= v * (1 - 1e-9)) return factor * power;
  return 10 * power;
}

// Three ticks from 0: 0, step, 2·step, the top one at or above every value.
std::vector<Tick> y_ticks(double largest) {
  const double step = largest > 0 ? nice_up(largest / 2) : 0.5;
  const double power = std::pow(10.0, std::floor(std::log10(step) + 1e-9));
  const double digits_of = std::abs(step - 2.5 * power) < 1e-9 * step ? step / 10 : step;
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(digits_of) + 1e-9)));
  std::vector<Tick> ticks;
  for (int k = 0; k < 3; ++k)
    ticks.push_back({static_cast<float>(k * step), format_value(static_cast<float>(k * step), decimals)});
  return ticks;
}

// Powers of 4 (1, 4, 16, … 1024) within [lo, hi]; powers of 2 when that leaves fewer than three.
std::vector<Index> x_ticks(double lo, double hi) {
  for (Index base : {4, 2}) {
    std::vector<Index> ticks;
    for (Index dk = 1; static_cast<double>(dk) <= hi * (1 + 1e-9); dk *= base)
      if (static_cast<double>(dk) >= lo * (1 - 1e-9)) ticks.push_back(dk);
    if (ticks.size() >= 3 || base == 2) return ticks;
  }
  return {};
}

std::string short_number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

// The current problem's value: a dark dot in a white ring, visible on either curve.
void own_dot(FigurePen& p, float x, float y) {
  p.dot(x, y, p.px(kOwnR + kRing), kWhite, "this-problem");
  p.dot(x, y, p.px(kOwnR), kOwn, "this-problem");
}

// One legend entry from x: its swatch drawn by `swatch` into a box kLegend wide, then the label.
// Returns where the next entry starts.
template <class Swatch>
float legend_entry(FigurePen& p, float x, float baseline, const std::string& label, Swatch swatch) {
  const float size = p.px(kLegend), box = p.px(30);
  swatch(x, baseline - kCentre * size, box);
  p.text(label, x + box + p.px(8), baseline, size, Anchor::start, kInk, "legend");
  return x + box + p.px(8) + p.font.width(label, size) + p.px(30);
}

}  // namespace

Figure build_sweep_figure(const std::vector<SweepPoint>& points, const SweepFigureOptions& o, const Font& font) {
  if (points.empty()) throw InputError("the sweep has no points to plot");
  if (o.width < figure_min_width || o.width > figure_max_side)
    throw InputError("width " + std::to_string(o.width) + " is out of range: a figure is " +
                     std::to_string(figure_min_width) + " to " + std::to_string(figure_max_side) + " pixels wide");
  if (o.own_values && !o.marker_dk) throw InputError("the current problem's values need its dk (marker_dk)");
  if (o.marker_dk && *o.marker_dk < 1) throw InputError("marker dk " + std::to_string(*o.marker_dk) + " is below 1");
  for (const SweepPoint& pt : points) {
    if (pt.dk < 1) throw InputError("a sweep point has dk " + std::to_string(pt.dk) + ", below 1");
    for (int k = 0; k < 4; ++k)
      if (!std::isfinite(statistic(pt, k)))
        throw InputError("the sweep at dk " + std::to_string(pt.dk) + " holds a non-finite value");
  }
  if (o.own_values)
    for (double v : *o.own_values)
      if (!std::isfinite(v)) throw InputError("the current problem's values hold a non-finite value");

  // Each series in order of dk, whatever order the list gave.
  std::vector<SweepPoint> scaled, unscaled;
  for (const SweepPoint& pt : points) (pt.scaled ? scaled : unscaled).push_back(pt);
  for (auto* series : {&scaled, &unscaled})
    std::stable_sort(series->begin(), series->end(),
                     [](const SweepPoint& a, const SweepPoint& b) { return a.dk < b.dk; });

  Figure f;
  f.width = o.width;
  FigurePen p{font, static_cast<float>(o.width) / 1000.0f, f};
  const float pad = p.px(kPad), text_width = static_cast<float>(o.width) - 2 * pad;

  f.title = "Why divide by \u221ad\u2096: row statistics of random problems against d\u2096";
  const float title_size = p.fitting(f.title, p.px(kTitle), text_width);
  float y = pad + font.ascent(title_size);
  p.text(f.title, pad, y, title_size, Anchor::start, kInk, "title");
  const SweepOptions& s = o.sweep;
  const std::string subtitle = "each point: the average over " + std::to_string(s.trials) + " random problems" + kDot +
                               "L = " + std::to_string(s.length) + " queries \u00d7 " + std::to_string(s.length) +
                               " keys" + kDot + "Q, K ~ N(0, \u03c3\u00b2), \u03c3 = " + short_number(s.sigma) + kDot +
                               "seed " + std::to_string(s.seed);
  const float subtitle_size = p.fitting(subtitle, p.px(kSubtitle), text_width);
  y += p.px(12) + font.ascent(subtitle_size);
  p.text(subtitle, pad, y, subtitle_size, Anchor::start, kSoftInk, "subtitle");

  // The legend, one line: the two series, then the current problem when there is one.
  y += p.px(20) + font.ascent(p.px(kLegend));
  const auto bar = [&p](Rgba colour) {
    return [&p, colour](float x, float mid, float box) {
      p.rect(x, mid - p.px(kLineW) / 2, box, p.px(kLineW), colour, "legend");
      p.dot(x + box / 2, mid, p.px(kPointR), colour, "legend");
    };
  };
  float legend_x = legend_entry(p, pad, y, "scaled by 1/\u221ad\u2096", bar(kScaled));
  legend_x = legend_entry(p, legend_x, y, "unscaled", bar(kUnscaled));
  if (o.marker_dk) {
    const std::string label = o.own_values ? "this problem, d\u2096 = " + std::to_string(*o.marker_dk)
                                           : "d\u2096 = " + std::to_string(*o.marker_dk);
    legend_entry(p, legend_x, y, label, [&](float x, float mid, float box) {
      p.rect(x + box / 2 - p.px(kMarkerW) / 2, mid - p.px(11), p.px(kMarkerW), p.px(22), kMarker, "legend");
      if (o.own_values) own_dot(p, x + box / 2, mid);
    });
  }

  // The x axis, shared by the four plots: log₂ dk over the points and the marker.
  double dk_lo = static_cast<double>(points[0].dk), dk_hi = dk_lo;
  for (const SweepPoint& pt : points) dk_lo = std::min(dk_lo, double(pt.dk)), dk_hi = std::max(dk_hi, double(pt.dk));
  if (o.marker_dk) dk_lo = std::min(dk_lo, double(*o.marker_dk)), dk_hi = std::max(dk_hi, double(*o.marker_dk));
  double log_lo = std::log2(dk_lo), log_hi = std::log2(dk_hi);
  if (log_hi - log_lo < 1) log_lo -= 0.5, log_hi += 0.5;  // one dk: half an octave either side
  const std::vector<Index> dk_ticks = x_ticks(std::exp2(log_lo), std::exp2(log_hi));

  std::array<std::vector<Tick>, 4> ticks;
  float tick_w = 0;
  const float tick = p.px(kTick), axis = p.px(kAxisTitle), panel_title = p.px(kPanelTitle);
  for (int k = 0; k < 4; ++k) {
    double largest = 0;
    for (const SweepPoint& pt : points) largest = std::max(largest, statistic(pt, k));
    if (o.own_values) largest = std::max(largest, (*o.own_values)[static_cast<std::size_t>(k)]);
    ticks[static_cast<std::size_t>(k)] = y_ticks(largest);
    for (const Tick& t : ticks[static_cast<std::size_t>(k)]) tick_w = std::max(tick_w, font.width(t.text, tick));
  }

  const float panel_w = (static_cast<float>(o.width) - 2 * pad - p.px(kColumnGap)) / 2;
  // Half the widest dk label past the right end, so "1024" stays inside the figure.
  const float right_room = font.width(std::to_string(dk_ticks.empty() ? 1 : dk_ticks.back()), tick) / 2;
  const float plot_h = p.px(kPlotH), line_w = p.px(kLineW), grid_w = std::max(1.0f, p.px(kGridW));
  const float axis_w = std::max(1.0f, p.px(kAxisW));
  float top = y + p.px(36);
  float bottom = top;
  for (int row = 0; row < 2; ++row) {
    const float title_y = top + font.ascent(panel_title);
    const float plot_y = std::round(title_y + p.px(14));
    for (int col = 0; col < 2; ++col) {
      const int k = 2 * row + col;
      const auto& yt = ticks[static_cast<std::size_t>(k)];
      const float panel_x = pad + static_cast<float>(col) * (panel_w + p.px(kColumnGap));
      const float plot_x = std::round(panel_x + tick_w + p.px(10));
      const float plot_w = std::round(panel_x + panel_w - right_room) - plot_x;
      const float inset = kInset * plot_w;
      const auto to_x = [&](double dk) {
        return plot_x + inset + static_cast<float>((std::log2(dk) - log_lo) / (log_hi - log_lo)) * (plot_w - 2 * inset);
      };
      const double y_top = yt.back().value;
      const auto to_y = [&](double v) { return plot_y + plot_h - static_cast<float>(v / y_top) * plot_h; };

      p.text(kPanelTitles[k], plot_x, title_y, panel_title, Anchor::start, kInk, "panel-title");
      // Light grid at the ticks, then the axes over it.
      for (const Tick& t : yt) {
        const float ty = to_y(t.value);
        if (t.value > 0) p.rect(plot_x, ty - grid_w / 2, plot_w, grid_w, kGrid, "grid");
        p.text(t.text, plot_x - p.px(8), ty + kCentre * tick, tick, Anchor::end, kInk, "tick");
      }
      const float tick_y = plot_y + plot_h + p.px(8) + font.ascent(tick);
      for (Index dk : dk_ticks) {
        const float tx = to_x(double(dk));
        p.rect(tx - grid_w / 2, plot_y, grid_w, plot_h, kGrid, "grid");
        p.text(std::to_string(dk), tx, tick_y, tick, Anchor::middle, kInk, "tick");
      }
      p.rect(plot_x, plot_y, axis_w, plot_h, kAxis, "axis");
      p.rect(plot_x, plot_y + plot_h - axis_w / 2, plot_w, axis_w, kAxis, "axis");
      const float axis_y = tick_y + p.px(8) + font.ascent(axis);
      p.text("d\u2096 (log scale)", plot_x + plot_w / 2, axis_y, axis, Anchor::middle, kSoftInk, "axis-title");
      bottom = std::max(bottom, axis_y + 0.25f * axis);

      if (o.marker_dk) {
        const float mx = to_x(double(*o.marker_dk));
        p.rect(mx - p.px(kMarkerW) / 2, plot_y, p.px(kMarkerW), plot_h, kMarker, "marker");
      }
      // Unscaled over scaled: at dk = 1 the two are the same problem, and the eye follows orange up.
      for (const auto* series : {&scaled, &unscaled}) {
        const bool is_scaled = series == &scaled;
        FigureLine line{{}, is_scaled ? kScaled : kUnscaled, line_w, is_scaled ? "series-scaled" : "series-unscaled"};
        for (const SweepPoint& pt : *series) line.points.emplace_back(to_x(double(pt.dk)), to_y(statistic(pt, k)));
        for (const auto& [px, py] : line.points) p.dot(px, py, p.px(kPointR), line.colour, "point");
        f.lines.push_back(std::move(line));
      }
      if (o.own_values) own_dot(p, to_x(double(*o.marker_dk)), to_y((*o.own_values)[static_cast<std::size_t>(k)]));
    }
    top = bottom + p.px(kRowGap);
  }

  f.height = checked_figure_height(bottom + pad, o.width);
  return f;
}

}  // namespace attnlab
