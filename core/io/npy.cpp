#include "core/io/npy.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace attnlab {
namespace {

constexpr std::string_view kMagic{"\x93NUMPY", 6};
// Far beyond any matrix this program can compute or show, and far below where
// elements × item size could overflow.
constexpr std::uint64_t kMaxElements = std::uint64_t{1} << 34;
// One dimension above this is refused while it is read, so no parsed number overflows.
// (Index is 32 bits wide in a web page's WebAssembly, where the bound is its own tenth.)
constexpr Index kMaxDim = std::min<std::int64_t>(1'000'000'000'000'000, (std::numeric_limits<Index>::max() - 9) / 10);
// Enough to report "has 5 dimensions" without letting a hostile header grow the list unbounded.
constexpr std::size_t kMaxParsedDims = 32;

[[noreturn]] void fail(const std::string& name, const std::string& what) {
  throw InputError(name + ": " + what);
}

std::uint32_t bswap32(std::uint32_t v) {
  return (v >> 24) | ((v >> 8) & 0xff00u) | ((v << 8) & 0xff0000u) | (v << 24);
}

std::uint64_t bswap64(std::uint64_t v) {
  return (std::uint64_t{bswap32(static_cast<std::uint32_t>(v))} << 32) | bswap32(static_cast<std::uint32_t>(v >> 32));
}

unsigned byte_at(std::string_view s, std::size_t i) {
  return static_cast<unsigned char>(s[i]);
}

// Round to nearest as IEEE does, overflowing to ±inf, without converting an out-of-range double
// to float (which C++ leaves undefined).
float to_float32(double d) {
  if (std::isfinite(d)) {
    constexpr double kHalfUlpAboveMax = 0x1.ffffffp127;  // FLT_MAX + half its ulp: a tie rounds up
    const double a = std::fabs(d);
    constexpr float kInf = std::numeric_limits<float>::infinity();
    if (a >= kHalfUlpAboveMax) return std::signbit(d) ? -kInf : kInf;
    if (a > FLT_MAX) return std::signbit(d) ? -FLT_MAX : FLT_MAX;
  }
  return static_cast<float>(d);
}

struct Header {
  std::string descr;
  bool fortran_order = false;
  std::vector<Index> shape;
};

// The header is a Python dict literal; numpy's own reader evaluates it, we parse exactly the three
// keys numpy writes and refuse anything else, with a message saying where.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& name) : text_(text), name_(name) {}

  Header parse() {
    Header h;
    bool have_descr = false, have_order = false, have_shape = false;
    skip_space();
    expect('{', "'{'");
    for (;;) {
      skip_space();
      if (eat('}')) break;
      const std::string key = string_literal("a quoted key");
      skip_space();
      expect(':', "':' after key '" + excerpt(key) + "'");
      skip_space();
      if (key == "descr") {
        once(have_descr, key);
        if (peek() == '[')
          fail(name_, "unsupported dtype (structured arrays are not supported; use float32, float64 or bool)");
        h.descr = string_literal("a quoted dtype for 'descr'");
      } else if (key == "fortran_order") {
        once(have_order, key);
        h.fortran_order = boolean();
      } else if (key == "shape") {
        once(have_shape, key);
        h.shape = shape_tuple();
      } else {
        bad("unexpected key '" + excerpt(key) + "'");
      }
      skip_space();
      if (eat(',')) continue;
      expect('}', "',' or '}'");
      break;
    }
    skip_space();
    if (pos_ != text_.size()) bad("unexpected text after the closing '}'");
    if (!have_descr) fail(name_, "bad header: no 'descr' key");
    if (!have_order) fail(name_, "bad header: no 'fortran_order' key");
    if (!have_shape) fail(name_, "bad header: no 'shape' key");
    return h;
  }

 private:
  [[noreturn]] void bad(const std::string& what) const {
    fail(name_, "bad header: " + what + " at offset " + std::to_string(pos_));
  }

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }

  bool eat(char c) {
    if (at_end() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  void expect(char c, const std::string& what) {
    if (at_end()) bad("header ends early, expected " + what);
    if (!eat(c)) bad("expected " + what + " but found '" + excerpt(text_.substr(pos_, 1)) + "'");
  }

  void skip_space() {
    while (!at_end() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }

  void once(bool& seen, const std::string& key) {
    if (seen) bad("key '" + key + "' given twice");
    seen = true;
  }

  std::string string_literal(const std::string& what) {
    const char quote = peek();
    if (quote != '\'' && quote != '"') {
      if (at_end()) bad("header ends early, expected " + what);
      bad("expected " + what);
    }
    const std::size_t start = ++pos_;
    while (!at_end() && text_[pos_] != quote) {
      if (text_[pos_] == '\\') bad("escape sequences in strings are not supported");
      ++pos_;
    }
    if (at_end()) bad("unterminated string");
    const std::string s(text_.substr(start, pos_ - start));
    ++pos_;
    return s;
  }

  bool boolean() {
    const std::size_t start = pos_;
    while (!at_end() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) ++pos_;
    const std::string_view word = text_.substr(start, pos_ - start);
    if (word == "True") return true;
    if (word == "False") return false;
    pos_ = start;
    if (at_end()) bad("header ends early, expected True or False for 'fortran_order'");
    bad("'fortran_order' must be True or False");
  }

  Index dimension() {
    const bool negative = eat('-');
    skip_space();
    const std::size_t start = pos_;
    Index v = 0;
    bool too_large = false;
    while (!at_end() && text_[pos_] >= '0' && text_[pos_] <= '9') {
      if (!too_large) {
        v = v * 10 + (text_[pos_] - '0');
        too_large = v > kMaxDim;
      }
      ++pos_;
    }
    if (pos_ == start) {
      if (at_end()) bad("header ends early, expected a dimension in 'shape'");
      bad("expected a dimension (a whole number) in 'shape'");
    }
    const std::string digits(text_.substr(start, pos_ - start));
    eat('L');  // Python 2 numpy wrote long integers as 3L
    if (negative) fail(name_, "negative dimension -" + excerpt(digits) + " in shape");
    if (too_large) fail(name_, "dimension " + excerpt(digits) + " in shape is too large");
    return v;
  }

  std::vector<Index> shape_tuple() {
    if (peek() == '[') bad("'shape' must be a tuple, not a list");
    expect('(', "'(' to start 'shape'");
    std::vector<Index> dims;
    bool saw_comma = false;
    skip_space();
    if (eat(')')) return dims;
    for (;;) {
      if (dims.size() == kMaxParsedDims)
        fail(name_, "shape has more than " + std::to_string(kMaxParsedDims) + " dimensions; at most 3 are supported");
      dims.push_back(dimension());
      skip_space();
      if (eat(',')) {
        saw_comma = true;
        skip_space();
        if (eat(')')) break;
        continue;
      }
      expect(')', "',' or ')' in 'shape'");
      break;
    }
    // In Python (5) is the number 5; numpy itself refuses it, so we do too.
    if (dims.size() == 1 && !saw_comma)
      bad("'shape' (" + std::to_string(dims[0]) + ") is not a tuple; a 1-tuple is written (" + std::to_string(dims[0]) +
          ",)");
    return dims;
  }

  std::string_view text_;
  const std::string& name_;
  std::size_t pos_ = 0;
};

std::size_t item_size(const std::string& descr) {
  if (descr == "<f4" || descr == ">f4") return 4;
  if (descr == "<f8" || descr == ">f8") return 8;
  if (descr == "|b1") return 1;
  return 0;
}

// Elements of the decoded data in file order; `swap` when the file's byte order is not ours.
std::vector<float> decode(const char* p, std::size_t count, const std::string& descr) {
  std::vector<float> out(count);
  const bool file_little = descr[0] == '<';
  const bool swap = descr[0] != '|' && file_little != (std::endian::native == std::endian::little);
  if (descr == "|b1") {
    // numpy writes 0/1; any other byte is read as true, as numpy's own bool view does.
    for (std::size_t i = 0; i < count; ++i) out[i] = p[i] != 0 ? 1.0f : 0.0f;
  } else if (descr[2] == '4') {
    for (std::size_t i = 0; i < count; ++i) {
      std::uint32_t u;
      std::memcpy(&u, p + 4 * i, 4);
      out[i] = std::bit_cast<float>(swap ? bswap32(u) : u);
    }
  } else {
    for (std::size_t i = 0; i < count; ++i) {
      std::uint64_t u;
      std::memcpy(&u, p + 8 * i, 8);
      out[i] = to_float32(std::bit_cast<double>(swap ? bswap64(u) : u));
    }
  }
  return out;
}

// Fortran order varies the first index fastest; rewrite in C order (last index fastest).
std::vector<float> fortran_to_c(const std::vector<float>& f, const std::vector<Index>& shape) {
  const std::size_t d0 = static_cast<std::size_t>(shape[0]);
  const std::size_t d1 = shape.size() > 1 ? static_cast<std::size_t>(shape[1]) : 1;
  const std::size_t d2 = shape.size() > 2 ? static_cast<std::size_t>(shape[2]) : 1;
  std::vector<float> c(f.size());
  std::size_t src = 0;
  for (std::size_t k = 0; k < d2; ++k)
    for (std::size_t j = 0; j < d1; ++j)
      for (std::size_t i = 0; i < d0; ++i) c[(i * d1 + j) * d2 + k] = f[src++];
  return c;
}

}  // namespace

std::string tuple_str(const std::vector<Index>& shape) {
  std::string s = "(";
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  return s + (shape.size() == 1 ? ",)" : ")");
}

namespace {

// What a header says: the array's dtype, order and shape, where its data starts and how many
// elements follow.
struct Layout {
  Header header;
  std::size_t item = 0, data_start = 0;
  std::uint64_t count = 0;
};

// The layout of a .npy file of `file_size` bytes whose first bytes are `head` (the whole file, or
// at least its header), checked against that size before anything is allocated or read further.
Layout read_layout(std::string_view head, std::uint64_t file_size, const std::string& name) {
  if (head.size() < kMagic.size() || head.substr(0, kMagic.size()) != kMagic)
    fail(name, "not a .npy file (no \\x93NUMPY magic)");
  if (head.size() < 8) fail(name, "truncated .npy file (" + std::to_string(file_size) + " bytes, no version)");
  const unsigned major = byte_at(head, 6), minor = byte_at(head, 7);
  if (major < 1 || major > 3 || minor != 0)
    fail(name, "unsupported .npy version " + std::to_string(major) + "." + std::to_string(minor) +
                   " (1.0, 2.0 and 3.0 are read)");
  // Version 1.0 stores the header length in 2 bytes, later versions in 4 (both little-endian).
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  const std::size_t header_start = 8 + len_bytes;
  if (head.size() < header_start)
    fail(name, "truncated .npy file (" + std::to_string(file_size) + " bytes, no header length)");
  std::uint64_t header_len = 0;
  for (std::size_t i = 0; i < len_bytes; ++i) header_len |= std::uint64_t{byte_at(head, 8 + i)} << (8 * i);
  if (header_len > file_size - header_start)
    fail(name, "header length " + std::to_string(header_len) + " goes past the end of the file (" +
                   std::to_string(file_size) + " bytes)");
  if (header_len > head.size() - header_start)
    fail(name, "header length " + std::to_string(header_len) + " is longer than a .npy header may be here (" +
                   std::to_string(npy_head_most - header_start) + " bytes)");

  Layout layout;
  const Header& h = layout.header = HeaderParser(head.substr(header_start, header_len), name).parse();
  layout.item = item_size(h.descr);
  if (layout.item == 0) fail(name, "unsupported dtype '" + excerpt(h.descr) + "' (use float32, float64 or bool)");
  if (h.shape.empty()) fail(name, "0-d arrays are not supported (shape ()); use 1 to 3 dimensions");
  if (h.shape.size() > 3)
    fail(name, "shape " + tuple_str(h.shape) + " has " + std::to_string(h.shape.size()) +
                   " dimensions; at most 3 are supported");
  for (const Index d : h.shape)
    if (d == 0) throw InputError(name + " is empty (shape " + tuple_str(h.shape) + ")");
  layout.count = 1;
  for (const Index d : h.shape) {
    const auto ud = static_cast<std::uint64_t>(d);
    if (ud > kMaxElements / layout.count)
      fail(name,
           "shape " + tuple_str(h.shape) + " has too many elements (at most " + std::to_string(kMaxElements) + ")");
    layout.count *= ud;
  }
  // Checked before anything is allocated: a lying header cannot make us reserve memory.
  const std::uint64_t expected = layout.count * layout.item;
  layout.data_start = header_start + static_cast<std::size_t>(header_len);
  const std::uint64_t follow = file_size - layout.data_start;
  if (expected != follow)
    fail(name, "header says shape " + tuple_str(h.shape) + " of " + h.descr + " = " + std::to_string(expected) +
                   " bytes but " + std::to_string(follow) + " bytes follow");
  return layout;
}

}  // namespace

void check_npy_size(std::string_view head, std::uint64_t file_size, const std::string& name) {
  read_layout(head, file_size, name);
}

Array parse_npy(std::string_view bytes, const std::string& name) {
  const Layout layout = read_layout(bytes, bytes.size(), name);
  Array a;
  a.shape = layout.header.shape;
  a.is_bool = layout.header.descr == "|b1";
  a.data = decode(bytes.data() + layout.data_start, static_cast<std::size_t>(layout.count), layout.header.descr);
  if (layout.header.fortran_order && a.shape.size() > 1) a.data = fortran_to_c(a.data, a.shape);
  return a;
}

namespace {

// Version 1.0, '<f4', C order: the header for `shape`, then each matrix's rows in turn.
void npy_of(const ByteSink& put, const std::vector<Index>& shape, const std::vector<const Matrix*>& stack) {
  std::string dims;
  for (const Index n : shape) dims += std::to_string(n) + ", ";
  dims.resize(dims.size() - 2);
  std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  // numpy pads the header with spaces and ends it with '\n' so the data starts on a 64-byte boundary.
  const std::size_t unpadded = kMagic.size() + 4 + dict.size() + 1;
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict += '\n';
  std::string header(kMagic);
  header += '\x01';
  header += '\x00';
  header += static_cast<char>(dict.size() & 0xff);
  header += static_cast<char>(dict.size() >> 8);
  put(header + dict);
  for (const Matrix* m : stack) {
    // A row-major float32 matrix is C order already: on a little-endian machine its memory is the data.
    if constexpr (std::endian::native == std::endian::little) {
      put({reinterpret_cast<const char*>(m->data()), 4 * static_cast<std::size_t>(m->size())});
    } else {
      std::string row(4 * static_cast<std::size_t>(m->cols()), '\0');
      for (Index i = 0; i < m->rows(); ++i) {
        for (Index j = 0; j < m->cols(); ++j) {
          const std::uint32_t u = bswap32(std::bit_cast<std::uint32_t>((*m)(i, j)));
          std::memcpy(row.data() + 4 * j, &u, 4);
        }
        put(row);
      }
    }
  }
}

std::string to_string(const std::function<void(const ByteSink&)>& write) {
  std::string out;
  write([&out](std::string_view piece) { out += piece; });
  return out;
}

}  // namespace

void write_npy(const ByteSink& put, const Matrix& m) {
  npy_of(put, {m.rows(), m.cols()}, {&m});
}

void write_npy(const ByteSink& put, const std::vector<const Matrix*>& stack) {
  const Index rows = stack.empty() ? 0 : stack.front()->rows(), cols = stack.empty() ? 0 : stack.front()->cols();
  for (const Matrix* m : stack)
    if (m->rows() != rows || m->cols() != cols) throw RunError("npy_bytes: the stacked matrices differ in shape");
  npy_of(put, {static_cast<Index>(stack.size()), rows, cols}, stack);
}

std::string npy_bytes(const Matrix& m) {
  return to_string([&](const ByteSink& put) { write_npy(put, m); });
}

std::string npy_bytes(const std::vector<Matrix>& stack) {
  std::vector<const Matrix*> heads;
  for (const Matrix& m : stack) heads.push_back(&m);
  return to_string([&](const ByteSink& put) { write_npy(put, heads); });
}

}  // namespace attnlab
