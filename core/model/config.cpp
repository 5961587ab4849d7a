#include "core/model/config.hpp"

#include <algorithm>
#include <cstdint>

#include "core/base/limits.hpp"
#include "core/model/family.hpp"
#include "core/base/quote.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/json_file.hpp"

namespace attnlab {

ModelConfig parse_config(std::string_view text, const std::string& name) {
  const nlohmann::json json = parse_json(text, name, false, kMaxConfigValues);
  if (!json.is_object()) throw InputError(name + ": not a JSON object");
  const ConfigFields f(json, name);
  ModelConfig c;
  if (!f.has("model_type")) throw InputError(name + ": no model_type (supported: " + supported_model_types() + ")");
  c.model_type = f.text("model_type", "");
  const ModelFamily* family = find_family(c.model_type);
  if (!family)
    throw InputError(name + ": model_type '" + printable(c.model_type) +
                     "' is not supported (supported: " + supported_model_types() + ")");
  c.architecture = family->architecture;
  read_family_config(f, c);
  if (f.has("eos_token_id")) {
    const nlohmann::json& eos = json["eos_token_id"];
    for (const nlohmann::json& id : eos.is_array() ? eos : nlohmann::json::array({eos}))
      if (id.is_number_integer() && id.get<std::int64_t>() >= 0 && id.get<std::int64_t>() < c.vocab)
        c.eos_ids.push_back(id.get<std::int64_t>());
  }
  return c;
}

ModelConfig read_config(const std::filesystem::path& folder) {
  const std::filesystem::path path = folder / "config.json";
  return parse_config(read_file(path, path.string(), kMaxConfigBytes), path.string());
}

}  // namespace attnlab
