#pragma once
// Settings as files hold them: the remembered state (last.json) and scenarios, as JSON whose keys are
// settings_fields()'s. Every value goes through the command line's limits on its way in.
#include <filesystem>
#include <string>

#include "app/gui/settings.hpp"

namespace attnlab::gui {

std::string to_json(const Settings& settings);
// Unknown keys are ignored and missing ones keep their defaults. A file that is not a JSON object of
// settings, a key of the wrong type, a value out of range or a word the setting does not know, or
// kv_heads not dividing heads, throws InputError naming the file and the key, quoting at most a short
// excerpt of the value.
Settings settings_from_json(const std::string& text, const std::string& name);
// Atomic; settings that would not read back (a value out of range or not finite) are refused.
void save_settings(const Settings& settings, const std::filesystem::path& path);
Settings load_settings(const std::filesystem::path& path);
// Moves a remembered state that failed to load or to start aside, to last.json.bad (replacing an
// older one), so that the defaults written at exit never replace the user's file unseen. Returns
// the new path, or an empty one when there was nothing to move or it could not be moved.
std::filesystem::path keep_aside(const std::filesystem::path& path);

// $XDG_CONFIG_HOME/attnlab/last.json, or ~/.config/attnlab/last.json.
std::filesystem::path last_state_path();

}  // namespace attnlab::gui
