#pragma once
// How the program quotes text it did not write — a file's bytes, an option's value, a token, a
// message on its way to one line — so that a hostile or careless input can neither flood nor garble a
// terminal, a figure or the window's status line. One rule, quote(), and the ways it is used.
#include <cstddef>
#include <string>
#include <string_view>

namespace attnlab {

struct QuoteRule {
  enum class Escape {
    none,         // every byte as it is: a screen that shows UTF-8
    line_breaks,  // \n and \r as "\n" and "\r": a message stays one line
    controls,     // line breaks, tabs and other control bytes as "\n", "\t", "\r", "\xhh"; UTF-8 kept
    non_ascii,    // anything but printable ASCII as "\xhh"
  };
  Escape escape = Escape::non_ascii;
  std::size_t most = std::string_view::npos;  // bytes of the text kept; never cut inside a UTF-8 character
  std::string_view cut_mark;                  // appended when the text was cut
};
std::string quote(std::string_view text, const QuoteRule& rule);

// A value in a message: at most `most` bytes, anything but printable ASCII as \xhh, "..." when cut.
inline std::string excerpt(std::string_view text, std::size_t most = 40) {
  return quote(text, {QuoteRule::Escape::non_ascii, most, "..."});
}
// Untrusted text from a file (a tensor name, a field's value): an excerpt of up to 120 bytes.
inline std::string printable(std::string_view text) {
  return excerpt(text, 120);
}
// A token's text on one line: control characters as escapes (\n, \t, \r, \xhh), UTF-8 kept whole; at
// most `most` bytes, "…" when cut.
inline std::string visible(std::string_view text, std::size_t most = std::string_view::npos) {
  return quote(text, {QuoteRule::Escape::controls, most, "…"});
}
// A message as one line of stderr, even when it quotes a path or value holding a line break.
inline std::string one_line(std::string_view text) {
  return quote(text, {QuoteRule::Escape::line_breaks, std::string_view::npos, ""});
}
// At most `most` bytes of a message for a line drawn every frame (the status line), "…" when cut.
inline std::string shortened(std::string_view text, std::size_t most = 240) {
  return quote(text, {QuoteRule::Escape::none, most, "…"});
}

}  // namespace attnlab
