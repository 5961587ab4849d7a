// Stepper: one query through scores → scaled (→ capped) → masked → weights → output, with its numbers. Its
// parts fold in a fixed order when the panel is short — the bars first, then the explanation (one
// line that opens it) — so that the q·k line, the table of every key and the query's statistics stay
// on screen; the table scrolls only when the keys are many.
#include "app/gui/panel_stepper.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <utility>
#include <optional>
#include <string>

#include "app/gui/labels.hpp"
#include "app/gui/layout_audit.hpp"
#include "app/gui/plot.hpp"
#include "app/gui/query_stats.hpp"
#include "app/gui/stepper_tiles.hpp"
#include "app/gui/style.hpp"
#include "app/gui/widgets.hpp"
#include "core/attention/query_view.hpp"
#include "core/figure/axis_labels.hpp"
#include "core/figure/figure_text.hpp"

namespace attnlab::gui {
namespace {

constexpr int table_rows_least = 8;  // the rows the table keeps on screen (a sentence's every key)
constexpr int table_rows_most = 14;  // beyond these it scrolls

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
    case Stage::capped:
      std::snprintf(text, sizeof text,
                    "The soft-cap C·tanh(x/C) with C = %.4g squeezes every scaled score into (−C, C): small ones "
                    "pass almost unchanged, large ones flatten near ±C (Gemma 2).",
                    p.softcap.value_or(0.0));
      return text;
    case Stage::masked:
      return p.mask.kind == MaskSpec::Kind::none
                 ? "No mask: this query may attend every key. A mask would put −∞ where it may not look."
                 : "Keys this query may not see get −∞ (grey), so softmax gives them weight 0.";
    case Stage::weights:
      if (p.sink) {
        std::snprintf(text, sizeof text,
                      "Softmax with a sink: the sink's logit %.3g joins the sum, exp(x − max) / (exp(sink − max) + "
                      "Σ exp(x − max)), but has no value. The weights add up to less than 1 (gpt-oss).",
                      *p.sink);
        return text;
      }
      return "Softmax turns the row into weights that are positive and add up to 1: exp(x − max) / Σ exp(x − max).";
    case Stage::output: break;
  }
  return "The output is the weighted sum of the value vectors: Σⱼ wⱼ·vⱼ. Each value contributes by its weight.";
}

// q·k written out term by term when dk is small enough to read, in pieces that wrap whole.
std::vector<std::string> dot_product(const Problem& p, Index i, Index j) {
  std::vector<std::string> text{"q·k(" + key_label(p, j) + ") ="};
  if (p.dk() <= 8) {
    for (Index d = 0; d < p.dk(); ++d) text.push_back(printed("%s%.3g·%.3g", d ? "+ " : "", p.q(i, d), p.k(j, d)));
    text.push_back("=");
  } else {
    text.push_back("Σ of " + std::to_string(p.dk()) + " products =");
  }
  text.push_back(printed("%.4g", double(p.q.row(i).dot(p.k.row(j)))));
  return text;
}

// With a real model whose layer has a QK-norm: the query's q and the key's k before and after it.
std::vector<std::vector<std::string>> qk_norm_text(const AppState& app, Index focus) {
  const ModelRun* run = app.applied.source == Source::model ? app.model.of(app.applied) : nullptr;
  if (!run) return {};
  return qk_norm_lines(*run, app.applied.layer, app.settings.head, app.settings.query, focus,
                       key_label(app.problem(), focus));
}

std::vector<std::string> values_line(const QueryView& view, Index focus) {
  std::vector<std::string> line{"scaled " + format_value(view.scaled(focus))};
  if (view.capped.size() > 0) line.push_back("  capped " + format_value(view.capped(focus)));
  line.push_back("  masked " + format_value(view.masked(focus)));
  line.push_back("  weight " + format_value(view.weights(focus)));
  return line;
}

// A column of the table: its header and its numbers.
struct Column {
  const char* name;
  const Eigen::VectorXf* values;
};

// The columns up to the stage shown: q·k, scaled, capped (with a soft-cap), masked, weight.
std::vector<Column> columns_to(const QueryView& view, Stage stage) {
  std::vector<Column> out{{"q·k", &view.scores}};
  if (stage >= Stage::scaled) out.push_back({"scaled", &view.scaled});
  if (stage >= Stage::capped && view.capped.size() > 0) out.push_back({"capped", &view.capped});
  if (stage >= Stage::masked) out.push_back({"masked", &view.masked});
  if (stage >= Stage::weights) out.push_back({"weight", &view.weights});
  return out;
}

// The Σ line: the weights add up to 1, or with a sink to 1 less the sink's share.
std::string sum_line(const QueryView& view) {
  const float total = view.weights.sum();
  if (std::isnan(total)) return "Σ weights = NaN";
  if (!view.sink) return printed("Σ weights = %.3f", total);
  return printed("Σ weights = %.3f, + the sink's %.3f = 1", total, view.sink_weight());
}

// The key the q·k line is about: the one under the mouse, else the heaviest.
Index focus_key(const AppState& app, const QueryView& view) {
  Index focus = app.focus_key;
  if (focus < 0 || focus >= view.weights.size()) view.weights.maxCoeff(&focus);
  return std::max<Index>(focus, 0);
}

struct Parts {
  bool explanation = true;  // else one line that opens it
  float bars = 0;           // the bar chart's height; 0: folded
  int rows = 0;             // table rows on screen (the header and the Σ line apart)
  float height = 0;         // everything, inside the panel's padding
};

float table_row() {
  return ImGui::GetTextLineHeight() + 2 * ImGui::GetStyle().CellPadding.y;
}

bool shows_sum(Stage stage) {
  return stage == Stage::weights;
}

// What fits in `height` (INFINITY: everything; 0: the least it can take), and the height it takes.
Parts plan(AppState& app, float width, float height, bool stats) {
  const Problem& p = app.problem();
  const QueryView view = query_view(p, app.trace(), app.settings.query);
  const ImGuiStyle& style = ImGui::GetStyle();
  const float frame = ImGui::GetFrameHeightWithSpacing();
  const Stage stage = app.settings.stage;
  float fixed = app.settings.present ? 0 : frame;  // the tiles checkbox (T, presenting)
  const std::string warning = row_warning(app, view);
  if (!warning.empty()) fixed += wrapped_height(warning, width);
  const Index focus = focus_key(app, view);
  fixed += chunks_height(dot_product(p, app.settings.query, focus), width);
  for (const auto& line : qk_norm_text(app, focus)) fixed += chunks_height(line, width);
  if (stage >= Stage::scaled) fixed += chunks_height(values_line(view, focus), width);
  if (stats) fixed += style.ItemSpacing.y + 1 + stats_height(app, width);  // a separator, then the statistics
  const float table_extra =
      table_row() + 4 + style.ItemSpacing.y + (shows_sum(stage) ? wrapped_height(sum_line(view), width) : 0);
  const int keys = static_cast<int>(p.lk());

  Parts parts;
  parts.rows = std::min(keys, table_rows_most);
  parts.bars = ImGui::GetFontSize() * 9;
  const float about = wrapped_height(explanation(p, stage), width) + style.ItemSpacing.y;
  const auto total = [&] {
    return fixed + (parts.explanation ? about : frame) + (parts.bars > 0 ? parts.bars + style.ItemSpacing.y : 0) +
           table_extra + table_row() * static_cast<float>(parts.rows);
  };
  // Fold in order until it fits: fewer table rows (down to a sentence's), smaller bars, no bars,
  // the explanation to one line, and then the table scrolls through what is left.
  const int least_rows = std::min(keys, table_rows_least);
  while (total() > height && parts.rows > least_rows) --parts.rows;
  if (total() > height) parts.bars = std::max(ImGui::GetFontSize() * 4, parts.bars - (total() - height));
  if (total() > height) parts.bars = 0;
  if (total() > height) parts.explanation = false;
  while (height > 0 && total() > height && parts.rows > 1) --parts.rows;
  parts.height = total();
  return parts;
}

// The table of every key's numbers, as tall as its rows or as `most` (then it scrolls).
void row_numbers(AppState& app, const QueryView& view, float most) {
  const Problem& p = app.problem();
  const Stage stage = app.settings.stage;
  const std::vector<Column> shown_columns = columns_to(view, stage);
  const int columns = 1 + static_cast<int>(shown_columns.size()) + (stage == Stage::output);
  const bool sum = shows_sum(stage);
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV;
  const float height =
      std::min(table_row() * static_cast<float>(std::min<Index>(p.lk(), table_rows_most) + 1) + 4, most);
  if (!ImGui::BeginTable("row", columns, flags, {0, height})) return;
  ImGui::TableSetupScrollFreeze(1, 1);
  float key_w = text_width("key");
  for (Index j = 0; j < std::min<Index>(p.lk(), 256); ++j) key_w = std::max(key_w, text_width(key_label(p, j)));
  ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed, std::min(key_w, ImGui::GetFontSize() * 7));
  for (const Column& c : shown_columns) ImGui::TableSetupColumn(c.name);
  if (stage == Stage::output) ImGui::TableSetupColumn("‖w·v‖");
  ImGui::TableHeadersRow();
  // A cell's text, checked against its column's room: what does not fit ends in an ellipsis.
  const auto put = [](const std::string& text) {
    const float room = ImGui::GetContentRegionAvail().x;
    const std::string shown = shorten(text, room, [](const std::string& t) { return text_width(t); });
    ImGui::TextUnformatted(shown.c_str());
    if (shown != text && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", text.c_str());
    audit_text("stepper.table.cell", shown, text_width(shown), room);
  };
  const auto cell = [&put](const std::string& text) {
    ImGui::TableNextColumn();
    put(text);
  };
  // One number format per column, from its largest value, with fewer decimals for the whole column
  // where it is too narrow for them (never "−42.3" a row above "38.098"); decided at the column's first
  // cell, where its room is known.
  std::vector<float> largest;
  for (const Column& c : shown_columns)
    largest.push_back(largest_magnitude({c.values->data(), static_cast<std::size_t>(c.values->size())}));
  if (stage == Stage::output) {
    float most_norm = 0;
    for (Index j = 0; j < view.contributions.rows(); ++j) most_norm = std::max(most_norm, view.contributions.row(j).norm());
    largest.push_back(most_norm);
  }
  std::vector<int> decimals(largest.size(), -1);
  const auto number = [&](std::size_t c, float v) {
    ImGui::TableNextColumn();
    if (decimals[c] < 0) {
      const float room = ImGui::GetContentRegionAvail().x;
      int d = column_decimals(largest[c]);
      while (d > 0 && text_width(attnlab::format_value(-largest[c], d)) > room) --d;
      decimals[c] = d;
    }
    put(largest[c] >= 1e5f || !std::isfinite(v) ? format_value(v, largest[c]) : attnlab::format_value(v, decimals[c]));
  };
  ImGuiListClipper clipper;  // only the rows on screen: thousands of keys cost nothing
  clipper.Begin(static_cast<int>(p.lk()));
  while (clipper.Step()) {
    for (Index j = clipper.DisplayStart; j < clipper.DisplayEnd; ++j) {
      ImGui::TableNextRow();
      if (j == app.focus_key)
        ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, ImGui::GetColorU32(ImGuiCol_HeaderHovered));
      cell(key_label(p, j));
      audit_item("stepper.table.row." + std::to_string(j));
      for (std::size_t c = 0; c < shown_columns.size(); ++c) number(c, (*shown_columns[c].values)(j));
      if (stage == Stage::output) number(shown_columns.size(), view.contributions.row(j).norm());
    }
  }
  ImGui::EndTable();
  audit_item("stepper.table");
  // The lesson's point in one line: the weights of a row add up to 1, or with a sink where the rest went.
  if (sum) wrapped_text("stepper.sum", sum_line(view));
}

const Eigen::VectorXf& stage_row(const QueryView& view, Stage stage) {
  return stage == Stage::output    ? view.output
         : stage == Stage::weights ? view.weights
         : stage == Stage::masked  ? view.masked
         : stage == Stage::capped  ? view.capped
         : stage == Stage::scaled  ? view.scaled
                                   : view.scores;
}

// The bars' value axis for a stage: weights on [0, 1], the others symmetric about 0 over the row's
// largest value (and, with a soft-cap on the scaled and capped stages, the other of the two and ±C).
std::pair<float, float> bar_axis(const QueryView& view, Stage stage) {
  if (stage == Stage::weights) return {0.0f, 1.0f};
  float largest = 0;
  for (float v : stage_row(view, stage))
    if (std::isfinite(v)) largest = std::max(largest, std::abs(v));
  if (largest == 0) largest = 1;
  if (view.softcap && (stage == Stage::scaled || stage == Stage::capped)) {
    for (float v : stage == Stage::scaled ? view.capped : view.scaled)
      if (std::isfinite(v)) largest = std::max(largest, std::abs(v));
    largest = std::max(largest, 1.1f * static_cast<float>(*view.softcap));
  }
  return {-largest, largest};
}

}  // namespace

std::string row_warning(AppState& app, const QueryView& view) {
  const Problem& p = app.problem();
  const RowStats& s = view.stats;
  const Stage stage = app.settings.stage;
  if (stage < Stage::scaled) return {};
  const bool nan = !view.weights.allFinite() || s.non_finite;
  if (nan && stage >= Stage::weights) {
    const bool fp16 = p.precision.format == Precision::fp16;
    const float largest_exp = fp16 ? 11.09f : 88.72f;  // ln of the format's largest finite value
    const float peak = view.masked.maxCoeff();
    if (!view.scores.allFinite())
      return std::string("Overflow: a score q·k is larger than ") +
             (fp16 ? "65504, fp16's largest value" : "the format holds") +
             ", so it is ∞ and softmax of ∞ is NaN. Smaller inputs, or scores summed in a wider format, avoid it.";
    if (!p.precision.subtract_max && peak > largest_exp)
      return "Overflow: without subtracting the row maximum, exp(" + format_value(peak) + ") is larger than " +
             (fp16 ? std::string("65504, fp16's largest value") : std::string("the format holds")) +
             ", so it is ∞, and so is the sum: ∞/∞ is NaN (magenta) and every other weight x/∞ is 0. "
             "Subtracting the max keeps every exp ≤ 1.";
    return "This row's weights are not finite: a sum or an exp left the format's range (∞ or NaN).";
  }
  if (stage == Stage::weights || stage == Stage::output) return saturation_note(s, p.lk());
  return {};
}

float stepper_height(AppState& app, float width, bool stats, bool least) {
  const float most = least ? 0.0f : INFINITY;
  return plan(app, width, most, stats).height;
}

void draw_stepper(AppState& app, bool stats) {
  const Problem& p = app.problem();
  const QueryView view = query_view(p, app.trace(), app.settings.query);
  if (!app.settings.present && ImGui::Checkbox("FlashAttention tiles (T)", &app.tiles)) app.tile_step = 0;
  if (app.tiles) {
    draw_tiles(app);
    return;
  }
  const Parts parts =
      plan(app, ImGui::GetContentRegionAvail().x,
           ImGui::GetContentRegionAvail().y + (app.settings.present ? 0 : ImGui::GetFrameHeightWithSpacing()), stats);
  const std::string about = explanation(p, app.settings.stage);
  if (parts.explanation) {
    wrapped_text("stepper.explanation", about);
  } else {
    // Folded to one line: the text on hover.
    ImGui::TextDisabled("▸ what this stage does");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", about.c_str());
    audit_item("stepper.explanation");
  }
  const std::string warning = row_warning(app, view);
  if (!warning.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, warning_text_colour());
    wrapped_text("stepper.warning", warning);
    ImGui::PopStyleColor();
  }

  const Stage stage = app.settings.stage;
  if (parts.bars > 0) {
    Bars bars;
    const Eigen::VectorXf& row = stage_row(view, stage);
    bars.values.assign(row.data(), row.data() + row.size());
    for (Index j = 0; j < row.size(); ++j)
      bars.labels.push_back(stage == Stage::output ? "d" + std::to_string(j) : key_label(p, j));
    // With a soft-cap, the scaled stage shows where the cap will put each score and the capped
    // stage where each score was: both against the lines at ±C.
    if (p.softcap && (stage == Stage::scaled || stage == Stage::capped)) {
      bars.cap = static_cast<float>(*p.softcap);
      const Eigen::VectorXf& other = stage == Stage::scaled ? view.capped : view.scaled;
      (stage == Stage::scaled ? bars.after : bars.before).assign(other.data(), other.data() + other.size());
    }
    std::tie(bars.lo, bars.hi) = bar_axis(view, stage);
    ColourRange range = stage_colours(app);
    const ColormapTable& table = stage_table(stage);
    bars.colour = [&](int j) {
      return to_imgui(colormap(bars.values[static_cast<std::size_t>(j)], range.lo, range.hi, table));
    };
    // A change of stage moving: the bars, their axis and colours between the two stages, as the heatmap's.
    const StageMotion& motion = app.motion;
    Between between;
    if (motion.moving() && motion.to == stage) {
      const float e = motion.progress();
      between = row_between(app.trace(), motion.from, stage, app.settings.query, e);
      bars.values.assign(between.values.data(), between.values.data() + between.values.size());
      const auto [lo, hi] = bar_axis(view, motion.from);
      bars.lo = std::lerp(lo, bars.lo, e), bars.hi = std::lerp(hi, bars.hi, e);
      range = range_between(colours_of(app, motion.from), range, e);
      bars.colour = [&, e](int j) {
        const auto at = static_cast<std::size_t>(j);
        return to_imgui(colour_between({bars.values[at], between.grey(0, j)}, range, stage_table(motion.from), table, e));
      };
    }
    bars.highlight = stage == Stage::output ? -1 : app.focus_key;
    const int hovered = bar_chart("row", bars, {ImGui::GetContentRegionAvail().x, parts.bars});
    audit_item("stepper.bars");
    if (hovered >= 0 && stage != Stage::output) app.focus_key = hovered;
  }

  const Index focus = focus_key(app, view);
  chunks_text("stepper.qk", dot_product(p, app.settings.query, focus));
  for (const auto& line : qk_norm_text(app, focus)) chunks_text("stepper.qknorm", line);
  if (stage >= Stage::scaled) chunks_text("stepper.values", values_line(view, focus));
  // The table takes what is left above the Σ line and the statistics.
  const ImGuiStyle& style = ImGui::GetStyle();
  float under =
      style.ItemSpacing.y + (shows_sum(stage) ? wrapped_height(sum_line(view), ImGui::GetContentRegionAvail().x) : 0);
  if (stats) under += style.ItemSpacing.y + 1 + stats_height(app, ImGui::GetContentRegionAvail().x);
  row_numbers(app, view,
              std::max(ImGui::GetContentRegionAvail().y - under, table_row() * static_cast<float>(parts.rows + 1) + 4));
  if (stats) {
    ImGui::Separator();
    draw_stats(app, true);
  }
}

}  // namespace attnlab::gui
