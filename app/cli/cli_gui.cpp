// attnlab [gui]: the window (its options are the web page's too: cli_window.cpp), with --model a folder or a
// Hub id, which is downloaded before the window opens.
#include <memory>

#include "app/cli/cli_hub.hpp"
#include "app/cli/cli_window.hpp"
#include "app/cli/command.hpp"

namespace attnlab::cli {

Command add_gui_command(CLI::App& app, InputOptions& input, HubCliOptions& hub) {
  auto options = std::make_shared<GuiOptions>();
  auto* command = app.add_subcommand("gui", "open the window (also what attnlab alone does)");
  // The window's options work with and without the word "gui".
  add_window_options(app, *options, "WINDOW (attnlab alone opens it)");
  add_input_options(*command, input);
  add_ablation_options(*command, input);
  add_compare_options(*command, input);
  add_window_options(*command, *options, "WINDOW");
  add_input_options(app, input);
  add_ablation_options(app, input);
  add_compare_options(app, input);
  add_backend_option(*command, options->backend);
  add_precision_options(*command, options->precision);
  return {command, [&app, command, &input, &hub, options] {
            finish_window_options(*command ? *command : app, input, *options);
            resolve_hub_model(input, hub);
            return run_gui(input, *options);
          }};
}

}  // namespace attnlab::cli
