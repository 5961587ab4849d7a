#include "app/gui/widgets.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "app/gui/layout_audit.hpp"

namespace attnlab::gui {
namespace {

ImVec2 size_of(std::string_view text) {
  return ImGui::CalcTextSize(text.data(), text.data() + text.size(), true);
}

}  // namespace

std::string printed(const char* format, ...) {
  va_list args;
  va_start(args, format);
  char text[1024];
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  return text;
}

float text_width(std::string_view text) {
  return size_of(text).x;
}

float button_width(std::string_view label) {
  return text_width(label) + 2 * ImGui::GetStyle().FramePadding.x;
}

float checkbox_width(std::string_view label) {
  const float text = text_width(label);
  return ImGui::GetFrameHeight() + (text > 0 ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0);
}

namespace {

// An operator binds the terms on either side of it: a line never starts or ends with one.
bool binds(std::string_view word) {
  for (const std::string_view op : {"=", "−", "-", "+", "/", "·", "×", "Σ", "≈", "≤", "≥", "<", ">", "→"})
    if (word == op) return true;
  return false;
}

// A unit after its number ("12.0 KiB."): it stays on the number's line.
bool is_unit(std::string_view word) {
  while (!word.empty() && (word.back() == '.' || word.back() == ',' || word.back() == ';' || word.back() == ')'))
    word.remove_suffix(1);
  for (const std::string_view unit : {"B", "KiB", "MiB", "GiB", "TiB", "ms", "%"})
    if (word == unit) return true;
  return false;
}

// How many more brackets `word` opens than it closes.
int depth_change(std::string_view word) {
  int d = 0;
  for (const char c : word) d += (c == '(' || c == '[') - (c == ')' || c == ']');
  return d;
}

// A line's words grouped into what may not be split, and within each group the places where it may
// be split if it must: a formula ("ℓ = Σ exp(x − m)") is one group, split if wider than a line only
// before an operator outside brackets, and then at any space.
struct Group {
  std::vector<std::string_view> words;
  std::vector<int> strength;  // before each word: 0 a space in brackets, 1 before an operator, 2 free
};

std::vector<Group> groups_of(std::string_view line) {
  std::vector<Group> out;
  int depth = 0;
  std::string_view previous;
  std::size_t at = 0;
  while (at <= line.size()) {
    const std::size_t end = std::min(line.find(' ', at), line.size());
    const std::string_view word = line.substr(at, end - at);
    at = end + 1;
    if (word.empty()) {  // a second space, kept
      if (!out.empty()) out.back().words.push_back(word), out.back().strength.push_back(0);
      continue;
    }
    const bool glued = !out.empty() && (depth > 0 || binds(previous) || binds(word) || is_unit(word));
    if (!glued) out.push_back({});
    out.back().words.push_back(word);
    out.back().strength.push_back(!glued ? 2 : depth > 0 ? 0 : binds(word) ? 1 : 0);
    depth = std::max(depth + depth_change(word), 0);
    previous = word;
  }
  return out;
}

// Greedy lines of `pieces` (a space apart) in `width`.
void fill(std::vector<std::string>& lines, const std::vector<std::string>& pieces, float width) {
  for (const std::string& piece : pieces) {
    if (lines.empty() || lines.back().empty()) {
      if (lines.empty()) lines.emplace_back();
      lines.back() = piece;
    } else if (text_width(lines.back() + " " + piece) <= width) {
      lines.back() += " " + piece;
    } else {
      lines.push_back(piece);
    }
  }
}

// A group's words joined into pieces split where its strength is at least `least`.
std::vector<std::string> pieces_of(const Group& g, int least) {
  std::vector<std::string> out;
  for (std::size_t w = 0; w < g.words.size(); ++w) {
    if (w == 0 || g.strength[w] >= least) out.emplace_back(g.words[w]);
    else out.back() += " " + std::string(g.words[w]);
  }
  return out;
}

}  // namespace

std::string wrap_lines(std::string_view text, float width) {
  std::string out;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    std::vector<std::string> lines;
    for (const Group& g : groups_of(text.substr(at, end - at))) {
      // Whole, or split before its operators, or at its spaces: the first that fits a line.
      std::vector<std::string> pieces = pieces_of(g, 2);
      for (int least = 1; least >= 0; --least) {
        bool fits = true;
        for (const std::string& piece : pieces) fits = fits && text_width(piece) <= width;
        if (fits) break;
        pieces = pieces_of(g, least);
      }
      fill(lines, pieces, width);
    }
    for (std::size_t l = 0; l < lines.size(); ++l) out += (l ? "\n" : "") + lines[l];
    if (end < text.size()) out += "\n";
    at = end + 1;
  }
  return out;
}

float wrapped_height(std::string_view text, float width) {
  const std::string lines = wrap_lines(text, std::max(width, 1.0f));
  return ImGui::CalcTextSize(lines.c_str()).y + ImGui::GetStyle().ItemSpacing.y;
}

Flow::Flow() : Flow(ImGui::GetContentRegionAvail().x) {}

Flow::Flow(float width) : left_(ImGui::GetCursorScreenPos().x), right_(left_ + width) {}

void Flow::next(float width) {
  if (first_) {
    first_ = false;
    return;
  }
  const float x = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x;
  if (x + width <= right_ + 0.5f) ImGui::SameLine();
}

namespace {

// The lines that pieces of these widths take in `width`, `spacing` apart.
int lines_for(const std::vector<float>& widths, float width, float spacing) {
  int lines = 1;
  float x = -1;
  for (float w : widths) {
    if (x < 0) x = w;
    else if (x + spacing + w <= width + 0.5f) x += spacing + w;
    else ++lines, x = w;
  }
  return lines;
}

}  // namespace

int flow_lines(const std::vector<float>& widths, float width) {
  return lines_for(widths, width, ImGui::GetStyle().ItemSpacing.x);
}

bool fit_button(std::string_view id, std::initializer_list<std::string_view> labels, ImVec2 size) {
  const float pad = 2 * ImGui::GetStyle().FramePadding.x;
  std::string_view label = *labels.begin();
  if (size.x > 0)
    for (std::string_view candidate : labels) {
      label = candidate;
      if (text_width(candidate) + pad <= size.x) break;
    }
  const std::string text = std::string(label) + "##" + std::string(id);
  const bool pressed = ImGui::Button(text.c_str(), size);
  if (label != *labels.begin() && ImGui::IsItemHovered()) {
    const std::string full(*labels.begin());
    ImGui::SetTooltip("%s", full.c_str());
  }
  audit_item(id);
  audit_text(id, label, text_width(label), ImGui::GetItemRectSize().x - pad);
  return pressed;
}

bool combo(const char* label, std::string& value, const std::vector<std::string>& options, std::string_view id) {
  bool changed = false;
  const float width = ImGui::CalcItemWidth();
  if (ImGui::BeginCombo(label, value.c_str())) {
    for (const auto& option : options)
      if (ImGui::Selectable(option.c_str(), option == value)) value = option, changed = true;
    ImGui::EndCombo();
  }
  const std::string name = id.empty() ? std::string(label) : std::string(id);
  audit_item(name);
  // The preview sits between the frame's padding and the arrow button.
  audit_text(name, value, text_width(value), width - ImGui::GetFrameHeight() - 2 * ImGui::GetStyle().FramePadding.x);
  return changed;
}

namespace {

// Draws the handle of the slider just drawn, at `t` (0 to 1) of its range, `grab` wide: a bar in the
// frame's bottom padding with a faint track, so the value ImGui centred in the frame stays readable.
void slider_handle(std::string_view id, const char* shown, float width, float t, float grab) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const ImVec2 min = ImGui::GetItemRectMin();
  const ImVec2 max{min.x + width, min.y + ImGui::GetFrameHeight()};
  // ImGui's own placement of its handle (SliderBehaviorT): 2 px in from the ends, centred on t.
  const float pad = 2, usable = std::max(width - 2 * pad - grab, 0.0f);
  const float x = min.x + pad + grab / 2 + std::clamp(t, 0.0f, 1.0f) * usable;
  const float bar = std::max(style.FramePadding.y, 3.0f);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  draw->AddRectFilled({min.x + pad, max.y - bar}, {max.x - pad, max.y}, ImGui::GetColorU32(ImGuiCol_SliderGrab, 0.35f));
  const bool active = ImGui::IsItemActive();
  const ImVec2 g0{x - grab / 2, max.y - bar}, g1{x + grab / 2, max.y};
  draw->AddRectFilled(g0, g1, ImGui::GetColorU32(active ? ImGuiCol_SliderGrabActive : ImGuiCol_SliderGrab));
  audit_box(std::string(id) + ".grab", g0, g1);
  // Where ImGui centred the value: the frame's middle, one line tall above the bar.
  const ImVec2 text = ImGui::CalcTextSize(shown);
  const float cx = (min.x + max.x) / 2, cy = (min.y + max.y) / 2;
  audit_box(std::string(id) + ".value", {cx - text.x / 2, cy - text.y / 2}, {cx + text.x / 2, cy + text.y / 2});
}

// The ratio ImGui's slider puts a value at: linear, or logarithmic for a range above 0.
float slider_ratio(double v, double min, double max, bool logarithmic) {
  if (max <= min) return 0;
  if (logarithmic && min > 0) return static_cast<float>(std::log(v / min) / std::log(max / min));
  return static_cast<float>((v - min) / (max - min));
}

template <class Draw>
bool transparent_grab(Draw&& draw) {
  ImGui::PushStyleColor(ImGuiCol_SliderGrab, IM_COL32(0, 0, 0, 0));
  ImGui::PushStyleColor(ImGuiCol_SliderGrabActive, IM_COL32(0, 0, 0, 0));
  const bool changed = draw();
  ImGui::PopStyleColor(2);
  return changed;
}

}  // namespace

bool slider_int(std::string_view id, const char* label, int* v, int min, int max, const char* format,
                ImGuiSliderFlags flags) {
  const float width = ImGui::CalcItemWidth();
  const bool changed = transparent_grab([&] { return ImGui::SliderInt(label, v, min, max, format, flags); });
  // An integer handle is one value wide where the frame allows (as ImGui draws it).
  const float inner = width - 4;
  const float grab =
      std::min(std::max(inner / static_cast<float>(max - min + 1), ImGui::GetStyle().GrabMinSize), inner);
  char text[256];
  ImGui::DataTypeFormatString(text, sizeof text, ImGuiDataType_S32, v, format);
  slider_handle(id, text, width, slider_ratio(*v, min, max, flags & ImGuiSliderFlags_Logarithmic), grab);
  return changed;
}

bool slider_float(std::string_view id, const char* label, float* v, float min, float max, const char* format,
                  ImGuiSliderFlags flags) {
  const float width = ImGui::CalcItemWidth();
  const bool changed = transparent_grab([&] { return ImGui::SliderFloat(label, v, min, max, format, flags); });
  char text[256];
  ImGui::DataTypeFormatString(text, sizeof text, ImGuiDataType_Float, v, format);
  slider_handle(id, text, width, slider_ratio(*v, min, max, flags & ImGuiSliderFlags_Logarithmic),
                ImGui::GetStyle().GrabMinSize);
  return changed;
}

void wrapped_text(std::string_view id, const std::string& text) {
  const float room = ImGui::GetContentRegionAvail().x;
  const std::string lines = wrap_lines(text, room);
  ImGui::TextUnformatted(lines.c_str());
  audit_item(id);
  audit_text(id, text, 0, room, lines);  // its words, for tests that read what the window says; it wraps to fit
}

float chunks_height(const std::vector<std::string>& chunks, float width) {
  std::vector<float> widths;
  for (const std::string& c : chunks) widths.push_back(text_width(c));
  // Chunks sit a space apart, as words do.
  const int lines = lines_for(widths, width, text_width(" "));
  return static_cast<float>(lines) * ImGui::GetTextLineHeight() + ImGui::GetStyle().ItemSpacing.y;
}

void chunks_text(std::string_view id, const std::vector<std::string>& chunks) {
  const float width = ImGui::GetContentRegionAvail().x, space = text_width(" ");
  std::string lines, line;
  for (const std::string& c : chunks) {
    if (!line.empty() && text_width(line) + space + text_width(c) > width + 0.5f) lines += line + "\n", line.clear();
    line += (line.empty() ? "" : " ") + c;
  }
  ImGui::TextUnformatted((lines + line).c_str());
  audit_item(id);
  audit_text(id, lines + line, 0, width, lines + line);  // its words, for tests that read what the window says
}

void audited_text(std::string_view id, const std::string& text) {
  ImGui::TextUnformatted(text.c_str());
  audit_item(id);
}

}  // namespace attnlab::gui
