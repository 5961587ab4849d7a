// Files written whole or not at all: what lands on success, and that nothing changes on failure.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include "core/base/error.hpp"
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

  TEST_CASE("atomic: a destination that is a FIFO is refused before anything is written, and stays a FIFO") {
    const auto dir = fresh_dir("fifo");
    REQUIRE(::mkfifo((dir / "f.png").c_str(), 0600) == 0);
    CHECK_THROWS_WITH_AS(
        write_file_atomic(dir / "f.png", "png"),
        ("cannot write " + (dir / "f.png").string() + ": it is a FIFO (named pipe), not a regular file").c_str(),
        RunError);
    AtomicBatch batch;
    batch.add(dir / "a.npy", "a");
    batch.add(dir / "f.png", "png");
    CHECK_THROWS_AS(batch.commit(), RunError);
    CHECK(names_in(dir) == std::set<std::string>{"f.png"});
    struct stat st {};
    REQUIRE(::lstat((dir / "f.png").c_str(), &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));
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

  TEST_CASE("reading: only regular files, refused by name before a byte is read") {
    const auto dir = fresh_dir("kinds");
    REQUIRE(::mkfifo((dir / "fifo.npy").c_str(), 0600) == 0);
    fs::create_symlink("/dev/zero", dir / "zero.npy");
    CHECK_THROWS_WITH_AS(read_file(dir / "fifo.npy", "Q file fifo.npy"),
                         "Q file fifo.npy: cannot read: it is a FIFO (named pipe), not a regular file", InputError);
    CHECK_THROWS_WITH_AS(read_file(dir / "zero.npy", "K file zero.npy"),
                         "K file zero.npy: cannot read: it is a character device, not a regular file", InputError);
    // No more than the file held when it was opened, piece by piece.
    write_file_atomic(dir / "f.csv", "0123456789");
    FileReader file(dir / "f.csv", "f");
    CHECK(file.size() == 10);
    std::string bytes;
    file.read(bytes, 4);
    CHECK(bytes == "0123");
    file.read(bytes, 1000);
    CHECK(bytes == "0123456789");
    fs::remove_all(dir);
  }

  TEST_CASE("a batch writes a file from its source, piece by piece, at commit") {
    const auto dir = fresh_dir("source");
    AtomicBatch batch;
    batch.add(dir / "a.npy", [](const ByteSink& put) {
      put("first ");
      put("second");
    });
    CHECK(names_in(dir).empty());
    batch.commit();
    CHECK(read_file(dir / "a.npy", "a") == "first second");
    // A source that fails leaves no file and no temporary.
    AtomicBatch failing;
    failing.add(dir / "b.npy", [](const ByteSink& put) {
      put("half");
      throw RunError("the source failed");
    });
    CHECK_THROWS_WITH_AS(failing.commit(), "the source failed", RunError);
    CHECK(names_in(dir) == std::set<std::string>{"a.npy"});
    fs::remove_all(dir);
  }

  TEST_CASE("two paths name one destination by where a rename lands, not by their spelling") {
    const auto dir = fresh_dir("same");
    fs::create_directory(dir / "real");
    fs::create_directory_symlink(dir / "real", dir / "link");
    CHECK(same_destination(dir / "real" / "x.png", dir / "link" / "x.png"));
    CHECK(same_destination(dir / "real" / "x.png", dir / "link" / ".." / "real" / "x.png"));
    CHECK(same_destination(dir / "new" / ".." / "real" / "x.png", dir / "real" / "x.png"));
    CHECK_FALSE(same_destination(dir / "real" / "x.png", dir / "real" / "y.png"));
    // A link as the last name is replaced by a rename, not followed: another destination.
    fs::create_symlink(dir / "real" / "x.png", dir / "real" / "alias.png");
    CHECK_FALSE(same_destination(dir / "real" / "x.png", dir / "real" / "alias.png"));
    fs::remove_all(dir);
  }

  TEST_CASE("directories made for a write are taken away again when it fails, and only those") {
    const auto dir = fresh_dir("made");
    {
      NewDirectories made(dir / "a" / "b" / "c");
      CHECK(fs::is_directory(dir / "a" / "b" / "c"));
      made.remove();
      CHECK(names_in(dir).empty());
    }
    fs::create_directory(dir / "kept");
    {
      NewDirectories made(dir / "kept" / "new");
      made.remove();
      CHECK(names_in(dir) == std::set<std::string>{"kept"});
    }
    CHECK_THROWS_AS(NewDirectories(dir / "x" / "y" / std::string(300, 'z')), RunError);
    CHECK(names_in(dir) == std::set<std::string>{"kept"});
    write_file_atomic(dir / "file", "a file");
    CHECK_THROWS_AS(NewDirectories(dir / "file" / "sub"), RunError);
    fs::remove_all(dir);
  }
}  // TEST_SUITE("io/atomic_file")
