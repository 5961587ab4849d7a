#pragma once
// JSON parsed strictly, with messages that name the file and the byte.
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace attnlab {

// Nesting deeper than this is refused before parsing: no JSON file the lab reads comes close, and
// code that walks a document may then recurse without fear.
constexpr int kMaxJsonDepth = 64;

// What a value costs once parsed, about: nlohmann::json's 16 bytes, and an object's or array's
// allocation or an object's node with its key. Three bytes of text ("{},") can make one.
constexpr std::uint64_t kJsonValueBytes = 96;

// Throws InputError such as "NAME: not valid JSON at byte 17 (line 2, column 5): syntax error …";
// with `unique_keys`, also "NAME: the key 'k' appears twice" for a key repeated in one object (which
// would otherwise keep the last silently: a safetensors header must not). The values (objects,
// arrays, strings that are not keys, numbers, true, false, null) are counted before parsing: more
// than `most_values` is refused naming the cap, and so are more than memory allows.
nlohmann::json parse_json(std::string_view text, const std::string& name, bool unique_keys = false,
                          std::uint64_t most_values = std::numeric_limits<std::uint64_t>::max());

}  // namespace attnlab
