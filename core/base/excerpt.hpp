#pragma once
// How a message quotes text it did not write (a file's bytes, an option's value, a settings file's
// string): at most `most` characters, anything but printable ASCII as \xNN, so that a hostile or
// careless input can neither flood nor garble a terminal or the window's status line.
#include <cstddef>
#include <string>
#include <string_view>

namespace attnlab {

inline std::string excerpt(std::string_view text, std::size_t most = 40) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  for (std::size_t i = 0; i < text.size() && i < most; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      s += static_cast<char>(c);
    } else {
      s += "\\x";
      s += hex[c >> 4];
      s += hex[c & 15];
    }
  }
  if (text.size() > most) s += "...";
  return s;
}

}  // namespace attnlab
