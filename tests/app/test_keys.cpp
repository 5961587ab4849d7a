// The window's keys against the help overlay: every key the window reads is listed with what it
// does, and the help lists no key the window does not read.
#include <doctest/doctest.h>

#include <algorithm>
#include <sstream>

#include "app/gui/keys.hpp"

using namespace attnlab::gui;

namespace {

std::vector<std::string> words(const std::string& keys) {
  std::istringstream in(keys);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

bool has(const std::vector<Action>& actions, Action a) {
  return std::find(actions.begin(), actions.end(), a) != actions.end();
}

}  // namespace

TEST_SUITE("app/keys") {
  TEST_CASE("every key of the window is in the help, on the row of what it does") {
    for (const KeyBinding& k : key_bindings()) {
      const auto row = std::find_if(key_help().begin(), key_help().end(), [&](const KeyHelp& h) {
        const auto w = words(h.keys);
        return has(h.actions, k.action) && std::find(w.begin(), w.end(), k.name) != w.end();
      });
      CHECK_MESSAGE(row != key_help().end(), "the help does not list " << k.name);
    }
  }

  TEST_CASE("every key the help lists is one the window reads, for one of that row's actions") {
    for (const KeyHelp& h : key_help()) {
      if (h.actions.empty()) continue;  // the mouse
      for (const std::string& name : words(h.keys)) {
        const bool bound = std::any_of(key_bindings().begin(), key_bindings().end(),
                                       [&](const KeyBinding& k) { return k.name == name && has(h.actions, k.action); });
        CHECK_MESSAGE(bound, "the help lists " << name << " for '" << h.what << "' but no key does that");
      }
      for (Action a : h.actions) {
        const bool bound = std::any_of(key_bindings().begin(), key_bindings().end(),
                                       [&](const KeyBinding& k) { return k.action == a; });
        CHECK_MESSAGE(bound, "'" << h.what << "' has an action no key presses");
      }
    }
  }

  TEST_CASE("no key means two things: the same key with the same Ctrl differs in Shift") {
    using S = KeyBinding::Shift;
    const auto& keys = key_bindings();
    for (std::size_t a = 0; a < keys.size(); ++a)
      for (std::size_t b = a + 1; b < keys.size(); ++b) {
        if (keys[a].key != keys[b].key || keys[a].ctrl != keys[b].ctrl) continue;
        const bool apart = keys[a].shift != S::any && keys[b].shift != S::any && keys[a].shift != keys[b].shift;
        CHECK_MESSAGE(apart, keys[a].name << " and " << keys[b].name << " are the same key");
      }
  }

  TEST_CASE("the classroom keys are there: M, ?, F1, Ctrl+Z, Ctrl+Shift+Z, R, L, and J/K for a model's layers") {
    const auto action_of = [](const std::string& name) {
      for (const KeyBinding& k : key_bindings())
        if (k.name == name) return k.action;
      FAIL("no key " << name);
      return Action::wait;
    };
    CHECK(action_of("M") == Action::next_mask);
    CHECK(action_of("?") == Action::toggle_help);
    CHECK(action_of("F1") == Action::toggle_help);
    CHECK(action_of("Ctrl+Z") == Action::undo);
    CHECK(action_of("Ctrl+Shift+Z") == Action::redo);
    CHECK(action_of("R") == Action::reset);
    CHECK(action_of("L") == Action::toggle_theme);
    CHECK(action_of("J") == Action::next_layer);
    CHECK(action_of("K") == Action::previous_layer);
  }
}
