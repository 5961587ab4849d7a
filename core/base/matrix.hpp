#pragma once
// The types every part of Attention Lab speaks: a row-major float32 matrix, its shape in messages, and
// (error.hpp) the two errors that a shape's message goes with.
#include <Eigen/Core>
#include <string>

#include "core/base/error.hpp"

namespace attnlab {

// Row-major so a query's row is contiguous: the stepper, the row pass and .npy files all read rows.
using Matrix = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Index = Eigen::Index;

// "7×8": how every message writes a shape.
inline std::string shape_str(Index rows, Index cols) {
  return std::to_string(rows) + "×" + std::to_string(cols);
}

}  // namespace attnlab
