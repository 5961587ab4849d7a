#include "core/inputs/resize.hpp"

#include <algorithm>

#include "core/inputs/random.hpp"

namespace attnlab {
namespace {

Matrix widen(const Matrix& m, Index cols, std::uint64_t seed, RandomStream stream, float sigma) {
  Matrix out(m.rows(), cols);
  const Index kept = std::min(cols, m.cols());
  out.leftCols(kept) = m.leftCols(kept);
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < m.rows(); ++i)
    fill_normals(out.row(i).data() + kept, seed, stream, static_cast<std::uint64_t>(i), kept, cols, sigma);
  return out;
}

}  // namespace

Problem with_dk(const Problem& base, Index dk, std::uint64_t seed, float sigma) {
  if (dk < 1) throw InputError("dk " + std::to_string(dk) + " must be ≥ 1");
  Problem p = base;
  if (dk == base.dk()) return p;
  p.q = widen(base.q, dk, seed, RandomStream::q, sigma);
  p.k = widen(base.k, dk, seed, RandomStream::k, sigma);
  return p;
}

HeadsProblem with_dk(const HeadsProblem& base, Index dk, std::uint64_t seed, float sigma) {
  if (dk < 1) throw InputError("dk " + std::to_string(dk) + " must be ≥ 1");
  HeadsProblem hp = base;
  for (Index h = 0; h < hp.heads(); ++h) {
    Matrix& q = hp.q[static_cast<std::size_t>(h)];
    if (q.cols() != dk) q = widen(q, dk, head_seed(seed, h), RandomStream::q, sigma);
  }
  for (Index g = 0; g < hp.kv_heads(); ++g) {
    Matrix& k = hp.k[static_cast<std::size_t>(g)];
    if (k.cols() != dk) k = widen(k, dk, head_seed(seed, g), RandomStream::k, sigma);
  }
  return hp;
}

}  // namespace attnlab
