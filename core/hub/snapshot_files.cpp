#include "core/hub/snapshot_files.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "core/base/quote.hpp"
#include "core/base/matrix.hpp"
#include "core/hub/repo_cache.hpp"

namespace attnlab {
namespace fs = std::filesystem;

std::vector<std::string> index_shards(const fs::path& index_file) {
  std::ifstream in(index_file, std::ios::binary);
  if (!in) throw InputError(index_file.string() + ": cannot read it");
  const nlohmann::json index = nlohmann::json::parse(in, nullptr, false);
  if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
    throw InputError(index_file.string() + ": not a JSON object with a weight_map");
  std::vector<std::string> shards;
  for (const auto& [tensor, shard] : index["weight_map"].items()) {
    if (!shard.is_string())
      throw InputError(index_file.string() + ": the shard of " + excerpt(tensor) + " is no file name");
    const std::string name = shard.get<std::string>();
    if (!safe_repo_file_name(name))
      throw InputError(index_file.string() + ": the shard '" + excerpt(name) + "' is no file of the repo");
    if (std::find(shards.begin(), shards.end(), name) == shards.end()) shards.push_back(name);
  }
  return shards;
}

std::optional<std::string> weights_problem(const fs::path& folder) {
  std::error_code error;
  const auto there = [&](const std::string& name) { return fs::is_regular_file(folder / name, error); };
  if (there(weights_file)) return std::nullopt;
  if (!there(weights_index_file))
    return there(pytorch_weights_file)
               ? std::string("no safetensors weights (only pytorch_model.bin: only safetensors are read)")
               : std::string("no safetensors weights (model.safetensors)");
  try {
    for (const std::string& shard : index_shards(folder / weights_index_file))
      if (!there(shard)) return "its shard " + shard + " is missing";
  } catch (const InputError& e) {
    return std::string(e.what());
  }
  return std::nullopt;
}

}  // namespace attnlab
