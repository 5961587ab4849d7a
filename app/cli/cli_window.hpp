#pragma once
// attnlab [gui]: the window's options (cli.md's WINDOW), shared with the web page, whose URL's
// parameters are these options.
#include <CLI/CLI.hpp>
#include <string>

#include "app/cli/cli_input.hpp"
#include "core/inputs/input.hpp"

namespace attnlab::cli {

struct GuiOptions {
  std::string backend = "auto";
  PrecisionOptions precision;
  int query = 0;
  int head = 0;
  std::string stage = "scores";
  float font_scale = 1.0f;
  bool present = false;
  std::string theme;  // light | dark; empty: as last time (dark at first)
  int frames = 0;
  std::string screenshot;
  std::string actions;        // comma-separated, one per frame
  std::string layout_report;  // with frames: every frame's layout as JSON, for the layout tests
  std::string frame_report;   // with frames: every frame's time as JSON
  bool live = false;          // with frames: nothing waited for, as a user's window
  std::string export_dir;
  int width = 1600, height = 900;
  bool remember = false;     // with --frames: restore the last state and save it at exit all the same
  bool input_given = false;  // any INPUT option: then the state of the last run is not restored
};

// The window's options (--query, --stage, --frames, …), in `group` of the help.
void add_window_options(CLI::App& command, GuiOptions& gui, const char* group);
// After parsing the window's command: notes the --random settings and whether any INPUT option was given
// (then the last state is not restored).
void finish_window_options(const CLI::App& window, InputOptions& input, GuiOptions& gui);
// Opens the window on the options; bad input is reported before it opens. Returns the exit status.
int run_gui(const InputOptions& input, const GuiOptions& options);

}  // namespace attnlab::cli
