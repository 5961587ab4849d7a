#pragma once
// Widgets that never cut their text: buttons that take a shorter label (the full one as a tooltip)
// when their room is small, rows of controls that wrap instead of running off the panel, and combo
// boxes and texts that report their width against their room to the layout audit.
#include <imgui.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace attnlab::gui {

// Widths of ImGui's widgets, as ImGui will lay them out.
float button_width(std::string_view label);
float checkbox_width(std::string_view label);
float text_width(std::string_view text);
// `text` broken into lines of at most `width` at its spaces only (ImGui's own wrapping also breaks
// after a full stop, splitting "0.354"); a word wider than `width` keeps a line of its own.
std::string wrap_lines(std::string_view text, float width);
// The height of a text wrapped to `width`, with the spacing under it.
float wrapped_height(std::string_view text, float width);

// Places widgets left to right, starting a new line before one that would cross the right edge
// of the panel (or of `width` from where the row starts).
class Flow {
 public:
  Flow();
  explicit Flow(float width);
  // Call before each widget with its width.
  void next(float width);

 private:
  float left_, right_;
  bool first_ = true;
};
// How many lines widgets of these widths take in `width` (what Flow would do), for layouts that
// must know a height before drawing.
int flow_lines(const std::vector<float>& widths, float width);

// A button labelled with the first of `labels` (longest first) that fits `width` (0: its own
// width, the first label); a shortened label shows the first one as a tooltip. `id` names it for
// the layout audit and keeps its ImGui id the same whichever label shows.
bool fit_button(std::string_view id, std::initializer_list<std::string_view> labels, ImVec2 size = {0, 0});

// ImGui's sliders with their handle drawn as a bar in the frame's bottom padding, under the value,
// never over it; `id` names the value and the handle for the layout audit ("<id>.value", "<id>.grab").
bool slider_int(std::string_view id, const char* label, int* v, int min, int max, const char* format = "%d",
                ImGuiSliderFlags flags = 0);
bool slider_float(std::string_view id, const char* label, float* v, float min, float max, const char* format,
                  ImGuiSliderFlags flags = 0);

// A combo box of `options` whose preview reports its width against its room.
bool combo(const char* label, std::string& value, const std::vector<std::string>& options, std::string_view id = {});

// printf into a string.
std::string printed(const char* format, ...) __attribute__((format(printf, 1, 2)));
// A text that wraps at the panel's edge (at spaces only), reported to the audit under `id`.
void wrapped_text(std::string_view id, const std::string& text);
// Pieces of text that must stay whole ("weight 0.801", "3·3"), a space apart, wrapping between them.
void chunks_text(std::string_view id, const std::vector<std::string>& chunks);
float chunks_height(const std::vector<std::string>& chunks, float width);
// A text that is recorded under `id` (it must fit its panel: the audit checks its box).
void audited_text(std::string_view id, const std::string& text);

}  // namespace attnlab::gui
