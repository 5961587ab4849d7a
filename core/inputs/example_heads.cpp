#include "core/inputs/example_heads.hpp"

#include "core/inputs/examples.hpp"
#include "core/inputs/random.hpp"

namespace attnlab {
namespace {

// One designed head: its queries and the keys and values they were made for.
struct Design {
  Matrix q, k, v;
};

// The sentence's four heads. Heads 0 and 1 read the tokens' features (the example's keys); heads 2
// and 3 read their positions, keys 3·e_j for token j. So with G = 2 each pair shares keys that
// suit both, while with G = 1 the positional heads must read feature keys and lose their pattern.
std::vector<Design> sentence_designs(const Problem& base) {
  const Index l = base.lq(), d = base.dk();
  Matrix positions = Matrix::Zero(l, d);
  for (Index j = 0; j < l && j < d; ++j) positions(j, j) = 3;
  Matrix verbs = Matrix::Zero(l, d), previous = Matrix::Zero(l, d), first = Matrix::Zero(l, d);
  for (Index i = 0; i < l; ++i) {
    verbs(i, 2) = 2;                     // feature 2 is "verb": every token looks for the verbs
    previous(i, i > 0 ? i - 1 : 0) = 3;  // the token before (the first token has none: itself)
    first(i, 0) = 3;                     // the first token, where heads park attention they don't need
  }
  return {{base.q, base.k, base.v}, {verbs, base.k, base.v}, {previous, positions, base.v}, {first, positions, base.v}};
}

void check_counts(Index heads, Index kv_heads) {
  if (heads < 1) throw InputError("heads " + std::to_string(heads) + " must be ≥ 1");
  if (kv_heads < 1) throw InputError("KV heads " + std::to_string(kv_heads) + " must be ≥ 1");
  if (heads % kv_heads != 0)
    throw InputError("KV heads " + std::to_string(kv_heads) + " do not divide heads " + std::to_string(heads) +
                     ": the KV heads must divide the query heads");
}

}  // namespace

HeadsProblem example_heads(std::string_view name, Index heads, Index kv_heads) {
  check_counts(heads, kv_heads);
  Problem base = make_example(name).problem;
  std::vector<Design> designs =
      name == "sentence" ? sentence_designs(base) : std::vector<Design>{{base.q, base.k, base.v}};
  // Heads past the designed ones: random, seeded by the head, at the example's sizes.
  for (auto h = static_cast<Index>(designs.size()); h < heads; ++h) {
    const std::uint64_t seed = head_seed(0, h);
    designs.push_back({random_matrix(seed, RandomStream::q, base.lq(), base.dk(), 1),
                       random_matrix(seed, RandomStream::k, base.lk(), base.dk(), 1),
                       random_matrix(seed, RandomStream::v, base.lk(), base.dv(), 1)});
  }
  HeadsProblem hp;
  for (Index h = 0; h < heads; ++h) hp.q.push_back(designs[static_cast<std::size_t>(h)].q);
  for (Index g = 0; g < kv_heads; ++g) {
    const Design& first_of_group = designs[static_cast<std::size_t>(g * heads / kv_heads)];
    hp.k.push_back(first_of_group.k);
    hp.v.push_back(first_of_group.v);
  }
  hp.query_tokens = std::move(base.query_tokens);
  hp.key_tokens = std::move(base.key_tokens);
  return hp;
}

std::string example_heads_description(std::string_view name, Index heads) {
  if (heads <= 1) return "";
  std::string text = name == "sentence"
                         ? "head 0 finds what a token refers to; head 1: every token looks for the verbs; head 2: the "
                           "token before; head 3: the first token"
                         : "head 0 is the example";
  const Index designed = name == "sentence" ? 4 : 1;
  if (heads > designed) text += "; heads " + std::to_string(designed) + " and up are random";
  return text + ".";
}

}  // namespace attnlab
