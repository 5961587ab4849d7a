#include "core/heads/head_scores.hpp"

#include <cmath>
#include <string>

#include "core/base/quote.hpp"

namespace attnlab {
namespace {

// A running mean that stays empty until a value arrives.
struct Mean {
  double sum = 0;
  Index count = 0;
  void add(double x) { sum += x, ++count; }
  std::optional<double> value() const {
    return count ? std::optional<double>(sum / static_cast<double>(count)) : std::nullopt;
  }
};

}  // namespace

const char* head_score_name(HeadScore score) {
  switch (score) {
    case HeadScore::previous_token: return "previous_token";
    case HeadScore::first_token: return "first_token";
    case HeadScore::duplicate_token: return "duplicate_token";
    case HeadScore::induction: return "induction";
    case HeadScore::entropy: return "entropy";
    case HeadScore::distance: return "distance";
  }
  return "";
}

HeadScore parse_head_score(std::string_view text, std::string_view option) {
  std::string names;
  for (const HeadScore s : all_head_scores) {
    if (text == head_score_name(s)) return s;
    names += std::string(names.empty() ? "" : ", ") + head_score_name(s);
  }
  throw InputError(std::string(option) + " '" + excerpt(std::string(text)) + "' is not a score: " + names);
}

EarlierCopies earlier_copies(const std::vector<std::int64_t>& ids) {
  EarlierCopies earlier(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (ids[j] == ids[i]) earlier[i].push_back(static_cast<Index>(j));
  return earlier;
}

ScoreValues score_head(const Matrix& a, const EarlierCopies& earlier) {
  Mean previous, first, duplicate, induction, entropy, distance;
  for (Index i = 0; i < a.rows(); ++i) {
    const auto& copies = earlier[static_cast<std::size_t>(i)];
    if (i >= 1) previous.add(a(i, i - 1)), first.add(a(i, 0));
    if (!copies.empty()) {
      double on_copies = 0, on_followers = 0;
      bool followers = false;
      for (const Index j : copies) {
        on_copies += a(i, j);
        // S_i = { j+1 : j+1 < i }: the token after an earlier copy, the query itself excluded.
        if (j + 1 < i) on_followers += a(i, j + 1), followers = true;
      }
      duplicate.add(on_copies);
      if (followers) induction.add(on_followers);
    }
    double h = 0, d = 0;
    for (Index j = 0; j <= i; ++j) {
      const double w = a(i, j);
      if (w > 0) h -= w * std::log(w);
      d += w * static_cast<double>(i - j);
    }
    entropy.add(h), distance.add(d);
  }
  ScoreValues s;
  s[HeadScore::previous_token] = previous.value();
  s[HeadScore::first_token] = first.value();
  s[HeadScore::duplicate_token] = duplicate.value();
  s[HeadScore::induction] = induction.value();
  s[HeadScore::entropy] = entropy.value();
  s[HeadScore::distance] = distance.value();
  return s;
}

}  // namespace attnlab
