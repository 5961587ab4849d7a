#pragma once
// The real binary started by a test that must act while it runs: send it Ctrl-C mid-download, or give
// it a terminal (a pseudo-terminal) as stderr to see its progress line.
#include <fcntl.h>
#include <pty.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/cli_run.hpp"

namespace hub_test {

class Child {
 public:
  // stdout and stderr into files of `dir`, or stderr into a pseudo-terminal when `terminal`.
  Child(const std::vector<std::string>& args, const cli_test::RunOptions& options, const std::filesystem::path& dir,
        bool terminal = false)
      : out_(dir / "child.out"), err_(dir / "child.err") {
    std::vector<std::string> argv_storage{ATTNLAB_BIN};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> env_storage = cli_test::child_environment(options);
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);
    int terminal_side = -1;
    if (terminal && ::openpty(&pty_, &terminal_side, nullptr, nullptr, nullptr) != 0)
      throw std::runtime_error("no pseudo-terminal");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (terminal) posix_spawn_file_actions_adddup2(&actions, terminal_side, 2);
    else posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int error = posix_spawn(&pid_, ATTNLAB_BIN, &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (terminal) {
      ::close(terminal_side);
      reader_ = std::thread([this] {  // the terminal read as it is written, so that the child never blocks on it
        char buffer[4096];
        for (;;) {
          const ssize_t n = ::read(pty_, buffer, sizeof buffer);
          if (n > 0) terminal_text_.append(buffer, static_cast<std::size_t>(n));
          else if (n < 0 && errno == EINTR) continue;
          else break;  // EIO: the child's side is closed
        }
      });
    }
    if (error != 0) throw std::runtime_error("cannot start attnlab");
  }
  ~Child() {
    if (pid_ > 0 && !waited_) {
      ::kill(pid_, SIGKILL);
      wait();
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  void signal(int sig) const { ::kill(pid_, sig); }

  // Exit status, or 128 + the signal that ended it.
  int wait() {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    waited_ = true;
    if (reader_.joinable()) reader_.join();
    if (pty_ >= 0) ::close(pty_);
    pty_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string out() const { return cli_test::read_all(out_); }
  std::string err() const { return terminal_text_.empty() ? cli_test::read_all(err_) : terminal_text_; }

 private:
  std::filesystem::path out_, err_;
  pid_t pid_ = -1;
  bool waited_ = false;
  int pty_ = -1;
  std::thread reader_;
  std::string terminal_text_;
};

}  // namespace hub_test
