#include "core/io/csv.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <system_error>

namespace attnlab {
namespace {

std::string_view trim(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// Whether a decimal number that from_chars found out of range is too small rather than too large:
// its first significant digit, with the exponent applied, lies after the decimal point.
bool below_one(std::string_view number) {
  std::size_t i = number[0] == '-' ? 1 : 0;
  long long whole_digits = 0, zeros_after_point = 0;  // before the first significant digit
  bool point = false, significant = false;
  for (; i < number.size() && (std::isdigit(static_cast<unsigned char>(number[i])) || number[i] == '.'); ++i) {
    if (number[i] == '.') {
      point = true;
    } else if (!significant && number[i] == '0') {
      zeros_after_point += point;
    } else {
      significant = true;
      whole_digits += !point;
    }
  }
  if (!significant) return true;
  // The power of ten of the first significant digit: 2 in 123.4, −3 in 0.00123.
  const long long first = whole_digits > 0 ? whole_digits - 1 : -(zeros_after_point + 1);
  long long exponent = 0;
  bool negative = false;
  if (i < number.size() && (number[i] == 'e' || number[i] == 'E')) {
    negative = ++i < number.size() && number[i] == '-';
    if (i < number.size() && (number[i] == '-' || number[i] == '+')) ++i;
    for (; i < number.size() && exponent < 1'000'000'000; ++i) exponent = exponent * 10 + (number[i] - '0');
  }
  return first + (negative ? -exponent : exponent) < 0;
}

// from_chars is locale-independent (a German locale does not turn "1.5" into an error) and
// reports exactly how much of the field it read.
bool parse_float(std::string_view field, float& out, bool& out_of_range) {
  out_of_range = false;
  // from_chars refuses a leading '+', which spreadsheets sometimes write.
  if (field.size() > 1 && field[0] == '+' && field[1] != '-' && field[1] != '+') field.remove_prefix(1);
  const char* end = field.data() + field.size();
  auto [ptr, ec] = std::from_chars(field.data(), end, out);
  if (ec == std::errc::result_out_of_range && ptr == end) {
    // Too small for float32 rounds to a subnormal or to zero, as strtod's underflow does, however
    // many zeros follow the point (1e-999 is too small even for a double); too large is refused.
    if (below_one(field)) {
      double d = 0;
      const auto [dptr, dec] = std::from_chars(field.data(), end, d);
      out = dec == std::errc() && dptr == end ? static_cast<float>(d) : (field[0] == '-' ? -0.0f : 0.0f);
      return true;
    }
    out_of_range = true;
    return false;
  }
  return ec == std::errc() && ptr == end;
}

std::string count_of(std::size_t values) {
  return std::to_string(values) + (values == 1 ? " value" : " values");
}

}  // namespace

Array parse_csv(std::string_view text, const std::string& name) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  // Lines after the last one holding anything are ignored; blank lines before it are errors.
  const auto trailing = [](char c) { return c == '\n' || c == '\r' || c == ' ' || c == '\t'; };
  std::size_t content_end = text.size();
  while (content_end > 0 && trailing(text[content_end - 1])) --content_end;
  text = text.substr(0, content_end);
  if (text.empty()) throw InputError(name + " is empty");

  Array a;
  std::size_t rows = 0, cols = 0;
  std::size_t line_start = 0;
  while (line_start <= text.size()) {
    std::size_t line_end = text.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = text.size();
    const std::string_view line = text.substr(line_start, line_end - line_start);
    const std::size_t line_no = rows + 1;
    if (trim(line).empty())
      throw InputError(name + ": line " + std::to_string(line_no) +
                       " is empty (only the end of the file may have empty lines)");
    std::size_t values = 0;
    std::size_t field_start = 0;
    for (;;) {
      std::size_t field_end = line.find(',', field_start);
      if (field_end == std::string_view::npos) field_end = line.size();
      const std::string_view field = trim(line.substr(field_start, field_end - field_start));
      ++values;
      // Built only on error: a large file has millions of fields.
      const auto where = [&] {
        return name + ": line " + std::to_string(line_no) + ", value " + std::to_string(values);
      };
      if (field.empty()) throw InputError(where() + " is empty");
      float v = 0;
      bool out_of_range = false;
      if (!parse_float(field, v, out_of_range)) {
        if (out_of_range) throw InputError(where() + ": '" + excerpt(field) + "' is out of range for float32");
        throw InputError(where() + ": '" + excerpt(field) + "' is not a number");
      }
      a.data.push_back(v);
      if (field_end == line.size()) break;
      field_start = field_end + 1;
    }
    if (rows == 0) {
      cols = values;
    } else if (values != cols) {
      throw InputError(name + ": line " + std::to_string(line_no) + " has " + count_of(values) + " but line 1 has " +
                       std::to_string(cols));
    }
    ++rows;
    line_start = line_end + 1;
  }
  a.shape = {static_cast<Index>(rows), static_cast<Index>(cols)};
  return a;
}

std::string csv_bytes(const Matrix& m) {
  std::string text;
  char cell[32];
  for (Index i = 0; i < m.rows(); ++i) {
    for (Index j = 0; j < m.cols(); ++j) {
      std::snprintf(cell, sizeof cell, "%s%.9g", j ? "," : "", static_cast<double>(m(i, j)));
      text += cell;
    }
    text += '\n';
  }
  return text;
}

}  // namespace attnlab
