#pragma once
// A download's progress as one line of a terminal: the file, the bytes, the rate and the time left.
#include <chrono>
#include <cstdint>
#include <string>

namespace attnlab {

// How far one file's download is: for a progress line or bar.
struct FileProgress {
  std::string file;
  std::uint64_t done = 0, total = 0;
  std::uint64_t resumed_from = 0;  // what the part held before this run: not counted in the rate
  double seconds = 0;              // since this run's download of the file began
  bool finished = false;
};

// "model.safetensors  312.4 MB / 548.1 MB  98.2 MB/s  2 s left", and once finished
// "model.safetensors  548.1 MB  98.2 MB/s  done in 6 s". The rate counts this run's bytes only
// (not a resumed part's); "-- MB/s" before it can be told.
std::string progress_line(const FileProgress& progress);

// "999 B", "12.3 kB", "548.1 MB", "1.2 GB" (powers of 1000, as huggingface_hub's bars count).
std::string byte_count(std::uint64_t bytes);
// "<1 s", "42 s", "3 min 05 s", "2 h 10 min".
std::string duration_text(double seconds);

// The line rewritten in place on a terminal (carriage return, clear to the end): as a file starts,
// then at most ten times a second, and once more when it is done, ending with a newline then. Writes to `fd` only when
// `enabled`: the command line enables it when stderr is a terminal and --quiet is not given.
class TerminalProgress {
 public:
  TerminalProgress(int fd, bool enabled) : fd_(fd), enabled_(enabled) {}
  void operator()(const FileProgress& progress);
  // Ends a line left open (before an error message).
  void close_line();

 private:
  void put(const std::string& text);

  int fd_;
  bool enabled_;
  bool open_ = false;  // a line is shown without its newline
  std::chrono::steady_clock::time_point last_{};
  std::string file_;  // the file of the line shown
};

}  // namespace attnlab
