// Running a program (the `logsieve` binary) as a user would, for end-to-end tests.
#ifndef LOGSIEVE_TESTS_TESTING_SUBPROCESS_H_
#define LOGSIEVE_TESTS_TESTING_SUBPROCESS_H_

#include <string>
#include <vector>

namespace logsieve::testing {

struct RunResult {
  int exit_code = -1;  // 128 + signal when killed by a signal
  std::string out;
  std::string err;
};

// Runs argv (argv[0] is a path) with `input` on stdin; waits for it to end.
// `env` entries ("NAME=value") are added to the environment.
RunResult RunProgram(const std::vector<std::string>& argv, const std::string& input = "",
                     const std::vector<std::string>& env = {}, const std::string& cwd = "");

// The `logsieve` binary of this build tree.
std::string LogsieveBinary();

// A running child with pipes, for streaming tests.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  void Write(const std::string& data);
  void CloseStdin();
  // Reads stdout until it holds `n` newlines or `timeout_ms` passes; returns what was read.
  std::string ReadLines(size_t n, int timeout_ms);
  int Wait();

 private:
  int pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  std::string buffered_;
};

// A program left running (a server, a worker, a follower) with stdin from
// /dev/null and stdout and stderr appended to `log`; SIGKILLed when the object
// goes, unless Signal() ended it first.
class Background {
 public:
  Background(const std::vector<std::string>& argv, const std::string& log,
             const std::vector<std::string>& env = {});
  ~Background();
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  int pid() const { return pid_; }
  // Sends `sig` and waits: the exit code, or 128 + the signal.
  int Signal(int sig);

 private:
  int pid_ = -1;
};

// The port of a `logsieve serve` whose stderr goes to `log`, once the log says
// "ready" (and names http://127.0.0.1:PORT), or -1 after `seconds`.
int WaitForServeReady(const std::string& log, int seconds = 20);

}  // namespace logsieve::testing

#endif  // LOGSIEVE_TESTS_TESTING_SUBPROCESS_H_
