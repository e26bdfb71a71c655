// `logsieve serve` as a user runs it: starts, answers, and on SIGTERM stops
// accepting, finishes and exits 0.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "testing/subprocess.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

// Starts `logsieve serve --port 0` with stderr in `log`; returns its pid.
pid_t StartServe(const std::string& log) {
  pid_t pid = fork();
  if (pid == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2);
    std::string bin = testing::LogsieveBinary();
    execl(bin.c_str(), bin.c_str(), "serve", "--port", "0", static_cast<char*>(nullptr));
    _exit(127);
  }
  return pid;
}

// The port once the log says "ready", or -1 after 20 s.
int WaitReady(const std::string& log) {
  for (int i = 0; i < 400; ++i) {
    std::string text = testing::ReadFile(log);
    size_t at = text.find("http://127.0.0.1:");
    if (at != std::string::npos && text.find("ready") != std::string::npos) {
      return std::stoi(text.substr(at + 17));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return -1;
}

TEST(ServeCommandTest, ServesThenExitsZeroOnSigterm) {
  testing::ScratchDir dir;
  std::string log = dir.File("serve.log");
  pid_t pid = StartServe(log);
  ASSERT_GT(pid, 0);
  int port = WaitReady(log);
  if (port < 0) kill(pid, SIGKILL);
  ASSERT_GT(port, 0) << testing::ReadFile(log);

  httplib::Client client("127.0.0.1", port);
  auto r = client.Post("/classify-single/",
                       R"({"source":"ModernCRM","log_message":"User U1 logged in."})",
                       "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);

  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << testing::ReadFile(log);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  std::string text = testing::ReadFile(log);
  EXPECT_NE(text.find("SIGTERM: finishing requests in flight"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("path":"/classify-single/")"), std::string::npos) << "access log line";
  EXPECT_FALSE(client.Get("/healthz"));  // no longer listening
}

TEST(ServeCommandTest, ABadPortIsAUsageError) {
  auto run = testing::RunProgram({testing::LogsieveBinary(), "serve", "--port", "70000"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("server.port"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace logsieve
