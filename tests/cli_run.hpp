#pragma once
// Running a program as a test would from a shell: exit status, stdout and stderr kept apart, and
// scratch directories that clean up after themselves.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
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
  int status = -1;          // exit status, or 128 + signal when the program was killed
  bool timed_out = false;   // killed after its time limit
  double peak_rss_mib = 0;  // the child's peak resident memory (its rusage)
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

// How a program is run: its time limit (no test waits forever on a program that hangs), variables
// added to its environment ("NAME=value", replacing any of that name), and where its stdout goes
// (a file of its own unless given, e.g. /dev/full).
struct RunOptions {
  double seconds = 300;
  std::vector<std::string> env;
  std::string stdout_path;

  RunOptions with(std::string variable) const {
    RunOptions o = *this;
    o.env.push_back(std::move(variable));
    return o;
  }
  RunOptions out_to(std::string path) const {
    RunOptions o = *this;
    o.stdout_path = std::move(path);
    return o;
  }
};

inline RunOptions within(double seconds) {
  RunOptions o;
  o.seconds = seconds;
  return o;
}

// This process's environment with `options.env` laid over it (a variable given replaces its namesake).
inline std::vector<std::string> child_environment(const RunOptions& options) {
  std::vector<std::string> env = options.env;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('=') + 1);
    bool replaced = false;
    for (const std::string& given : options.env) replaced = replaced || given.rfind(name, 0) == 0;
    if (!replaced) env.push_back(entry);
  }
  return env;
}

// Runs `program args...` with stdin from /dev/null. stdout and stderr go to files rather than
// pipes, so a chatty child can never block on a full pipe while we wait for it.
inline RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                             const RunOptions& options = {}) {
  TempDir capture;
  const fs::path out_path = options.stdout_path.empty() ? capture / "stdout" : fs::path(options.stdout_path);
  const fs::path err_path = capture / "stderr";

  std::vector<std::string> argv_storage{program};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  RunResult result;
  for (auto& a : argv_storage) {
    argv.push_back(a.data());
    result.command += (result.command.empty() ? "" : " ") + a;
  }
  argv.push_back(nullptr);
  std::vector<std::string> env_storage = child_environment(options);
  std::vector<char*> envp;
  for (auto& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  for (const std::string& e : options.env) result.command = e + " " + result.command;

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = 0;
  const int spawn_error = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) throw std::runtime_error("cannot start " + program);

  // Polled, so that a program past its time limit is killed rather than waited for.
  int wstatus = 0;
  rusage usage{};
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    const pid_t done = ::wait4(pid, &wstatus, WNOHANG, &usage);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) throw std::runtime_error("wait4 failed for " + program);
    if (std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() > options.seconds &&
        !result.timed_out) {
      ::kill(pid, SIGKILL);
      result.timed_out = true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  result.status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  result.peak_rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;  // KiB on Linux
  if (options.stdout_path.empty()) result.out = read_all(out_path);
  result.err = read_all(err_path);
  return result;
}

inline RunResult run_attnlab(const std::vector<std::string>& args, const RunOptions& options = {}) {
  return run_program(ATTNLAB_BIN, args, options);
}

}  // namespace cli_test
