// Model folders as a hostile user makes them, through the real binary: files that are no files or
// change while they are read, sizes that would fill the memory (sparse files, headers and JSON of
// absurd length, counts that wrap), and tables of hundreds of thousands of names. Each refusal comes
// at once (every run has a time limit, so that a hang fails instead of stalling the suite), as one
// line with exit 2, nothing written, and the refused process small.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bit>
#include <cmath>
#include <cstring>

#include "tests/app/hostile_model.hpp"

using namespace hostile;

TEST_SUITE("cli/hostile-model-files") {
  TEST_CASE("a FIFO as model.safetensors or as a shard is refused by name, at once, by every command") {
    const TempDir work;
    tiny_llama(work / "m");
    fs::remove(work / "m" / "model.safetensors");
    REQUIRE(::mkfifo((work / "m" / "model.safetensors").c_str(), 0600) == 0);
    check_every_command_refuses(work / "m", {"--token-ids", "1,2"}, {"model.safetensors", "FIFO"});

    TinySpec s;
    s.model_type = "llama", s.hidden = 16, s.heads = 2, s.kv_heads = 1, s.intermediate = 24, s.shards = 2;
    write_tiny_model(make_tiny_model(s), work / "sharded");
    const fs::path shard = work / "sharded" / "model-00002-of-00002.safetensors";
    fs::remove(shard);
    REQUIRE(::mkfifo(shard.c_str(), 0600) == 0);
    check_every_command_refuses(work / "sharded", {"--token-ids", "1,2"}, {"model-00002-of-00002.safetensors", "FIFO"});
  }

  TEST_CASE("a safetensors header length of gigabytes is refused before a byte of it is read") {
    const TempDir work;
    tiny_llama(work / "m");
    // A sparse file of 3 GiB whose header length says all of it is header.
    const std::uint64_t size = std::uint64_t{3} << 30;
    sparse_file(work / "m" / "model.safetensors", le_bytes(size - 8, 8), size);
    check_every_command_refuses(work / "m", {"--token-ids", "1,2"},
                                {"model.safetensors", "header length 3221225464", "100000000 bytes"});
  }

  TEST_CASE("config.json and the index: refused by size before they are read") {
    const TempDir work;
    tiny_llama(work / "m");
    sparse_file(work / "m" / "config.json", "{", std::uint64_t{7} << 30);
    check_every_command_refuses(work / "m", {"--token-ids", "1,2"}, {"config.json", "7.0 GiB", "16.0 MiB"});

    TinySpec s;
    s.model_type = "llama", s.hidden = 16, s.heads = 2, s.kv_heads = 1, s.intermediate = 24, s.shards = 2;
    write_tiny_model(make_tiny_model(s), work / "sharded");
    sparse_file(work / "sharded" / "model.safetensors.index.json", "{", std::uint64_t{1} << 30);
    check_every_command_refuses(work / "sharded", {"--token-ids", "1,2"},
                                {"model.safetensors.index.json", "1.0 GiB", "64.0 MiB"});
  }

  TEST_CASE("JSON of a million empty objects is refused by its count before it is parsed") {
    const TempDir work;
    tiny_llama(work / "m");
    std::string values = "{\"model_type\": \"llama\", \"x\": [";
    for (int i = 0; i <= (1 << 20); ++i) values += i ? ",{}" : "{}";
    write_all(work / "m" / "config.json", values + "]}");
    check_every_command_refuses(work / "m", {"--token-ids", "1,2"}, {"config.json", "more than 1048576 JSON values"});
    // tokenizer.json may hold more, as long as the machine can parse them: here it may not.
    tiny_llama(work / "t");
    write_all(work / "t" / "tokenizer.json", "{\"x\": [" + values.substr(values.find('[') + 1) + "]}");
    check_every_command_refuses(work / "t", {"--text", "hi"},
                                {"tokenizer.json", "1048579 JSON values", "needs about", "ATTNLAB_MEMORY_LIMIT"},
                                within(kLimit).with("ATTNLAB_MEMORY_LIMIT=64"));
  }

  TEST_CASE("an index naming a shard with a NUL or another control byte is refused") {
    const TempDir work;
    TinySpec s;
    s.model_type = "llama", s.hidden = 16, s.heads = 2, s.kv_heads = 1, s.intermediate = 24, s.shards = 2;
    write_tiny_model(make_tiny_model(s), work / "m");
    const fs::path index = work / "m" / "model.safetensors.index.json";
    nlohmann::json j = nlohmann::json::parse(read_all(index));
    for (const std::string& shard :
         {std::string("model-00001-of-00002.safetensors\0x", 34), std::string("a\x1b[2Jb")}) {
      j["weight_map"]["model.norm.weight"] = shard;
      write_all(index, j.dump());
      check_every_command_refuses(work / "m", {"--token-ids", "1,2"},
                                  {"model.norm.weight", "not a file name in the folder", "control characters"});
    }
  }

  TEST_CASE("export --out naming a FIFO is refused, and the FIFO stays one") {
    const TempDir work;
    tiny_llama(work / "m");
    const fs::path fifo = work / "figure.png";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    check_refused({"export", "--model", (work / "m").string(), "--token-ids", "1,2", "--stage", "weights", "--backend",
                   "cpu", "--out", fifo.string()},
                  {"cannot write", "figure.png", "FIFO"}, 1);
    check_refused({"export", "--random", "--lq", "3", "--lk", "3", "--stage", "weights", "--out", fifo.string()},
                  {"cannot write", "FIFO"}, 1);
    struct stat st {};
    REQUIRE(::lstat(fifo.c_str(), &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));
    CHECK(listing(work.path()) == std::set<std::string>{"m", "figure.png"});
  }

  TEST_CASE("a weights file truncated while the program reads it: one line and exit 1, not a SIGBUS") {
    // The truncation comes exactly between the mapping and the first read of it: the program runs under
    // ptrace, stopped at each system call until its mappings hold the weights file.
    const TempDir work;
    tiny_llama(work / "m");
    const fs::path weights = work / "m" / "model.safetensors";
    const fs::path err_path = work / "stderr";
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      ::ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
      std::freopen("/dev/null", "w", stdout);
      std::freopen(err_path.c_str(), "w", stderr);
      ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);  // no restart of itself: one exec to follow
      const std::string model = (work / "m").string();
      ::execl(ATTNLAB_BIN, ATTNLAB_BIN, "compute", "--model", model.c_str(), "--token-ids", "1,2", "--backend", "cpu",
              "--print", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);  // stopped at its exec
    REQUIRE(WIFSTOPPED(status));
    ::ptrace(PTRACE_SETOPTIONS, child, nullptr,
             reinterpret_cast<void*>(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_EXITKILL));
    bool truncated = false;
    long pending = 0;  // a signal for the program, passed on at the next step
    while (!truncated) {
      REQUIRE(::ptrace(PTRACE_SYSCALL, child, nullptr, reinterpret_cast<void*>(pending)) == 0);
      REQUIRE(::waitpid(child, &status, 0) == child);
      REQUIRE_MESSAGE(WIFSTOPPED(status), "the program ended before it mapped its weights");
      pending = 0;
      if (status >> 16 != 0) continue;  // an event (an exec): nothing to pass on
      if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
        pending = WSTOPSIG(status);  // the program's own signal
        continue;
      }
      if (!contains(read_all("/proc/" + std::to_string(child) + "/maps"), weights.string())) continue;
      fs::resize_file(weights, 0);
      truncated = true;
    }
    REQUIRE(::ptrace(PTRACE_DETACH, child, nullptr, nullptr) == 0);
    REQUIRE(::waitpid(child, &status, 0) == child);
    const std::string err = read_all(err_path);
    INFO(err);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 1);
    CHECK(err == "attnlab: " + weights.string() +
                     ": the file changed while it was read (it is shorter than when it was opened)\n");
  }
}

TEST_SUITE("cli/hostile-model-config") {
  TEST_CASE("absurd layer, head and width counts are refused naming the key, the value and the range") {
    const TempDir work;
    tiny_llama(work / "m");
    const fs::path config = work / "m" / "config.json";
    const nlohmann::json good = nlohmann::json::parse(read_all(config));
    const auto with = [&](const nlohmann::json& changes) {
      nlohmann::json c = good;
      c.update(changes);
      write_all(config, c.dump());
    };
    with({{"num_hidden_layers", std::uint64_t{1} << 40}});
    check_every_command_refuses(work / "m", {"--token-ids", "1,2"},
                                {"config.json", "num_hidden_layers 1099511627776 is out of range: 1 to 1024"});
    // A Mistral's window covers every layer: the list of sliding layers was the allocation that failed.
    with({{"model_type", "mistral"}, {"sliding_window", 4}, {"num_hidden_layers", std::uint64_t{1} << 40}});
    check_every_command_refuses(work / "m", {"--token-ids", "1,2"}, {"num_hidden_layers 1099511627776"});
    // heads × head_dim = 2³², which wraps a 32-bit size to 0.
    with({{"num_attention_heads", 2}, {"num_key_value_heads", 2}, {"head_dim", std::uint64_t{1} << 31}});
    check_every_command_refuses(work / "m", {"--token-ids", "1,2"}, {"config.json", "head_dim 2147483648"});
    with({{"num_attention_heads", 65536}});
    check_every_command_refuses(work / "m", {"--token-ids", "1,2"}, {"num_attention_heads 65536 is out of range"});
    with({{"vocab_size", std::uint64_t{1} << 40}});
    check_every_command_refuses(work / "m", {"--token-ids", "1,2"}, {"vocab_size 1099511627776 is out of range"});
    with({{"intermediate_size", std::uint64_t{1} << 33}});
    check_every_command_refuses(work / "m", {"--token-ids", "1,2"}, {"intermediate_size 8589934592 is out of range"});
  }

  TEST_CASE("300,000 tensors in one header, or 300,000 names in the index, are found by name") {
    const TempDir work;
    // The tiny model's tensors and 300,000 empty ones beside them, in one file … (a tenth of them under
    // the sanitizers, which check the same code ten times slower: the time is the plain build's concern)
    const int extra = kSanitized ? 30000 : 300000;
    const TinyModel tiny = tiny_llama(work / "one");
    {
      HeaderWriter file(work / "one" / "model.safetensors");
      std::string data;
      for (const auto& [name, t] : tiny.tensors) {
        std::string bytes;
        for (const double v : t.values) bytes += le_bytes(std::bit_cast<std::uint32_t>(static_cast<float>(v)), 4);
        file.tensor(name, "F32", t.shape, bytes.size());
        data += bytes;
      }
      for (int i = 0; i < extra; ++i) file.tensor("extra." + std::to_string(i), "F32", {0}, 0);
      file.finish(data);
    }
    // … and in shards: the index names every extra tensor, all in the second shard.
    fs::create_directories(work / "sharded");
    fs::copy_file(work / "one" / "config.json", work / "sharded" / "config.json");
    write_all(work / "sharded" / "model-1.safetensors", safetensors_bytes(tiny.tensors, DT::f32));
    {
      HeaderWriter file(work / "sharded" / "model-2.safetensors");
      for (int i = 0; i < extra; ++i) file.tensor("extra." + std::to_string(i), "F32", {0}, 0);
      file.finish();
      std::ofstream index(work / "sharded" / "model.safetensors.index.json");
      index << "{\"weight_map\": {";
      for (const auto& [name, t] : tiny.tensors) index << nlohmann::json(name).dump() << ": \"model-1.safetensors\", ";
      for (int i = 0; i < extra; ++i) index << (i ? ", " : "") << "\"extra." << i << "\": \"model-2.safetensors\"";
      index << "}}";
    }
    // Both give the same weights as the tiny model alone.
    write_tiny_model(tiny, work / "plain");
    std::string plain;
    for (const char* folder : {"plain", "one", "sharded"}) {
      const RunResult r = run_attnlab(
          {"compute", "--model", (work / folder).string(), "--token-ids", "1,2,3", "--backend", "cpu", "--print"},
          within(kLimit));
      INFO(std::string(folder) << ": " << r.err);
      CHECK_FALSE(r.timed_out);
      REQUIRE(r.status == 0);
      if (plain.empty()) plain = r.out;
      CHECK(r.out == plain);
      if (!kSanitized) CHECK_MESSAGE(r.peak_rss_mib < 512, folder << ": peak " << r.peak_rss_mib << " MiB");
    }
  }

  TEST_CASE("Qwen2's max_window_layers 0 slides every layer, as transformers reads it") {
    const TempDir work;
    TinySpec s;
    s.model_type = "qwen2", s.hidden = 16, s.heads = 2, s.kv_heads = 1, s.intermediate = 24, s.window = 2;
    s.max_window_layers = 0;
    write_tiny_model(make_tiny_model(s), work / "m");
    const RunResult r = run_attnlab({"compute", "--model", (work / "m").string(), "--token-ids", "1,2,3,4", "--layer",
                                     "0", "--backend", "cpu", "--dump", (work / "out").string()},
                                    within(kLimit));
    INFO(r.err);
    REQUIRE(r.status == 0);
    // Layer 0 slides: query i sees keys i − 1 and i only.
    const std::string masked = read_all(work / "out" / "masked.npy");
    const std::size_t start = 10 + (static_cast<unsigned char>(masked[8]) | static_cast<unsigned char>(masked[9]) << 8);
    for (std::size_t i = 0; i < 4; ++i)
      for (std::size_t j = 0; j < 4; ++j) {
        float v;
        std::memcpy(&v, masked.data() + start + 4 * (4 * i + j), 4);
        CHECK_MESSAGE(std::isinf(v) == !(j + 2 > i && j <= i), "cell " << i << "," << j);
      }
  }
}
