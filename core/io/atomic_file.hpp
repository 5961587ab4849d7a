#pragma once
// Files written whole or not at all, and files read whole.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/io/byte_sink.hpp"

namespace attnlab {

// Writes bytes to a temporary file beside `path`, then renames it over `path`. Throws RunError
// naming the path on failure; on failure nothing at `path` changes and no temporary is left behind.
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes);

// Several files that land together: every file is first written to a temporary name, and only when
// all are written are they renamed into place. If any write fails, all temporaries are removed and
// nothing at any destination changes.
class AtomicBatch {
 public:
  void add(std::filesystem::path path, std::string bytes);
  // A file written piece by piece at commit(): what `write` refers to must live until then.
  void add(std::filesystem::path path, ByteSource write);
  // Throws RunError. A rename refused after every write succeeded (rare: the destination turned
  // into a directory meanwhile) leaves earlier files of the batch in place and says which.
  void commit();

 private:
  std::vector<std::pair<std::filesystem::path, ByteSource>> files_;
};

// Whether two paths name the same place to write: where a rename onto each lands, its directory
// resolved (symlinks, "..", relative or absolute), then its name. Lexically different paths may.
bool same_destination(const std::filesystem::path& a, const std::filesystem::path& b);

// Creates a directory and whichever of its parents are missing, remembering which it made, so that
// a write that fails afterwards can take them away again: a failure leaves no new empty directories.
class NewDirectories {
 public:
  explicit NewDirectories(const std::filesystem::path& dir);  // throws RunError naming the directory
  // Removes the directories made here, deepest first, as long as they are empty.
  void remove() noexcept;

 private:
  std::vector<std::filesystem::path> made_;  // outermost first
};

// A regular file opened read-only (a descriptor the caller closes), its size in bytes when opened set
// in `size`. A FIFO, a device or a directory is refused by name before a byte is read: a pipe would
// block, /dev/zero never ends. Throws InputError, e.g. "Q file x.npy: cannot read: it is a FIFO (named
// pipe), not a regular file"; `name` is how messages name the file.
int open_regular_file(const std::filesystem::path& path, const std::string& name, std::uint64_t& size);

// A regular file open for reading. A FIFO, a device or a directory is refused by name before a byte
// is read (a pipe would block, /dev/zero never ends), and no more is read than the file held when it
// was opened. Throws InputError, e.g. "Q file x.npy: cannot read: No such file or directory";
// `name` is how messages name the input.
class FileReader {
 public:
  FileReader(const std::filesystem::path& path, std::string name);
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  std::uint64_t size() const { return size_; }  // in bytes, when it was opened
  // Appends the next `count` bytes (at most what is left of size()) to `bytes`; a file that
  // shrank meanwhile is an InputError.
  void read(std::string& bytes, std::uint64_t count);

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0, done_ = 0;
  std::string name_;
};

// The whole content of a regular file, as FileReader reads it. A file larger than `most_bytes` is
// refused before a byte is read: "NAME: 7.0 GiB, more than the 16.0 MiB such a file may have".
std::string read_file(const std::filesystem::path& path, const std::string& name,
                      std::uint64_t most_bytes = UINT64_MAX);

}  // namespace attnlab
