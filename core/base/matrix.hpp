#pragma once
// The types every part of Attention Lab speaks: a row-major float32 matrix and the two errors.
#include <Eigen/Core>
#include <stdexcept>
#include <string>

namespace attnlab {

// Row-major so a query's row is contiguous: the stepper, the row pass and .npy files all read rows.
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Index = Eigen::Index;

// Something the user gave us is wrong (a shape, a value, a file): exit status 2, nothing written.
struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Anything else that failed (a file that cannot be written, a GPU that cannot start): exit status 1.
struct RunError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "7×8": how every message writes a shape.
inline std::string shape_str(Index rows, Index cols) {
  return std::to_string(rows) + "×" + std::to_string(cols);
}

}  // namespace attnlab
