// What a new user stumbled on (issue 26), through the `logsieve` binary:
// formats from the file name, other field names, --help that shows how, a
// misspelled key, and an LLM that answers prose or nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "llm/testing/fake_llm_server.h"
#include "testing/subprocess.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

using testing::FakeLlmServer;
using testing::FakeReply;
using ::testing::HasSubstr;
using testing::LogsieveBinary;
using ::testing::Not;
using testing::ReadFile;
using testing::RunProgram;
using testing::RunResult;
using testing::ScratchDir;
using testing::WriteFile;

// No stages: every line is Unclassified and nothing is loaded.
RunResult Classify(std::vector<std::string> args, const std::string& input = "") {
  std::vector<std::string> argv = {
      LogsieveBinary(), "classify",          "-q", "--set", "pipeline.stages=[]",
      "--set",          "pipeline.routes=[]"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, input);
}

TEST(FirstUseTest, ALogFileIsReadAsLinesWithoutFormat) {
  ScratchDir dir;
  WriteFile(dir.File("app.log"), "2024-01-01 ERROR disk full, retrying\nok\n");
  RunResult r = Classify({dir.File("app.log"), "--source", "web"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Unclassified\tNone\t\t2024-01-01 ERROR disk full, retrying\n"
            "Unclassified\tNone\t\tok\n");
}

TEST(FirstUseTest, AJsonlFileIsReadAsNdjsonAndACsvFileAsCsv) {
  ScratchDir dir;
  WriteFile(dir.File("e.jsonl"), "{\"log_message\":\"x\"}\n");
  WriteFile(dir.File("e.CSV"), "source,log_message\nA,x\n");
  RunResult j = Classify({dir.File("e.jsonl")});
  EXPECT_EQ(j.exit_code, 0) << j.err;
  EXPECT_THAT(j.out, HasSubstr("\"target_label\":\"Unclassified\""));
  RunResult c = Classify({dir.File("e.CSV")});
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_THAT(c.out, HasSubstr("A,x,Unclassified,None,"));
}

TEST(FirstUseTest, PlainTextReadAsCsvByDefaultSuggestsFormatLines) {
  RunResult r = Classify({"-"}, "Jan 1 12:00:00 host sshd[1]: Accepted password for bob\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("missing required columns source, log_message"));
  EXPECT_THAT(r.err, HasSubstr("give --format lines"));
}

TEST(FirstUseTest, AnExplicitCsvFormatGetsNoSuggestion) {
  RunResult r = Classify({"-", "--format", "csv"}, "just text\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, Not(HasSubstr("--format lines")));
}

TEST(FirstUseTest, NdjsonThatCallsTheMessageMsgIsReadWithMessageField) {
  RunResult r = Classify({"-", "--format", "ndjson", "--message-field", "msg", "--source-field",
                          "host", "--output-format", "csv"},
                         "{\"host\":\"web1\",\"msg\":\"hello\"}\n{\"msg\":\"no host\"}\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "source,log_message,target_label,method_used,confidence,degraded\n"
            "web1,hello,Unclassified,None,,false\n"
            "unknown,no host,Unclassified,None,,false\n");
}

TEST(FirstUseTest, ACsvWithoutASourceColumnWorksWhenSourceIsGiven) {
  RunResult r =
      Classify({"-", "--source", "web", "--message-field", "msg", "--output-format", "ndjson"},
               "time,msg\n1,hello\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("{\"time\":\"1\",\"msg\":\"hello\",\"target_label\""));
  // Without --source the column is still required, and the message says so.
  RunResult missing = Classify({"-", "--message-field", "msg"}, "time,msg\n1,hello\n");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("missing required column source; found columns: time, msg"));
}

TEST(FirstUseTest, MultilineOnACsvIsRefusedWithHowToGoOn) {
  RunResult r = Classify({"-", "--set", "input.multiline.mode=java"}, "source,log_message\nA,x\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("a csv record is one event already"));
  EXPECT_THAT(r.err, HasSubstr("set input.multiline.mode=off"));
  EXPECT_THAT(r.err, Not(HasSubstr("read as CSV")));
}

TEST(FirstUseTest, AJoinedJavaTraceStaysOneRowWithFourFieldsInLinesOutput) {
  RunResult r = Classify({"-", "--format", "lines", "--set", "input.multiline.mode=java"},
                         "Exception in thread main\n\tat A.run(A.java:1)\n\tat B.go(B.java:2)\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Unclassified\tNone\t\tException in thread main\\n\\tat A.run(A.java:1)\\n\\tat "
            "B.go(B.java:2)\n");
}

TEST(FirstUseTest, AMisspelledSetKeyGetsDidYouMean) {
  RunResult r = RunProgram({LogsieveBinary(), "config", "--set", "pipeline.treshold=0.9"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown config key 'pipeline.treshold'; did you mean "
                               "'pipeline.threshold'?"));
}

// Every subcommand's `--help`, nested ones included, ends with examples.
TEST(FirstUseTest, EverySubcommandsHelpHasAnExample) {
  RunResult top = RunProgram({LogsieveBinary(), "--help"});
  ASSERT_EQ(top.exit_code, 0);
  std::vector<std::vector<std::string>> commands;
  const size_t list = top.out.find("Subcommands:");
  ASSERT_NE(list, std::string::npos) << top.out;
  std::istringstream in(top.out.substr(list));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line) && !line.empty()) {
    std::istringstream words(line);
    std::string name;
    if (words >> name) commands.push_back({name});
  }
  ASSERT_GE(commands.size(), 15u) << top.out;
  for (const auto& nested : std::vector<std::vector<std::string>>{{"rules", "check"},
                                                                  {"rules", "test"},
                                                                  {"rules", "suggest"},
                                                                  {"store", "stats"},
                                                                  {"store", "purge"},
                                                                  {"models", "list"},
                                                                  {"models", "activate"},
                                                                  {"models", "rollback"},
                                                                  {"feedback", "import"}}) {
    commands.push_back(nested);
  }
  for (std::vector<std::string> argv : commands) {
    std::string name;
    for (const std::string& w : argv) name += w + " ";
    argv.insert(argv.begin(), LogsieveBinary());
    argv.push_back("--help");
    RunResult r = RunProgram(argv);
    EXPECT_EQ(r.exit_code, 0) << name;
    EXPECT_THAT(r.out, HasSubstr("Examples:\n  logsieve " + argv[1])) << name;
  }
}

TEST(FirstUseTest, HelpShowsDefaultsAndNoFlagTheCommandIgnores) {
  auto help = [](std::vector<std::string> argv) {
    argv.insert(argv.begin(), LogsieveBinary());
    argv.push_back("--help");
    return RunProgram(argv).out;
  };
  // CLI11 2.1 shows a default as "=VALUE" after the type.
  EXPECT_THAT(help({"gen-data"}), HasSubstr("--rows UINT=20000"));
  EXPECT_THAT(help({"review"}), HasSubstr("--limit UINT:INT in [1 - 100000]=50"));
  EXPECT_THAT(help({"train"}), HasSubstr("--C FLOAT:POSITIVE=10"));
  EXPECT_THAT(help({"rules", "suggest"}), Not(HasSubstr("1099511627776")));
  for (std::vector<std::string> cmd : std::vector<std::vector<std::string>>{{"store", "stats"},
                                                                            {"store", "purge"},
                                                                            {"models", "list"},
                                                                            {"models", "rollback"},
                                                                            {"review"}}) {
    const std::string text = help(cmd);
    EXPECT_THAT(text, HasSubstr("--set"));
    EXPECT_THAT(text, Not(HasSubstr("--rules")));
    EXPECT_THAT(text, Not(HasSubstr("--model ")));
    EXPECT_THAT(text, Not(HasSubstr("--threshold")));
  }
}

// The LLM check against a fake endpoint that answers in prose.
TEST(FirstUseTest, LlmCheckFailsWhenTheModelAnswersProse) {
  auto server = FakeLlmServer::Start();
  ASSERT_TRUE(server.ok());
  (*server)->SetHandler([](const testing::FakeRequest&) {
    return FakeReply::Content("This log line looks like a disk problem to me.");
  });
  RunResult r = RunProgram({LogsieveBinary(), "llm", "--check", "--set",
                            "llm.base_url=" + (*server)->base_url(), "--set",
                            "llm.api_key=test-key", "disk full"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("llm check failed: 1 of 1 answers could not be read as a label"));
}

TEST(FirstUseTest, LlmCheckPassesWhenTheModelAnswersALabel) {
  auto server = FakeLlmServer::Start();
  ASSERT_TRUE(server.ok());
  (*server)->SetHandler(
      [](const testing::FakeRequest&) { return FakeReply::Label("Resource Usage"); });
  RunResult r = RunProgram({LogsieveBinary(), "llm", "--check", "--set",
                            "llm.base_url=" + (*server)->base_url(), "--set",
                            "llm.api_key=test-key", "disk full"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"target_label\":\"Resource Usage\""));
}

// A 404 (wrong base URL) is asked once, not once per line, and classify says so on stderr.
TEST(FirstUseTest, ClassifyAgainstAnEndpointThatAnswers404AsksItOnceAndWarns) {
  auto server = FakeLlmServer::Start();
  ASSERT_TRUE(server.ok());
  (*server)->SetHandler([](const testing::FakeRequest&) { return FakeReply::Error(404); });
  RunResult r = RunProgram(
      {LogsieveBinary(), "classify", "-", "--format", "lines", "--set", "pipeline.stages=[llm]",
       "--set", "pipeline.routes=[]", "--set", "llm.base_url=" + (*server)->base_url(), "--set",
       "llm.api_key=test-key", "--set", "llm.concurrency=1", "--set", "pipeline.threads=1"},
      "first line\nsecond line\nthird line\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ((*server)->request_count(), 1u) << r.err;
  EXPECT_THAT(r.err, HasSubstr("logsieve: warning: llm: 1 request failed, lines degrade: "
                               "endpoint refused the request: HTTP 404"));
}

}  // namespace
}  // namespace logsieve
