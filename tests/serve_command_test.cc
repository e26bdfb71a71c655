// `logsieve serve` as a user runs it: starts, answers, reloads its files on
// SIGHUP and POST /admin/reload without failing a request, and on SIGTERM
// stops accepting, finishes and exits 0.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

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

int WaitReady(const std::string& log) { return testing::WaitForServeReady(log); }

TEST(ServeCommandTest, ServesThenExitsZeroOnSigterm) {
  testing::ScratchDir dir;
  std::string log = dir.File("serve.log");
  pid_t pid = StartServe(log);
  ASSERT_GT(pid, 0);
  int port = WaitReady(log);
  if (port < 0) kill(pid, SIGKILL);
  ASSERT_GT(port, 0) << testing::ReadFile(log);
  // Issue 26: the start-up log says where the dashboard and docs are, where
  // the store is and whether an LLM key is set.
  const std::string started = testing::ReadFile(log);
  const std::string base = "http://127.0.0.1:" + std::to_string(port);
  EXPECT_THAT(started, ::testing::HasSubstr("dashboard  " + base + "/ui/\n"));
  EXPECT_THAT(started, ::testing::HasSubstr("API docs   " + base + "/docs\n"));
  EXPECT_THAT(started, ::testing::HasSubstr("  store      "));
  EXPECT_THAT(started, ::testing::HasSubstr("  LLM key    "));

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

// A rule file with one rule: "deploy N finished" is `label`.
std::string Rules(const std::string& label) {
  return "rules:\n  - id: deploy-finished\n    pattern: '^deploy \\d+ finished$'\n    label: " +
         label + "\n";
}

// Calls `check` every 50 ms until it is true, for at most 20 s.
template <typename F>
bool Eventually(F check) {
  for (int i = 0; i < 400; ++i) {
    if (check()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

TEST(ServeCommandTest, ReloadsItsFilesUnderLoadWithoutLosingARequest) {
  using json = nlohmann::json;
  testing::ScratchDir dir;
  const std::string rules = dir.File("rules.yaml"), config = dir.File("logsieve.yaml");
  const std::string log = dir.File("serve.log");
  testing::WriteFile(rules, Rules("System Notification"));
  auto write_config = [&](const std::string& stages) {
    testing::WriteFile(config, "rules:\n  file: " + rules + "\npipeline:\n  stages: " + stages +
                                   "\nstore:\n  enabled: \"off\"\n");
  };
  write_config("[rules, model, llm]");
  testing::Background serve({testing::LogsieveBinary(), "serve", "--port", "0", "--config", config,
                             "--set", "server.access_log=false"},
                            log);
  const int port = WaitReady(log);
  ASSERT_GT(port, 0) << testing::ReadFile(log);

  // What the server answers now for a rule line and a line the model decides.
  const std::string rule_line = "deploy 7 finished";
  const std::string model_line = "Backup completed successfully for volume vol-7 in 12 seconds";
  auto classify = [port](const std::string& line) {
    httplib::Client c("127.0.0.1", port);
    auto r = c.Post("/classify-single/", json{{"source", "app"}, {"log_message", line}}.dump(),
                    "application/json");
    return r && r->status == 200 ? json::parse(r->body) : json();
  };
  ASSERT_EQ(classify(rule_line)["target_label"], "System Notification");
  ASSERT_EQ(classify(model_line)["method_used"], "ML") << classify(model_line);
  const json first = json::parse(httplib::Client("127.0.0.1", port).Get("/")->body)["loaded"];

  // Clients classify without pause through every reload below.
  std::atomic<bool> done{false};
  std::atomic<int> ok{0};
  std::vector<std::string> failures;
  std::mutex failures_mu;
  std::vector<std::thread> clients;
  for (int t = 0; t < 3; ++t) {
    clients.emplace_back([&] {
      httplib::Client c("127.0.0.1", port);
      c.set_read_timeout(30, 0);
      const std::string body = json{{"logs",
                                     {{{"source", "app"}, {"log_message", rule_line}},
                                      {{"source", "app"}, {"log_message", model_line}}}}}
                                   .dump();
      while (!done) {
        auto r = c.Post("/v1/classify", body, "application/json");
        if (r && r->status == 200) {
          ++ok;
        } else {
          std::lock_guard lock(failures_mu);
          failures.push_back(r ? std::to_string(r->status) + " " + r->body
                               : httplib::to_string(r.error()));
        }
      }
    });
  }

  // 1. A new rule file, on SIGHUP.
  testing::WriteFile(rules, Rules("User Action"));
  kill(serve.pid(), SIGHUP);
  EXPECT_TRUE(Eventually([&] { return classify(rule_line)["target_label"] == "User Action"; }))
      << testing::ReadFile(log);
  httplib::Client admin("127.0.0.1", port);
  const json second = json::parse(admin.Get("/")->body)["loaded"];
  EXPECT_NE(second["rules"], first["rules"]);
  EXPECT_EQ(second["model"], first["model"]);

  // 2. A broken rule file: refused with its file and line, the old rules stay.
  testing::WriteFile(rules, Rules("No Such Label"));
  auto r = admin.Post("/admin/reload", "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_NE(r->body.find(rules), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("No Such Label"), std::string::npos) << r->body;
  EXPECT_EQ(classify(rule_line)["target_label"], "User Action");
  EXPECT_EQ(json::parse(admin.Get("/")->body)["loaded"], second);

  // 3. A config without the model: the model's cached answer is not served again.
  testing::WriteFile(rules, Rules("User Action"));
  write_config("[rules, llm]");
  r = admin.Post("/admin/reload", "", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_NE(classify(model_line)["method_used"], "ML") << classify(model_line);
  EXPECT_FALSE(json::parse(r->body)["loaded"].contains("model")) << r->body;

  done = true;
  for (std::thread& t : clients) t.join();
  EXPECT_GT(ok.load(), 0);
  EXPECT_TRUE(failures.empty()) << failures.size() << " failed, first: " << failures.front();
  const std::string text = testing::ReadFile(log);
  EXPECT_NE(text.find("logsieve: reloaded: rules"), std::string::npos) << text;
  EXPECT_NE(text.find("reload refused, the classifier in service stays"), std::string::npos);
  EXPECT_EQ(serve.Signal(SIGTERM), 0) << text;
}

TEST(ServeCommandTest, ABadPortIsAUsageError) {
  auto run = testing::RunProgram({testing::LogsieveBinary(), "serve", "--port", "70000"});
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("server.port"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace logsieve
