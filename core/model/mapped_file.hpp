#pragma once
// A file mapped read-only into memory (POSIX mmap): a model's weights are read in place, page by page
// as the forward pass touches them, never copied whole into the process. A file truncated while it
// is mapped ends the program with "attnlab: FILE: the file changed while it was read" and exit
// status 1, instead of the SIGBUS its lost pages would raise.
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace attnlab {

class MappedFile {
 public:
  // Throws InputError naming `path`: missing, a directory, a FIFO or device, unreadable.
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  // The whole file; its bytes are only read when touched. Empty for an empty file.
  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }
  const std::filesystem::path& path() const { return path_; }
  // Drops the pages of `range` (a part of bytes()) from the process's memory: read again from the
  // file if touched again. For data that was copied out and will not be read in place.
  void release(std::string_view range) const;

 private:
  std::filesystem::path path_;
  void* data_ = nullptr;
  std::size_t size_ = 0;
  void* listed_ = nullptr;  // the entry the bus-error handler finds the mapping by
};

}  // namespace attnlab
