#pragma once
// The window's keys: one table that the window reads the keyboard from and the help overlay lists,
// so that a key cannot be added without its help.
#include <string>
#include <vector>

#include "app/gui/app_actions.hpp"

namespace attnlab::gui {

struct KeyBinding {
  int key;  // GLFW_KEY_…
  enum class Shift { any, without, with } shift = Shift::any;
  bool ctrl = false;  // Ctrl held; a key without Ctrl is not pressed with it
  Action action;
  std::string name;  // as the help writes it: "Shift+M", "Ctrl+Z", "←"
};
const std::vector<KeyBinding>& key_bindings();

// One row of the help overlay: the keys (names of key_bindings(), or the mouse's), what they do,
// and the actions they stand for.
struct KeyHelp {
  std::string keys, what;
  std::vector<Action> actions;
};
const std::vector<KeyHelp>& key_help();

// The names of the keys bound to these actions, one per action, joined by "/": "J/K". The panels'
// help sentences take their keys from here, so that they say the keys the window reads.
std::string key_names(const std::vector<Action>& actions);

}  // namespace attnlab::gui
