// The real binary with --model (models.md): compute's files against the float64 reference, export's
// figures of a layer and of every layer, bench's JSON; and every error a user can cause with a model
// folder or its options: exit 2, one line naming the file and what is wrong, nothing written.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "core/io/npy.hpp"
#include "tests/app/model_dump_checks.hpp"
#include "tests/cli_run.hpp"
#include "tests/heads/reference_scores.hpp"
#include "tests/model/reference_forward.hpp"
#include "tests/png_image.hpp"
#include "tests/svg_check.hpp"

using namespace cli_test;
using namespace model_test;

namespace {

// Base64 as RFC 4648 writes it, decoded: what an SVG's data URI holds.
std::string base64_decoded(const std::string& text) {
  const std::string digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned bits = 0;
  int held = 0;
  for (const char c : text) {
    const auto v = digits.find(c);
    if (v == std::string::npos) break;  // '=' ends it
    bits = bits << 6 | static_cast<unsigned>(v), held += 6;
    if (held >= 8) held -= 8, out += static_cast<char>(bits >> held & 0xff);
  }
  return out;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::set<std::string> listing(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

std::string join_ids(const std::vector<long>& ids) {
  std::string s;
  for (long id : ids) s += (s.empty() ? "" : ",") + std::to_string(id);
  return s;
}

TinySpec gqa_llama() {
  TinySpec s;
  s.model_type = "llama", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40, s.llama3 = true;
  return s;
}

const std::vector<long> kIds{3, 17, 0, 40, 9, 9, 22, 5, 31, 12};

// The failure contract: status 2, one line "attnlab: …" naming each of `mentions`, nothing on stdout.
void check_error(const RunResult& r, const std::vector<std::string>& mentions) {
  INFO("command: " << r.command);
  INFO("stderr: " << r.err);
  CHECK(r.status == 2);
  CHECK(r.err_lines().size() == 1);
  CHECK(r.err.starts_with("attnlab: "));
  for (const auto& m : mentions) CHECK_MESSAGE(contains(r.err, m), "the message does not mention '" << m << "'");
  CHECK(r.out.empty());
}

// An error of compute --model …: also, the dump directory is not created, and an earlier dump in
// another stays as it was.
void check_compute_error(const std::vector<std::string>& args, const std::vector<std::string>& mentions) {
  const TempDir work;
  std::vector<std::string> full{"compute"};
  full.insert(full.end(), args.begin(), args.end());
  full.insert(full.end(), {"--backend", "cpu", "--dump", (work / "dump").string()});
  check_error(run_attnlab(full), mentions);
  CHECK_MESSAGE(!fs::exists(work / "dump"), "the dump directory was created");
  fs::create_directories(work / "old");
  write_all(work / "old" / "weights.npy", "earlier");
  full.back() = (work / "old").string();
  check_error(run_attnlab(full), mentions);
  CHECK(read_all(work / "old" / "weights.npy") == "earlier");
  CHECK(listing(work / "old") == std::set<std::string>{"weights.npy"});
}

}  // namespace

TEST_SUITE("cli/model") {
  TEST_CASE("compute --model --dump: the stages, Q, K and V after RoPE, the tokens and the next tokens") {
    const TempDir work;
    const TinyModel tiny = make_tiny_model(gqa_llama());
    write_tiny_model(tiny, work / "llama");
    const RefForward ref = reference_forward(tiny, kIds);
    const RunResult r = run_attnlab({"compute", "--model", (work / "llama").string(), "--token-ids", join_ids(kIds),
                                     "--layer", "1", "--backend", "cpu", "--dump", (work / "out").string()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    CHECK(listing(work / "out") == std::set<std::string>{"scores.npy", "scaled.npy", "masked.npy", "weights.npy",
                                                         "output.npy", "stats.csv", "q.npy", "k.npy", "v.npy",
                                                         "rollout.npy", "tokens.csv", "next.csv"});
    // rollout.npy: every layer's heads, as heads.md defines it (the float64 reference_rollout).
    std::vector<std::vector<heads_test::Weights>> layers;
    for (const RefLayer& layer : ref.layers) layers.push_back(layer.weights);
    const heads_test::Weights rollout = heads_test::reference_rollout(layers);
    const attnlab::Array dumped = attnlab::parse_npy(read_all(work / "out" / "rollout.npy"), "rollout.npy");
    REQUIRE(dumped.shape == std::vector<long>{static_cast<long>(kIds.size()), static_cast<long>(kIds.size())});
    for (std::size_t i = 0; i < kIds.size(); ++i)
      for (std::size_t j = 0; j < kIds.size(); ++j)
        CHECK(dumped.data[i * kIds.size() + j] == doctest::Approx(rollout[i][j]).epsilon(1e-5).scale(1));
    const long hd = 8;
    std::vector<Rows> q, k, v, weights;
    for (long h = 0; h < 4; ++h) q.push_back(head_of(ref.layers[1].q, h, hd));
    for (long g = 0; g < 2; ++g)
      k.push_back(head_of(ref.layers[1].k, g, hd)), v.push_back(head_of(ref.layers[1].v, g, hd));
    check_stack(work / "out" / "q.npy", q, 2e-5);
    check_stack(work / "out" / "k.npy", k, 2e-5);
    check_stack(work / "out" / "v.npy", v, 2e-5);
    // Query head h reads KV head ⌊h·2/4⌋; the model's own mask (causal) and scale (1/√8).
    for (long h = 0; h < 4; ++h)
      weights.push_back(
          ref_weights(q[h], k[h / 2], 1 / std::sqrt(8.0), [](std::size_t i, std::size_t j) { return j <= i; }));
    check_stack(work / "out" / "weights.npy", weights, 1e-5);

    const auto tokens = lines_of(read_all(work / "out" / "tokens.csv"));
    REQUIRE(tokens.size() == kIds.size() + 1);
    CHECK(tokens[0] == "index,id,text");
    CHECK(tokens[4] == "3,40,40");  // no tokenizer: the id is the text

    check_next_tokens(work / "out" / "next.csv", ref.logits);
  }

  TEST_CASE("--mask and --scale override the model's: what if it had no mask, no 1/√dk") {
    const TempDir work;
    const TinyModel tiny = make_tiny_model(gqa_llama());
    write_tiny_model(tiny, work / "llama");
    const RefForward ref = reference_forward(tiny, kIds);
    const RunResult r =
        run_attnlab({"compute", "--model", (work / "llama").string(), "--token-ids", join_ids(kIds), "--mask", "none",
                     "--scale", "none", "--backend", "cpu", "--dump", (work / "out").string()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    std::vector<Rows> weights;
    for (long h = 0; h < 4; ++h)
      weights.push_back(ref_weights(head_of(ref.layers[0].q, h, 8), head_of(ref.layers[0].k, h / 2, 8), 1.0,
                                    [](std::size_t, std::size_t) { return true; }));
    check_stack(work / "out" / "weights.npy", weights, 1e-5);
  }

  TEST_CASE("a sliding window is the layer's mask; GPT-2 without the prefix dumps one KV head per head") {
    const TempDir work;
    TinySpec s;
    s.model_type = "mistral", s.hidden = 32, s.heads = 4, s.kv_heads = 2, s.intermediate = 40, s.window = 3;
    write_tiny_model(make_tiny_model(s), work / "mistral");
    REQUIRE(run_attnlab({"compute", "--model", (work / "mistral").string(), "--token-ids", "1,2,3,4,5,6", "--backend",
                         "cpu", "--dump", (work / "out").string()})
                .status == 0);
    const attnlab::Array masked = attnlab::parse_npy(read_all(work / "out" / "masked.npy"), "masked");
    for (long i = 0; i < 6; ++i)
      for (long j = 0; j < 6; ++j)
        CHECK_MESSAGE(std::isinf(masked.data[static_cast<std::size_t>(i * 6 + j)]) == !(i - 3 < j && j <= i),
                      "cell " << i << "," << j);
    write_tiny_model(make_tiny_model({}), work / "gpt2");
    REQUIRE(run_attnlab({"compute", "--model", (work / "gpt2").string(), "--token-ids", "1,2,3", "--backend", "cpu",
                         "--dump", (work / "g").string()})
                .status == 0);
    CHECK(attnlab::parse_npy(read_all(work / "g" / "k.npy"), "k").shape == std::vector<long>{4, 3, 4});
  }

  TEST_CASE("export --model: one head titled with the folder, layer and head; every layer as rows of a grid") {
    const TempDir work;
    write_tiny_model(make_tiny_model(gqa_llama()), work / "tinyllama");
    const std::string model = (work / "tinyllama").string();
    const std::vector<std::string> base{"export",  "--model", model,       "--token-ids", "1,2,3,4,5",
                                        "--stage", "weights", "--backend", "cpu"};
    auto with = [&](std::vector<std::string> extra) {
      std::vector<std::string> a = base;
      a.insert(a.end(), extra.begin(), extra.end());
      return run_attnlab(a);
    };
    RunResult r = with({"--layer", "1", "--head", "3", "--out", (work / "one.svg").string()});
    INFO(r.err);
    REQUIRE(r.status == 0);
    const std::string one = read_all(work / "one.svg");
    CHECK(contains(one, "tinyllama"));
    CHECK(contains(one, "layer 1"));
    CHECK(contains(one, "head 3 of 4"));
    check_well_formed(work / "one.svg");

    r = with({"--layer", "all", "--head", "all", "--out", (work / "grid.svg").string()});
    REQUIRE(r.status == 0);
    const std::string grid = read_all(work / "grid.svg");
    for (int l = 0; l < 2; ++l)
      for (int h = 0; h < 4; ++h) CHECK(contains(grid, "layer " + std::to_string(l) + " head " + std::to_string(h)));
    CHECK(contains(grid, "layers (rows)"));
    CHECK(contains(grid, ">layer 1</text>"));  // each row titled with its layer
    check_well_formed(work / "grid.svg");

    r = with({"--layer", "all", "--head", "2", "--out", (work / "column.png").string()});
    REQUIRE(r.status == 0);
    CHECK(read_all(work / "column.png").starts_with("\x89PNG"));
    r = with({"--layer", "0", "--out", (work / "heads.svg").string()});  // one layer's heads, the default
    REQUIRE(r.status == 0);
    CHECK(contains(read_all(work / "heads.svg"), "tinyllama"));
  }

  TEST_CASE("export --model --layer all: the grid quotes the sentence; its SVG draws each thumbnail as one image") {
    const TempDir work;
    write_tiny_model(make_tiny_model(gqa_llama()), work / "tinyllama");
    const std::string model = (work / "tinyllama").string();
    const std::vector<std::string> base{"export",  "--model", model,       "--token-ids", "1,2,3,4,5",
                                        "--stage", "weights", "--backend", "cpu"};
    std::vector<std::string> args = base;
    args.insert(args.end(), {"--layer", "all", "--head", "all", "--out", (work / "grid.svg").string()});
    RunResult r = run_attnlab(args);
    INFO(r.err);
    REQUIRE(r.status == 0);
    const std::string grid = read_all(work / "grid.svg");
    check_well_formed(work / "grid.svg");
    CHECK(contains(grid, "class=\"sentence\""));
    CHECK_FALSE(contains(grid, "<rect class=\"cell"));  // no rect per cell
    // One image per panel, 2 layers × 4 heads; the first is layer 0's head 0, a pixel a cell, the colours
    // of export --plain of that head (one colour scale: weights on [0, 1]).
    std::vector<std::string> images;
    for (std::size_t at = grid.find("base64,"); at != std::string::npos; at = grid.find("base64,", at + 1))
      images.push_back(grid.substr(at + 7, grid.find('"', at) - at - 7));
    REQUIRE(images.size() == 8);
    args = base;
    args.insert(args.end(),
                {"--layer", "0", "--head", "0", "--plain", "--cell-px", "1", "--out", (work / "plain.png").string()});
    REQUIRE(run_attnlab(args).status == 0);
    const png_test::Image plain = png_test::load_png(work / "plain.png");
    const png_test::Image thumb = png_test::decode_png(base64_decoded(images[0]));
    REQUIRE(thumb.width == plain.width);
    REQUIRE(thumb.height == plain.height);
    CHECK(thumb.width == 5);
    for (int y = 0; y < thumb.height; ++y)
      for (int x = 0; x < thumb.width; ++x) CHECK(thumb.at(x, y) == plain.at(x, y));
  }

  TEST_CASE("bench --model --json: the forward pass's median, the load, memory, tokens and parameters") {
    const TempDir work;
    write_tiny_model(make_tiny_model({}), work / "gpt2");
    const RunResult r = run_attnlab(
        {"bench", "--model", (work / "gpt2").string(), "--token-ids", "1,2,3,4", "--repeat", "3", "--json"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    const auto j = nlohmann::json::parse(r.out);
    CHECK(j["median_ms"]["forward"].get<double>() > 0);
    CHECK(j["load_ms"].get<double>() > 0);
    CHECK(j["peak_rss_mib"].get<double>() > 0);
    CHECK(j["tokens"] == 4);
    const long E = 16, M = 24;
    CHECK(j["parameters"] == 41 * E + 24 * E + 2 * (4 * E + 3 * E * E + 3 * E + E * E + E + 2 * E * M + M + E) + 2 * E);
    CHECK(j["model_type"] == "gpt2");
  }
}

TEST_SUITE("cli/model-errors") {
  TEST_CASE("the folder: missing, without config.json, config.json not JSON, unsupported model_type") {
    const TempDir work;
    check_compute_error({"--model", (work / "absent").string(), "--token-ids", "1"}, {"absent", "does not exist"});
    fs::create_directories(work / "empty");
    check_compute_error({"--model", (work / "empty").string(), "--token-ids", "1"}, {"config.json", "cannot read"});
    write_tiny_model(make_tiny_model({}), work / "m");
    write_all(work / "m" / "config.json", "{\"model_type\": \"gpt2\" \"n_embd\": 4}");
    check_compute_error({"--model", (work / "m").string(), "--token-ids", "1"},
                        {"config.json", "not valid JSON at byte"});
    write_all(work / "m" / "config.json", "{\"model_type\": \"t5\"}");
    check_compute_error({"--model", (work / "m").string(), "--token-ids", "1"},
                        {"config.json", "'t5' is not supported", "gpt2, llama, mistral, qwen2"});
  }

  TEST_CASE("the weights: no file, a missing tensor, a shape apart from config.json, an unsupported dtype") {
    const TempDir work;
    TinyModel m = make_tiny_model({});
    write_tiny_model(m, work / "m");
    const std::string model = (work / "m").string();
    fs::remove(work / "m" / "model.safetensors");
    check_compute_error({"--model", model, "--token-ids", "1"}, {"no model.safetensors"});
    m.tensors.erase(m.tensors.begin() + 2);  // h.0.ln_1.weight
    write_tiny_model(m, work / "m");
    check_compute_error({"--model", model, "--token-ids", "1"}, {"model.safetensors", "no tensor 'h.0.ln_1.weight'"});
    m = make_tiny_model({});
    m.config["vocab_size"] = 40;
    write_tiny_model(m, work / "m");
    check_compute_error({"--model", model, "--token-ids", "1"}, {"'wte.weight' has shape [41, 16]", "[40, 16]"});
    m = make_tiny_model({});
    write_tiny_model(m, work / "m");
    std::string file = read_all(work / "m" / "model.safetensors");
    file.replace(file.find("\"F32\""), 5, "\"U32\"");
    write_all(work / "m" / "model.safetensors", file);
    check_compute_error({"--model", model, "--token-ids", "1"}, {"dtype U32"});
  }

  TEST_CASE("every rule of the safetensors header, broken in the model's file") {
    const TempDir work;
    write_tiny_model(make_tiny_model({}), work / "m");
    const std::string model = (work / "m").string();
    const std::string e = R"({"dtype":"F32","shape":[1],"data_offsets":[0,4]})";
    const std::vector<std::pair<std::string, std::vector<std::string>>> broken{
        {"\x01\x02", {"too short"}},
        {le_bytes(1000000, 8) + "{}", {"header length 1000000 is larger than the file"}},
        {raw_safetensors("{\"w\": [", 0), {"not valid JSON at byte"}},
        {raw_safetensors("[]", 0), {"not a JSON object"}},
        {raw_safetensors("{\"w\":" + e + ",\"w\":" + e + "}", 4), {"'w' appears twice"}},
        {raw_safetensors(R"({"w":{"dtype":"F32","shape":[1]}})", 4), {"no data_offsets"}},
        {raw_safetensors(R"({"w":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}})", 4),
         {"'Q4' is not a safetensors dtype"}},
        {raw_safetensors(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}})", 8), {"gap"}},
        {raw_safetensors(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", 4), {"needs 8"}},
        {raw_safetensors(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", 5), {"holds 5 bytes"}},
        {raw_safetensors(R"({"w":{"dtype":"F32","shape":[99999999999,99999999999],"data_offsets":[0,4]}})", 4),
         {"more bytes than any file can"}},
        {raw_safetensors(R"({"__metadata__":{"a":[]}})", 0), {"__metadata__"}},
    };
    for (const auto& [bytes, mentions] : broken) {
      write_all(work / "m" / "model.safetensors", bytes);
      std::vector<std::string> all = mentions;
      all.push_back("model.safetensors");
      check_compute_error({"--model", model, "--token-ids", "1"}, all);
    }
  }

  TEST_CASE("a shard missing from a sharded model") {
    const TempDir work;
    TinySpec s;
    s.shards = 2;
    write_tiny_model(make_tiny_model(s), work / "m");
    fs::remove(work / "m" / "model-00001-of-00002.safetensors");
    check_compute_error({"--model", (work / "m").string(), "--token-ids", "1"},
                        {"model-00001-of-00002.safetensors", "cannot read"});
  }

  TEST_CASE("the tokens: empty text, malformed ids, too many for the positions, an id outside the vocabulary") {
    const TempDir work;
    write_tiny_model(make_tiny_model({}), work / "m");
    const std::string model = (work / "m").string();
    check_compute_error({"--model", model, "--text", ""}, {"--text is empty"});
    check_compute_error({"--model", model, "--token-ids", ""}, {"--token-ids is empty"});
    check_compute_error({"--model", model, "--token-ids", "1,x,3"}, {"'x'"});
    check_compute_error({"--model", model, "--token-ids", "1,-2"}, {"'-2'"});
    check_compute_error({"--model", model, "--token-ids", "1,,2"}, {"''"});
    std::vector<long> many(25, 1);
    check_compute_error({"--model", model, "--token-ids", join_ids(many)},
                        {"25 tokens", "24 positions", "n_positions"});
    check_compute_error({"--model", model, "--token-ids", "0,41"}, {"token id 41", "0 to 40"});
  }

  TEST_CASE("--layer out of range, not a number, or all outside export") {
    const TempDir work;
    write_tiny_model(make_tiny_model({}), work / "m");
    const std::string model = (work / "m").string();
    check_compute_error({"--model", model, "--token-ids", "1", "--layer", "2"},
                        {"--layer 2 is out of range", "0 to 1"});
    check_compute_error({"--model", model, "--token-ids", "1", "--layer", "one"}, {"--layer 'one'"});
    check_compute_error({"--model", model, "--token-ids", "1", "--layer", "all"}, {"--layer all", "export"});
    check_error(run_attnlab({"export", "--model", model, "--token-ids", "1", "--layer", "9", "--stage", "weights",
                             "--out", (work / "x.png").string()}),
                {"--layer 9 is out of range"});
    check_error(run_attnlab({"export", "--model", model, "--token-ids", "1", "--layer", "all", "--plain", "--cell-px",
                             "4", "--stage", "weights", "--out", (work / "x.png").string()}),
                {"--plain draws one head of one layer"});
    check_error(run_attnlab({"export", "--model", model, "--token-ids", "1", "--head", "4", "--stage", "weights",
                             "--out", (work / "x.png").string()}),
                {"--head 4 is out of range", "0 to 3"});
    CHECK_FALSE(fs::exists(work / "x.png"));
  }

  TEST_CASE("options that do not go with a model, and model options without one") {
    const TempDir work;
    write_tiny_model(make_tiny_model({}), work / "m");
    const std::string model = (work / "m").string();
    check_compute_error({"--model", model, "--token-ids", "1", "--random"},
                        {"--model brings its own Q, K and V", "--random"});
    check_compute_error({"--model", model, "--token-ids", "1", "--example", "sentence"}, {"--example"});
    check_compute_error({"--model", model, "--token-ids", "1", "--q", "q.npy", "--k", "k.npy", "--v", "v.npy"},
                        {"--q/--k/--v"});
    for (const std::string option : {"--dk", "--dv", "--lq", "--lk", "--heads", "--kv-heads"})
      check_compute_error({"--model", model, "--token-ids", "1", option, "2"}, {option + " does not apply to a model"});
    check_compute_error({"--model", model}, {"--model needs its input: --text T or --token-ids LIST"});
    check_compute_error({"--model", model, "--token-ids", "1", "--text", "hi"},
                        {"--text and --token-ids: give one, not both"});
    check_compute_error({"--token-ids", "1"}, {"--token-ids applies to a model"});
    check_compute_error({"--text", "hi"}, {"--text applies to a model"});
    check_compute_error({"--layer", "1"}, {"--layer applies to a model"});
    check_error(run_attnlab({"bench", "--model", model, "--token-ids", "1", "--stages", "output"}),
                {"with --model, bench times the forward pass"});
    check_error(run_attnlab({"bench", "--model", model, "--token-ids", "1", "--layer", "0"}),
                {"--layer does not apply"});
    check_error(run_attnlab({"bench", "--model", model, "--token-ids", "99"}), {"token id 99"});
    check_error(run_attnlab({"gui", "--model", model, "--token-ids", "1", "--frames", "1"}),
                {"the window takes a model's input as --text T"});
  }
}
