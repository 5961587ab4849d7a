#include "core/inputs/read_mask.hpp"

#include <string>

#include "core/io/load.hpp"

namespace attnlab {

MaskSpec read_mask(std::string_view spec) {
  if (!spec.starts_with("file:") || spec.size() == 5) return parse_mask(spec);
  const std::string path(spec.substr(5));
  const std::string name = "mask file " + path;
  const Array array = load_array(path, name);
  const Matrix values = to_matrix(array, name);
  if (!array.is_bool) return additive_mask(values, path);
  MaskSpec mask = bool_mask(values.array() != 0.0f);
  mask.source = path;
  return mask;
}

}  // namespace attnlab
