// attnlab models (hub.md): the models of the Hugging Face cache and whether the lab opens them. One line
// per cached revision (repo id, revision, commit, size on disk, model_type, whether it opens and why
// not), or with --json a list of {"repo_id", "revision", "commit", "size_bytes", "model_type",
// "supported", "why"}.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/cli/command.hpp"
#include "core/base/quote.hpp"
#include "core/hub/cached_models.hpp"
#include "core/hub/hub_settings.hpp"
#include "core/hub/progress_line.hpp"
#include "core/hub/snapshot_files.hpp"
#include "core/model/config.hpp"

namespace attnlab::cli {
namespace fs = std::filesystem;
namespace {

struct ModelsOptions {
  bool json = false;
};

struct Row {
  CachedModel model;
  std::optional<std::string> model_type;
  std::optional<std::string> why;  // none: the lab opens it
};

// config.json's model_type as written, whether or not the lab knows it.
std::optional<std::string> model_type_of(const fs::path& config) {
  std::ifstream in(config, std::ios::binary);
  const nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
  if (!json.is_object() || !json.contains("model_type") || !json["model_type"].is_string()) return std::nullopt;
  return json["model_type"].get<std::string>();
}

Row examine(const CachedModel& m) {
  Row row{m, std::nullopt, std::nullopt};
  const fs::path config = m.snapshot / "config.json";
  std::error_code error;
  if (!fs::is_regular_file(config, error)) {
    row.why = "no config.json in the cache";
    return row;
  }
  row.model_type = model_type_of(config);
  try {
    read_config(m.snapshot);  // the same check as opening it: the model type and every field it needs
  } catch (const InputError& e) {
    std::string why = e.what();
    if (const std::string prefix = config.string() + ": "; why.starts_with(prefix)) why.erase(0, prefix.size());
    row.why = why;
    return row;
  }
  row.why = weights_problem(m.snapshot);
  return row;
}

int run_models(const ModelsOptions& options) {
  const fs::path cache = hub_cache_root();
  std::vector<Row> rows;
  for (const CachedModel& m : cached_models(cache)) rows.push_back(examine(m));
  if (options.json) {
    nlohmann::json list = nlohmann::json::array();
    for (const Row& r : rows)
      list.push_back({{"repo_id", r.model.repo.text()},
                      {"revision", r.model.revision},
                      {"commit", r.model.commit},
                      {"size_bytes", r.model.size_bytes},
                      {"model_type", r.model_type ? nlohmann::json(*r.model_type) : nlohmann::json(nullptr)},
                      {"supported", !r.why},
                      {"why", r.why ? nlohmann::json(*r.why) : nlohmann::json(nullptr)}});
    std::cout << list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return 0;
  }
  if (rows.empty()) {
    std::cout << "no models in the cache " << cache.string() << "\n";
    return 0;
  }
  // Columns as wide as their widest cell; the last, whether it opens, as long as it needs.
  std::vector<std::vector<std::string>> table{{"MODEL", "REVISION", "COMMIT", "SIZE", "MODEL_TYPE", "OPENS"}};
  for (const Row& r : rows)
    table.push_back({r.model.repo.text(), r.model.revision, r.model.commit.substr(0, 12),
                     byte_count(r.model.size_bytes), excerpt(r.model_type.value_or("-")),
                     r.why ? "no: " + *r.why : "yes"});
  std::vector<std::size_t> width(table[0].size(), 0);
  for (const auto& line : table)
    for (std::size_t c = 0; c < line.size(); ++c) width[c] = std::max(width[c], line[c].size());
  for (const auto& line : table) {
    std::string text;
    for (std::size_t c = 0; c + 1 < line.size(); ++c) text += line[c] + std::string(width[c] - line[c].size() + 2, ' ');
    std::cout << text << line.back() << "\n";
  }
  return 0;
}

}  // namespace

Command add_models_command(CLI::App& app, InputOptions&, HubCliOptions&) {
  auto options = std::make_shared<ModelsOptions>();
  auto* command = app.add_subcommand(
      "models", "list the models of the Hugging Face cache: revision, commit, size, model_type, whether they open");
  command->add_flag("--json", options->json,
                    "a JSON list of {repo_id, revision, commit, size_bytes, model_type, supported, why}");
  return {command, [options] { return run_models(*options); }};
}

}  // namespace attnlab::cli
