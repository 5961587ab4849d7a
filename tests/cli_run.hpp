#pragma once
// Running a program as a test would from a shell: exit status, stdout and stderr kept apart, and
// scratch directories that clean up after themselves.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

extern char** environ;

namespace cli_test {

namespace fs = std::filesystem;

inline std::string read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void write_all(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write test file " + path.string());
}

// Letters only: paths then hold no digits, so a test can look for a number in a message that
// also names a file without matching the path by accident.
inline std::string letters(unsigned long long n) {
  std::string s;
  do {
    s += static_cast<char>('a' + n % 26);
    n /= 26;
  } while (n > 0);
  return s;
}

// A fresh directory per test, unique across concurrent test processes, removed on scope exit.
class TempDir {
 public:
  TempDir() {
    static std::atomic<unsigned> counter{0};
    std::random_device entropy;
    const std::string name = "attnlab-cli-" + letters(static_cast<unsigned long long>(::getpid())) + "-" +
                             letters(counter.fetch_add(1)) + "-" + letters(entropy());
    path_ = fs::temp_directory_path() / name;
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

struct RunResult {
  int status = -1;  // exit status, or 128 + signal when the program was killed
  std::string out;
  std::string err;
  std::string command;  // for failure messages

  std::vector<std::string> err_lines() const {
    std::vector<std::string> lines;
    std::string line;
    for (const char c : err) {
      if (c == '\n') {
        lines.push_back(line);
        line.clear();
      } else {
        line += c;
      }
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
  }
};

// Runs `program args...` with stdin from /dev/null. stdout and stderr go to files rather than
// pipes, so a chatty child can never block on a full pipe while we wait for it.
inline RunResult run_program(const std::string& program, const std::vector<std::string>& args) {
  TempDir capture;
  const fs::path out_path = capture / "stdout", err_path = capture / "stderr";

  std::vector<std::string> argv_storage{program};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  RunResult result;
  for (auto& a : argv_storage) {
    argv.push_back(a.data());
    result.command += (result.command.empty() ? "" : " ") + a;
  }
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int spawn_error = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) throw std::runtime_error("cannot start " + program);

  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0)
    if (errno != EINTR) throw std::runtime_error("waitpid failed for " + program);
  result.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  result.out = read_all(out_path);
  result.err = read_all(err_path);
  return result;
}

inline RunResult run_attnlab(const std::vector<std::string>& args) {
  return run_program(ATTNLAB_BIN, args);
}

}  // namespace cli_test
