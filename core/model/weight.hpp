#pragma once
// One weight as the forward pass reads it, row-major. An F32 tensor at a 4-byte boundary and every
// F16 or BF16 matrix are read in place from the mapping (no copy: the page cache holds them once, at
// their size in the file); the products widen 16-bit ones to float32 a tile at a time. Norms and
// biases (1-D) are widened once into memory of their own, and so is an F32 tensor the file places
// off a float boundary.
#include <cstddef>
#include <string>
#include <vector>

#include "core/base/matrix.hpp"
#include "core/model/checkpoint.hpp"
#include "core/model/float_buffer.hpp"

namespace attnlab {

// Where a thread widens the tile of a 16-bit weight it is working on; reused from tile to tile.
using WeightTile = std::vector<float>;

class Weight {
 public:
  using Columns = Eigen::Map<const Matrix, 0, Eigen::OuterStride<>>;

  Weight() = default;
  Weight(Weight&&) = default;  // the owned buffer moves with its pointer
  Weight& operator=(Weight&&) = default;
  Weight(const Weight&) = delete;
  Weight& operator=(const Weight&) = delete;

  // Finds `name` in the checkpoint and checks its dtype and that its shape is `shape` (1-D or 2-D);
  // throws InputError naming the tensor, the file and both shapes. Reads nothing of its data.
  static const TensorRef& find(const Checkpoint& checkpoint, const std::string& name, const std::vector<Index>& shape,
                               const std::string& config_name);
  // find(), then the values, refused when one is NaN or ±inf (naming the tensor and the element).
  static Weight load(const Checkpoint& checkpoint, const std::string& name, const std::vector<Index>& shape,
                     const std::string& config_name);

  bool empty() const { return data_ == nullptr && half_ == nullptr; }
  Index rows() const { return rows_; }
  Index cols() const { return cols_; }
  Index size() const { return rows_ * cols_; }
  bool in_place() const { return owned_.empty() && !empty(); }  // read from the mapping
  bool sixteen_bit() const { return half_ != nullptr; }         // F16 or BF16 read through tiles

  // A 1-D weight's values (norms and biases are float32 in memory).
  Eigen::Map<const Eigen::RowVectorXf> row() const { return {float_data(), rows_ * cols_}; }

  // Rows [first, first + count) as float32: the data itself, or a 16-bit weight's widened into `tile`.
  Eigen::Map<const Matrix> rows(Index first, Index count, WeightTile& tile) const;
  // Columns [first, first + count) of every row, likewise.
  Columns columns(Index first, Index count, WeightTile& tile) const;

 private:
  const float* float_data() const;  // throws std::logic_error for a 16-bit weight

  const float* data_ = nullptr;  // float32 values, in the mapping or owned
  const char* half_ = nullptr;   // or 16-bit values in the mapping, of half_type_
  DType half_type_ = DType::bf16;
  Index rows_ = 0, cols_ = 0;
  FloatBuffer owned_;
};

}  // namespace attnlab
