#include "core/inputs/input.hpp"

#include <cmath>

#include "core/base/decimal.hpp"
#include "core/base/quote.hpp"
#include "core/base/limits.hpp"
#include "core/inputs/example_heads.hpp"
#include "core/inputs/examples.hpp"
#include "core/inputs/model_input.hpp"
#include "core/inputs/random.hpp"
#include "core/inputs/read_mask.hpp"
#include "core/io/load.hpp"

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
  limits::check("--lq", in.lq, limits::size);
  limits::check("--lk", in.lk, limits::size);
  limits::check("--dk", in.dk, limits::size);
  limits::check("--dv", in.dv, limits::size);
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

// --heads H and --kv-heads G (default H), checked.
std::pair<Index, Index> head_counts(const InputOptions& in) {
  const Index heads = in.heads.value_or(1), kv_heads = in.kv_heads.value_or(heads);
  limits::check("--heads", heads, limits::heads);
  limits::check("--kv-heads", kv_heads, limits::heads);
  if (heads % kv_heads != 0)
    throw InputError("--kv-heads " + std::to_string(kv_heads) + " does not divide --heads " + std::to_string(heads) +
                     ": the KV heads must divide the query heads");
  return {heads, kv_heads};
}

HeadsProblem heads_from_random(const InputOptions& in) {
  const auto [heads, kv_heads] = head_counts(in);
  check_random_sizes(in);
  HeadsProblem hp;
  hp.query_tokens = numbered_tokens(in.lq == in.lk ? "t" : "q", in.lq);
  hp.key_tokens = numbered_tokens(in.lq == in.lk ? "t" : "k", in.lk);
  const auto sigma = static_cast<float>(in.sigma);
  const auto seed = [&](Index h) { return head_seed(in.seed, h); };
  for (Index h = 0; h < heads; ++h) hp.q.push_back(random_matrix(seed(h), RandomStream::q, in.lq, in.dk, sigma));
  for (Index g = 0; g < kv_heads; ++g) {
    hp.k.push_back(random_matrix(seed(g), RandomStream::k, in.lk, in.dk, sigma));
    hp.v.push_back(random_matrix(seed(g), RandomStream::v, in.lk, in.dv, sigma));
  }
  return hp;
}

// 3-D files bring their heads (H × L × d). With --heads, 2-D files are model-width matrices cut
// into heads: Q's H·dk columns into H heads, K's and V's into G.
HeadsProblem heads_from_files(const InputOptions& in) {
  const bool split = in.heads || in.kv_heads;
  const auto [heads, kv_heads] = split ? head_counts(in) : std::pair<Index, Index>{1, 1};
  const auto load = [&](const std::string& path, const char* which, Index parts) {
    const std::string name = std::string(which) + " file " + path;
    const Array array = load_array(path, name);
    if (!split) return to_heads(array, name);
    if (array.shape.size() > 2)
      throw InputError(name + " already has heads (" + std::to_string(array.shape[0]) +
                       " × L × d): --heads and --kv-heads cut 2-D model-width files into heads");
    try {
      return split_heads(to_matrix(array, name), parts);
    } catch (const InputError& e) {
      throw InputError(name + ": " + e.what());
    }
  };
  HeadsProblem hp;
  hp.q = load(in.q, "Q", heads);
  hp.k = load(in.k, "K", kv_heads);
  hp.v = load(in.v, "V", kv_heads);
  hp.query_tokens = numbered_tokens("q", hp.q.front().rows());
  hp.key_tokens = numbered_tokens("k", hp.k.front().rows());
  return hp;
}

HeadsProblem heads_from_example(const InputOptions& in) {
  const auto [heads, kv_heads] = head_counts(in);
  return example_heads(in.example.empty() ? default_example : in.example, heads, kv_heads);
}

// The choice of one source, shared by both loaders; returns whether the inputs are files.
bool check_sources(const InputOptions& in) {
  const bool files = !in.q.empty() || !in.k.empty() || !in.v.empty();
  if (files && (in.q.empty() || in.k.empty() || in.v.empty()))
    throw InputError(std::string("--q, --k and --v go together: missing ") + (in.q.empty()   ? "--q"
                                                                              : in.k.empty() ? "--k"
                                                                                             : "--v"));
  if (int(files) + int(in.random) + int(!in.example.empty()) > 1)
    throw InputError("give one input: --q/--k/--v files, --random, or --example NAME");
  if (in.random_settings_given && !in.random)
    throw InputError("--lq, --lk, --dk, --dv, --seed and --sigma apply to --random inputs only");
  return files;
}

// The --sink logits for `heads` query heads: one for every head, or one per head.
void check_sink_count(const std::vector<double>& sinks, Index heads) {
  if (sinks.size() != 1 && static_cast<Index>(sinks.size()) != heads)
    throw InputError("--sink gives " + std::to_string(sinks.size()) + " logits but there " +
                     (heads == 1 ? std::string("is 1 head") : "are " + std::to_string(heads) + " heads") +
                     ": give one for every head, or one per head");
}

// The option texts checked before anything is loaded: a mistake there costs no loading.
void check_softcap_and_sink_texts(const InputOptions& in) {
  if (in.softcap) parse_softcap(*in.softcap);
  if (in.sink) parse_sinks(*in.sink);
}

}  // namespace

double parse_softcap(const std::string& text) {
  const std::optional<double> value = parse_decimal(text);
  if (!value) throw InputError("--softcap '" + excerpt(text) + "' is not a number (the cap C > 0)");
  check_softcap(*value, "--softcap " + excerpt(text));
  return *value;
}

std::vector<double> parse_sinks(const std::string& text) {
  std::vector<double> sinks;
  for (std::size_t at = 0;;) {
    const std::size_t comma = std::min(text.find(',', at), text.size());
    const std::string item = text.substr(at, comma - at);
    const std::optional<double> value = parse_decimal(item);
    if (!value)
      throw InputError("--sink '" + excerpt(text) + "': '" + excerpt(item) +
                       "' is not a number (one logit, or one per head separated by commas)");
    check_sink(*value, "--sink " + excerpt(item));
    sinks.push_back(*value);
    if (comma == text.size()) break;
    at = comma + 1;
  }
  return sinks;
}

void apply_softcap_and_sinks(const InputOptions& in, HeadsProblem& p) {
  if (in.softcap) p.softcap = parse_softcap(*in.softcap);
  if (!in.sink) return;
  p.sinks = parse_sinks(*in.sink);
  check_sink_count(p.sinks, p.heads());
}

std::optional<RunSizes> planned_sizes(const InputOptions& in) {
  if (!in.model.empty()) return std::nullopt;  // a model's sizes are known once its config is read
  if (check_sources(in)) return std::nullopt;
  const auto [heads, kv_heads] = head_counts(in);
  check_softcap_and_sink_texts(in);
  const bool capped = in.softcap.has_value();
  if (in.random) {
    check_random_sizes(in);
    return RunSizes{heads, kv_heads, in.lq, in.lk, in.dk, in.dv, capped};
  }
  const Example example = make_example(in.example.empty() ? default_example : in.example);
  const Problem& p = example.problem;
  return RunSizes{heads, kv_heads, p.lq(), p.lk(), p.dk(), p.dv(), capped};
}

RunSizes sizes_of(const HeadsProblem& hp) {
  const Matrix &q = hp.q.front(), &k = hp.k.front(), &v = hp.v.front();
  return {hp.heads(), hp.kv_heads(), q.rows(), k.rows(), q.cols(), v.cols(), hp.softcap.has_value()};
}

std::string describe(const RunSizes& s) {
  const std::string sizes =
      "Lq×Lk = " + shape_str(s.lq, s.lk) + ", dk " + std::to_string(s.dk) + ", dv " + std::to_string(s.dv);
  if (s.heads == 1) return sizes;
  return std::to_string(s.heads) + " heads over " + std::to_string(s.kv_heads) + " KV heads of " + sizes;
}

Problem load_problem(const InputOptions& in) {
  check_model_options(in);
  if (!in.model.empty())
    throw InputError("--model runs one model's layer as several heads: this command takes one head");
  if (in.heads || in.kv_heads)
    throw InputError("--heads applies to compute, export and the window: bench times one head");
  const bool files = check_sources(in);
  check_softcap_and_sink_texts(in);
  Problem p = files       ? from_files(in)
              : in.random ? from_random(in)
                          : make_example(in.example.empty() ? default_example : in.example).problem;
  p.mask = read_mask(in.mask);
  p.scale = parse_scale(in.scale);
  if (in.softcap) p.softcap = parse_softcap(*in.softcap);
  if (in.sink) {
    const std::vector<double> sinks = parse_sinks(*in.sink);
    check_sink_count(sinks, 1);
    p.sink = sinks.front();
  }
  validate(p);
  return p;
}

HeadsProblem load_heads_problem(const InputOptions& in) {
  check_model_options(in);
  if (!in.model.empty()) {
    return model_heads_problem(in);
  }
  const bool files = check_sources(in);
  check_softcap_and_sink_texts(in);
  HeadsProblem hp = files ? heads_from_files(in) : in.random ? heads_from_random(in) : heads_from_example(in);
  hp.mask = read_mask(in.mask);
  hp.scale = parse_scale(in.scale);
  apply_softcap_and_sinks(in, hp);
  validate_heads(hp);
  return hp;
}

}  // namespace attnlab
