// `logsieve serve` teaching itself (issue 22): a correction answers its
// template at once, in this server and from another process; the autopilot
// learns from the (fake) LLM's answers under load, puts the promoted model in
// service and loses no request.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "llm/testing/fake_llm_server.h"
#include "testing/subprocess.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

int WaitReady(const std::string& log) { return testing::WaitForServeReady(log, 60); }

// Calls `check` every 100 ms until it is true, for at most `seconds`.
template <typename F>
bool Eventually(F check, int seconds) {
  // A deadline, not a count of tries: a check that is slow on a loaded machine
  // must not carry the wait past ctest's own limit.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (check()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

json Classify(int port, const std::string& source, const std::string& line, int* status) {
  httplib::Client c("127.0.0.1", port);
  c.set_read_timeout(60, 0);
  auto r = c.Post("/classify-single/", json{{"source", source}, {"log_message", line}}.dump(),
                  "application/json");
  *status = r ? r->status : -1;
  return r && r->status == 200 ? json::parse(r->body) : json();
}

TEST(AutopilotTest, ACorrectionAnswersItsTemplateInARunningServeFromThisOrAnotherProcess) {
  testing::ScratchDir dir;
  const std::string log = dir.File("serve.log");
  const std::vector<std::string> sets = {"--set", "store.path=" + dir.File("s.db"),
                                         "--set", "learn.registry=" + dir.File("reg"),
                                         "--set", "llm.api_key="};
  std::vector<std::string> argv = {testing::LogsieveBinary(), "serve", "--port", "0"};
  argv.insert(argv.end(), sets.begin(), sets.end());
  testing::Background serve(argv, log);
  const int port = WaitReady(log);
  ASSERT_GT(port, 0) << testing::ReadFile(log);
  int status = 0;
  EXPECT_NE(Classify(port, "billing", "invoice 5 reconciled twice", &status)["method_used"],
            "Correction");

  // Posted to this server: the next answer for the template is the correction.
  httplib::Client c("127.0.0.1", port);
  auto posted = c.Post("/v1/feedback",
                       json{{"source", "billing"},
                            {"log_message", "invoice 17 reconciled twice"},
                            {"target_label", "Workflow Error"}}
                           .dump(),
                       "application/json");
  ASSERT_TRUE(posted);
  ASSERT_EQ(posted->status, 200) << posted->body;
  EXPECT_TRUE(Eventually(
      [&] {
        json a = Classify(port, "billing", "invoice 99 reconciled twice", &status);
        return a["method_used"] == "Correction" && a["target_label"] == "Workflow Error";
      },
      10))
      << Classify(port, "billing", "invoice 99 reconciled twice", &status).dump();

  // Stored by another process (`feedback import`): seen within store.poll_ms.
  testing::WriteFile(dir.File("f.csv"),
                     "source,log_message,target_label\nbilling,ledger 3 frozen,Critical Error\n");
  std::vector<std::string> import = {testing::LogsieveBinary(), "feedback", "import",
                                     dir.File("f.csv")};
  import.insert(import.end(), sets.begin(), sets.end());
  testing::RunResult imported = testing::RunProgram(import, "");
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_TRUE(Eventually(
      [&] {
        return Classify(port, "billing", "ledger 8 frozen", &status)["target_label"] ==
               "Critical Error";
      },
      10));
  EXPECT_EQ(serve.Signal(SIGTERM), 0) << testing::ReadFile(log);
}

TEST(AutopilotTest, ARoundUnderLoadLosesNoRequestAndPutsThePromotedModelInService) {
  testing::ScratchDir dir;
  auto llm = testing::FakeLlmServer::Start();
  ASSERT_TRUE(llm.ok()) << llm.status().ToString();
  // The oracle knows a team's jargon: "reticulated" lines are Workflow Errors.
  (*llm)->SetHandler(testing::FakeLlmServer::LabelByKeyword(
      {{"reticulated", "Workflow Error"}, {"defragmented", "Resource Usage"}}, "Error"));
  const std::string log = dir.File("serve.log");
  testing::Background serve({testing::LogsieveBinary(),
                             "serve",
                             "--port",
                             "0",
                             "--set",
                             "store.path=" + dir.File("s.db"),
                             "--set",
                             "store.flush_ms=200",
                             "--set",
                             "learn.registry=" + dir.File("reg"),
                             "--set",
                             "llm.base_url=" + (*llm)->base_url(),
                             "--set",
                             "llm.api_key=test-key",
                             "--set",
                             "learn.auto_min_new=40",
                             "--set",
                             "learn.auto_check_s=1",
                             "--set",
                             "learn.base_rows=1500",
                             "--set",
                             "learn.max_accuracy_drop=1",
                             "--set",
                             "learn.max_label_drop=1",
                             "--set",
                             "server.access_log=false"},
                            log, {"LOGSIEVE_LEARN_AUTO=true"});
  const int port = WaitReady(log);
  ASSERT_GT(port, 0) << testing::ReadFile(log);
  EXPECT_THAT(testing::ReadFile(log), HasSubstr("autopilot on"));

  // Two clients classify new templates without pause until the new model is in service.
  std::atomic<bool> done{false};
  std::atomic<int> answered{0}, failed{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 2; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; !done; ++i) {
        const std::string word = "w" + std::to_string(t) + "x" + std::string(1 + i % 7, 'q') +
                                 std::to_string(i / 7);  // digits are masked: letters vary
        std::string letters;
        for (char ch : word)
          letters += std::isdigit(static_cast<unsigned char>(ch))
                         ? static_cast<char>('a' + (ch - '0'))
                         : ch;
        const std::string line = i % 2 == 0 ? "spline " + letters + " reticulated after 3 retries"
                                            : "volume " + letters + " defragmented in 12 seconds";
        int status = 0;
        Classify(port, "app", line, &status);
        (status == 200 ? answered : failed)++;
        // Steady load that leaves the round (nice 19) some CPU on a busy 2-core machine.
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
  }
  auto promoted = [&] {
    httplib::Client c("127.0.0.1", port);
    auto m = c.Get("/metrics");
    return m &&
           m->body.find("logsieve_learn_rounds_total{result=\"promoted\"} 1") != std::string::npos;
  };
  const bool in_service = Eventually(
      [&] {
        if (!promoted()) return false;
        httplib::Client c("127.0.0.1", port);
        auto root = c.Get("/");
        return root && root->body.find("registry v0001") != std::string::npos;
      },
      300);
  done = true;
  for (std::thread& t : clients) t.join();
  ASSERT_TRUE(in_service) << testing::ReadFile(log);
  EXPECT_GT(answered, 40);
  EXPECT_EQ(failed, 0);
  // The new model answers the team's jargon without the LLM.
  const size_t before = (*llm)->line_count();
  int status = 0;
  json a = Classify(port, "app", "spline zzyzx reticulated after 9 retries", &status);
  EXPECT_EQ(a["target_label"], "Workflow Error") << a.dump();
  EXPECT_EQ(a["method_used"], "ML") << a.dump();
  EXPECT_EQ((*llm)->line_count(), before);
  EXPECT_THAT(testing::ReadFile(log), HasSubstr("autopilot: v0001 passed the gate"));
  EXPECT_EQ(serve.Signal(SIGTERM), 0) << testing::ReadFile(log);
}

}  // namespace
}  // namespace logsieve
