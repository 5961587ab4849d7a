// Multi-head, grouped-query and multi-query attention: each head is single-head attention, with
// query head h reading KV head ⌊h·G/H⌋ (K/V heads repeat-interleaved, as PyTorch's enable_gqa).
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "core/attention/cpu_backend.hpp"
#include "core/attention/heads.hpp"
#include "core/attention/memory.hpp"
#include "core/attention/precision.hpp"
#include "core/inputs/example_heads.hpp"
#include "core/inputs/examples.hpp"
#include "core/inputs/input.hpp"
#include "core/io/atomic_file.hpp"
#include "core/io/load.hpp"
#include "core/io/npy.hpp"
#include "tests/check.hpp"
#include "tests/cli_run.hpp"

using namespace attnlab;

TEST_SUITE_BEGIN("attention/heads");
using attnlab::test::check_equal;

namespace {

HeadsProblem random_heads(Index heads, Index kv_heads, Index lq, Index lk, Index dk, Index dv) {
  HeadsProblem hp;
  for (Index h = 0; h < heads; ++h) hp.q.push_back(random_matrix(100 + h, RandomStream::q, lq, dk, 1));
  for (Index g = 0; g < kv_heads; ++g) {
    hp.k.push_back(random_matrix(200 + g, RandomStream::k, lk, dk, 1));
    hp.v.push_back(random_matrix(300 + g, RandomStream::v, lk, dv, 1));
  }
  hp.query_tokens = numbered_tokens("q", lq);
  hp.key_tokens = numbered_tokens("k", lk);
  return hp;
}

Trace single(const Problem& p) {
  CpuBackend cpu;
  Trace t;
  cpu.compute(p, t);
  return t;
}

void check_traces_equal(const Trace& a, const Trace& b, const std::string& what) {
  for (Stage s : stages_with(false)) check_equal(a.stage(s), b.stage(s), what + " " + std::string(stage_name(s)));
}

std::string error_of(const HeadsProblem& hp) {
  try {
    validate_heads(hp);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("kv_head repeat-interleaves the KV heads over the query heads") {
  std::vector<Index> gqa, mqa, mha;
  for (Index h = 0; h < 8; ++h) {
    gqa.push_back(kv_head(h, 8, 2));
    mqa.push_back(kv_head(h, 8, 1));
    mha.push_back(kv_head(h, 8, 8));
  }
  CHECK(gqa == std::vector<Index>{0, 0, 0, 0, 1, 1, 1, 1});
  CHECK(mqa == std::vector<Index>(8, 0));
  CHECK(mha == std::vector<Index>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(kv_head(5, 6, 3) == 2);
}

TEST_CASE("one head is exactly single-head attention") {
  Problem p = test::random_problem(5, 7, 8, 6, 42);
  p.mask = parse_mask("causal");
  p.query_tokens = numbered_tokens("q", 5);
  p.key_tokens = numbered_tokens("k", 7);
  CpuBackend cpu;
  const std::vector<Trace> traces = compute_heads(cpu, single_head(p));
  REQUIRE(traces.size() == 1);
  check_traces_equal(traces[0], single(p), "H = 1");
  check_equal(concat_outputs(traces), traces[0].output, "H = 1 concat");
}

TEST_CASE("G = H is multi-head attention, head by head") {
  HeadsProblem hp = random_heads(4, 4, 6, 6, 8, 5);
  hp.mask = parse_mask("causal");
  CpuBackend cpu;
  const std::vector<Trace> traces = compute_heads(cpu, hp);
  REQUIRE(traces.size() == 4);
  for (Index h = 0; h < 4; ++h) {
    Problem p;
    const auto i = static_cast<std::size_t>(h);
    p.q = hp.q[i], p.k = hp.k[i], p.v = hp.v[i], p.mask = hp.mask;
    p.query_tokens = hp.query_tokens, p.key_tokens = hp.key_tokens;
    check_traces_equal(traces[i], single(p), "MHA head " + std::to_string(h));
  }
}

TEST_CASE("GQA and MQA equal MHA with the K/V heads repeat-interleaved") {
  for (const Index kv : {Index{2}, Index{1}}) {
    INFO("G = " << kv);
    const HeadsProblem gqa = random_heads(6, kv, 5, 7, 4, 3);
    HeadsProblem mha = gqa;
    mha.k.clear(), mha.v.clear();
    // torch.repeat_interleave(k, H / G, dim=0)
    for (const Matrix& k : gqa.k)
      for (Index r = 0; r < 6 / kv; ++r) mha.k.push_back(k);
    for (const Matrix& v : gqa.v)
      for (Index r = 0; r < 6 / kv; ++r) mha.v.push_back(v);
    CpuBackend cpu;
    const std::vector<Trace> a = compute_heads(cpu, gqa), b = compute_heads(cpu, mha);
    REQUIRE(a.size() == 6);
    for (std::size_t h = 0; h < a.size(); ++h) check_traces_equal(a[h], b[h], "head " + std::to_string(h));
  }
}

TEST_CASE("concat_outputs puts head h in columns [h·dv, (h+1)·dv)") {
  CpuBackend cpu;
  const std::vector<Trace> traces = compute_heads(cpu, random_heads(3, 1, 4, 5, 6, 2));
  const Matrix out = concat_outputs(traces);
  CHECK(out.rows() == 4);
  CHECK(out.cols() == 6);
  for (Index h = 0; h < 3; ++h)
    check_equal(out.middleCols(h * 2, 2), traces[static_cast<std::size_t>(h)].output, "concat");
}

TEST_CASE("split_heads cuts a model-width matrix into column blocks, and refuses an uneven width") {
  Matrix x(2, 6);
  x << 0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15;
  const std::vector<Matrix> heads = split_heads(x, 3);
  REQUIRE(heads.size() == 3);
  for (Index h = 0; h < 3; ++h) check_equal(heads[static_cast<std::size_t>(h)], x.middleCols(2 * h, 2), "split");
  CHECK_THROWS_WITH_AS(split_heads(x, 4), doctest::Contains("does not split into 4 heads"), InputError);
  CHECK_THROWS_AS(split_heads(x, 0), InputError);
}

TEST_CASE("validate_heads refuses G not dividing H, mismatched dk, and uneven heads") {
  CHECK(error_of(random_heads(8, 2, 3, 3, 4, 4)).empty());
  CHECK(error_of(random_heads(8, 3, 3, 3, 4, 4)) ==
        "K has 3 heads but Q has 8: the KV heads must divide the query heads");
  HeadsProblem dk = random_heads(4, 2, 3, 3, 4, 4);
  for (Matrix& k : dk.k) k = Matrix::Ones(3, 5);
  CHECK(doctest::String(error_of(dk).c_str()) == doctest::Contains("columns but Q has"));
  HeadsProblem uneven = random_heads(4, 2, 3, 3, 4, 4);
  uneven.q[2] = Matrix::Ones(2, 4);
  CHECK(error_of(uneven) == "Q head 2 is 2 × 4 but head 0 is 3 × 4");
  HeadsProblem kv = random_heads(4, 2, 3, 3, 4, 4);
  kv.v.pop_back();
  CHECK(doctest::String(error_of(kv).c_str()) == doctest::Contains("K and V need the same heads"));
  HeadsProblem none;
  CHECK(error_of(none) == "Q has no heads");
}

TEST_CASE("3-D .npy: a stack of heads round-trips, 2-D is one head, bad shapes are refused") {
  const std::vector<Matrix> heads = random_heads(3, 1, 4, 2, 5, 1).q;
  const Array a = parse_npy(npy_bytes(heads), "Q file q.npy");
  CHECK(a.shape == std::vector<Index>{3, 4, 5});
  const std::vector<Matrix> back = to_heads(a, "Q file q.npy");
  REQUIRE(back.size() == 3);
  for (std::size_t h = 0; h < 3; ++h) check_equal(back[h], heads[h], "round trip");
  const std::vector<Matrix> one = to_heads(parse_npy(npy_bytes(heads[0]), "K"), "K");
  REQUIRE(one.size() == 1);
  check_equal(one[0], heads[0], "2-D");
  Array empty{{2, 0, 3}, false, {}};
  CHECK_THROWS_WITH_AS(to_heads(empty, "V file v.npy"), "V file v.npy is empty (shape (2, 0, 3))", InputError);
  CHECK_THROWS_AS(npy_bytes(std::vector<Matrix>{Matrix::Ones(2, 2), Matrix::Ones(3, 2)}), RunError);
}

TEST_CASE("load_heads_problem: --random heads with their own seeds; head 0 is --random's problem") {
  InputOptions in;
  in.random = true, in.lq = 3, in.lk = 4, in.dk = 5, in.dv = 2, in.seed = 7;
  const Problem single_problem = load_problem(in);
  in.heads = 4, in.kv_heads = 2;
  const HeadsProblem hp = load_heads_problem(in);
  CHECK(hp.heads() == 4);
  CHECK(hp.kv_heads() == 2);
  check_equal(hp.q[0], single_problem.q, "head 0 Q");
  check_equal(hp.k[0], single_problem.k, "head 0 K");
  check_equal(hp.q[1], random_matrix(7 + 1000003, RandomStream::q, 3, 5, 1), "head 1 Q");
  check_equal(hp.v[1], random_matrix(7 + 1000003, RandomStream::v, 4, 2, 1), "KV head 1 V");
  CHECK_THROWS_WITH_AS(load_problem(in), "--heads applies to compute, export and the window: bench times one head",
                       InputError);
  in.kv_heads = 3;
  CHECK_THROWS_WITH_AS(load_heads_problem(in), doctest::Contains("the KV heads must divide the query heads"),
                       InputError);
  in.heads = 0, in.kv_heads.reset();
  CHECK_THROWS_WITH_AS(load_heads_problem(in), "--heads 0 is out of range: 1 to 4096", InputError);
}

TEST_CASE("model-width files are cut into heads: Q's H·dk columns into H heads, K's and V's into G") {
  cli_test::TempDir dir;
  const Matrix q = random_matrix(1, RandomStream::q, 3, 8, 1), k = random_matrix(1, RandomStream::k, 5, 4, 1),
               v = random_matrix(1, RandomStream::v, 5, 6, 1);
  const auto save = [&](const char* name, const std::string& bytes) {
    write_file_atomic(dir / name, bytes);
    return (dir / name).string();
  };
  InputOptions in;
  in.q = save("q.npy", npy_bytes(q)), in.k = save("k.npy", npy_bytes(k)), in.v = save("v.npy", npy_bytes(v));
  in.heads = 4, in.kv_heads = 2;
  const HeadsProblem hp = load_heads_problem(in);
  REQUIRE(hp.heads() == 4);
  REQUIRE(hp.kv_heads() == 2);
  for (Index h = 0; h < 4; ++h) check_equal(hp.q[static_cast<std::size_t>(h)], q.middleCols(2 * h, 2), "Q head");
  check_equal(hp.k[1], k.rightCols(2), "K head 1");
  check_equal(hp.v[1], v.rightCols(3), "V head 1");
  in.kv_heads = 4;  // V's 6 columns make no 4 heads
  CHECK_THROWS_WITH_AS(load_heads_problem(in),
                       doctest::Contains("v.npy: a width of 6 columns does not split into 4 heads"), InputError);
  in.kv_heads = 1;  // K's 4 columns as one head of dk 4, but Q's heads have dk 2
  CHECK_THROWS_WITH_AS(load_heads_problem(in), doctest::Contains("K has 4 columns but Q has 2"), InputError);
  in.heads = 3, in.kv_heads = 1;
  CHECK_THROWS_WITH_AS(
      load_heads_problem(in),
      ("Q file " + in.q + ": a width of 8 columns does not split into 3 heads: d_model must be a multiple of the heads")
          .c_str(),
      InputError);
  in.q = save("q3.npy", npy_bytes(split_heads(q, 4))), in.heads = 4;
  CHECK_THROWS_WITH_AS(load_heads_problem(in), doctest::Contains("already has heads (4 × L × d)"), InputError);
}

TEST_CASE("example heads: head 0 is the example, the sentence's designed heads attend as described") {
  const Problem sentence = make_example("sentence").problem;
  const HeadsProblem one = example_heads("sentence", 1, 1);
  check_equal(one.q[0], sentence.q, "Q");
  check_equal(one.k[0], sentence.k, "K");
  check_equal(one.v[0], sentence.v, "V");

  HeadsProblem four = example_heads("sentence", 4, 2);
  REQUIRE(four.heads() == 4);
  REQUIRE(four.kv_heads() == 2);
  CpuBackend cpu;
  const std::vector<Trace> traces = compute_heads(cpu, four);
  const auto strongest = [&](Index h, Index i) {
    Index j = 0;
    traces[static_cast<std::size_t>(h)].weights.row(i).maxCoeff(&j);
    return j;
  };
  CHECK(strongest(0, 4) == 1);  // "it" → "cat"
  for (Index i = 0; i < sentence.lq(); ++i) {
    CHECK(strongest(1, i) == 2);  // every token → the verbs, "sat" and "was" alike
    CHECK(traces[1].weights(i, 5) == traces[1].weights(i, 2));
    CHECK(strongest(2, i) == std::max<Index>(i - 1, 0));  // the token before
    CHECK(strongest(3, i) == 0);                          // the first token
  }
  // With one KV head, the positional heads read the feature keys their group's first head was made for.
  const HeadsProblem mqa = example_heads("sentence", 4, 1);
  check_equal(mqa.k[0], sentence.k, "MQA K");
  CHECK(four.k[1](3, 3) == 3.0f);  // KV head 1: positional keys, not the features
  // Past the designed heads: seeded random heads of the example's sizes.
  const HeadsProblem six = example_heads("sentence", 6, 6);
  check_equal(six.q[5], random_matrix(5 * 1000003, RandomStream::q, 7, 8, 1), "head 5 Q");
  CHECK(example_heads("needle", 2, 1).q[1].rows() == make_example("needle").problem.lq());
  CHECK_THROWS_WITH_AS(example_heads("sentence", 4, 3), doctest::Contains("do not divide"), InputError);

  InputOptions in;
  in.example = "sentence", in.heads = 4, in.kv_heads = 2;
  check_equal(load_heads_problem(in).k[1], four.k[1], "the CLI's example heads");
}

TEST_SUITE("cli/heads") {
  using namespace cli_test;

  TEST_CASE("compute --random --heads 4 --kv-heads 2 dumps 4 × Lq × Lk stages, each head single-head attention") {
    TempDir work;
    const fs::path dir = work / "dump", one = work / "one";
    const std::vector<std::string> base{"compute", "--random", "--lq",   "3", "--lk",   "5",      "--dk",      "4",
                                        "--dv",    "2",        "--seed", "9", "--mask", "causal", "--backend", "cpu"};
    std::vector<std::string> args = base;
    for (const char* a : {"--heads", "4", "--kv-heads", "2", "--dump"}) args.push_back(a);
    args.push_back(dir.string());
    const RunResult r = run_attnlab(args);
    REQUIRE_MESSAGE(r.status == 0, r.command << "\n" << r.err);

    InputOptions in;
    in.random = true, in.lq = 3, in.lk = 5, in.dk = 4, in.dv = 2, in.seed = 9, in.mask = "causal";
    in.heads = 4, in.kv_heads = 2;
    const HeadsProblem hp = load_heads_problem(in);
    for (Stage s : stages_with(false)) {
      const std::string name = std::string(stage_name(s)) + ".npy";
      const std::string bytes = read_all(dir / name);
      CHECK(bytes.substr(6, 2) == std::string("\x01\x00", 2));  // version 1.0
      const Array a = parse_npy(bytes, name);
      const Index cols = s == Stage::output ? 2 : 5;
      REQUIRE(a.shape == std::vector<Index>{4, 3, cols});
      const std::vector<Matrix> heads = to_heads(a, name);
      for (Index h = 0; h < 4; ++h)
        check_equal(heads[static_cast<std::size_t>(h)], single(head_problem(hp, h)).stage(s),
                    name + " head " + std::to_string(h));
    }
    const std::string stats = read_all(dir / "stats.csv");
    CHECK(stats.rfind("head,query,mean,", 0) == 0);
    CHECK(stats.find("\n3,2,") != std::string::npos);  // head 3, query 2

    // Head 0 is the single-head compute of the same seed, byte for byte.
    std::vector<std::string> single_args = base;
    single_args.push_back("--dump");
    single_args.push_back(one.string());
    REQUIRE(run_attnlab(single_args).status == 0);
    const std::vector<Matrix> weights = to_heads(parse_npy(read_all(dir / "weights.npy"), "w"), "w");
    check_equal(weights[0], to_heads(parse_npy(read_all(one / "weights.npy"), "w"), "w")[0], "head 0 vs single head");
    CHECK(read_all(one / "stats.csv").rfind("query,mean,", 0) == 0);

    bool numpy = false;
    try {
      numpy = run_program("/usr/bin/python3", {"-c", "import numpy"}).status == 0;
    } catch (const std::exception&) {
    }
    if (!numpy) {
      MESSAGE("skipped the numpy check: /usr/bin/python3 with numpy is not available");
      return;
    }
    const RunResult py =
        run_program("/usr/bin/python3", {"-c",
                                         "import numpy, sys; w = numpy.load(sys.argv[1]); "
                                         "print(w.shape, w.dtype, bool(numpy.allclose(w.sum(axis=2), 1)))",
                                         (dir / "weights.npy").string()});
    CHECK_MESSAGE(py.out == "(4, 3, 5) float32 True\n", py.out << py.err);
  }

  TEST_CASE("bad head counts exit 2 with one line and write nothing; bench refuses --heads") {
    TempDir work;
    const fs::path dir = work / "dump";
    const std::vector<std::vector<std::string>> bad{
        {"--heads", "8", "--kv-heads", "3"}, {"--heads", "0"}, {"--heads", "2", "--kv-heads", "4"}};
    for (const auto& extra : bad) {
      std::vector<std::string> args{"compute", "--random", "--lq", "3",         "--lk", "3",      "--dk",
                                    "4",       "--dv",     "4",    "--backend", "cpu",  "--dump", dir.string()};
      args.insert(args.end(), extra.begin(), extra.end());
      const RunResult r = run_attnlab(args);
      CHECK_MESSAGE(r.status == 2, r.command);
      REQUIRE(r.err_lines().size() == 1);
      CHECK(r.err_lines()[0].rfind("attnlab: ", 0) == 0);
      CHECK_FALSE(fs::exists(dir));
    }
    const RunResult eight =
        run_attnlab({"compute", "--random", "--heads", "8", "--kv-heads", "3", "--dump", dir.string()});
    CHECK(eight.err == "attnlab: --kv-heads 3 does not divide --heads 8: the KV heads must divide the query heads\n");
    const RunResult bench = run_attnlab({"bench", "--random", "--heads", "2", "--backend", "cpu"});
    CHECK(bench.status == 2);
    CHECK(bench.err == "attnlab: --heads applies to compute, export and the window: bench times one head\n");
  }
}

TEST_CASE("KV cache per token: the published figures of two real models") {
  // Llama 2 7B: 32 layers, 32 KV heads (MHA) of dk = dv = 128 in fp16: 0.5 MiB per token.
  CHECK(32 * kv_cache_bytes_per_token(32, 128, 128, value_bytes(Precision::fp16)) == 512 * 1024);
  // Llama 3 8B: the same widths with 8 KV heads (GQA): 128 KiB per token, a quarter.
  CHECK(32 * kv_cache_bytes_per_token(8, 128, 128, value_bytes(Precision::bf16)) == 128 * 1024);
  CHECK(kv_cache_bytes_per_token(1, 64, 32, value_bytes(Precision::fp32)) == 384);
  CHECK(human_bytes(512 * 1024) == "512.0 KiB");
}  // TEST_SUITE("cli/heads")

TEST_SUITE_END();
