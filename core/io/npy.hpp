#pragma once
// Reading and writing NumPy .npy files, and the Array both file readers produce.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/matrix.hpp"
#include "core/base/quote.hpp"
#include "core/io/byte_sink.hpp"

namespace attnlab {

// What a .npy or .csv file holds, before it becomes a Matrix. Kept apart from Matrix because a
// mask file's meaning depends on its dtype (bool: may attend; float: added as is).
struct Array {
  std::vector<Index> shape;  // 1 to 3 dimensions, each >= 1 (0-d arrays are an error)
  bool is_bool = false;      // dtype |b1 (masks); data holds 0/1
  std::vector<float> data;   // C order, always (Fortran order is transposed on reading)
};

// `name` is how messages name the input, e.g. "Q file q.npy" or "mask file m.npy".
// Accepts versions 1.0/2.0/3.0, dtypes <f4 >f4 <f8 >f8 |b1, C or Fortran order, 1 to 3 dims.
// float64 is rounded to float32; NaN and ±inf are kept (the caller decides what is allowed).
Array parse_npy(std::string_view bytes, const std::string& name);  // throws InputError

// The file's first bytes that hold any header numpy writes (the magic, version, length and dict).
inline constexpr std::size_t npy_head_most = 1 << 20;
// Checks the header at the start of `head` (a file's first min(size, npy_head_most) bytes) as
// parse_npy does, and that the file's `file_size` bytes are exactly what it announces: a file is
// read only once its header has said how much there is to read. Throws InputError.
void check_npy_size(std::string_view head, std::uint64_t file_size, const std::string& name);

// Version 1.0, '<f4', C order, shape (rows, cols), header padded to 64 bytes: numpy.load reads it.
std::string npy_bytes(const Matrix& m);
// The same for a stack of equal-shaped matrices: shape (count, rows, cols), one head per leading index.
std::string npy_bytes(const std::vector<Matrix>& stack);
// The same files handed to `put` piece by piece: the header, then the matrices' own memory, so that
// writing a large stage costs no copy of it. A stack of one keeps the leading axis.
void write_npy(const ByteSink& put, const Matrix& m);
void write_npy(const ByteSink& put, const std::vector<const Matrix*>& stack);

// A shape as Python writes a tuple, "(2, 4, 8)" or "(5,)": how messages about files show shapes.
std::string tuple_str(const std::vector<Index>& shape);

}  // namespace attnlab
