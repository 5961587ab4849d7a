// The dk explorer: why divide by √dk, shown live. A sweep of random problems (scaled and not)
// against dk, the current problem's own values on top, and a histogram of its scores.
#include "app/gui/panel_explorer.hpp"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <numbers>

#include "app/gui/export.hpp"
#include "app/gui/layout_audit.hpp"
#include "app/gui/platform.hpp"
#include "app/gui/plot.hpp"
#include "app/gui/widgets.hpp"
#include "core/figure/axis_labels.hpp"
#include "core/figure/figure_png.hpp"
#include "core/figure/figure_svg.hpp"
#include "core/figure/figure_text.hpp"
#include "core/figure/font.hpp"
#include "core/figure/sweep_figure.hpp"
#include "core/io/atomic_file.hpp"

namespace attnlab::gui {
namespace {

// Sky blue, orange (Okabe–Ito: darker on a light theme, to keep 3:1 against it) and red.
ImU32 scaled_colour() {
  return okabe_ito(1);
}
ImU32 unscaled_colour() {
  return okabe_ito(0);
}
ImU32 example_colour() {
  return IM_COL32(220, 50, 50, 255);
}

// Starts the sweep again when σ changed; moves a finished result in.
void keep_sweep_current(AppState& app) {
  auto& e = app.explorer;
  SweepOptions wanted;
  wanted.dks = parse_dk_list("1:1024");
  wanted.sigma = app.settings.source == Source::random ? app.settings.sigma : 1.0;
  if (e.finished.exchange(false)) e.points = std::move(e.result);
  const bool running = e.worker.joinable() && e.done < int(wanted.dks.size()) * wanted.trials && !e.finished;
  if (e.options.sigma == wanted.sigma && !e.options.dks.empty()) return;
  if (running) return;
  if (e.worker.joinable()) e.worker.join();
  e.options = wanted;
  e.done = 0;
  e.failed = false;
  e.failure.clear();
  const auto run = [&e, wanted] {
    // Nothing may escape the thread (the program would terminate): a refusal is shown instead.
    try {
      e.result = sweep(wanted, &e.done, &e.cancel);
    } catch (const std::exception& error) {
      e.result.clear();
      e.failure = error.what();
      e.failed = true;
    }
    e.finished = true;
  };
  if (!platform::threads_available()) {  // a web page: the sweep runs in this frame
    run();
    e.finished = false;
    e.points = std::move(e.result);
    return;
  }
  e.worker = std::jthread(run);
  if (app.scripted) {  // a screenshot shows the finished plots, however busy the machine is
    e.worker.join();
    e.finished = false;
    e.points = std::move(e.result);
  }
}

// The current problem's statistics averaged over its rows, as the sweep averages them.
std::array<float, 4> own_values(AppState& app) {
  std::array<float, 4> sum{0, 0, 0, 0};
  int rows = 0;
  for (const RowStats& s : app.trace().stats) {
    if (s.fully_masked) continue;
    sum[0] += s.std, sum[1] += s.max_weight, sum[2] += s.entropy, sum[3] += s.jacobian_norm;
    ++rows;
  }
  for (float& v : sum) v /= float(std::max(rows, 1));
  return sum;
}

void histogram(AppState& app, ImVec2 size) {
  const Trace& t = app.trace();
  const float s = static_cast<float>(1 / std::sqrt(double(app.problem().dk())));
  constexpr int bins = 40;
  constexpr float lo = -5, hi = 5, width = (hi - lo) / bins;
  std::array<float, bins> scaled{}, unscaled{};
  float total = 0, scaled_out = 0, unscaled_out = 0;  // beyond ±5: counted in the end bins
  for (Index i = 0; i < t.scores.size(); ++i) {
    const float x = t.scores.data()[i];
    const auto bin = [&](float v) { return std::clamp(int(std::floor((v - lo) / width)), 0, bins - 1); };
    ++scaled[static_cast<std::size_t>(bin(s * x))], ++unscaled[static_cast<std::size_t>(bin(x))], ++total;
    scaled_out += std::abs(s * x) > hi, unscaled_out += std::abs(x) > hi;
  }
  const bool overflow = scaled_out + unscaled_out > 0;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::Dummy(size);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();
  // The longest title that fits.
  const char* titles[] = {"this problem's scores, scaled and not, against N(0, 1)", "its scores against N(0, 1)"};
  const char* title = titles[1];
  for (const char* candidate : titles)
    if (ImGui::CalcTextSize(candidate).x <= size.x) {
      title = candidate;
      break;
    }
  draw->AddText(origin, ImGui::GetColorU32(ImGuiCol_Text), title);
  audit_box("explorer.histogram", origin, {origin.x + ImGui::CalcTextSize(title).x, origin.y + line});
  // Under the ticks, when scores fell beyond ±5, a line that says the end bins hold them.
  const float below = (overflow ? 2 : 1) * line + 4;
  const ImVec2 a{origin.x + 4, origin.y + line + 4}, b{origin.x + size.x - 4, origin.y + size.y - below};
  const float peak =
      std::max(*std::max_element(scaled.begin(), scaled.end()), *std::max_element(unscaled.begin(), unscaled.end())) /
      total / width;
  const float top = std::max(peak, 0.45f);
  const auto px = [&](float x) { return a.x + (x - lo) / (hi - lo) * (b.x - a.x); };
  const auto py = [&](float density) { return b.y - density / top * (b.y - a.y); };
  for (int k = 0; k < bins; ++k) {
    const float x0 = lo + k * width;
    draw->AddRectFilled({px(x0), py(unscaled[static_cast<std::size_t>(k)] / total / width)}, {px(x0 + width) - 1, b.y},
                        (unscaled_colour() & 0x00ffffff) | 0x90000000);
    draw->AddRectFilled({px(x0), py(scaled[static_cast<std::size_t>(k)] / total / width)}, {px(x0 + width) - 1, b.y},
                        (scaled_colour() & 0x00ffffff) | 0x90000000);
  }
  if (overflow) {
    // The end bins outlined, and said: a pile at ±5 is scores beyond the axis, not a bump at 5.
    for (const int k : {0, bins - 1}) {
      const float x0 = lo + static_cast<float>(k) * width;
      const float density =
          std::max(unscaled[static_cast<std::size_t>(k)], scaled[static_cast<std::size_t>(k)]) / total / width;
      if (density > 0)
        draw->AddRect({px(x0), py(density)}, {px(x0 + width) - 1, b.y}, ImGui::GetColorU32(ImGuiCol_Text), 0, 0, 2);
    }
    const auto share = [&](float n) { return printed("%.0f %%", static_cast<double>(100 * n / total)); };
    const std::string words =
        "outlined ends: beyond ±5, unscaled " + share(unscaled_out) + ", scaled " + share(scaled_out);
    const std::string shown =
        shorten(words, size.x, [](const std::string& w) { return ImGui::CalcTextSize(w.c_str()).x; });
    const ImVec2 at{origin.x, b.y + 2 + line};
    draw->AddText(at, ImGui::GetColorU32(ImGuiCol_Text), shown.c_str());
    audit_box("explorer.histogram.overflow", at, {at.x + ImGui::CalcTextSize(shown.c_str()).x, at.y + line});
    audit_text("explorer.histogram.overflow", words, ImGui::CalcTextSize(shown.c_str()).x, size.x);
  }
  for (int k = 1; k <= 100; ++k) {  // the standard normal density
    const float x0 = lo + (k - 1) * (hi - lo) / 100, x1 = lo + k * (hi - lo) / 100;
    const auto density = [](float x) { return float(std::exp(-0.5 * x * x) / std::sqrt(2 * std::numbers::pi)); };
    draw->AddLine({px(x0), py(density(x0))}, {px(x1), py(density(x1))}, ImGui::GetColorU32(ImGuiCol_Text), 2);
  }
  for (float x : {-4.0f, -2.0f, 0.0f, 2.0f, 4.0f}) {
    const std::string label = attnlab::format_value(x, 0);  // "−4", the minus of every other number
    const ImVec2 at{px(x) - ImGui::CalcTextSize(label.c_str()).x / 2, b.y + 2};
    draw->AddText(at, ImGui::GetColorU32(ImGuiCol_Text), label.c_str());
    audit_box("explorer.histogram.tick", at, {at.x + ImGui::CalcTextSize(label.c_str()).x, at.y + line});
    audit_text("explorer.histogram.tick", label, 0, 0);
  }
}

// The plots as a figure (PNG and SVG) in the export folder, the current dk and values marked.
std::string export_sweep(AppState& app, const std::array<float, 4>& own) {
  SweepFigureOptions options;
  options.sweep = app.explorer.options;
  options.marker_dk = app.problem().dk();
  options.own_values = std::array<double, 4>{own[0], own[1], own[2], own[3]};
  const Figure figure = build_sweep_figure(app.explorer.points, options, figure_font());
  const std::filesystem::path dir = app.typed.export_dir;
  // Named by the dk marked and the scaling, with a counter when taken: an export never overwrites.
  std::string base = "dk-explorer-dk" + std::to_string(app.problem().dk()) +
                     (app.problem().scale.kind == ScaleSpec::Kind::none ? "-noscale" : "");
  base += free_suffix(dir, {base}, {".png", ".svg"});
  AtomicBatch batch;
  batch.add(dir / (base + ".png"), figure_png(figure, figure_font()));
  batch.add(dir / (base + ".svg"), figure_svg(figure));
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  batch.commit();
  return "exported " + (dir / base).string() + ".png and .svg";
}

}  // namespace

void draw_explorer(AppState& app) {
  keep_sweep_current(app);
  auto& e = app.explorer;
  bool scaling = app.settings.scaling_on();
  // The legend and the buttons in a row that wraps in a narrow panel.
  Flow flow;
  flow.next(checkbox_width("scale by 1/√dₖ (S)"));
  if (ImGui::Checkbox("scale by 1/√dₖ (S)", &scaling))
    app.settings.scale = scaling ? ScaleSpec::Kind::sqrt : ScaleSpec::Kind::none;
  for (const auto& [colour, name] : {std::pair{scaled_colour(), "— scaled"}, std::pair{unscaled_colour(), "— unscaled"},
                                     std::pair{example_colour(), "● this problem"}}) {
    flow.next(text_width(name));
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(colour), "%s", name);
    audit_item("explorer.legend");
  }
  if (e.points.empty() && e.failed) {
    wrapped_text("explorer.failure", e.failure);
    return;
  }
  if (e.points.empty()) {
    const float total = float(e.options.dks.size()) * float(e.options.trials);
    ImGui::ProgressBar(total > 0 ? float(e.done) / total : 0, {-1, 0},
                       "sweeping dₖ = 1 … 1024, 64 random problems each");
    return;
  }
  const std::array<float, 4> own = own_values(app);
  flow.next(button_width("Export plots"));
  if (fit_button("explorer.export", {"Export plots"})) {
    try {
      app.status = export_sweep(app, own);
    } catch (const std::exception& failure) {
      app.status = std::string("export failed: ") + failure.what();
    }
    app.status_clock = 4;
  }
  if (!app.status.empty()) wrapped_text("explorer.status", app.status);
  const std::vector<std::string> titles[] = {{"std of the scores softmax sees", "std of the scores"},
                                             {"max weight"},
                                             {"entropy (nats)", "entropy"},
                                             {"Jacobian norm", "Jacobian"}};
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float hist_h = avail.y * 0.34f;
  const ImVec2 cell{(avail.x - ImGui::GetStyle().ItemSpacing.x) / 2,
                    (avail.y - hist_h) / 2 - ImGui::GetStyle().ItemSpacing.y};
  for (int k = 0; k < 4; ++k) {
    LinePlot plot;
    plot.titles = titles[k];
    plot.marker_x = float(app.problem().dk());
    plot.x_title = "dₖ";
    Series scaled{"scaled", {}, {}, scaled_colour()}, unscaled{"unscaled", {}, {}, unscaled_colour()};
    for (const SweepPoint& p : e.points) {
      const double values[] = {p.score_std, p.max_weight, p.entropy, p.jacobian_norm};
      Series& s = p.scaled ? scaled : unscaled;
      s.x.push_back(float(p.dk));
      s.y.push_back(float(values[k]));
    }
    plot.series = {
        scaled, unscaled,
        Series{
            "this problem", {float(app.problem().dk())}, {own[static_cast<std::size_t>(k)]}, example_colour(), true}};
    if (k % 2) ImGui::SameLine();
    line_plot(("plot" + std::to_string(k)).c_str(), plot, cell);
    audit_item("explorer.plot");
  }
  histogram(app, {avail.x, hist_h});
}

}  // namespace attnlab::gui
