#pragma once
// A mask as the user writes it, files included: the one place that turns "file:PATH" into a mask.
#include <string_view>

#include "core/attention/mask.hpp"

namespace attnlab {

// Every spec parse_mask takes, and "file:PATH": a bool array (true = may attend) or a float array
// added as is, from .npy or .csv. Throws InputError naming the file.
MaskSpec read_mask(std::string_view spec);

}  // namespace attnlab
