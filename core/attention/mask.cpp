#include "core/attention/mask.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "core/base/count.hpp"
#include "core/base/quote.hpp"

namespace attnlab {
namespace {

MaskSpec structural(MaskSpec::Kind kind, Index param = 0) {
  MaskSpec mask;
  mask.kind = kind;
  mask.param = param;
  return mask;
}

}  // namespace

std::string MaskSpec::text() const {
  switch (kind) {
    case Kind::none: return "none";
    case Kind::causal: return "causal";
    case Kind::causal_bottom_right: return "causal-bottom-right";
    case Kind::window: return "window:" + std::to_string(param);
    case Kind::padding: return "padding:" + std::to_string(param);
    case Kind::matrix: break;
  }
  return source.empty() ? "painted" : "file:" + source;
}

MaskSpec parse_mask(std::string_view spec) {
  if (spec == "none") return {};
  if (spec == "causal") return structural(MaskSpec::Kind::causal);
  if (spec == "causal-bottom-right") return structural(MaskSpec::Kind::causal_bottom_right);
  const std::string where = "mask '" + excerpt(spec) + "'";
  if (spec.starts_with("window:")) return structural(MaskSpec::Kind::window, parse_count(where, spec.substr(7)));
  if (spec.starts_with("padding:")) return structural(MaskSpec::Kind::padding, parse_count(where, spec.substr(8)));
  if (spec.starts_with("file:") && spec.size() > 5)
    throw InputError("mask '" + excerpt(spec) + "': a file mask is read by read_mask, not parse_mask");
  throw InputError("mask '" + excerpt(spec) +
                   "' is not one of none, causal, causal-bottom-right, window:W, padding:N, file:PATH");
}

MaskSpec additive_mask(Matrix values, std::string source) {
  for (Index i = 0; i < values.rows(); ++i)
    for (Index j = 0; j < values.cols(); ++j) {
      const float a = values(i, j);
      if (std::isnan(a) || a == std::numeric_limits<float>::infinity())
        throw InputError("mask " + (source.empty() ? std::string("painted") : "file " + source) + ": value " +
                         std::to_string(a) + " at (" + std::to_string(i) + ", " + std::to_string(j) +
                         ") is not allowed in a float mask (finite or -inf only)");
    }
  return MaskSpec{MaskSpec::Kind::matrix, 0, std::move(source), false, std::move(values)};
}

MaskSpec bool_mask(const Eigen::Array<bool, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>& allowed) {
  MaskSpec mask{MaskSpec::Kind::matrix, 0, "", true, {}};
  mask.additive = allowed.select(Matrix::Zero(allowed.rows(), allowed.cols()), -std::numeric_limits<float>::infinity());
  return mask;
}

void check_mask(const MaskSpec& mask, Index lq, Index lk) {
  if (mask.kind == MaskSpec::Kind::padding && mask.param > lk)
    throw InputError("mask padding:" + std::to_string(mask.param) + " keeps more keys than the " + std::to_string(lk) +
                     " there are (N must be ≤ Lk)");
  if (mask.kind == MaskSpec::Kind::matrix && (mask.additive.rows() != lq || mask.additive.cols() != lk))
    throw InputError("mask " + (mask.source.empty() ? std::string("painted") : mask.source) + " is " +
                     shape_str(mask.additive.rows(), mask.additive.cols()) + " but Lq×Lk is " + shape_str(lq, lk));
}

KeyRange key_range(const MaskSpec& mask, Index query, Index lq, Index lk) {
  const auto clamp = [lk](Index j) { return std::clamp<Index>(j, 0, lk); };
  switch (mask.kind) {
    case MaskSpec::Kind::causal: return {0, clamp(query + 1)};
    case MaskSpec::Kind::causal_bottom_right: return {0, clamp(query + 1 + (lk - lq))};
    case MaskSpec::Kind::window: return {clamp(query - mask.param + 1), clamp(query + 1)};
    case MaskSpec::Kind::padding: return {0, clamp(mask.param)};
    case MaskSpec::Kind::none:
    case MaskSpec::Kind::matrix: break;
  }
  return {0, lk};
}

}  // namespace attnlab
