// The web page's program: `attnlab gui` with the page's URL parameters as its options (pre.js), the same
// window as the desktop's, on the CPU engine. A bad parameter is one line `attnlab: …`, shown on the page.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "app/cli/cli_window.hpp"
#include "core/base/error.hpp"

namespace {

int run(int argc, char** argv) {
  using namespace attnlab;
  CLI::App page{"Attention Lab in a web page: the URL's parameters are the window's options", "attnlab.html"};
  InputOptions input;
  cli::GuiOptions gui;
  cli::add_input_options(page, input);
  cli::add_window_options(page, gui, "WINDOW");
  cli::add_backend_option(page, gui.backend);
  cli::add_precision_options(page, gui.precision);
  try {
    page.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return page.exit(e);
    throw InputError(e.what());
  }
  cli::finish_window_options(page, input, gui);
  // Relative paths (scenarios, the export folder) in the page's home, whose files are kept between visits.
  if (const char* home = std::getenv("HOME"); home && chdir(home) != 0)
    std::cerr << "attnlab: cannot enter " << home << "\n";
  return cli::run_gui(input, gui);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const attnlab::InputError& e) {
    std::cerr << "attnlab: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "attnlab: " << e.what() << "\n";
    return 1;
  }
}
