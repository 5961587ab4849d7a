// open_hub_model against the fake Hub, as the command line and the window call it: the cache laid out
// as huggingface_hub lays it out, requests only where the cache cannot answer, resumed parts, faults,
// and a download cancelled from another thread.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <thread>

#include "core/hub/hub_errors.hpp"
#include "core/hub/open_hub_model.hpp"
#include "tests/hub/hub_fixture.hpp"

using namespace attnlab;
using namespace hub_test;

namespace {

HubSettings settings_for(const cli_test::TempDir& home, const FakeHub& hub) {
  HubSettings s;
  s.cache = home / "hub";
  s.endpoint = hub.endpoint();
  return s;
}

HubModelRequest request_for(const std::string& id, const std::string& revision = "main") {
  return {*parse_repo_id(id), revision, true};
}

// Anything at the path, a link to nothing included.
bool there(const fs::path& path) {
  std::error_code error;
  return fs::exists(fs::symlink_status(path, error));
}

std::string blob_id(const HubRepo& repo, const std::string& file) {
  return repo.files.at(file).id();
}

// What the cache holds after one download of `repo` as org/tiny at commit_a: exactly huggingface_hub's layout.
std::set<std::string> expected_tree(const HubRepo& repo, const std::vector<std::string>& missing) {
  std::set<std::string> t{"CACHEDIR.TAG",
                          ".locks/",
                          ".locks/models--org--tiny/",
                          "models--org--tiny/",
                          "models--org--tiny/blobs/",
                          "models--org--tiny/refs/",
                          "models--org--tiny/refs/main (40)",
                          "models--org--tiny/snapshots/",
                          "models--org--tiny/snapshots/" + commit_a + "/",
                          "models--org--tiny/.no_exist/",
                          "models--org--tiny/.no_exist/" + commit_a + "/"};
  for (const auto& [name, f] : repo.files) {
    t.insert(".locks/models--org--tiny/" + f.id() + ".lock (0)");
    t.insert("models--org--tiny/blobs/" + f.id() + " (" + std::to_string(f.bytes.size()) + ")");
    t.insert("models--org--tiny/snapshots/" + commit_a + "/" + name + " -> ../../blobs/" + f.id());
  }
  for (const std::string& file : missing) t.insert("models--org--tiny/.no_exist/" + commit_a + "/" + file + " (0)");
  return t;
}

// The CACHEDIR.TAG line of the tree without its size (its text is checked on its own).
std::set<std::string> without_tag_size(std::set<std::string> t) {
  std::set<std::string> out;
  for (const std::string& e : t) out.insert(e.starts_with("CACHEDIR.TAG") ? "CACHEDIR.TAG" : e);
  return out;
}

}  // namespace

TEST_SUITE("hub/download") {
  TEST_CASE("a model downloaded: huggingface_hub's layout, verified bytes, one HEAD per file") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    const HubSettings s = settings_for(home, hub);
    const HubModel model = open_hub_model(request_for("org/tiny"), s);
    CHECK(model.commit == commit_a);
    CHECK(model.snapshot == home / "hub" / "models--org--tiny" / "snapshots" / commit_a);
    CHECK(without_tag_size(tree(home / "hub")) ==
          expected_tree(repo, {"tokenizer.json", "tokenizer_config.json", "generation_config.json"}));
    CHECK(cli_test::read_all(home / "hub" / "models--org--tiny" / "refs" / "main") == commit_a);
    CHECK(
        cli_test::read_all(home / "hub" / "CACHEDIR.TAG").starts_with("Signature: 8a477f597d28d172789f06886806bc55\n"));
    for (const auto& [name, f] : repo.files) CHECK(cli_test::read_all(model.snapshot / name) == f.bytes);
    // Every request asked for the bytes as they are; the weights came from the CDN, the rest from the Hub.
    for (const auto& l : hub.hub_log()) CHECK(l.request.header("accept-encoding") == "identity");
    for (const auto& l : hub.cdn_log()) CHECK(l.request.header("accept-encoding") == "identity");
    CHECK(gets(hub.cdn_log()) == 1);
    CHECK(gets(hub.hub_log()) == 3);  // config.json, vocab.json, merges.txt
    CHECK(bytes_sent(hub.cdn_log()) == repo.files.at("model.safetensors").bytes.size());
    // The branch asked again: one HEAD per file it has, none for what .no_exist says it lacks, no GET.
    hub.clear_logs();
    const auto before = tree(home / "hub");
    CHECK(open_hub_model(request_for("org/tiny"), s).snapshot == model.snapshot);
    CHECK(gets(hub.hub_log()) + gets(hub.cdn_log()) == 0);
    CHECK(hub.hub_log().size() == 4);  // config.json, vocab.json, merges.txt, model.safetensors
    CHECK(tree(home / "hub") == before);
    // The commit asked for: it cannot change, so the cache answers alone.
    hub.clear_logs();
    CHECK(open_hub_model(request_for("org/tiny", commit_a), s).requests == 0);
    CHECK(hub.requests() == 0);
    // Offline: the cache alone, not even a HEAD.
    HubSettings offline = s;
    offline.offline = true;
    CHECK(open_hub_model(request_for("org/tiny"), offline).snapshot == model.snapshot);
    CHECK(hub.requests() == 0);
  }

  TEST_CASE("a sharded model, a tokenizer.json, a moved branch: blobs the cache holds are not fetched again") {
    FakeHub hub;
    model_test::TinySpec spec;
    spec.shards = 2;
    HubRepo repo = tiny_repo(commit_a, spec);
    repo.files.erase("vocab.json"), repo.files.erase("merges.txt");
    repo.files["tokenizer.json"] = {R"({"model": {"type": "BPE", "vocab": {}, "merges": []}})", false};
    repo.files["generation_config.json"] = {"{}", false};
    hub.add("org/tiny", repo);
    cli_test::TempDir home;
    const HubSettings s = settings_for(home, hub);
    const HubModel first = open_hub_model(request_for("org/tiny"), s);
    for (const auto& [name, f] : repo.files) CHECK(cli_test::read_all(first.snapshot / name) == f.bytes);
    CHECK(gets(hub.cdn_log()) == 2);  // two shards
    // main moves to a commit with a new config.json: a new snapshot beside the old one, the shards'
    // blobs linked again rather than downloaded.
    HubRepo moved = repo;
    moved.commit = commit_b;
    moved.files["config.json"].bytes += "\n";
    hub.add("org/tiny", moved);
    hub.clear_logs();
    const HubModel second = open_hub_model(request_for("org/tiny"), s);
    CHECK(second.commit == commit_b);
    CHECK(gets(hub.cdn_log()) == 0);
    CHECK(gets(hub.hub_log()) == 1);  // config.json alone
    CHECK(cli_test::read_all(home / "hub" / "models--org--tiny" / "refs" / "main") == commit_b);
    CHECK(cli_test::read_all(second.snapshot / "config.json") == moved.files["config.json"].bytes);
    CHECK(cli_test::read_all(first.snapshot / "config.json") == repo.files["config.json"].bytes);
    // Every request after the first asked for the commit the first answered, not for "main".
    for (const auto& l : hub.hub_log())
      if (!contains(l.request.target, "/config.json")) CHECK(contains(l.request.target, "/resolve/" + commit_b + "/"));
  }

  TEST_CASE("a connection cut mid-file is resumed with Range in the same run") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    const std::string& weights = repo.files.at("model.safetensors").bytes;
    hub.fault("model.safetensors", [&](Faults& f) { f.cuts = {weights.size() / 2}; });
    const HubModel model = open_hub_model(request_for("org/tiny"), settings_for(home, hub));
    CHECK(cli_test::read_all(model.snapshot / "model.safetensors") == weights);
    const auto log = hub.cdn_log();
    REQUIRE(log.size() == 2);
    CHECK_FALSE(log[0].request.header("range"));
    CHECK(log[1].request.header("range") == "bytes=" + std::to_string(weights.size() / 2) + "-");
    CHECK(bytes_sent(log) == weights.size());  // not a byte twice
  }

  TEST_CASE("cut again and again: exit with the part kept, and the next run goes on from it") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    const std::string& weights = repo.files.at("model.safetensors").bytes;
    const std::size_t half = weights.size() / 2;
    // Half of it, then cuts before any byte: the first try and three resumes bring nothing.
    hub.fault("model.safetensors", [&](Faults& f) { f.cuts = {half, 0, 0, 0, 0}; });
    const HubSettings s = settings_for(home, hub);
    const std::string cut = "model.safetensors: the connection was cut at byte " + std::to_string(half) + " of ";
    CHECK_THROWS_WITH_AS(open_hub_model(request_for("org/tiny"), s), doctest::Contains(cut.c_str()), RunError);
    CHECK(gets(hub.cdn_log()) == 1 + 1 + resume_retries);
    const std::string id = blob_id(repo, "model.safetensors");
    const fs::path part = home / "hub" / "models--org--tiny" / "blobs" / (id + ".incomplete");
    CHECK(cli_test::read_all(part) == weights.substr(0, half));
    CHECK_FALSE(fs::exists(home / "hub" / "models--org--tiny" / "blobs" / id));
    CHECK_FALSE(there(home / "hub" / "models--org--tiny" / "snapshots" / commit_a / "model.safetensors"));
    CHECK_FALSE(fs::exists(home / "hub" / "models--org--tiny" / "refs" / "main"));
    hub.clear_logs();
    const HubModel model = open_hub_model(request_for("org/tiny"), s);
    CHECK(cli_test::read_all(model.snapshot / "model.safetensors") == weights);
    REQUIRE(hub.cdn_log().size() == 1);
    CHECK(hub.cdn_log()[0].request.header("range") == "bytes=" + std::to_string(half) + "-");
    CHECK(bytes_sent(hub.cdn_log()) == weights.size() - half);
    CHECK(files_named(home / "hub", ".incomplete").empty());
  }

  TEST_CASE("a server that ignores Range: the part starts again and the file is right") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    const std::string& weights = repo.files.at("model.safetensors").bytes;
    hub.fault("model.safetensors", [&](Faults& f) { f.cuts = {weights.size() / 3}, f.ignore_range = true; });
    const HubModel model = open_hub_model(request_for("org/tiny"), settings_for(home, hub));
    CHECK(cli_test::read_all(model.snapshot / "model.safetensors") == weights);
    CHECK(hub.cdn_log().at(1).status == 200);
  }

  TEST_CASE("a SHA-256 that does not match: nothing kept, nothing under snapshots/") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    hub.fault("model.safetensors", [](Faults& f) { f.corrupt = true; });
    CHECK_THROWS_WITH_AS(open_hub_model(request_for("org/tiny"), settings_for(home, hub)),
                         doctest::Contains("model.safetensors: its SHA-256 is "), RunError);
    const std::string id = blob_id(repo, "model.safetensors");
    CHECK(files_named(home / "hub", id).size() == 1);  // its lock, no blob and no part
    CHECK(files_named(home / "hub", ".incomplete").empty());
    CHECK_FALSE(there(home / "hub" / "models--org--tiny" / "snapshots" / commit_a / "model.safetensors"));
    CHECK_FALSE(fs::is_symlink(home / "hub" / "models--org--tiny" / "snapshots" / commit_a / "model.safetensors"));
  }

  TEST_CASE("cancelled from another thread, as the window cancels: the part stays and the next run resumes it") {
    TinyHub world(tiny_repo(commit_a, large_spec()));
    auto& [hub, repo, home, env] = world;
    const std::string& weights = repo.files.at("model.safetensors").bytes;
    const std::size_t at = held_at;
    REQUIRE(weights.size() > 2 * at);
    const auto gate = hold_weights(hub);
    const Opener opener{gate};
    const HubSettings s = settings_for(home, hub);

    std::atomic<bool> cancel{false};
    std::mutex mutex;
    std::condition_variable changed;
    std::uint64_t weights_done = 0;
    HubCallbacks callbacks;
    callbacks.cancel = &cancel;
    callbacks.progress = [&](const FileProgress& p) {
      if (p.file != "model.safetensors") return;
      std::lock_guard lock(mutex);
      weights_done = p.done;
      changed.notify_all();
    };
    std::string outcome;
    std::thread worker([&] {
      try {
        open_hub_model(request_for("org/tiny"), s, callbacks);
        outcome = "finished";
      } catch (const DownloadCancelled& e) {
        outcome = std::string("cancelled: ") + e.what();
      } catch (const std::exception& e) {
        outcome = std::string("failed: ") + e.what();
      }
    });
    {
      std::unique_lock lock(mutex);
      CHECK(changed.wait_for(lock, std::chrono::minutes(1), [&] { return weights_done >= at; }));
    }
    cancel = true;
    worker.join();
    CHECK(outcome.starts_with("cancelled: model.safetensors"));
    const std::string id = blob_id(repo, "model.safetensors");
    CHECK(cli_test::read_all(home / "hub" / "models--org--tiny" / "blobs" / (id + ".incomplete")) ==
          weights.substr(0, at));
    CHECK_FALSE(fs::exists(home / "hub" / "models--org--tiny" / "blobs" / id));
    CHECK_FALSE(fs::exists(home / "hub" / "models--org--tiny" / "refs" / "main"));

    gate->open();
    hub.fault("model.safetensors", [](Faults& f) { f.pace = nullptr; });
    const HubModel model = open_hub_model(request_for("org/tiny"), s);
    CHECK(cli_test::read_all(model.snapshot / "model.safetensors") == weights);
    // The cancelled GET and the one that resumed it (the first may be logged late: it ends when the gate opens).
    std::vector<std::string> ranges;
    for (const auto& l : hub.cdn_log()) ranges.push_back(l.request.header("range").value_or("none"));
    std::sort(ranges.begin(), ranges.end());
    CHECK(ranges == std::vector<std::string>{"bytes=" + std::to_string(at) + "-", "none"});
  }

  TEST_CASE("progress: one file's bytes as they arrive, then finished; a resumed part counted apart") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    const std::string& weights = repo.files.at("model.safetensors").bytes;
    hub.fault("model.safetensors", [&](Faults& f) { f.cuts = {weights.size() / 2, 0, 0, 0, 0}; });
    const HubSettings s = settings_for(home, hub);
    CHECK_THROWS_AS(open_hub_model(request_for("org/tiny"), s), RunError);
    std::vector<FileProgress> seen;
    HubCallbacks callbacks;
    callbacks.progress = [&](const FileProgress& p) {
      if (p.file == "model.safetensors") seen.push_back(p);
    };
    open_hub_model(request_for("org/tiny"), s, callbacks);
    REQUIRE(seen.size() >= 2);
    for (std::size_t i = 0; i < seen.size(); ++i) {
      CHECK(seen[i].total == weights.size());
      CHECK(seen[i].resumed_from == weights.size() / 2);
      if (i) CHECK(seen[i].done >= seen[i - 1].done);
      CHECK(seen[i].finished == (i + 1 == seen.size()));
    }
    CHECK(seen.back().done == weights.size());
  }

  TEST_CASE("the token goes to the Hub's host only: never to the CDN, not even through libcurl's redirects") {
    FakeHub hub;
    HubRepo repo = tiny_repo();
    repo.access = HubRepo::Access::private_repo;
    hub.add("org/tiny", repo);
    hub.set_token("hf_secret_token_value");
    // config.json's HEAD answers from the Hub, its GET is redirected to the CDN (another port): libcurl
    // follows it and must leave the Authorization header behind.
    hub.fault("config.json", [](Faults& f) { f.redirect_get = true; });
    cli_test::TempDir home;
    HubSettings s = settings_for(home, hub);
    s.token = HubToken("hf_secret_token_value", "HF_TOKEN");
    const HubModel model = open_hub_model(request_for("org/tiny"), s);
    CHECK(cli_test::read_all(model.snapshot / "config.json") == repo.files.at("config.json").bytes);
    CHECK(gets(hub.cdn_log(), "/blobs/" + blob_id(repo, "config.json")) == 1);
    for (const auto& l : hub.hub_log()) CHECK(l.request.header("authorization") == "Bearer hf_secret_token_value");
    REQUIRE(hub.cdn_log().size() == 2);
    for (const auto& l : hub.cdn_log()) CHECK_FALSE(l.request.header("authorization"));
  }

  TEST_CASE("a renamed repo: the Hub's relative redirect is followed, the cache keeps the id asked for") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    hub.rename("old/tiny", "org/tiny");
    const HubModel model = open_hub_model(request_for("old/tiny"), settings_for(home, hub));
    CHECK(model.snapshot == home / "hub" / "models--old--tiny" / "snapshots" / commit_a);
    for (const auto& [name, f] : repo.files) CHECK(cli_test::read_all(model.snapshot / name) == f.bytes);
    std::size_t moved = 0;
    for (const auto& l : hub.hub_log()) moved += l.status == 307;
    CHECK(moved >= repo.files.size());  // each file's HEAD went by way of the old name
  }

  TEST_CASE("the config is checked before the weights are fetched") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    HubCallbacks callbacks;
    callbacks.check_config = [](const fs::path& snapshot) {
      CHECK(fs::is_regular_file(snapshot / "config.json"));
      throw InputError("refused");
    };
    CHECK_THROWS_WITH_AS(open_hub_model(request_for("org/tiny"), settings_for(home, hub), callbacks), "refused",
                         InputError);
    CHECK(hub.cdn_log().empty());
  }
}
