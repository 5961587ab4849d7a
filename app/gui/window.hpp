#pragma once
// The window: GLFW + OpenGL + Dear ImGui, in ImGui's own order (poll, new frame, draw, render,
// swap), with the panels in a fixed layout that follows the window's size.
#include <optional>
#include <string>
#include <vector>

#include "app/gui/app_actions.hpp"
#include "app/gui/model_source.hpp"
#include "app/gui/settings.hpp"

namespace attnlab::gui {

struct WindowOptions {
  Settings settings;
  LoadedModel model;     // the model the settings name, when the command line loaded one
  // --model's options when the model comes later (a web page's Hub id): start_settings once it has.
  std::optional<InputOptions> model_start;
  bool remember = true;  // load the last state at start and save it at exit
  // Given on the command line, so kept over the last state: presentation mode, the theme.
  bool present = false;
  std::optional<bool> light;
  int frames = 0;                         // > 0: render this many frames, then exit (tests, docs)
  std::string screenshot;                 // with frames: save the last frame's pixels here (PNG)
  std::vector<Action> actions;            // with frames: one per frame from the second on, as if keys were pressed
  std::vector<std::string> action_names;  // the same, as given (for the layout report)
  std::string layout_report;              // with frames: where each frame's layout goes as JSON (layout_audit.hpp)
  std::string frame_report;               // with frames: each frame's time as JSON (frame_report.hpp)
  bool live = false;                      // with frames: nothing waited for, the real clock, as a user's window
  std::string export_dir;                 // where Export writes (default attnlab-figures)
  std::string compare_text;               // --compare-text: the compare tab opens on this second sentence
  int width = 1600, height = 900;
};

// Returns the process's exit status.
int run_window(WindowOptions options);

}  // namespace attnlab::gui
