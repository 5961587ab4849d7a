// A model's run as a hostile user makes it, through the real binary: a model or an input too large for
// the memory (refused before a weight is read, with both numbers), an allocation that fails inside a
// parallel loop anyway, weights that are not finite or overflow float32, token ids beside a tokenizer
// that cannot be used, and bench's own peak memory under a large parent.
#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>

#include "tests/app/hostile_model.hpp"

using namespace hostile;

namespace {

// Llama 3.1 8B's shapes in BF16 with `layers` layers, the data a hole in a sparse file.
void write_llama8b_bf16(const fs::path& dir, int layers) {
  fs::create_directories(dir);
  const std::uint64_t V = 128256, E = 4096, H = 32, G = 8, hd = 128, M = 14336;
  write_all(dir / "config.json", nlohmann::json({{"model_type", "llama"},
                                                 {"vocab_size", V},
                                                 {"hidden_size", E},
                                                 {"num_hidden_layers", layers},
                                                 {"num_attention_heads", H},
                                                 {"num_key_value_heads", G},
                                                 {"intermediate_size", M},
                                                 {"max_position_embeddings", 131072},
                                                 {"rms_norm_eps", 1e-5},
                                                 {"rope_theta", 500000.0},
                                                 {"tie_word_embeddings", false}})
                                     .dump());
  HeaderWriter file(dir / "model.safetensors");
  const auto add = [&](const std::string& name, std::vector<std::uint64_t> shape) {
    std::uint64_t n = 1;
    for (const auto d : shape) n *= d;
    file.tensor(name, "BF16", shape, 2 * n);
  };
  add("model.embed_tokens.weight", {V, E});
  for (int l = 0; l < layers; ++l) {
    const std::string h = "model.layers." + std::to_string(l) + ".";
    add(h + "input_layernorm.weight", {E}), add(h + "post_attention_layernorm.weight", {E});
    add(h + "self_attn.q_proj.weight", {H * hd, E}), add(h + "self_attn.k_proj.weight", {G * hd, E});
    add(h + "self_attn.v_proj.weight", {G * hd, E}), add(h + "self_attn.o_proj.weight", {E, H * hd});
    add(h + "mlp.gate_proj.weight", {M, E}), add(h + "mlp.up_proj.weight", {M, E}),
        add(h + "mlp.down_proj.weight", {E, M});
  }
  add("model.norm.weight", {E}), add("lm_head.weight", {V, E});
  file.finish();
}

}  // namespace

TEST_SUITE("cli/hostile-model-sizes") {
  TEST_CASE("a model larger than the memory it may use is refused before a weight is read") {
    // Llama 3.1 8B's shapes in BF16, 16 GB of data that is a hole in a sparse file.
    const TempDir work;
    const fs::path dir = work / "llama8b";
    write_llama8b_bf16(dir, 32);
    REQUIRE(fs::file_size(dir / "model.safetensors") > (std::uint64_t{14} << 30));
    const RunOptions limited = within(kLimit).with("ATTNLAB_MEMORY_LIMIT=8192");
    for (const char* command : {"compute", "bench"}) {
      std::vector<std::string> args{command, "--model", dir.string(), "--token-ids", "1,2,3"};
      const std::vector<std::string> tail = std::string(command) == "bench"
                                                ? std::vector<std::string>{"--json"}
                                                : std::vector<std::string>{"--print", "--backend", "cpu"};
      args.insert(args.end(), tail.begin(), tail.end());
      const RunResult r = check_refused(args,
                                        {dir.string(), "over 3 tokens", "needs about", "more than the 8.0 GiB",
                                         "ATTNLAB_MEMORY_LIMIT", "its weights alone take"},
                                        2, limited);
      // The weights' 8.0 billion values take 15.0 GiB in BF16, read in place: the estimate is that and
      // the pass's few hundred MiB, not the 29.9 GiB of float32 copies.
      const std::size_t at = r.err.find("needs about ");
      REQUIRE(at != std::string::npos);
      const double gib = std::stod(r.err.substr(at + 12));
      CHECK(gib >= 14.9);
      CHECK(gib < 16.5);
      CHECK(contains(r.err.substr(at), "GiB of memory"));
    }
  }

  TEST_CASE("a config whose 16-bit weights claim more than the machine's memory is refused without a limit") {
    // As many 8B-shaped layers as make twice this machine's memory in BF16 (436 MB each): the data is
    // a hole, never read, and the process stays the size of the program.
    std::ifstream meminfo("/proc/meminfo");
    std::string key;
    double total_kib = 0;
    while (meminfo >> key >> total_kib && key != "MemTotal:") meminfo.ignore(256, '\n');
    REQUIRE(key == "MemTotal:");
    const int layers = static_cast<int>(2 * total_kib * 1024 / 436e6) + 1;
    const TempDir work;
    write_llama8b_bf16(work / "big", layers);
    check_refused({"bench", "--model", (work / "big").string(), "--token-ids", "1,2,3", "--json"},
                  {"over 3 tokens", "needs about", "available", "its weights alone take"}, 2, within(kLimit));
  }

  TEST_CASE("50,000 tokens whose layer's score matrices would not fit are refused up front; the pass alone is O(L)") {
    const TempDir work;
    TinySpec s;
    s.model_type = "llama", s.hidden = 16, s.heads = 2, s.kv_heads = 1, s.intermediate = 24, s.positions = 65536;
    write_tiny_model(make_tiny_model(s), work / "m");
    std::string ids = "1";
    for (int i = 1; i < 50000; ++i) ids += ",1";
    // compute and export show a layer, with every head's full trace: refused before a weight is read.
    const RunOptions limited = within(kLimit).with("ATTNLAB_MEMORY_LIMIT=4096");
    const std::vector<std::string> parts{"over 50000 tokens", "needs about", "score matrices", "50000×50000"};
    const std::vector<std::string> input{"--model", (work / "m").string(), "--token-ids", ids};
    const auto with = [&](std::vector<std::string> command, const std::vector<std::string>& tail) {
      command.insert(command.end(), input.begin(), input.end());
      command.insert(command.end(), tail.begin(), tail.end());
      return command;
    };
    check_refused(with({"compute"}, {"--backend", "cpu", "--dump", (work / "dump").string()}), parts, 2, limited);
    check_refused(with({"export"}, {"--stage", "weights", "--backend", "cpu", "--out", (work / "x.png").string()}),
                  parts, 2, limited);
    CHECK_FALSE(fs::exists(work / "dump"));
    CHECK_FALSE(fs::exists(work / "x.png"));
    // bench runs the pass alone: what it keeps of every layer is then the largest part.
    check_refused({"bench", "--model", (work / "m").string(), "--token-ids", ids, "--json"},
                  {"over 50000 tokens", "the Q, K and V its 2 layers keep alone take"}, 2,
                  within(kLimit).with("ATTNLAB_MEMORY_LIMIT=16"));
    // The forward pass alone runs its attention output-only: 20,000 tokens, whose two heads' score
    // matrices (1.6 GB each) once made the pass itself need 3 GiB, now fit in 256 MiB.
    if (!kSanitized) {
      std::string some = "1";
      for (int i = 1; i < 20000; ++i) some += "," + std::to_string(i % 41);
      const RunResult r = run_attnlab({"bench", "--model", (work / "m").string(), "--token-ids", some, "--repeat", "1",
                                       "--json"},
                                      within(kLimit).with("ATTNLAB_MEMORY_LIMIT=256"));
      INFO(r.err);
      REQUIRE(r.status == 0);
      const auto j = nlohmann::json::parse(r.out);
      CHECK(j["tokens"] == 20000);
      CHECK(j["peak_rss_mib"].get<double>() < 256);
      CHECK(j["estimated_peak_mib"].get<double>() >= j["peak_rss_mib"].get<double>());
    }
    // Past the estimate (a limit of a terabyte), an allocation that fails is an error the program
    // reports (exit 1, one line), not an abort.
    if (kSanitized) return;  // the sanitizers reserve more address space than any limit here allows
    const RunResult r = run_program("/bin/sh",
                                    {"-c", "ulimit -v 4194304; exec \"$0\" \"$@\"", ATTNLAB_BIN, "compute", "--model",
                                     (work / "m").string(), "--token-ids", ids, "--backend", "cpu", "--print"},
                                    within(kLimit).with("ATTNLAB_MEMORY_LIMIT=1048576").with("OMP_NUM_THREADS=2"));
    INFO(r.err);
    CHECK_FALSE(r.timed_out);
    CHECK(r.status == 1);
    CHECK(r.err_lines().size() == 1);
    CHECK(r.err.starts_with("attnlab: "));
    CHECK(r.out.empty());
  }
}

TEST_SUITE("cli/hostile-model-values") {
  TEST_CASE("a NaN or an infinity in the weights is refused naming the tensor and the element") {
    const TempDir work;
    TinySpec s;
    s.model_type = "llama", s.hidden = 16, s.heads = 2, s.kv_heads = 1, s.intermediate = 24;
    const auto broken = [&](const std::string& folder, DT dtype, const std::string& tensor, std::size_t at,
                            double value) {
      s.dtype = dtype;
      TinyModel m = make_tiny_model(s);
      for (auto& [name, t] : m.tensors)
        if (name == tensor) t.values[at] = value;
      write_tiny_model(m, work / folder);
      return work / folder;
    };
    check_every_command_refuses(broken("nan", DT::f32, "model.embed_tokens.weight", 3 * 16 + 5, NAN),
                                {"--token-ids", "1,2"},
                                {"model.safetensors", "tensor 'model.embed_tokens.weight' holds NaN at [3, 5]"});
    check_every_command_refuses(broken("inf", DT::bf16, "model.layers.1.input_layernorm.weight", 2, INFINITY),
                                {"--token-ids", "1,2"}, {"'model.layers.1.input_layernorm.weight' holds +inf at [2]"});
    // 1e5 is past float16's largest value, 65504: the file holds +inf.
    check_every_command_refuses(broken("f16", DT::f16, "model.layers.0.mlp.down_proj.weight", 7, -1e5),
                                {"--token-ids", "1,2"}, {"'model.layers.0.mlp.down_proj.weight' holds -inf at [0, 7]"});
  }

  TEST_CASE("finite weights whose activations overflow float32 are refused naming the layer") {
    const TempDir work;
    TinySpec s;
    s.model_type = "llama", s.hidden = 16, s.heads = 2, s.kv_heads = 1, s.intermediate = 24;
    TinyModel m = make_tiny_model(s);
    for (auto& [name, t] : m.tensors)
      if (name == "model.layers.1.mlp.gate_proj.weight" || name == "model.layers.1.mlp.up_proj.weight")
        for (double& v : t.values) v = 1e30;
    write_tiny_model(m, work / "m");
    check_every_command_refuses(work / "m", {"--token-ids", "1,2,3"}, {"overflows float32 in layer 1"});
  }

  TEST_CASE("--token-ids need no tokenizer: one that cannot be used leaves the ids as labels") {
    const TempDir work;
    tiny_llama(work / "wordpiece");
    write_all(work / "wordpiece" / "tokenizer.json", R"({"model": {"type": "WordPiece", "vocab": {"a": 0}}})");
    tiny_llama(work / "stray");
    write_all(work / "stray" / "merges.txt", "a b\n");  // GPT-2's second file without its first
    for (const char* folder : {"wordpiece", "stray"}) {
      const fs::path model = work / folder;
      RunResult r = run_attnlab({"compute", "--model", model.string(), "--token-ids", "1,2,3", "--backend", "cpu",
                                 "--dump", (work / (std::string(folder) + "-out")).string()},
                                within(kLimit));
      INFO(std::string(folder) << ": " << r.err);
      REQUIRE(r.status == 0);
      CHECK(read_all(work / (std::string(folder) + "-out") / "tokens.csv") == "index,id,text\n0,1,1\n1,2,2\n2,3,3\n");
      // Said once, naming the file that could not be used.
      CHECK(r.err_lines().size() == 1);
      CHECK(r.err.starts_with("attnlab: note: the tokens are labelled with their ids: "));
      CHECK(contains(r.err, std::string(folder) == "wordpiece" ? "tokenizer.json" : "merges.txt"));
      r = run_attnlab({"bench", "--model", model.string(), "--token-ids", "1,2,3", "--repeat", "1", "--json"},
                      within(kLimit));
      REQUIRE(r.status == 0);
      CHECK(r.err.empty());
      // A text needs the tokenizer: then the file that cannot be used is named.
      check_refused({"compute", "--model", model.string(), "--text", "a", "--backend", "cpu", "--print"},
                    {std::string(folder) == "wordpiece" ? "tokenizer.json" : "merges.txt"});
    }
  }
}

TEST_SUITE("cli/hostile-model-runs") {
  TEST_CASE("the estimate that refuses a model is never below the peak bench measures") {
    // A Llama whose weights (18.5 million, all zero: the data is a hole) and whose 1,000 tokens' score
    // matrices and kept Q, K, V outweigh the program itself, in F32 and BF16 (both read in place).
    if (kSanitized) return;  // their shadow memory is no part of the estimate
    const TempDir work;
    for (const char* dtype : {"F32", "BF16"}) {
      const fs::path dir = work / dtype;
      fs::create_directories(dir);
      const std::uint64_t V = 8000, E = 512, M = 1024, size = std::string(dtype) == "F32" ? 4 : 2;
      write_all(dir / "config.json", nlohmann::json({{"model_type", "llama"},
                                                     {"vocab_size", V},
                                                     {"hidden_size", E},
                                                     {"num_hidden_layers", 4},
                                                     {"num_attention_heads", 8},
                                                     {"num_key_value_heads", 8},
                                                     {"intermediate_size", M},
                                                     {"max_position_embeddings", 4096}})
                                         .dump());
      HeaderWriter file(dir / "model.safetensors");
      const auto add = [&](const std::string& name, std::vector<std::uint64_t> shape) {
        file.tensor(name, dtype, shape, size * (shape.size() == 2 ? shape[0] * shape[1] : shape[0]));
      };
      add("model.embed_tokens.weight", {V, E});
      for (int l = 0; l < 4; ++l) {
        const std::string h = "model.layers." + std::to_string(l) + ".";
        add(h + "input_layernorm.weight", {E}), add(h + "post_attention_layernorm.weight", {E});
        for (const char* p : {"q", "k", "v", "o"}) add(h + "self_attn." + p + "_proj.weight", {E, E});
        add(h + "mlp.gate_proj.weight", {M, E});
        add(h + "mlp.up_proj.weight", {M, E});
        add(h + "mlp.down_proj.weight", {E, M});
      }
      add("model.norm.weight", {E}), add("lm_head.weight", {V, E});
      file.finish();
      std::string ids = "1";
      for (int i = 1; i < 1000; ++i) ids += "," + std::to_string(i);
      const RunResult r = run_attnlab({"bench", "--model", dir.string(), "--token-ids", ids, "--repeat", "1", "--json"},
                                      within(kLimit).with("OMP_NUM_THREADS=2"));
      INFO(dtype << ": " << r.err);
      REQUIRE(r.status == 0);
      const auto j = nlohmann::json::parse(r.out);
      const double measured = j["peak_rss_mib"].get<double>(), estimated = j["estimated_peak_mib"].get<double>();
      CAPTURE(measured);
      CAPTURE(estimated);
      // The weights, read in place at their size in the file, are part of the peak (70.6 MiB in F32,
      // 35.3 in BF16), not the program alone.
      CHECK(measured > static_cast<double>(fs::file_size(dir / "model.safetensors")) / (1 << 20));
      CHECK(estimated >= measured);
    }
  }

  TEST_CASE("bench --model's peak_rss_mib is its own peak, not a large parent's") {
    const TempDir work;
    tiny_llama(work / "m");
    // A parent of 300 MiB starts bench: the peak that getrusage reports carries the parent's across the
    // spawn (the child's own rusage here shows it), while bench must report its own.
    const pid_t parent = ::fork();
    REQUIRE(parent >= 0);
    if (parent == 0) {
      std::vector<char> ballast(std::size_t{300} << 20, 1);
      const RunResult r =
          run_attnlab({"bench", "--model", (work / "m").string(), "--token-ids", "1,2,3", "--repeat", "1", "--json"},
                      within(kLimit));
      write_all(work / "bench.json", r.out);
      write_all(work / "rusage.txt", std::to_string(r.peak_rss_mib) + " " + std::to_string(ballast[12345]));
      ::_exit(r.status);
    }
    int status = 0;
    REQUIRE(::waitpid(parent, &status, 0) == parent);
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
    const double rusage_mib = std::stod(read_all(work / "rusage.txt"));
    const double reported = nlohmann::json::parse(read_all(work / "bench.json"))["peak_rss_mib"].get<double>();
    CHECK(reported > 0);
    CHECK_MESSAGE(rusage_mib > 300, "the parent's peak did not reach the child's rusage: this test tests nothing");
    if (!kSanitized) CHECK_MESSAGE(reported < 150, "bench reports " << reported << " MiB");
  }
}
