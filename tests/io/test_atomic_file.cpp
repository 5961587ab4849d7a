// Files written whole or not at all: what lands on success, and that nothing changes on failure.
#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include "core/base/matrix.hpp"
#include "core/io/atomic_file.hpp"

using namespace attnlab;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& what) {
  const auto dir = fs::temp_directory_path() / ("attnlab-atomic-" + what + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::set<std::string> names_in(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

TEST_SUITE("io/atomic_file") {
  TEST_CASE("atomic: write, then overwrite keeps the new content and no temporaries") {
    const auto dir = fresh_dir("overwrite");
    const std::string binary("a\0b\xff\n", 5);
    write_file_atomic(dir / "f.npy", binary);
    CHECK(read_file(dir / "f.npy", "f") == binary);
    write_file_atomic(dir / "f.npy", "new content");
    CHECK(read_file(dir / "f.npy", "f") == "new content");
    write_file_atomic(dir / "empty.csv", "");
    CHECK(read_file(dir / "empty.csv", "e").empty());
    CHECK(names_in(dir) == std::set<std::string>{"f.npy", "empty.csv"});
    fs::remove_all(dir);
  }

  TEST_CASE("atomic: a missing directory is a RunError that leaves nothing") {
    const auto dir = fresh_dir("missing");
    const fs::path target = dir / "no" / "such" / "out.npy";
    try {
      write_file_atomic(target, "x");
      FAIL("no error");
    } catch (const RunError& e) {
      CHECK(std::string(e.what()) == "cannot write " + target.string() + ": No such file or directory");
    }
    CHECK_FALSE(fs::exists(dir / "no"));
    CHECK(names_in(dir).empty());
    fs::remove_all(dir);
  }

  TEST_CASE("atomic: a directory in the way is not replaced") {
    const auto dir = fresh_dir("isdir");
    fs::create_directory(dir / "out.npy");
    CHECK_THROWS_AS(write_file_atomic(dir / "out.npy", "x"), RunError);
    CHECK(fs::is_directory(dir / "out.npy"));
    CHECK(names_in(dir) == std::set<std::string>{"out.npy"});
    CHECK_THROWS_AS(write_file_atomic(dir / "", "x"), RunError);
    fs::remove_all(dir);
  }

  TEST_CASE("atomic: a batch lands together") {
    const auto dir = fresh_dir("batch");
    write_file_atomic(dir / "a.npy", "old a");
    AtomicBatch batch;
    batch.add(dir / "a.npy", "new a");
    batch.add(dir / "b.npy", "new b");
    batch.add(dir / "stats.csv", "new stats");
    batch.commit();
    CHECK(read_file(dir / "a.npy", "a") == "new a");
    CHECK(read_file(dir / "b.npy", "b") == "new b");
    CHECK(read_file(dir / "stats.csv", "s") == "new stats");
    CHECK(names_in(dir) == std::set<std::string>{"a.npy", "b.npy", "stats.csv"});
    fs::remove_all(dir);
  }

  TEST_CASE("atomic: a batch with one unwritable file changes nothing") {
    const auto dir = fresh_dir("batch-fail");
    const auto other = fresh_dir("batch-fail-other");
    write_file_atomic(dir / "a.npy", "old a");
    write_file_atomic(other / "b.npy", "old b");
    AtomicBatch batch;
    batch.add(dir / "a.npy", "new a");
    batch.add(other / "b.npy", "new b");
    batch.add(dir / "c.npy", "new c");
    batch.add(dir / "missing" / "d.npy", "new d");
    try {
      batch.commit();
      FAIL("no error");
    } catch (const RunError& e) {
      CHECK(contains(e.what(), (dir / "missing" / "d.npy").string()));
    }
    CHECK(read_file(dir / "a.npy", "a") == "old a");
    CHECK(read_file(other / "b.npy", "b") == "old b");
    CHECK(names_in(dir) == std::set<std::string>{"a.npy"});
    CHECK(names_in(other) == std::set<std::string>{"b.npy"});
    fs::remove_all(dir);
    fs::remove_all(other);
  }

  TEST_CASE("atomic: a batch whose destination is a directory changes nothing") {
    const auto dir = fresh_dir("batch-dir");
    write_file_atomic(dir / "a.npy", "old a");
    fs::create_directory(dir / "b.npy");
    AtomicBatch batch;
    batch.add(dir / "a.npy", "new a");
    batch.add(dir / "b.npy", "new b");
    CHECK_THROWS_WITH_AS(batch.commit(), ("cannot write " + (dir / "b.npy").string() + ": it is a directory").c_str(),
                         RunError);
    CHECK(read_file(dir / "a.npy", "a") == "old a");
    CHECK(names_in(dir) == std::set<std::string>{"a.npy", "b.npy"});
    fs::remove_all(dir);
  }

  TEST_CASE("atomic: reading files") {
    const auto dir = fresh_dir("read");
    CHECK_THROWS_WITH_AS(read_file(dir / "x.npy", "Q file x.npy"),
                         "Q file x.npy: cannot read: No such file or directory", InputError);
    CHECK_THROWS_WITH_AS(read_file(dir, "Q file d.npy"), "Q file d.npy: cannot read: it is a directory", InputError);
    std::string big(300000, 'z');
    big[12345] = '\0';
    write_file_atomic(dir / "big.csv", big);
    CHECK(read_file(dir / "big.csv", "big") == big);
    fs::remove_all(dir);
  }

}  // TEST_SUITE("io/atomic_file")
