#include "app/gui/widgets.hpp"

#include <algorithm>
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

std::string wrap_lines(std::string_view text, float width) {
  std::string out, line;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t end = std::min(text.find_first_of(" \n", at), text.size());
    const std::string_view word = text.substr(at, end - at);
    const std::string joined = line.empty() ? std::string(word) : line + " " + std::string(word);
    if (!line.empty() && text_width(joined) > width) {
      out += line + "\n";
      line = std::string(word);
    } else {
      line = joined;
    }
    if (end < text.size() && text[end] == '\n') out += line + "\n", line.clear();
    at = end + 1;
  }
  return out + line;
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

void wrapped_text(std::string_view id, const std::string& text) {
  const float room = ImGui::GetContentRegionAvail().x;
  ImGui::TextUnformatted(wrap_lines(text, room).c_str());
  audit_item(id);
  audit_text(id, text, 0, room);  // its words, for tests that read what the window says; it wraps to fit
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
  audit_text(id, lines + line, 0, width);  // its words, for tests that read what the window says
}

void audited_text(std::string_view id, const std::string& text) {
  ImGui::TextUnformatted(text.c_str());
  audit_item(id);
}

}  // namespace attnlab::gui
