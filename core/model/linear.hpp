#pragma once
// A block's products, activations times a weight, on every core: the output's columns are split
// between the threads, each an ordinary single-threaded Eigen product over its share of the weight.
// Eigen's own parallel product shares packed blocks between threads and spins while it waits for
// them; split this way no thread waits for another until the end, so a busy machine (where a thread
// may lose its core for a while) slows the pass down gracefully instead of many times over.
#include "core/base/matrix.hpp"
#include "core/model/weight.hpp"

namespace attnlab {

// y = x·W + b for a Conv1D weight W stored [in, out] (GPT-2).
Matrix conv1d(const Matrix& x, const Weight& w, const Weight& bias);
// y = x·Wᵀ + b for an nn.Linear weight W stored [out, in] (Llama); an empty bias adds nothing.
Matrix linear(const Matrix& x, const Weight& w, const Weight& bias);

}  // namespace attnlab
