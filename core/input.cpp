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

Problem from_random(const InputOptions& in) {
  const auto check_size = [](Index n, const char* option) {
    if (n < 1) throw InputError(std::string(option) + " " + std::to_string(n) + " must be ≥ 1");
  };
  check_size(in.lq, "--lq");
  check_size(in.lk, "--lk");
  check_size(in.dk, "--dk");
  check_size(in.dv, "--dv");
  if (!(in.sigma > 0) || !std::isfinite(in.sigma))
    throw InputError("--sigma " + std::to_string(in.sigma) + " must be a finite number > 0");
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

}  // namespace

Problem load_problem(const InputOptions& in) {
  const bool files = !in.q.empty() || !in.k.empty() || !in.v.empty();
  if (files && (in.q.empty() || in.k.empty() || in.v.empty()))
    throw InputError(std::string("--q, --k and --v go together: missing ") +
                     (in.q.empty() ? "--q" : in.k.empty() ? "--k" : "--v"));
  if (int(files) + int(in.random) + int(!in.example.empty()) > 1)
    throw InputError("give one input: --q/--k/--v files, --random, or --example NAME");
  if (in.random_settings_given && !in.random)
    throw InputError("--lq, --lk, --dk, --dv, --seed and --sigma apply to --random inputs only");

  Problem p = files       ? from_files(in)
              : in.random ? from_random(in)
                          : make_example(in.example.empty() ? default_example : in.example).problem;
  p.mask = parse_mask(in.mask);
  p.scale = parse_scale(in.scale);
  validate(p);
  return p;
}

}  // namespace attnlab
