#include "app/cli/cli_backend.hpp"

#include <iostream>

#include "app/cli/cli_input.hpp"
#include "core/base/error.hpp"

namespace attnlab::cli {
namespace {
bool verbose = false;  // --verbose: one per run, whichever subcommand set it
}  // namespace

void add_verbose_option(CLI::App& c) {
  c.add_flag("--verbose", verbose, "say on stderr which backend runs, and why auto chose the CPU");
}

CLI::App* add_engine_command(CLI::App& app, const std::string& name, const std::string& help, InputOptions& input,
                             std::string& backend) {
  CLI::App* command = app.add_subcommand(name, help);
  add_input_options(*command, input);
  add_backend_option(*command, backend);
  add_verbose_option(*command);
  return command;
}

BackendChoice choose_backend(const std::string& name) {
  BackendChoice choice = make_backend(name);
  // A GPU that is there but would not start is news; no GPU at all is the normal way to run.
  if (!choice.fallback_reason.empty() && !choice.no_gpu)
    std::cerr << "attnlab: using the CPU backend: " << choice.fallback_reason << "\n";
  else if (verbose)
    std::cerr << "attnlab: backend " << choice.backend->name() << " (" << choice.backend->description() << ")"
              << (choice.fallback_reason.empty() ? "" : ": " + choice.fallback_reason) << "\n";
  return choice;
}

std::unique_ptr<Backend> open_backend(const std::string& name) {
  return std::move(choose_backend(name).backend);
}

std::unique_ptr<Backend> open_backend(const std::string& name, const PrecisionMode& precision) {
  if (precision.is_default()) return open_backend(name);
  if (name == "gpu")
    throw InputError("--precision, --no-max-subtraction and --mask-value run on the CPU: use --backend cpu or auto");
  return open_backend(name == "auto" ? std::string("cpu") : name);
}

}  // namespace attnlab::cli
