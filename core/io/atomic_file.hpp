#pragma once
// Files written whole or not at all, and files read whole.
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

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
  // Throws RunError. A rename refused after every write succeeded (rare: the destination turned
  // into a directory meanwhile) leaves earlier files of the batch in place and says which.
  void commit();

 private:
  std::vector<std::pair<std::filesystem::path, std::string>> files_;
};

// The whole content of a file. Throws InputError, e.g. "Q file x.npy: cannot read: No such file
// or directory"; a directory is refused. `name` is how messages name the input.
std::string read_file(const std::filesystem::path& path, const std::string& name);

}  // namespace attnlab
