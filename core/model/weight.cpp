#include "core/model/weight.hpp"

#include <cmath>
#include <cstdint>

#include "core/io/json_file.hpp"
#include "core/base/quote.hpp"
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
  if (dtype == DType::f32 && reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(float) == 0) {
    // In place: the mapping is page-aligned and this tensor starts on a float boundary.
    w.data_ = reinterpret_cast<const float*>(bytes.data());
  } else {
    w.owned_ = FloatBuffer(count);
    widen(bytes, dtype, count, w.owned_.data());
    w.data_ = w.owned_.data();
    ref.file->file.release(bytes);  // read once: its pages need not stay in memory beside the floats
  }
  // A NaN or an infinity would run through every later layer into the figures: refused here, where
  // the tensor can be named.
  if (const auto at = first_non_finite(w.data_, count))
    throw InputError(ref.file->name + ": tensor '" + printable(name) + "' holds " +
                     (std::isnan(w.data_[*at]) ? "NaN"
                      : w.data_[*at] > 0       ? "+inf"
                                               : "-inf") +
                     " at [" +
                     (shape.size() == 2 ? std::to_string(*at / static_cast<std::size_t>(w.cols_)) + ", " : "") +
                     std::to_string(*at % static_cast<std::size_t>(w.cols_)) + "]: weights must be finite");
  return w;
}

}  // namespace attnlab
