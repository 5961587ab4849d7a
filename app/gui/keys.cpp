#include "app/gui/keys.hpp"

#define GLFW_INCLUDE_NONE  // the key codes only, no GL header
#include <GLFW/glfw3.h>

namespace attnlab::gui {

const std::vector<KeyBinding>& key_bindings() {
  using S = KeyBinding::Shift;
  static const std::vector<KeyBinding> keys{
      {GLFW_KEY_LEFT, S::any, false, Action::previous_stage, "←"},
      {GLFW_KEY_RIGHT, S::any, false, Action::next_stage, "→"},
      {GLFW_KEY_UP, S::any, false, Action::previous_query, "↑"},
      {GLFW_KEY_DOWN, S::any, false, Action::next_query, "↓"},
      {GLFW_KEY_SPACE, S::any, false, Action::play, "space"},
      // "+" is Shift+= on most keyboards: either will do.
      {GLFW_KEY_EQUAL, S::any, false, Action::dk_up, "+"},
      {GLFW_KEY_KP_ADD, S::any, false, Action::dk_up, "+"},
      {GLFW_KEY_MINUS, S::any, false, Action::dk_down, "−"},
      {GLFW_KEY_KP_SUBTRACT, S::any, false, Action::dk_down, "−"},
      {GLFW_KEY_S, S::any, false, Action::toggle_scaling, "S"},
      {GLFW_KEY_C, S::any, false, Action::toggle_softcap, "C"},
      {GLFW_KEY_N, S::any, false, Action::toggle_sink, "N"},
      {GLFW_KEY_Q, S::any, false, Action::toggle_qk_norm, "Q"},
      {GLFW_KEY_M, S::without, false, Action::next_mask, "M"},
      {GLFW_KEY_M, S::with, false, Action::previous_mask, "Shift+M"},
      {GLFW_KEY_COMMA, S::any, false, Action::previous_head, ","},
      {GLFW_KEY_PERIOD, S::any, false, Action::next_head, "."},
      {GLFW_KEY_J, S::any, false, Action::next_layer, "J"},
      {GLFW_KEY_K, S::any, false, Action::previous_layer, "K"},
      {GLFW_KEY_A, S::any, false, Action::toggle_scores, "A"},
      {GLFW_KEY_X, S::any, false, Action::toggle_knockout, "X"},
      {GLFW_KEY_G, S::without, false, Action::generate, "G"},
      {GLFW_KEY_G, S::with, false, Action::generate_many, "Shift+G"},
      {GLFW_KEY_V, S::any, false, Action::toggle_compare, "V"},
      {GLFW_KEY_O, S::any, false, Action::toggle_rollout, "O"},
      {GLFW_KEY_D, S::any, false, Action::toggle_explorer, "D"},
      {GLFW_KEY_H, S::any, false, Action::toggle_heads, "H"},
      {GLFW_KEY_T, S::any, false, Action::toggle_tiles, "T"},
      {GLFW_KEY_LEFT_BRACKET, S::any, false, Action::previous_tile, "["},
      {GLFW_KEY_RIGHT_BRACKET, S::any, false, Action::next_tile, "]"},
      {GLFW_KEY_E, S::any, false, Action::export_stage, "E"},
      {GLFW_KEY_0, S::any, false, Action::zoom_reset, "0"},
      {GLFW_KEY_KP_0, S::any, false, Action::zoom_reset, "0"},
      {GLFW_KEY_Z, S::without, true, Action::undo, "Ctrl+Z"},
      {GLFW_KEY_Z, S::with, true, Action::redo, "Ctrl+Shift+Z"},
      {GLFW_KEY_Y, S::any, true, Action::redo, "Ctrl+Y"},
      {GLFW_KEY_R, S::any, false, Action::reset, "R"},
      {GLFW_KEY_L, S::any, false, Action::toggle_theme, "L"},
      {GLFW_KEY_P, S::any, false, Action::toggle_present, "P"},
      {GLFW_KEY_F, S::any, false, Action::toggle_fullscreen, "F"},
      {GLFW_KEY_SLASH, S::with, false, Action::toggle_help, "?"},
      {GLFW_KEY_F1, S::any, false, Action::toggle_help, "F1"},
      {GLFW_KEY_ESCAPE, S::any, false, Action::close_help, "Esc"},
  };
  return keys;
}

const std::vector<KeyHelp>& key_help() {
  using A = Action;
  static const std::vector<KeyHelp> rows{
      {"← →", "previous / next stage", {A::previous_stage, A::next_stage}},
      {"↑ ↓", "previous / next query", {A::previous_query, A::next_query}},
      {"space", "play through the stages", {A::play}},
      {"+ −", "double / halve dₖ", {A::dk_up, A::dk_down}},
      {"S", "scaling by 1/√dₖ on / off", {A::toggle_scaling}},
      // One row for the three ideas, and one for the two tabs: the help keeps its height on a projector.
      {"C  N  Q",
       "soft-cap (Gemma 2) / sink (gpt-oss) / q, k before the QK-norm (Qwen3) on / off",
       {A::toggle_softcap, A::toggle_sink, A::toggle_qk_norm}},
      {"M  Shift+M", "next / previous mask", {A::next_mask, A::previous_mask}},
      {", .", "previous / next head", {A::previous_head, A::next_head}},
      // A model's keys in two rows, the tiles' in one: the help keeps its height on a projector.
      {"J K  A  X", "a model: next / previous layer, head scores, knock out a head",
       {A::next_layer, A::previous_layer, A::toggle_scores, A::toggle_knockout}},
      {"G  Shift+G  V  O", "a model: the next token / N tokens, versus a 2nd sentence, rollout",
       {A::generate, A::generate_many, A::toggle_compare, A::toggle_rollout}},
      {"D  H", "the dₖ explorer (why √dₖ) / the heads", {A::toggle_explorer, A::toggle_heads}},
      {"T  [ ]", "FlashAttention tiles / previous, next tile", {A::toggle_tiles, A::previous_tile, A::next_tile}},
      {"E", "export the current stage (a new file each time)", {A::export_stage}},
      {"wheel, drag", "zoom and move the heatmap", {}},
      {"0", "the whole heatmap again", {A::zoom_reset}},
      {"click", "select a query; with the painted mask, block or allow a cell", {}},
      {"Ctrl+Z  Ctrl+Shift+Z  Ctrl+Y", "undo / redo a change (a generated token too)", {A::undo, A::redo}},
      {"R", "reset to the example's defaults", {A::reset}},
      {"L", "light / dark theme", {A::toggle_theme}},
      {"P", "presentation mode", {A::toggle_present}},
      {"F", "full screen", {A::toggle_fullscreen}},
      {"?  F1", "this help", {A::toggle_help}},
      {"Esc", "close this help", {A::close_help}},
  };
  return rows;
}

std::string key_names(const std::vector<Action>& actions) {
  std::string out;
  for (const Action a : actions)
    for (const KeyBinding& k : key_bindings())
      if (k.action == a) {
        out += (out.empty() ? "" : "/") + k.name;
        break;
      }
  return out;
}

}  // namespace attnlab::gui
