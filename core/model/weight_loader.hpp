#pragma once
// The walk over a model's weights by name that each family's loader takes (family_*.cpp).
#include <algorithm>
#include <string>
#include <vector>

#include "core/model/model.hpp"
#include "core/model/model_memory.hpp"

namespace attnlab {

// Loads weights by name, each shape from the config, counting the parameters. The same walk over the
// names opens a model without reading (`read` false): every tensor found and checked, and what the
// weights will take in memory summed.
struct WeightLoader {
  Model& model;
  std::string prefix;  // gpt2's optional "transformer."
  std::string config_name;
  bool read = true;

  Weight operator()(const std::string& name, const std::vector<Index>& shape) {
    if (read) return Weight::load(*model.checkpoint, prefix + name, shape, config_name);
    const TensorRef& ref = Weight::find(*model.checkpoint, prefix + name, shape, config_name);
    const std::uint64_t elements = element_count(shape);
    model.parameters += static_cast<Index>(elements);
    model.weight_bytes += weight_memory(ref.entry->dtype, elements, shape.size() == 2);
    if (ref.entry->dtype != DType::f32 && shape.size() == 1)
      model.largest_widened_source = std::max(model.largest_widened_source, ref.entry->end - ref.entry->begin);
    return {};
  }
  Weight optional(bool present, const std::string& name, const std::vector<Index>& shape) {
    return present ? (*this)(name, shape) : Weight{};
  }

  static std::uint64_t element_count(const std::vector<Index>& shape) {
    std::uint64_t n = 1;
    for (const Index d : shape) n *= static_cast<std::uint64_t>(d);
    return n;
  }
};

inline constexpr const char* loading_phase = "loading the weights";

}  // namespace attnlab
