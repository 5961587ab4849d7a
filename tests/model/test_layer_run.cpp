// A token made a layer at a time (LayerRun, what a one-threaded page spreads over frames) against the
// one-shot forward_step, bit for bit; against a full forward pass's rows (1e-5) over several tokens;
// and a token left unfinished (cancelled) leaves the pass exactly as it was.
#include <doctest/doctest.h>

#include <string>

#include "core/model/forward.hpp"
#include "tests/cli_run.hpp"
#include "tests/model/tiny_models.hpp"

using namespace attnlab;
using namespace model_test;

namespace {

const std::vector<std::int64_t> kIds{3, 17, 0, 40, 9, 9, 22, 5, 31, 12};
constexpr std::size_t kPrompt = 5;

// Same shape and the same bits in every entry (NaN would differ from itself: none is allowed here).
bool same(const Matrix& a, const Matrix& b) {
  return a.rows() == b.rows() && a.cols() == b.cols() && (a.array() == b.array()).all();
}

bool same_pass(const ForwardPass& a, const ForwardPass& b) {
  if (a.layers.size() != b.layers.size() || a.inputs.size() != b.inputs.size()) return false;
  if (a.logits.size() != b.logits.size() || !(a.logits.array() == b.logits.array()).all()) return false;
  for (std::size_t l = 0; l < a.layers.size(); ++l) {
    const LayerQKV &x = a.layers[l], &y = b.layers[l];
    if (!same(x.q, y.q) || !same(x.k, y.k) || !same(x.v, y.v) || !same(x.q_raw, y.q_raw) || !same(x.k_raw, y.k_raw))
      return false;
  }
  for (std::size_t l = 0; l < a.inputs.size(); ++l)
    if (!same(a.inputs[l], b.inputs[l])) return false;
  return true;
}

// The worst |got − want| / (1e-5·(1 + |want|)): at most 1 passes.
double worst_against(const Matrix& got, const Matrix& want) {
  REQUIRE(got.rows() == want.rows());
  REQUIRE(got.cols() == want.cols());
  return ((got - want).array().abs() / (1e-5f * (1 + want.array().abs()))).maxCoeff();
}

void check_layer_run(const TinySpec& spec, const std::string& what) {
  CAPTURE(what);
  const cli_test::TempDir dir;
  write_tiny_model(make_tiny_model(spec), dir.path());
  const Model model = load_model(dir.path());
  const Index layers = model.config.layers;
  for (const bool keep_inputs : {false, true})
    for (const char* heads : {"", "1.2,0.0"}) {
      CAPTURE(keep_inputs);
      CAPTURE(heads);
      ForwardOptions options;
      options.keep_inputs = keep_inputs;
      if (*heads) options.ablation = parse_ablation(heads, "zero");
      ForwardPass stepped = forward(model, {kIds.begin(), kIds.begin() + static_cast<long>(kPrompt)}, {}, options);
      for (std::size_t i = kPrompt; i < kIds.size(); ++i) {
        CAPTURE(i);
        ForwardPass one_shot = stepped;
        forward_step(model, one_shot, kIds[i], options);
        // Cancelled after each number of parts: the pass is as it was, bit for bit.
        for (Index parts = 0; parts <= layers; ++parts) {
          ForwardPass cancelled = stepped;
          {
            LayerRun run(model, cancelled, kIds[i], options);
            for (Index p = 0; p < parts; ++p) CHECK_FALSE(run.next());
            CHECK(run.done() == parts);
            CHECK_FALSE(run.finished());
          }
          CHECK_MESSAGE(same_pass(cancelled, stepped), "cancelled after " << parts << " parts");
        }
        // A part per call: the layers, then the logits, which change only with the last part.
        const Eigen::VectorXf logits_before = stepped.logits;
        LayerRun run(model, stepped, kIds[i], options);
        CHECK(run.parts() == layers + 1);
        for (Index p = 0; p < layers; ++p) {
          CHECK_FALSE(run.next());
          CHECK(run.done() == p + 1);
          CHECK(stepped.layers[static_cast<std::size_t>(p)].k.rows() == static_cast<Index>(i) + 1);
          CHECK((stepped.logits.array() == logits_before.array()).all());
        }
        CHECK(run.next());
        CHECK(run.finished());
        CHECK(run.done() == layers + 1);
        CHECK(run.next());  // nothing left: the pass stays
        CHECK_MESSAGE(same_pass(stepped, one_shot), "token " << i << " made a layer at a time");
      }
      // After five tokens made part by part: a full forward pass's rows and logits.
      const ForwardPass full = forward(model, kIds, {}, options);
      for (Index l = 0; l < layers; ++l) {
        CAPTURE(l);
        const LayerQKV &got = stepped.layers[static_cast<std::size_t>(l)],
                       &want = full.layers[static_cast<std::size_t>(l)];
        CHECK(worst_against(got.q, want.q) <= 1);
        CHECK(worst_against(got.k, want.k) <= 1);
        CHECK(worst_against(got.v, want.v) <= 1);
        if (want.q_raw.size() > 0) CHECK(worst_against(got.k_raw, want.k_raw) <= 1);
      }
      CHECK(worst_against(Matrix(stepped.logits.transpose()), Matrix(full.logits.transpose())) <= 1);
    }
}

}  // namespace

TEST_SUITE("model/layer-run") {
  TEST_CASE("a token made a layer per call is forward_step's, bit for bit; cancelled, the pass is as it was") {
    check_layer_run(TinySpec{}, "gpt2");
    TinySpec qwen3;
    qwen3.model_type = "qwen3", qwen3.hidden = 32, qwen3.heads = 4, qwen3.kv_heads = 2, qwen3.intermediate = 40,
    qwen3.layers = 3, qwen3.head_dim = 8;
    check_layer_run(qwen3, "qwen3: grouped KV heads, QK-norm");
  }

  TEST_CASE("a token's checks come before any layer: the pass stays as it was") {
    const cli_test::TempDir dir;
    write_tiny_model(make_tiny_model(TinySpec{}), dir.path());
    const Model model = load_model(dir.path());
    ForwardPass pass = forward(model, {3, 17});
    const ForwardPass before = pass;
    CHECK_THROWS_WITH_AS(LayerRun(model, pass, model.config.vocab, {}),
                         ("token id " + std::to_string(model.config.vocab) +
                          " is outside the vocabulary: ids run from 0 to " + std::to_string(model.config.vocab - 1))
                             .c_str(),
                         InputError);
    CHECK_THROWS_AS(LayerRun(model, pass, -1, {}), InputError);
    CHECK_THROWS_AS(LayerRun(model, pass, 3, {parse_ablation("1.0", "mean")}), std::logic_error);
    CHECK(same_pass(pass, before));
  }
}
