#pragma once
// What the window drew where, frame by frame: each panel's visible rectangle and how far its content
// reaches, the rectangles of the items a lesson needs, and each text's width against the room it had.
// `attnlab --layout-report FILE.json` writes it, so that a test can check from the window's own layout
// that nothing a lesson step needs is clipped or off screen at any window size.
//
// Panels report while they draw; the recorder lives in ImGui's io.UserData, so the small drawing
// helpers (plot.cpp, widgets.cpp) can report without being handed the app's state.
#include <imgui.h>

#include <string>
#include <string_view>
#include <vector>

namespace attnlab::gui {

struct LayoutAudit {
  struct Box {
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  };
  struct Panel {
    std::string name;
    Box visible;           // what the panel shows of its content (inside its borders and scrollbars)
    float reach_x = 0;     // the rightmost point its items reached: beyond visible.x1 is cut off
    bool scrolls = false;  // its content is taller than the panel (a scrollbar shows)
  };
  struct Item {
    std::string id, panel;
    Box box;   // where it was drawn
    Box clip;  // what could be seen of that place when it was drawn (the panel, a table column, ...)
  };
  struct Text {
    std::string id, panel, text;
    float width = 0, room = 0;  // the text's width and the width its widget gave it
    std::string lines;          // a wrapped text as drawn, its line breaks included
  };
  struct Frame {
    int frame = 0;
    std::vector<std::string> actions;  // applied before this frame was drawn
    std::vector<Panel> panels;
    std::vector<Item> items;
    std::vector<Text> texts;
  };

  bool on = false;
  int width = 0, height = 0;
  bool present = false;
  float font_size = 0;
  std::vector<Frame> frames;
  std::string panel;  // the panel being drawn

  void begin_frame(int frame, std::vector<std::string> actions);
  std::string json() const;  // the whole report
};

// The recorder of this ImGui context, or nullptr when none records.
LayoutAudit* layout_audit();

// A panel's window, between Begin and End: its visible rectangle and its content's reach.
void audit_panel(const std::string& name);
// The last item (ImGui's item rectangle), under `id`.
void audit_item(std::string_view id);
// A rectangle drawn by hand (axis labels, heatmap cells), under `id`, seen through the current clip.
void audit_box(std::string_view id, ImVec2 min, ImVec2 max);
// A text and the room its widget gave it (buttons, combo previews, slider captions).
void audit_text(std::string_view id, std::string_view text, float width, float room, std::string_view lines = {});

}  // namespace attnlab::gui
