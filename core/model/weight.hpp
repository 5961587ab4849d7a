#pragma once
// One weight as the forward pass reads it: float32, row-major. An F32 tensor at a 4-byte boundary is
// read in place from the mapping (no copy: the page cache holds it once); F16 and BF16 are widened
// once into memory of its own, and so is an F32 tensor the file places off a float boundary.
#include <cstddef>
#include <string>
#include <vector>

#include "core/base/matrix.hpp"
#include "core/model/checkpoint.hpp"
#include "core/model/float_buffer.hpp"

namespace attnlab {

class Weight {
 public:
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

  bool empty() const { return data_ == nullptr; }
  Index rows() const { return rows_; }
  Index cols() const { return cols_; }
  Index size() const { return rows_ * cols_; }
  bool in_place() const { return owned_.empty() && data_; }  // read from the mapping

  // rows × cols; a 1-D weight is one row.
  Eigen::Map<const Matrix> matrix() const { return {data_, rows_, cols_}; }
  Eigen::Map<const Eigen::RowVectorXf> row() const { return {data_, rows_ * cols_}; }

 private:
  const float* data_ = nullptr;
  Index rows_ = 0, cols_ = 0;
  FloatBuffer owned_;
};

}  // namespace attnlab
