#include "core/inputs/examples.hpp"

#include <cmath>

#include "core/base/quote.hpp"
#include "core/inputs/random.hpp"

namespace attnlab {
namespace {

Matrix rows(std::initializer_list<std::initializer_list<float>> values) {
  Matrix m(static_cast<Index>(values.size()), static_cast<Index>(values.begin()->size()));
  Index i = 0;
  for (const auto& row : values) {
    Index j = 0;
    for (float x : row) m(i, j++) = x;
    ++i;
  }
  return m;
}

Problem self_attention(Matrix q, Matrix k, Matrix v, std::vector<std::string> tokens) {
  Problem p;
  p.q = std::move(q);
  p.k = std::move(k);
  p.v = std::move(v);
  p.query_tokens = tokens;
  p.key_tokens = std::move(tokens);
  return p;
}

// Hand-made features, one per dk column, so every score can be explained on the board:
//   0 animal  1 determiner  2 verb  3 pronoun  4 conjunction  5 adjective  6 subject  7 bias
// A key says what a token is; a query says what the token looks for. "it" looks for an animal
// and finds "cat"; "sat" and "tired" look for their subject; "was" for the pronoun before it.
Example sentence() {
  Matrix k = rows({
      {0, 3, 0, 0, 0, 0, 0, 1},  // The
      {3, 0, 0, 0, 0, 0, 2, 1},  // cat
      {0, 0, 3, 0, 0, 0, 0, 1},  // sat
      {0, 0, 0, 0, 3, 0, 0, 1},  // because
      {0, 0, 0, 3, 0, 0, 2, 1},  // it
      {0, 0, 3, 0, 0, 0, 0, 1},  // was
      {0, 0, 0, 0, 0, 3, 0, 1},  // tired
  });
  Matrix q = rows({
      {2, 0, 0, 0, 0, 0, 0, 0},  // The: which noun do I introduce?
      {0, 2, 0, 0, 0, 0, 0, 0},  // cat: my determiner
      {1, 0, 0, 0, 0, 0, 2, 0},  // sat: who sat? the subject
      {0, 0, 2, 0, 0, 0, 0, 0},  // because: the verbs it links
      {3, 0, 0, 0, 0, 0, 0, 0},  // it: which animal am I?
      {0, 0, 0, 2, 0, 0, 2, 0},  // was: the pronoun that is my subject
      {1, 0, 0, 0, 0, 0, 2, 0},  // tired: who is tired?
  });
  Matrix v = k;  // each token passes on its own features: "it" comes out carrying "animal"
  return {
      "sentence", "\"The cat sat because it was tired\": the pronoun \"it\" attends \"cat\", verbs their subject",
      self_attention(std::move(q), std::move(k), std::move(v), {"The", "cat", "sat", "because", "it", "was", "tired"})};
}

Example random_example() {
  const Index l = 8, d = 64;
  return {"random", "8 tokens with Q, K, V drawn from N(0, 1), seed 0: attention with no structure",
          self_attention(random_matrix(0, RandomStream::q, l, d, 1), random_matrix(0, RandomStream::k, l, d, 1),
                         random_matrix(0, RandomStream::v, l, d, 1), numbered_tokens("t", l))};
}

// Random keys, and one query ("find") that points along one key ("needle"). The other keys are
// made orthogonal to the needle, so "find" scores 0 against each of them and its weights collapse
// onto the needle, while every other query spreads out.
Example needle() {
  const Index l = 12, d = 16, at = 7;
  Matrix k = random_matrix(7, RandomStream::k, l, d, 1);
  const Eigen::RowVectorXf along = k.row(at).normalized();
  for (Index j = 0; j < l; ++j)
    if (j != at) k.row(j) -= k.row(j).dot(along) * along;
  Matrix q = random_matrix(7, RandomStream::q, l, d, 1);
  // Scaled by 1/√dk, "find" scores exactly 10 against the needle.
  q.row(l - 1) = k.row(at) * (10.0f * std::sqrt(float(d)) / k.row(at).squaredNorm());
  std::vector<std::string> tokens(l, "hay");
  tokens[at] = "needle";
  tokens[l - 1] = "find";
  return {"needle", "one query (\"find\") matches one key (\"needle\") among random ones: a single sharp peak",
          self_attention(std::move(q), std::move(k), random_matrix(7, RandomStream::v, l, d, 1), tokens)};
}

// Every key is the same vector, so every score in a row is equal and softmax spreads evenly.
Example uniform() {
  const Index l = 6, d = 8;
  Matrix k = Matrix::Ones(l, d);
  Matrix q = random_matrix(3, RandomStream::q, l, d, 1);
  Matrix v = Matrix::Identity(l, l);
  return {"uniform", "identical keys: every weight is 1/6 and each output is the average of the values",
          self_attention(std::move(q), std::move(k), std::move(v), {"a", "b", "c", "d", "e", "f"})};
}

}  // namespace

const std::vector<std::string>& example_names() {
  static const std::vector<std::string> names{"sentence", "random", "needle", "uniform"};
  return names;
}

Example make_example(std::string_view name) {
  if (name == "sentence") return sentence();
  if (name == "random") return random_example();
  if (name == "needle") return needle();
  if (name == "uniform") return uniform();
  std::string list;
  for (const auto& n : example_names()) list += (list.empty() ? "" : ", ") + n;
  throw InputError("example '" + excerpt(name) + "' is not one of " + list);
}

}  // namespace attnlab
