#pragma once
// What the Hub tests share: tiny models as a Hub repo's files, a cache folder and the environment
// that points the real binary at it and at the fake Hub, and a look at the cache's tree.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/cli_run.hpp"
#include "tests/hub/fake_hub.hpp"
#include "tests/model/tiny_models.hpp"

namespace hub_test {

namespace fs = std::filesystem;

inline const std::string commit_a = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678";
inline const std::string commit_b = "b1b2c3d4e5f60718293a4b5c6d7e8f9012345678";

// A tiny GPT-2 whose weights pass a megabyte (its attention masks' buffers are 384 × 384 floats per
// layer): larger than libcurl's and the server's pieces, so that a download has a middle.
inline model_test::TinySpec large_spec() {
  model_test::TinySpec spec;
  spec.positions = 384;
  return spec;
}

// A GPT-2 tokenizer's own two files, a handful of tokens: "ab ab" is ab (4), Ġab (5).
inline std::map<std::string, std::string> gpt2_tokenizer_files() {
  return {{"vocab.json", R"({"a": 0, "b": 1, "c": 2, "Ġ": 3, "ab": 4, "Ġab": 5})"},
          {"merges.txt", "#version: 0.2\na b\nĠ ab\n"}};
}

// A tiny model's files as the Hub keeps them: config.json and the weights (LFS, through the CDN),
// with GPT-2's vocab.json and merges.txt.
inline std::map<std::string, HubFile> tiny_repo_files(model_test::TinySpec spec = {}, std::uint64_t seed = 1) {
  cli_test::TempDir dir;
  model_test::write_tiny_model(model_test::make_tiny_model(spec, seed), dir.path());
  std::map<std::string, HubFile> files;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    const std::string name = entry.path().filename().string();
    files[name] = {cli_test::read_all(entry.path()), name.ends_with(".safetensors")};
  }
  for (const auto& [name, bytes] : gpt2_tokenizer_files()) files[name] = {bytes, false};
  return files;
}

inline HubRepo tiny_repo(const std::string& commit = commit_a, model_test::TinySpec spec = {}) {
  HubRepo repo;
  repo.commit = commit;
  repo.files = tiny_repo_files(spec);
  return repo;
}

// One test's world: the fake Hub serving `repo` as org/tiny, a home folder for the cache, and the
// environment that points the binary at both. `auto& [hub, repo, home, env] = world;` names them.
struct TinyHub {
  explicit TinyHub(HubRepo tiny = tiny_repo());
  FakeHub hub;
  HubRepo repo;
  cli_test::TempDir home;
  cli_test::RunOptions env;
};

// The weights of `hub`'s models stopped at byte `held_at` (one of the server's pieces) until the gate
// opens: a download with a middle that lasts as long as the test wants. Declare an Opener of it next.
inline constexpr std::size_t held_at = 64 * 1024;
inline std::shared_ptr<Gate> hold_weights(FakeHub& hub) {
  auto gate = std::make_shared<Gate>();
  hub.fault("model.safetensors", [gate](Faults& f) { f.pace = stop_at(held_at, gate); });
  return gate;
}

// The repo's files written as a plain model folder, for the same run through --model DIR.
inline void write_folder(const HubRepo& repo, const fs::path& dir) {
  fs::create_directories(dir);
  for (const auto& [name, f] : repo.files) cli_test::write_all(dir / name, f.bytes);
}

// The run's environment: this cache, this endpoint, no token, online; no proxy for 127.0.0.1.
inline cli_test::RunOptions hub_env(const fs::path& home, const std::string& endpoint) {
  cli_test::RunOptions o;
  o.seconds = 120;
  o.env = {"HF_HOME=" + home.string(),
           "HF_HUB_CACHE=" + (home / "hub").string(),
           "HF_ENDPOINT=" + endpoint,
           "HF_TOKEN=",
           "HUGGING_FACE_HUB_TOKEN=",
           "HF_TOKEN_PATH=",
           "HF_HUB_OFFLINE=",
           "TRANSFORMERS_OFFLINE=",
           "HF_HUB_DISABLE_IMPLICIT_TOKEN=",
           "HUGGINGFACE_HUB_CACHE=",
           "NO_PROXY=*",
           "no_proxy=*",
           "XDG_CONFIG_HOME=" + (home / "config").string()};
  return o;
}

// The options with one variable set, replacing the one of that name (RunOptions::with adds a second).
inline cli_test::RunOptions with_var(cli_test::RunOptions options, const std::string& assignment) {
  const std::string name = assignment.substr(0, assignment.find('=') + 1);
  std::erase_if(options.env, [&](const std::string& e) { return e.starts_with(name); });
  options.env.push_back(assignment);
  return options;
}

inline TinyHub::TinyHub(HubRepo tiny) : repo(std::move(tiny)), env(hub_env(home.path(), hub.endpoint())) {
  hub.add("org/tiny", repo);
}

// Every path under `root`, relative, with a mark for what it is: "name/" a folder, "name -> target"
// a link, "name (N)" a file of N bytes.
inline std::set<std::string> tree(const fs::path& root) {
  std::set<std::string> entries;
  std::error_code error;
  for (fs::recursive_directory_iterator it(root, error), end; !error && it != end; it.increment(error)) {
    const std::string name = it->path().lexically_relative(root).generic_string();
    if (it->is_symlink()) entries.insert(name + " -> " + fs::read_symlink(it->path()).string());
    else if (it->is_directory()) entries.insert(name + "/");
    else entries.insert(name + " (" + std::to_string(it->file_size()) + ")");
  }
  return entries;
}

inline bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Files whose names hold `part` anywhere under `root`.
inline std::vector<fs::path> files_named(const fs::path& root, const std::string& part) {
  std::vector<fs::path> found;
  std::error_code error;
  for (fs::recursive_directory_iterator it(root, error), end; !error && it != end; it.increment(error))
    if (contains(it->path().filename().string(), part)) found.push_back(it->path());
  return found;
}

// GET requests of a log whose target holds `part`, and the body bytes they carried.
inline std::size_t gets(const std::vector<Logged>& log, const std::string& part = "") {
  std::size_t n = 0;
  for (const Logged& l : log) n += l.request.method == "GET" && contains(l.request.target, part);
  return n;
}
inline std::size_t bytes_sent(const std::vector<Logged>& log, const std::string& part = "") {
  std::size_t n = 0;
  for (const Logged& l : log)
    if (contains(l.request.target, part)) n += l.body_bytes;
  return n;
}

}  // namespace hub_test
