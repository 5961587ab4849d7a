#pragma once
// Choosing the next token from the logits (heads.md, Generation), the same on every machine: a
// generator and an order fixed here, not the platform's std:: distributions.
//   1. Temperature 0: the id of the largest logit, the lower id on a tie (greedy). Otherwise:
//   2. z = logits / T; the candidates in order of z, largest first, the lower id first on a tie.
//   3. top-k (K ≥ 1): the first K candidates stay.
//   4. p = softmax of the staying z (float64, the largest subtracted).
//   5. top-p (0 < P ≤ 1): a candidate stays while the p of those before it add up to less than P: the
//      shortest run from the top whose p reach P.
//   6. q = p / Σ p over those that stay.
//   7. u = (SplitMix64(seed, t) >> 11) · 2⁻⁵³ in [0, 1), t the new token's index (0 for the first
//      after the prompt); the id drawn is the first staying candidate whose running Σ q exceeds u
//      (the last one if rounding leaves Σ q below u).
// SplitMix64(seed, t): z = seed + (t + 1)·0x9E3779B97F4A7C15, z = (z ^ z>>30)·0xBF58476D1CE4E5B9,
// z = (z ^ z>>27)·0x94D049BB133111EB, z ^ z>>31 (all modulo 2⁶⁴).
#include <cstdint>
#include <vector>

#include "core/base/matrix.hpp"

namespace attnlab {

struct Sampling {
  double temperature = 0;  // 0: greedy
  Index top_k = 0;         // 0: every candidate
  double top_p = 1;        // 1: every candidate
  std::uint64_t seed = 0;
};

// Throws InputError naming the option: a temperature that is negative or not finite, a top-k below
// 0 (0: off), a top-p outside (0, 1].
void check_sampling(const Sampling& sampling);

// One candidate of a step, for the window's sampling panel: its probability at temperature 1, at the
// temperature (before top-k and top-p) and in the end (0 when they dropped it).
struct Candidate {
  std::int64_t id = 0;
  double logit = 0, probability = 0, tempered = 0, kept = 0;
};

struct TokenDraw {
  std::int64_t id = 0;
  double u = 0;                       // the uniform number drawn (0 when greedy)
  std::vector<Candidate> candidates;  // the first `shown` in the order of step 2
};

// The next token after step 1–7 above. `shown`: how many candidates to describe (the first in order).
TokenDraw draw_token(const Eigen::VectorXf& logits, const Sampling& sampling, std::uint64_t step, Index shown = 0);

// Step 7's uniform number in [0, 1).
double uniform_draw(std::uint64_t seed, std::uint64_t step);

}  // namespace attnlab
