// What a person at a terminal sees and does: a progress line per file on stderr when it is a terminal
// (silenced by --quiet before or after the subcommand), and Ctrl-C in the middle of a download, which
// leaves only the .incomplete part.
#include <doctest/doctest.h>

#include <cstdio>

#include "tests/hub/child.hpp"
#include "tests/hub/hub_fixture.hpp"

using namespace hub_test;
using cli_test::TempDir;

TEST_SUITE("cli/hub-terminal") {
  TEST_CASE("a progress line per file on a terminal: bytes, rate, time left; none with --quiet") {
    TinyHub world(tiny_repo(commit_a, large_spec()));
    auto& [hub, repo, home, env] = world;
    char total[32];  // the weights' size as the line writes it, in MB
    std::snprintf(total, sizeof total, " / %.1f MB  ",
                  static_cast<double>(repo.files.at("model.safetensors").bytes.size()) / 1e6);
    {
      Child child({"compute", "--model", "org/tiny", "--token-ids", "1,2", "--dump", (home / "a").string()}, env,
                  home.path(), true);
      CHECK(child.wait() == 0);
      const std::string seen = child.err();
      CAPTURE(seen);
      // A line that was rewritten in place while the weights came (their first piece is under a megabyte),
      // and each file's last line.
      CHECK(contains(seen, "\rmodel.safetensors  "));
      CHECK(contains(seen, total));
      CHECK(contains(seen, "B/s  "));
      CHECK(contains(seen, " left\x1b[K"));
      CHECK(contains(seen, "done in "));
      CHECK(contains(seen, "\rconfig.json  "));
    }
    for (const std::vector<std::string>& quiet :
         {std::vector<std::string>{"--quiet", "compute"}, std::vector<std::string>{"compute", "--quiet"}}) {
      fs::remove_all(home / "hub");
      std::vector<std::string> args = quiet;
      for (const char* more : {"--model", "org/tiny", "--token-ids", "1,2", "--dump"}) args.push_back(more);
      args.push_back((home / ("q" + std::to_string(args[0].size()))).string());
      Child child(args, env, home.path(), true);
      CHECK(child.wait() == 0);
      CHECK(child.err().empty());
    }
  }

  TEST_CASE("Ctrl-C mid-download: only the .incomplete part is left, and the next run completes") {
    TinyHub world(tiny_repo(commit_a, large_spec()));
    auto& [hub, repo, home, env] = world;
    auto gate = std::make_shared<Gate>();
    hub.fault("model.safetensors", [&](Faults& f) { f.pace = stop_at(256 * 1024, gate); });
    const Opener opener{gate};
    Child child({"compute", "--model", "org/tiny", "--token-ids", "1,2", "--dump", (home / "dump").string()}, env,
                home.path());
    REQUIRE(gate->wait_reached());  // the weights are under way
    child.signal(SIGINT);
    CHECK(child.wait() == 128 + SIGINT);
    const std::string id = repo.files.at("model.safetensors").id();
    const fs::path repo_folder = home / "hub" / "models--org--tiny";
    CHECK(child.err() == "attnlab: interrupted: model.safetensors: cancelled; the part is kept for the next try (" +
                             (repo_folder / "blobs" / (id + ".incomplete")).string() + ")\n");
    CHECK(child.out().empty());
    CHECK(fs::is_regular_file(repo_folder / "blobs" / (id + ".incomplete")));
    CHECK_FALSE(fs::exists(repo_folder / "blobs" / id));
    CHECK_FALSE(fs::exists(fs::symlink_status(repo_folder / "snapshots" / commit_a / "model.safetensors")));
    CHECK_FALSE(fs::exists(repo_folder / "refs" / "main"));
    CHECK_FALSE(fs::exists(home / "dump"));
    for (const auto& e : fs::recursive_directory_iterator(home / "hub"))
      CHECK_FALSE(contains(e.path().filename().string(), ".tmp"));

    gate->open();
    hub.fault("model.safetensors", [](Faults& f) { f.pace = nullptr; });
    const auto again = cli_test::run_attnlab(
        {"compute", "--model", "org/tiny", "--token-ids", "1,2", "--dump", (home / "dump").string()}, env);
    CHECK(again.status == 0);
    CHECK(cli_test::read_all(repo_folder / "snapshots" / commit_a / "model.safetensors") ==
          repo.files.at("model.safetensors").bytes);
    CHECK(files_named(home / "hub", ".incomplete").empty());
  }
}
