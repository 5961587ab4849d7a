#pragma once
// Reading matrices from .csv files: one row per line, comma-separated numbers, no header.
#include <string>
#include <string_view>

#include "core/base/matrix.hpp"
#include "core/io/npy.hpp"

namespace attnlab {

// Returns a 2-D float Array {rows, cols}. Accepts spaces and tabs around numbers, CRLF line ends,
// a leading UTF-8 byte order mark, and empty lines at the end; `inf`, `-inf` and `nan` are read
// as such (the caller decides what is allowed). `name` is how messages name the input.
Array parse_csv(std::string_view text, const std::string& name);  // throws InputError
// One row per line, "%.9g" (float32 round-trips), "-inf" where a cell is masked: what parse_csv reads.
std::string csv_bytes(const Matrix& m);

}  // namespace attnlab
