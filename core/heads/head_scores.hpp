#pragma once
// The six scores of one head's weights A (L × L, causal) on the token ids t (heads.md). A mean over
// an empty set is no number: nullopt here, null in JSON, blank in a table.
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "core/base/matrix.hpp"

namespace attnlab {

enum class HeadScore { previous_token, first_token, duplicate_token, induction, entropy, distance };
inline constexpr std::array<HeadScore, 6> all_head_scores{HeadScore::previous_token,  HeadScore::first_token,
                                                          HeadScore::duplicate_token, HeadScore::induction,
                                                          HeadScore::entropy,         HeadScore::distance};
const char* head_score_name(HeadScore score);
// "induction" → HeadScore::induction; throws InputError naming `option`, the text and the scores.
HeadScore parse_head_score(std::string_view text, std::string_view option);

// One head's scores, in all_head_scores' order.
struct ScoreValues {
  std::array<std::optional<double>, all_head_scores.size()> values;
  const std::optional<double>& operator[](HeadScore s) const { return values[static_cast<std::size_t>(s)]; }
  std::optional<double>& operator[](HeadScore s) { return values[static_cast<std::size_t>(s)]; }
};

// Which earlier positions hold each position's token: earlier[i] = { j < i : t_j = t_i }. Shared by
// every head of a pass.
using EarlierCopies = std::vector<std::vector<Index>>;
EarlierCopies earlier_copies(const std::vector<std::int64_t>& ids);

// previous_token: mean over i ≥ 1 of A[i, i−1]; first_token: of A[i, 0];
// duplicate_token: mean over i with earlier copies of Σ_{j<i, t_j=t_i} A[i, j];
// induction: mean over i with S_i ≠ ∅ of Σ_{s∈S_i} A[i, s], S_i = { j+1 : j+1 < i, t_j = t_i };
// entropy: mean over all i of −Σ_j A[i,j]·ln A[i,j] (0·ln 0 = 0); distance: of Σ_j A[i,j]·(i − j).
ScoreValues score_head(const Matrix& weights, const EarlierCopies& earlier);

}  // namespace attnlab
