#pragma once
// Which keys each query may attend (stage 3: masked = scaled + A).
#include <string>
#include <string_view>

#include "core/base/matrix.hpp"

namespace attnlab {

struct MaskSpec {
  enum class Kind { none, causal, causal_bottom_right, window, padding, matrix };
  Kind kind = Kind::none;
  Index param = 0;       // W for window, N for padding
  std::string source;    // matrix masks: the file they came from ("" when painted in the GUI)
  bool is_bool = false;  // matrix masks: a bool mask (true = may attend) rather than float values
  Matrix additive;       // matrix masks: A itself, 0/-inf for a bool mask, the values for a float one

  std::string text() const;  // as the user writes it: "causal", "window:3", "file:m.npy"
};

// "none", "causal", "causal-bottom-right", "window:W", "padding:N". A "file:PATH" mask is read by
// read_mask (core/inputs), which knows files; here it is an InputError.
MaskSpec parse_mask(std::string_view spec);
// A float mask added to the scaled scores as is; NaN and +inf are an InputError naming `source`.
MaskSpec additive_mask(Matrix values, std::string source);
// A bool mask from cells (true = may attend), as painted in the GUI.
MaskSpec bool_mask(const Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>& allowed);

// Throws InputError when the mask cannot apply to an Lq × Lk problem.
void check_mask(const MaskSpec& mask, Index lq, Index lk);

// Every mask kind allows a contiguous run of keys per query; matrix masks add A inside it.
struct KeyRange {
  Index lo = 0, hi = 0;  // keys j with lo ≤ j < hi
};
KeyRange key_range(const MaskSpec& mask, Index query, Index lq, Index lk);

}  // namespace attnlab
