#pragma once
// JSON parsed strictly, with messages that name the file and the byte.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace attnlab {

// Nesting deeper than this is refused before parsing: no JSON file the lab reads comes close, and
// code that walks a document may then recurse without fear.
constexpr int kMaxJsonDepth = 64;

// Throws InputError such as "NAME: not valid JSON at byte 17 (line 2, column 5): syntax error …";
// with `unique_keys`, also "NAME: the key 'k' appears twice" for a key repeated in one object (which
// would otherwise keep the last silently: a safetensors header must not).
nlohmann::json parse_json(std::string_view text, const std::string& name, bool unique_keys = false);

}  // namespace attnlab
