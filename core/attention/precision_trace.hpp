#pragma once
// Every stage as a float16 or bfloat16 kernel with float32 accumulation computes it, row by row on
// the CPU: the precision lab's trace. Kept apart from the fast path, which it never touches; the
// CPU backend calls it only when problem.precision is not the default.
//
// Where the format F rounds:
//   inputs   Q, K, V (and a float mask's values) rounded to F
//   scores   each q·k accumulated in float32, then rounded to F
//   scaled   score × scale in float32, rounded to F
//   capped   with a soft-cap C, as Gemma 2's reference computes it in F: scaled / C, tanh of that,
//            times C, each in float32 and rounded to F (C itself is not rounded: PyTorch keeps a
//            Python number in float32 for F's arithmetic)
//   masked   allowed cells: scaled or capped (+ the float mask) rounded to F; masked cells: −inf, or
//            mask_value rounded to F (−1e9 becomes −inf in fp16, whose largest value is 65504)
//   weights  e = exp(x − max) (or exp(x) without max subtraction) in float32, each e rounded to F;
//            the sum of the rounded e in float32; each e / sum rounded to F. A sink logit, rounded to F,
//            is one more cell of the row, as gpt-oss's reference concatenates it: it takes part in
//            the maximum and the sum, and its weight is dropped. Nothing guards
//            against inf or NaN: fp16 exp(x) overflows for x above ln 65504 ≈ 11.09, giving
//            inf / inf = NaN. A row whose every cell is −inf still gets zero weights (the spec's
//            rule); with a finite mask_value a fully masked row is uniform, softmax of equal values.
//   output   weights · V accumulated in float32, rounded to F
//
// Statistics: mean and std of the scaled scores over the keys the mask allows; max weight, entropy,
// effective keys and Jacobian norm from the weights as computed (masked keys included, since a
// finite mask value gives them weight); the sink's weight as computed. A row whose weights or output
// hold NaN or inf is flagged non_finite and reports NaN for the statistics taken from the weights.
#include "core/attention/problem.hpp"
#include "core/attention/trace.hpp"

namespace attnlab {

void compute_precision_trace(const Problem& problem, Trace& trace);

}  // namespace attnlab
