#pragma once
// `attnlab models` (hub.md): the models of the Hugging Face cache and whether the lab opens them.
#include <CLI/CLI.hpp>

namespace attnlab::cli {

struct ModelsOptions {
  bool json = false;
};
CLI::App* add_models_command(CLI::App& app, ModelsOptions& options);
// One line per cached revision (repo id, revision, commit, size on disk, model_type, whether it
// opens and why not), or with --json a list of {"repo_id", "revision", "commit", "size_bytes",
// "model_type", "supported", "why"}.
int run_models(const ModelsOptions& options);

}  // namespace attnlab::cli
