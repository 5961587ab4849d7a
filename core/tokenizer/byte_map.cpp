#include "core/tokenizer/byte_map.hpp"

#include <array>

#include "core/tokenizer/utf8.hpp"

namespace attnlab::byte_map {

namespace {

// bytes_to_unicode() of GPT-2's encoder.py: the printable Latin-1 bytes stand for themselves, the
// other 68 take the code points from U+0100 upwards in byte order.
struct Table {
  static constexpr char32_t kLast = 256 + 67;  // the highest code point the map uses
  std::array<std::string, 256> utf8_of;
  std::array<int, kLast + 1> byte_of;
  Table() {
    byte_of.fill(-1);
    const auto printable = [](int b) { return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || b >= 0xAE; };
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const char32_t c = printable(b) ? static_cast<char32_t>(b) : next++;
      utf8::append(utf8_of[b], c);
      byte_of[c] = b;
    }
  }
};

const Table& table() {
  static const Table t;
  return t;
}

}  // namespace

std::string to_chars(std::string_view bytes) {
  const Table& t = table();
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char b : bytes) out += t.utf8_of[static_cast<unsigned char>(b)];
  return out;
}

int byte_of(char32_t c) {
  return c <= Table::kLast ? table().byte_of[c] : -1;
}

}  // namespace attnlab::byte_map
