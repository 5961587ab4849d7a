#include "core/model/weight.hpp"

#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>

#include "core/io/json_file.hpp"
#include "core/base/quote.hpp"
#include "core/model/half_float.hpp"
#include "core/model/widen.hpp"

namespace attnlab {

const TensorRef& Weight::find(const Checkpoint& checkpoint, const std::string& name, const std::vector<Index>& shape,
                              const std::string& config_name) {
  const TensorRef* ref = checkpoint.find(name);
  if (!ref) throw InputError(checkpoint.source() + ": no tensor '" + name + "'");
  const TensorEntry& t = *ref->entry;
  const std::string what = ref->file->name + ": tensor '" + name + "'";
  const std::vector<std::uint64_t> expected(shape.begin(), shape.end());
  if (t.shape != expected)
    throw InputError(what + " has shape " + shape_text(t.shape) + ", but " + config_name + " says " +
                     shape_text(expected));
  if (!dtype_supported(t.dtype))
    throw InputError(what + " has dtype " + dtype_name(t.dtype) + ": only F32, F16 and BF16 weights are read");
  return *ref;
}

Weight Weight::load(const Checkpoint& checkpoint, const std::string& name, const std::vector<Index>& shape,
                    const std::string& config_name) {
  const TensorRef& ref = find(checkpoint, name, shape, config_name);
  const DType dtype = ref.entry->dtype;
  Weight w;
  w.rows_ = shape.size() == 2 ? shape[0] : 1;
  w.cols_ = shape.back();
  const std::string_view bytes = ref.bytes();
  const auto count = static_cast<std::size_t>(w.rows_ * w.cols_);
  std::optional<std::size_t> bad;
  if (dtype != DType::f32 && shape.size() == 2) {
    // In place: a matrix stays 16-bit, where a float32 copy would double the model's memory.
    w.half_ = bytes.data();
    w.half_type_ = dtype;
    bad = first_non_finite_half(w.half_, dtype, count);
  } else {
    if (dtype == DType::f32 && reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(float) == 0) {
      // In place: the mapping is page-aligned and this tensor starts on a float boundary.
      w.data_ = reinterpret_cast<const float*>(bytes.data());
    } else {
      w.owned_ = FloatBuffer(count);
      widen(bytes, dtype, count, w.owned_.data());
      w.data_ = w.owned_.data();
      ref.file->file.release(bytes);  // read once: its pages need not stay in memory beside the floats
    }
    bad = first_non_finite(w.data_, count);
  }
  // A NaN or an infinity would run through every later layer into the figures: refused here, where
  // the tensor can be named.
  if (bad) {
    float value;
    if (w.half_) half_to_float(w.half_ + 2 * *bad, dtype, 1, &value);
    else value = w.data_[*bad];
    throw InputError(ref.file->name + ": tensor '" + printable(name) + "' holds " +
                     (std::isnan(value) ? "NaN"
                      : value > 0       ? "+inf"
                                        : "-inf") +
                     " at [" +
                     (shape.size() == 2 ? std::to_string(*bad / static_cast<std::size_t>(w.cols_)) + ", " : "") +
                     std::to_string(*bad % static_cast<std::size_t>(w.cols_)) + "]: weights must be finite");
  }
  return w;
}

const float* Weight::float_data() const {
  if (half_) throw std::logic_error("a 16-bit matrix is read through rows() or columns()");
  return data_;
}

Eigen::Map<const Matrix> Weight::rows(Index first, Index count, WeightTile& tile) const {
  if (!half_) return {data_ + first * cols_, count, cols_};
  tile.resize(static_cast<std::size_t>(count * cols_));
  half_to_float(half_ + 2 * first * cols_, half_type_, tile.size(), tile.data());
  return {tile.data(), count, cols_};
}

Weight::Columns Weight::columns(Index first, Index count, WeightTile& tile) const {
  if (!half_) return {data_ + first, rows_, count, Eigen::OuterStride<>(cols_)};
  tile.resize(static_cast<std::size_t>(rows_ * count));
  for (Index r = 0; r < rows_; ++r)
    half_to_float(half_ + 2 * (r * cols_ + first), half_type_, static_cast<std::size_t>(count), tile.data() + r * count);
  return {tile.data(), rows_, count, Eigen::OuterStride<>(count)};
}

}  // namespace attnlab
