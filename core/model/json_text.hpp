#pragma once
// JSON files of a model folder (config.json, the shard index, a safetensors header) parsed with
// messages that name the file and the line and column where the text stops being JSON.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace attnlab {

// Throws InputError "<name>: not valid JSON at line L, column C (<reason>)"; with `unique_keys`, also for a key
// that appears twice in one object (which would otherwise keep the last silently).
nlohmann::json parse_json(std::string_view text, const std::string& name, bool unique_keys = false);

// Untrusted text from a file (a tensor name, a field's value) for a message: printable ASCII as is,
// anything else as \xNN, at most 120 characters, so a hostile file cannot garble the terminal.
std::string printable(std::string_view text);

// The file read whole, then parsed; a missing file is an InputError naming it.
nlohmann::json read_json_file(const std::filesystem::path& path);

}  // namespace attnlab
