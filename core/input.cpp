#include "core/input.hpp"

#include <cmath>

#include "core/examples.hpp"
#include "core/load.hpp"
#include "core/random.hpp"

namespace attnlab {
namespace {

Matrix load_input_matrix(const std::string& path, const char* which) {
  const std::string name = std::string(which) + " file " + path;
  return to_matrix(load_array(path, name), name);
}

Problem from_files(const InputOptions& in) {
  Problem p;
  p.q = load_input_matrix(in.q, "Q");
  p.k = load_input_matrix(in.k, "K");
  p.v = load_input_matrix(in.v, "V");
  p.query_tokens = numbered_tokens("q", p.lq());
  p.key_tokens = numbered_tokens("k", p.lk());
  return p;
}

void check_random_sizes(const InputOptions& in) {
  const auto check_size = [](Index n, const char* option) {
    if (n < 1) throw InputError(std::string(option) + " " + std::to_string(n) + " must be ≥ 1");
  };
  check_size(in.lq, "--lq");
  check_size(in.lk, "--lk");
  check_size(in.dk, "--dk");
  check_size(in.dv, "--dv");
  if (!(in.sigma > 0) || !std::isfinite(in.sigma))
    throw InputError("--sigma " + std::to_string(in.sigma) + " must be a finite number > 0");
}

Problem from_random(const InputOptions& in) {
  check_random_sizes(in);
  const auto sigma = static_cast<float>(in.sigma);
  Problem p;
  p.q = random_matrix(in.seed, RandomStream::q, in.lq, in.dk, sigma);
  p.k = random_matrix(in.seed, RandomStream::k, in.lk, in.dk, sigma);
  p.v = random_matrix(in.seed, RandomStream::v, in.lk, in.dv, sigma);
  // Self-attention over one sequence reads best with one set of labels.
  p.query_tokens = numbered_tokens(in.lq == in.lk ? "t" : "q", in.lq);
  p.key_tokens = numbered_tokens(in.lq == in.lk ? "t" : "k", in.lk);
  return p;
}

// Each head its own seed, far apart, so heads differ and head 0 is the single-head problem.
constexpr std::uint64_t kHeadSeedStride = 1000003;

HeadsProblem heads_from_random(const InputOptions& in) {
  const Index heads = in.heads.value_or(1), kv_heads = in.kv_heads.value_or(heads);
  if (heads < 1) throw InputError("--heads " + std::to_string(heads) + " must be ≥ 1");
  if (kv_heads < 1) throw InputError("--kv-heads " + std::to_string(kv_heads) + " must be ≥ 1");
  if (heads % kv_heads != 0)
    throw InputError("--kv-heads " + std::to_string(kv_heads) + " does not divide --heads " + std::to_string(heads) +
                     ": the KV heads must divide the query heads");
  check_random_sizes(in);
  HeadsProblem hp;
  hp.query_tokens = numbered_tokens(in.lq == in.lk ? "t" : "q", in.lq);
  hp.key_tokens = numbered_tokens(in.lq == in.lk ? "t" : "k", in.lk);
  const auto sigma = static_cast<float>(in.sigma);
  const auto seed = [&](Index h) { return in.seed + static_cast<std::uint64_t>(h) * kHeadSeedStride; };
  for (Index h = 0; h < heads; ++h) hp.q.push_back(random_matrix(seed(h), RandomStream::q, in.lq, in.dk, sigma));
  for (Index g = 0; g < kv_heads; ++g) {
    hp.k.push_back(random_matrix(seed(g), RandomStream::k, in.lk, in.dk, sigma));
    hp.v.push_back(random_matrix(seed(g), RandomStream::v, in.lk, in.dv, sigma));
  }
  return hp;
}

HeadsProblem heads_from_files(const InputOptions& in) {
  const auto load = [](const std::string& path, const char* which) {
    const std::string name = std::string(which) + " file " + path;
    return to_heads(load_array(path, name), name);
  };
  HeadsProblem hp;
  hp.q = load(in.q, "Q");
  hp.k = load(in.k, "K");
  hp.v = load(in.v, "V");
  hp.query_tokens = numbered_tokens("q", hp.q.front().rows());
  hp.key_tokens = numbered_tokens("k", hp.k.front().rows());
  return hp;
}

// The choice of one source, shared by both loaders; returns whether the inputs are files.
bool check_sources(const InputOptions& in) {
  const bool files = !in.q.empty() || !in.k.empty() || !in.v.empty();
  if (files && (in.q.empty() || in.k.empty() || in.v.empty()))
    throw InputError(std::string("--q, --k and --v go together: missing ") +
                     (in.q.empty() ? "--q" : in.k.empty() ? "--k" : "--v"));
  if (int(files) + int(in.random) + int(!in.example.empty()) > 1)
    throw InputError("give one input: --q/--k/--v files, --random, or --example NAME");
  if (in.random_settings_given && !in.random)
    throw InputError("--lq, --lk, --dk, --dv, --seed and --sigma apply to --random inputs only");
  if ((in.heads || in.kv_heads) && !in.random) throw InputError("--heads and --kv-heads apply to --random inputs only");
  return files;
}

}  // namespace

Problem load_problem(const InputOptions& in) {
  if (in.heads || in.kv_heads) throw InputError("--heads applies to compute and export only in this version");
  const bool files = check_sources(in);
  Problem p = files       ? from_files(in)
              : in.random ? from_random(in)
                          : make_example(in.example.empty() ? default_example : in.example).problem;
  p.mask = parse_mask(in.mask);
  p.scale = parse_scale(in.scale);
  validate(p);
  return p;
}

HeadsProblem load_heads_problem(const InputOptions& in) {
  const bool files = check_sources(in);
  HeadsProblem hp = files       ? heads_from_files(in)
                    : in.random ? heads_from_random(in)
                                : single_head(make_example(in.example.empty() ? default_example : in.example).problem);
  hp.mask = parse_mask(in.mask);
  hp.scale = parse_scale(in.scale);
  validate_heads(hp);
  return hp;
}

}  // namespace attnlab
