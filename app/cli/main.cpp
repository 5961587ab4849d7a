// attnlab: the command line of Attention Lab (cli.md). Exit status 0 success, 2 bad usage or
// input (one line on stderr), 1 any other failure.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string_view>
#include <vector>

#include "app/cli/cli_hub.hpp"
#include "app/cli/command.hpp"
#include "app/cli/suggest.hpp"
#include "core/base/error.hpp"
#include "core/base/quote.hpp"

namespace {

using namespace attnlab;

// The subcommands, in the order the help lists them.
constexpr cli::AddCommand commands[] = {
    cli::add_compute_command,  cli::add_bench_command, cli::add_export_command,   cli::add_heads_command,
    cli::add_generate_command, cli::add_gui_command,   cli::add_sweep_command,    cli::add_examples_command,
    cli::add_tokens_command,   cli::add_models_command,
};

// CLI11's message for a bad value, as ours are worded: it writes "--lq: 0 is out of range", we "--lq 0 is …".
std::string parse_message(const CLI::ParseError& e) {
  std::string message = e.what();
  if (const std::size_t colon = message.find(": ");
      dynamic_cast<const CLI::ValidationError*>(&e) && message.starts_with("--") && colon < message.find(' '))
    message.erase(colon, 1);
  return message;
}

int run(int argc, char** argv) {
  CLI::App app{"Attention Lab: scaled dot-product attention, softmax(QKᵀ/√dk + mask)·V, stage by stage", "attnlab"};
  app.set_version_flag("--version", std::string("attnlab ") + ATTNLAB_VERSION);
  app.require_subcommand(0, 1);
  InputOptions input;  // one subcommand runs: they share the INPUT options
  cli::HubCliOptions hub;
  std::vector<cli::Command> added;
  for (const cli::AddCommand add : commands) added.push_back(add(app, input, hub));
  cli::add_hub_options(app, hub);  // after every command: --quiet on each, --revision beside each --model
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    const std::string near = dynamic_cast<const CLI::ExtrasError*>(&e) ? cli::suggestion(app, argc, argv) : "";
    std::cerr << "attnlab: " << one_line(parse_message(e)) << near << "\n";
    return 2;
  }
  for (const cli::Command& c : added)
    if (c.command->parsed()) return c.run();
  // No subcommand: the window, as `gui`.
  for (const cli::Command& c : added)
    if (c.command->get_name() == "gui") return c.run();
  return 2;
}

// What was printed must have arrived: stdout may be a full disk. Otherwise the exit status is 1,
// with the reason, rather than a 0 that claims the output is there.
void check_stdout() {
  // A write that failed already (a help text longer than stdout's buffer) left its reason in errno.
  const int earlier = std::ferror(stdout) || !std::cout.good() ? errno : 0;
  errno = 0;
  std::cout.flush();  // through stdout's buffer (cout is synchronised with stdio), so errno tells why
  const bool flushed = std::fflush(stdout) == 0;
  if (flushed && !std::ferror(stdout) && std::cout.good()) return;
  int error = errno ? errno : earlier;
  // A write that failed while printing (output past stdout's buffer) leaves the error flag but no
  // errno by now: one more byte, to a file already cut short, tells why.
  if (!error && ::write(STDOUT_FILENO, "\n", 1) < 0) error = errno;
  throw RunError(std::string("cannot write to standard output") +
                 (error ? std::string(": ") + std::strerror(error) : std::string()));
}

// OpenMP's idle threads must sleep rather than spin in the window, which shares the cores with the
// GL driver's threads (llvmpipe renders on the CPU), and in a model's forward pass, a chain of short
// parallel steps: on a busy machine a spinning thread holds the core its partner is waiting for,
// and a pass takes 3 to 700 times as long (GPT-2 small: 0.5 s against 1.7 s; a tiny model: 0.25 ms
// against 170 ms). libgomp reads that setting only as it loads, before main, so the process starts
// itself again with it set.
void sleep_idle_threads(int argc, char** argv) {
  bool model = false;
  for (int i = 1; i < argc; ++i) model = model || std::string_view(argv[i]).starts_with("--model");
  const bool window = argc < 2 || argv[1][0] == '-' || std::string_view(argv[1]) == "gui";
  if (!(window || model) || std::getenv("OMP_WAIT_POLICY")) return;
  setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  execv("/proc/self/exe", argv);  // if that fails, the program runs on with spinning threads
}

}  // namespace

int main(int argc, char** argv) {
  sleep_idle_threads(argc, argv);
  try {
    const int status = run(argc, argv);
    if (status == 0) check_stdout();
    return status;
  } catch (const InputError& e) {
    std::cerr << "attnlab: " << one_line(e.what()) << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "attnlab: " << one_line(e.what()) << "\n";
    return 1;
  }
}
