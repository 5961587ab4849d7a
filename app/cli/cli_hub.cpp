#include "app/cli/cli_hub.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>

#include "core/base/quote.hpp"
#include "core/hub/hub_errors.hpp"
#include "core/hub/open_hub_model.hpp"
#include "core/hub/progress_line.hpp"
#include "core/inputs/model_input.hpp"
#include "core/model/config.hpp"

namespace attnlab::cli {
namespace {

// Set by Ctrl-C while a download runs: the download stops at its next check (within a second).
std::atomic<bool> interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");
extern "C" void on_interrupt(int) {
  interrupted.store(true);
}

// SIGINT stops the download instead of the program while it is installed; a full file-size limit is
// a write error to report (EFBIG) rather than a signal that kills.
class InterruptStopsDownload {
 public:
  InterruptStopsDownload() {
    struct sigaction stop {};
    stop.sa_handler = on_interrupt;
    sigemptyset(&stop.sa_mask);
    sigaction(SIGINT, &stop, &previous_);
    if (previous_.sa_handler == SIG_IGN) sigaction(SIGINT, &previous_, nullptr);  // started immune to Ctrl-C: stays so
    std::signal(SIGXFSZ, SIG_IGN);
  }
  ~InterruptStopsDownload() { sigaction(SIGINT, &previous_, nullptr); }
  InterruptStopsDownload(const InterruptStopsDownload&) = delete;
  InterruptStopsDownload& operator=(const InterruptStopsDownload&) = delete;

 private:
  struct sigaction previous_ {};
};

}  // namespace

void add_hub_options(CLI::App& app, HubCliOptions& hub) {
  std::vector<CLI::App*> commands = app.get_subcommands({});
  commands.push_back(&app);
  for (CLI::App* command : commands) {
    command->add_flag("--quiet", hub.quiet, "no download progress on stderr");
    if (command->get_option_no_throw("--model"))
      command
          ->add_option("--revision", hub.revision, "with --model ID: a branch, tag or commit of the Hub (default main)")
          ->type_name("REV")
          ->group("MODEL INPUT");
  }
}

void resolve_hub_model(ModelInputOptions& input, const HubCliOptions& hub, bool weights) {
  if (input.model.empty()) {
    if (!hub.revision.empty()) throw InputError("--revision applies to a Hub model: give --model ID");
    return;
  }
  if (names_folder(input.model)) {
    if (!hub.revision.empty())
      throw InputError("--revision applies to a Hub model id, and --model " + excerpt(input.model, 200) +
                       " is a folder");
    return;
  }
  const auto repo = parse_repo_id(input.model);
  if (!repo)
    throw InputError("--model '" + excerpt(input.model) +
                     "' is neither a folder nor a Hub model id (NAME or ORG/NAME: letters, digits, '.', '_', '-', "
                     "at most 96 each)");
  HubModelRequest request{*repo, hub.revision.empty() ? "main" : hub.revision, weights};
  const HubSettings settings = hub_settings();
  TerminalProgress progress(STDERR_FILENO, !hub.quiet && ::isatty(STDERR_FILENO));
  HubCallbacks callbacks;
  callbacks.progress = [&progress](const FileProgress& p) { progress(p); };
  callbacks.cancel = &interrupted;
  callbacks.check_config = [](const std::filesystem::path& snapshot) { read_config(snapshot); };
  const InterruptStopsDownload ctrl_c;
  const auto end_as_interrupted = [] {
    std::signal(SIGINT, SIG_DFL);  // ended as Ctrl-C ends a program, for the shell's sake
    std::raise(SIGINT);
  };
  try {
    input.model = open_hub_model(request, settings, callbacks).snapshot.string();
    if (interrupted) end_as_interrupted();  // Ctrl-C between two requests, with nothing left to stop
  } catch (const DownloadCancelled& e) {
    progress.close_line();
    std::cerr << "attnlab: interrupted: " << e.what() << "\n";
    end_as_interrupted();
    throw;
  } catch (...) {
    progress.close_line();
    throw;
  }
}

void resolve_hub_model_input(InputOptions& input, const HubCliOptions& hub) {
  if (!input.model.empty()) {
    check_model_options(input);
    if (input.tokens.token_ids) parse_token_ids(*input.tokens.token_ids);
  }
  resolve_hub_model(input, hub);
}

}  // namespace attnlab::cli
