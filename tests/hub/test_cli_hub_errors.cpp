// Every way --model ID can fail, through the real binary (hub.md's list): exit 2 with one line for
// what the user can change (the id, the revision, the token, a licence), exit 1 for the network and
// the server; nothing written where the command writes, nothing half-written under snapshots/, a
// part kept where it can be resumed; and the token in no output and no file.
#include <doctest/doctest.h>

#include "tests/hub/hub_fixture.hpp"

using namespace hub_test;
using cli_test::RunResult;
using cli_test::TempDir;

namespace {

const std::string token = "hf_NeverShownAnywhere0123456789";

struct Failure {
  int status;
  std::string message;  // a part of the one line on stderr
};

// The binary fails as `want` says: its exit status, one line `attnlab: …` holding the message, nothing on
// stdout, no --dump folder, no file under snapshots/ that is not a whole blob, the token nowhere.
void check_failure(const RunResult& r, const Failure& want, const fs::path& home) {
  CAPTURE(r.command);
  CAPTURE(r.err);
  CHECK(r.status == want.status);
  REQUIRE(r.err_lines().size() == 1);
  CHECK(r.err_lines()[0].starts_with("attnlab: "));
  CHECK(contains(r.err, want.message));
  CHECK(r.out.empty());
  CHECK_FALSE(fs::exists(home / "dump"));
  CHECK_FALSE(contains(r.err, token));
  std::error_code error;
  for (fs::recursive_directory_iterator it(home, error), end; !error && it != end; it.increment(error)) {
    if (it->is_symlink()) CHECK(fs::is_regular_file(it->path()));  // every link leads to a whole blob
    if (it->is_regular_file() && !it->is_symlink()) CHECK_FALSE(contains(cli_test::read_all(it->path()), token));
  }
}

RunResult compute(const std::string& model, const fs::path& home, const cli_test::RunOptions& env,
                  std::vector<std::string> more = {}) {
  std::vector<std::string> args{
      "compute", "--model", model, "--token-ids", "1,2,3", "--dump", (home / "dump").string()};
  args.insert(args.end(), more.begin(), more.end());
  return cli_test::run_attnlab(args, env);
}

const fs::path blobs = fs::path("hub") / "models--org--tiny" / "blobs";

}  // namespace

TEST_SUITE("cli/hub-errors") {
  TEST_CASE("what is neither a folder nor a Hub id; a revision that cannot be one or goes with a folder: exit 2") {
    FakeHub hub;
    TempDir home;
    const auto env = hub_env(home.path(), hub.endpoint());
    for (const std::string& bad :
         {std::string("a/b/c"), std::string(200, 'm'), std::string("a--b"), std::string("x y")}) {
      CAPTURE(bad);
      check_failure(compute(bad, home.path(), env), {2, "is neither a folder nor a Hub model id"}, home.path());
    }
    // Written as a path, it is a folder, and one that is not there says so.
    check_failure(compute("../x", home.path(), env), {2, "model folder ../x does not exist"}, home.path());
    check_failure(compute("org/tiny", home.path(), env, {"--revision", "../main"}), {2, "--revision '../main'"},
                  home.path());
    fs::create_directories(home / "folder");
    check_failure(compute((home / "folder").string(), home.path(), env, {"--revision", "main"}),
                  {2, "--revision applies to a Hub model id"}, home.path());
    // A mistake in the command costs no download: checked before any request.
    check_failure(cli_test::run_attnlab({"compute", "--model", "org/tiny", "--dump", (home / "dump").string()}, env),
                  {2, "--model needs its input"}, home.path());
    CHECK(hub.requests() == 0);
  }

  TEST_CASE("the Hub says no: no such model, private, gated, a refused token, no such revision or file") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    HubRepo secret = tiny_repo();
    secret.access = HubRepo::Access::private_repo;
    hub.add("org/secret", secret);
    HubRepo gated = tiny_repo();
    gated.access = HubRepo::Access::gated;
    hub.add("org/gated", gated);
    HubRepo no_config = tiny_repo();
    no_config.files.erase("config.json");
    hub.add("org/noconfig", no_config);
    hub.set_token(token);
    const std::string nothing = "no such model on " + hub.endpoint() + ", or it is private (set HF_TOKEN)";
    check_failure(compute("org/missing", home.path(), env), {2, "Hub model org/missing: " + nothing}, home.path());
    check_failure(compute("org/secret", home.path(), env), {2, nothing}, home.path());
    check_failure(compute("org/gated", home.path(), env),
                  {2, "Hub model org/gated is gated: accept its licence on the model page, " + hub.endpoint() +
                          "/org/gated, and set HF_TOKEN"},
                  home.path());
    // With the token: the licence not accepted yet is a 403; a wrong token is refused by name, not by value.
    check_failure(compute("org/gated", home.path(), with_var(env, "HF_TOKEN=" + token)), {2, "is gated"}, home.path());
    check_failure(compute("org/tiny", home.path(), with_var(env, "HF_TOKEN=hf_wrong_" + token)),
                  {2, "the Hub refused the token from HF_TOKEN (invalid credentials)"}, home.path());
    check_failure(compute("org/tiny", home.path(), env, {"--revision", "nope"}),
                  {2, "Hub model org/tiny has no revision 'nope'"}, home.path());
    check_failure(compute("org/noconfig", home.path(), env),
                  {2, "Hub model org/noconfig has no config.json at revision main"}, home.path());
    // The token opens the private model, from HF_TOKEN or from $HF_HOME/token; it is in no output and no file.
    const RunResult with_token = compute("org/secret", home.path(), with_var(env, "HF_TOKEN=" + token));
    CHECK(with_token.status == 0);
    CHECK_FALSE(contains(with_token.out + with_token.err, token));
    fs::remove_all(home / "dump");
    cli_test::write_all(home / "token", token + "\n");
    fs::remove_all(home / "hub");
    CHECK(compute("org/secret", home.path(), env).status == 0);
    fs::remove(home / "token");
  }

  TEST_CASE("models the lab cannot read: only pytorch_model.bin, an unknown model_type (refused before its weights)") {
    FakeHub hub;
    HubRepo pytorch = tiny_repo();
    pytorch.files["pytorch_model.bin"] = {pytorch.files.at("model.safetensors").bytes, true};
    pytorch.files.erase("model.safetensors");
    hub.add("org/pytorch", pytorch);
    HubRepo bert = tiny_repo();
    bert.files["config.json"] = {R"({"model_type": "bert", "vocab_size": 41})", false};
    hub.add("org/bert", bert);
    TempDir home;
    const auto env = hub_env(home.path(), hub.endpoint());
    check_failure(compute("org/pytorch", home.path(), env),
                  {2,
                   "Hub model org/pytorch has only pytorch_model.bin at revision main: Attention Lab reads "
                   "safetensors weights only"},
                  home.path());
    check_failure(compute("org/bert", home.path(), env), {2, "model_type 'bert' is not supported"}, home.path());
    CHECK(hub.cdn_log().empty());  // neither model's weights were fetched
  }

  TEST_CASE("the network and the server: exit 1, the part kept where it can be resumed") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    const std::string closed = "http://127.0.0.1:" + std::to_string(closed_port());
    check_failure(compute("org/tiny", home.path(), hub_env(home.path(), closed)),
                  {1, "cannot reach " + closed + " for org/tiny (config.json): "}, home.path());
    hub.fault("config.json", [](Faults& f) { f.head_fails = true; });
    check_failure(compute("org/tiny", home.path(), env),
                  {1, hub.endpoint() + " answered 500 (a server error) for config.json"}, home.path());
    // A metadata request that never gets an answer times out (the server holds it; the client gives up).
    hub.fault("config.json", [](Faults& f) { f.head_fails = false, f.head_hangs = true; });
    check_failure(compute("org/tiny", home.path(), with_var(env, "HF_HUB_ETAG_TIMEOUT=1")),
                  {1, "cannot reach " + hub.endpoint() + " for org/tiny (config.json): "}, home.path());
    hub.fault("config.json", [](Faults& f) { f.head_hangs = false; });

    const std::string& weights = repo.files.at("model.safetensors").bytes;
    const fs::path part = home / blobs / (repo.files.at("model.safetensors").id() + ".incomplete");
    hub.fault("model.safetensors", [](Faults& f) { f.get_fails = true; });
    check_failure(compute("org/tiny", home.path(), env),
                  {1, "model.safetensors: the server answered 500; the part is kept"}, home.path());
    CHECK(fs::is_regular_file(part));
    hub.fault("model.safetensors", [&](Faults& f) { f.get_fails = false, f.cuts = {weights.size() / 2, 0, 0, 0, 0}; });
    check_failure(compute("org/tiny", home.path(), env),
                  {1, "model.safetensors: the connection was cut at byte " + std::to_string(weights.size() / 2) +
                          " of " + std::to_string(weights.size()) + " (3 tries to resume failed"},
                  home.path());
    CHECK(cli_test::read_all(part) == weights.substr(0, weights.size() / 2));
    CHECK_FALSE(fs::exists(home / "hub" / "models--org--tiny" / "refs" / "main"));
    // The next run resumes from the part.
    hub.clear_logs();
    CHECK(compute("org/tiny", home.path(), env).status == 0);
    CHECK(bytes_sent(hub.cdn_log()) == weights.size() - weights.size() / 2);
  }

  TEST_CASE("bytes that are not the file's: a SHA-256 mismatch deletes them; a full disk leaves nothing") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    const std::string id = repo.files.at("model.safetensors").id();
    hub.fault("model.safetensors", [](Faults& f) { f.corrupt = true; });
    check_failure(compute("org/tiny", home.path(), env), {1, "model.safetensors: its SHA-256 is "}, home.path());
    CHECK(files_named(home / blobs, id).empty());
    hub.fault("model.safetensors", [](Faults& f) { f.corrupt = false; });
    // A file-size limit below the weights' size: writing them fails as on a full disk (EFBIG). 16 blocks
    // are 8 KiB to dash, 16 KiB to bash: above every other file, below the weights either way.
    REQUIRE(repo.files.at("model.safetensors").bytes.size() > 16 * 1024);
    const RunResult full =
        cli_test::run_program("/bin/sh",
                              {"-c", "ulimit -f 16 && exec \"$0\" \"$@\"", ATTNLAB_BIN, "compute", "--model",
                               "org/tiny", "--token-ids", "1,2,3", "--dump", (home / "dump").string()},
                              env);
    check_failure(full, {1, "cannot write model.safetensors into the cache "}, home.path());
    CHECK(contains(full.err, "File too large (nothing of it is kept)"));
    CHECK(files_named(home / blobs, id).empty());
    CHECK_FALSE(fs::exists(home / "hub" / "models--org--tiny" / "snapshots" / commit_a / "model.safetensors"));
  }

  TEST_CASE("offline and not cached: exit 2, not one request") {
    TinyHub world;
    auto& [hub, repo, home, env] = world;
    for (const char* offline : {"HF_HUB_OFFLINE=1", "TRANSFORMERS_OFFLINE=1"})
      check_failure(compute("org/tiny", home.path(), with_var(hub_env(home.path(), hub.endpoint()), offline)),
                    {2, "Hub model org/tiny (revision main) is not in the cache " + (home / "hub").string() +
                            " and HF_HUB_OFFLINE is set"},
                    home.path());
    CHECK(hub.requests() == 0);
  }
}
