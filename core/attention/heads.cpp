#include "core/attention/heads.hpp"

#include "core/attention/memory.hpp"

namespace attnlab {
namespace {

std::string count(std::size_t n, const char* what) {
  return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

// Every head of one input must have the same shape, so the heads stack into H × L × d.
void check_same_shapes(const std::vector<Matrix>& heads, const char* name) {
  for (std::size_t h = 1; h < heads.size(); ++h)
    if (heads[h].rows() != heads[0].rows() || heads[h].cols() != heads[0].cols())
      throw InputError(std::string(name) + " head " + std::to_string(h) + " is " + std::to_string(heads[h].rows()) +
                       " × " + std::to_string(heads[h].cols()) + " but head 0 is " + std::to_string(heads[0].rows()) +
                       " × " + std::to_string(heads[0].cols()));
}

}  // namespace

Index kv_head(Index h, Index heads, Index kv_heads) {
  return h * kv_heads / heads;
}

Problem head_problem(const HeadsProblem& hp, Index h) {
  const auto qh = static_cast<std::size_t>(h);
  const auto g = static_cast<std::size_t>(kv_head(h, hp.heads(), hp.kv_heads()));
  Problem p;
  p.q = hp.q[qh];
  p.k = hp.k[g];
  p.v = hp.v[g];
  p.mask = hp.mask;
  p.scale = hp.scale;
  p.temperature = hp.temperature;
  p.softcap = hp.softcap;
  if (hp.sinks.size() == 1) p.sink = hp.sinks.front();
  else if (qh < hp.sinks.size()) p.sink = hp.sinks[qh];
  p.precision = hp.precision;
  p.query_tokens = hp.query_tokens;
  p.key_tokens = hp.key_tokens;
  return p;
}

void validate_heads(const HeadsProblem& hp) {
  if (hp.q.empty()) throw InputError("Q has no heads");
  if (hp.k.empty()) throw InputError("K has no heads");
  if (hp.v.size() != hp.k.size())
    throw InputError("V has " + count(hp.v.size(), "head") + " but K has " + std::to_string(hp.k.size()) +
                     ": K and V need the same heads");
  if (hp.q.size() % hp.k.size() != 0)
    throw InputError("K has " + count(hp.k.size(), "head") + " but Q has " + std::to_string(hp.q.size()) +
                     ": the KV heads must divide the query heads");
  if (hp.sinks.size() > 1 && hp.sinks.size() != hp.q.size())
    throw InputError(count(hp.sinks.size(), "sink logit") + " for " + count(hp.q.size(), "head") +
                     ": give one for every head, or one per head");
  for (std::size_t h = 0; h < hp.sinks.size(); ++h)
    check_sink(hp.sinks[h], "the sink of head " + std::to_string(h) + ", " + std::to_string(hp.sinks[h]) + ",");
  check_same_shapes(hp.q, "Q");
  check_same_shapes(hp.k, "K");
  check_same_shapes(hp.v, "V");
  // The heads share their shapes, so one query head per KV head checks every pairing.
  for (Index g = 0; g < hp.kv_heads(); ++g) validate(head_problem(hp, g * hp.heads() / hp.kv_heads()));
}

HeadsProblem single_head(Problem p) {
  HeadsProblem hp;
  hp.q = {std::move(p.q)};
  hp.k = {std::move(p.k)};
  hp.v = {std::move(p.v)};
  hp.mask = std::move(p.mask);
  hp.scale = p.scale;
  hp.temperature = p.temperature;
  hp.softcap = p.softcap;
  if (p.sink) hp.sinks = {*p.sink};
  hp.precision = p.precision;
  hp.query_tokens = std::move(p.query_tokens);
  hp.key_tokens = std::move(p.key_tokens);
  return hp;
}

std::vector<Trace> compute_heads(Backend& backend, const HeadsProblem& hp) {
  validate_heads(hp);
  const Matrix& q = hp.q.front();
  const Matrix& v = hp.v.front();
  // Every head's trace is held at once: the check covers H of them (H·Lq rows stand for the heads).
  check_full_trace_fits(hp.heads() * q.rows(), hp.k.front().rows(), q.cols(), v.cols(), hp.softcap.has_value());
  std::vector<Trace> traces(hp.q.size());
  for (Index h = 0; h < hp.heads(); ++h) backend.compute(head_problem(hp, h), traces[static_cast<std::size_t>(h)]);
  return traces;
}

Matrix concat_outputs(const std::vector<Trace>& traces) {
  if (traces.empty()) return {};
  const Index lq = traces.front().output.rows(), dv = traces.front().output.cols();
  Matrix out(lq, dv * static_cast<Index>(traces.size()));
  for (std::size_t h = 0; h < traces.size(); ++h) out.middleCols(static_cast<Index>(h) * dv, dv) = traces[h].output;
  return out;
}

std::vector<Matrix> split_heads(const Matrix& x, Index heads) {
  if (heads < 1) throw InputError("heads " + std::to_string(heads) + " must be ≥ 1");
  if (x.cols() % heads != 0)
    throw InputError("a width of " + std::to_string(x.cols()) + " columns does not split into " +
                     std::to_string(heads) + " heads: d_model must be a multiple of the heads");
  const Index d = x.cols() / heads;
  std::vector<Matrix> out;
  for (Index h = 0; h < heads; ++h) out.emplace_back(x.middleCols(h * d, d));
  return out;
}

}  // namespace attnlab
