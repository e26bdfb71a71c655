#include "testing/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "testing/testing.h"

extern char** environ;

namespace logsieve::testing {
namespace {

int Spawn(const std::vector<std::string>& argv, const std::vector<std::string>& env,
          const std::string& cwd, int fd_in, int fd_out, int fd_err, int close_a, int close_b,
          int close_c) {
  // The binary's caches (compiled rules) go to the build tree, never the user's own.
  std::string xdg = "XDG_CACHE_HOME=" + TestCacheDir();
  // And `serve`'s store (store.enabled auto) to the build tree too.
  std::string state = "XDG_STATE_HOME=" + TestCacheDir() + "/state";
  // No background learning unless a test asks for it (env LOGSIEVE_LEARN_AUTO=true):
  // a model swapped in mid-test would change the answers other tests check.
  std::string autopilot = "LOGSIEVE_LEARN_AUTO=false";
  pid_t pid = fork();
  if (pid != 0) return pid;
  dup2(fd_in, 0);
  dup2(fd_out, 1);
  dup2(fd_err, 2);
  for (int fd : {close_a, close_b, close_c}) {
    if (fd > 2) close(fd);
  }
  if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
  putenv(xdg.data());
  putenv(state.data());
  putenv(autopilot.data());
  for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));  // after xdg: may override
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

int ExitCode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string LogsieveBinary() { return BinaryDir() + "/apps/logsieve/logsieve"; }

RunResult RunProgram(const std::vector<std::string>& argv, const std::string& input,
                     const std::vector<std::string>& env, const std::string& cwd) {
  int in[2], out[2], err[2];
  if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0) std::abort();
  int pid = Spawn(argv, env, cwd, in[0], out[1], err[1], in[1], out[0], err[0]);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  signal(SIGPIPE, SIG_IGN);
  std::thread feeder([&] {
    size_t off = 0;
    while (off < input.size()) {
      ssize_t n = write(in[1], input.data() + off, input.size() - off);
      if (n <= 0) break;
      off += static_cast<size_t>(n);
    }
    close(in[1]);
  });
  RunResult r;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0) {
    if (poll(fds, 2, -1) < 0) break;
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd >= 0 && (fds[k].revents & (POLLIN | POLLHUP))) {
        ssize_t n = read(fds[k].fd, buf, sizeof buf);
        if (n <= 0) {
          close(fds[k].fd);
          fds[k].fd = -1;
          --open_fds;
        } else {
          (k == 0 ? r.out : r.err).append(buf, static_cast<size_t>(n));
        }
      }
    }
  }
  feeder.join();
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = ExitCode(status);
  return r;
}

Background::Background(const std::vector<std::string>& argv, const std::string& log,
                       const std::vector<std::string>& env) {
  const int in = open("/dev/null", O_RDONLY);
  const int out = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (in < 0 || out < 0) std::abort();
  pid_ = Spawn(argv, env, "", in, out, out, in, out, -1);
  close(in);
  close(out);
}

Background::~Background() {
  if (pid_ > 0) Signal(SIGKILL);
}

int Background::Signal(int sig) {
  kill(pid_, sig);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return ExitCode(status);
}

Child::Child(const std::vector<std::string>& argv) {
  int in[2], out[2];
  if (pipe(in) != 0 || pipe(out) != 0) std::abort();
  int devnull = open("/dev/null", O_WRONLY);
  pid_ = Spawn(argv, {}, "", in[0], out[1], devnull, in[1], out[0], devnull);
  close(devnull);
  close(in[0]);
  close(out[1]);
  in_ = in[1];
  out_ = out[0];
  signal(SIGPIPE, SIG_IGN);
}

Child::~Child() {
  if (in_ >= 0) close(in_);
  if (out_ >= 0) close(out_);
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

void Child::Write(const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = write(in_, data.data() + off, data.size() - off);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

void Child::CloseStdin() {
  close(in_);
  in_ = -1;
}

std::string Child::ReadLines(size_t n, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  auto count = [&] {
    return static_cast<size_t>(std::count(buffered_.begin(), buffered_.end(), '\n'));
  };
  char buf[4096];
  while (count() < n) {
    int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    deadline - std::chrono::steady_clock::now())
                                    .count());
    if (left <= 0) break;
    pollfd p{out_, POLLIN, 0};
    if (poll(&p, 1, left) <= 0) break;
    ssize_t k = read(out_, buf, sizeof buf);
    if (k <= 0) break;
    buffered_.append(buf, static_cast<size_t>(k));
  }
  return buffered_;
}

int Child::Wait() {
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return ExitCode(status);
}

int WaitForServeReady(const std::string& log, int seconds) {
  for (int i = 0; i < seconds * 20; ++i) {
    const std::string text = ReadFile(log);
    const size_t at = text.find("http://127.0.0.1:");
    if (at != std::string::npos && text.find("ready") != std::string::npos) {
      return std::stoi(text.substr(at + 17));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

}  // namespace logsieve::testing
