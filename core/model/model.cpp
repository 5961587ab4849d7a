#include "core/model/model.hpp"

#include <algorithm>
#include <system_error>

#include "core/model/family.hpp"
#include "core/model/weight_loader.hpp"

namespace attnlab {

namespace fs = std::filesystem;

Model open_model(const fs::path& folder) {
  std::error_code error;
  if (!fs::exists(folder, error)) throw InputError("model folder " + folder.string() + " does not exist");
  if (!fs::is_directory(folder, error)) throw InputError("model folder " + folder.string() + " is not a folder");
  Model m;
  m.folder = folder;
  m.config = read_config(folder);
  m.checkpoint = std::make_unique<Checkpoint>(folder);
  WeightLoader plan{m, "", (folder / "config.json").string(), false};
  load_family(m, plan, {});
  m.layers.clear();  // the walk's empty weights; load_weights fills them
  return m;
}

void load_weights(Model& m, const ModelProgress& progress) {
  WeightLoader load{m, "", (m.folder / "config.json").string(), true};
  load_family(m, load, progress);
}

Model load_model(const fs::path& folder, const ModelProgress& progress) {
  Model m = open_model(folder);
  load_weights(m, progress);
  return m;
}

}  // namespace attnlab
