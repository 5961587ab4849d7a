// The built-in examples tell the stories they promise.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/attention/cpu_backend.hpp"
#include "core/inputs/examples.hpp"

using namespace attnlab;

TEST_SUITE_BEGIN("inputs/examples");

namespace {

Trace run(const Problem& p) {
  CpuBackend cpu;
  Trace t;
  cpu.compute(p, t);
  return t;
}

// The token a query attends most.
std::string attends(const Example& e, const Trace& t, const std::string& query) {
  const auto& tokens = e.problem.query_tokens;
  const long i = std::find(tokens.begin(), tokens.end(), query) - tokens.begin();
  Index j = 0;
  t.weights.row(i).maxCoeff(&j);
  return e.problem.key_tokens[j];
}

}  // namespace

TEST_CASE("every example is valid, labelled and listed") {
  CHECK(std::find(example_names().begin(), example_names().end(), std::string(default_example)) !=
        example_names().end());
  for (const auto& name : example_names()) {
    const Example e = make_example(name);
    CHECK(e.name == name);
    CHECK_FALSE(e.description.empty());
    CHECK_NOTHROW(validate(e.problem));
    CHECK(e.problem.query_tokens.size() == std::size_t(e.problem.lq()));
    CHECK(e.problem.key_tokens.size() == std::size_t(e.problem.lk()));
  }
  CHECK_THROWS_WITH_AS(make_example("poem"), doctest::Contains("sentence"), InputError);
}

TEST_CASE("sentence: the pronoun finds its noun, verbs their subject") {
  const Example e = make_example("sentence");
  CHECK(e.problem.lq() >= 6);
  CHECK(e.problem.lq() <= 8);
  const Trace t = run(e.problem);
  CHECK(attends(e, t, "it") == "cat");
  CHECK(attends(e, t, "sat") == "cat");
  CHECK(attends(e, t, "tired") == "cat");
  CHECK(attends(e, t, "was") == "it");
  CHECK(t.weights(4, 1) > 0.7f);  // "it" → "cat" clearly dominates
}

TEST_CASE("needle: one query collapses onto the needle; uniform: every weight is 1/L") {
  const Example needle = make_example("needle");
  const Trace tn = run(needle.problem);
  CHECK(attends(needle, tn, "find") == "needle");
  CHECK(tn.stats.back().max_weight > 0.99f);
  const Example uniform = make_example("uniform");
  const Trace tu = run(uniform.problem);
  const float l = float(uniform.problem.lk());
  CHECK((tu.weights.array() - 1 / l).abs().maxCoeff() < 1e-6f);
}

TEST_SUITE_END();
