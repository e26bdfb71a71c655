// `logsieve patterns` end to end, run as a user would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "testing/subprocess.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

using ::testing::HasSubstr;
using testing::LogsieveBinary;
using testing::RunProgram;
using testing::RunResult;

RunResult Patterns(std::vector<std::string> args, const std::string& input) {
  std::vector<std::string> argv = {LogsieveBinary(), "patterns"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, input);
}

const char kLines[] =
    "Accepted password for alice from 10.0.0.7 port 22 ssh2\n"
    "disk sda full\n"
    "Accepted password for bob_2 from 10.0.0.9 port 2222 ssh2\n";

TEST(CliPatternsTest, EveryRecordGetsTheFinalTemplateOfItsClusterInOrder) {
  RunResult r = Patterns({"-", "--format", "lines", "--output-format", "ndjson"}, kLines);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string ssh = "Accepted password for <*> from <IP> port <NUM> ssh<NUM>";
  EXPECT_THAT(r.out, HasSubstr("\"template\":\"" + ssh + "\""));
  std::vector<std::string> lines;
  for (size_t at = 0, nl; (nl = r.out.find('\n', at)) != std::string::npos; at = nl + 1)
    lines.push_back(r.out.substr(at, nl - at));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr("\"log_message\":\"Accepted password for alice"));
  EXPECT_THAT(lines[0], HasSubstr(ssh));
  EXPECT_THAT(lines[1], HasSubstr("\"template\":\"disk sda full\""));
  EXPECT_THAT(lines[2], HasSubstr(ssh));
  // The same template, the same id.
  EXPECT_EQ(lines[0].substr(lines[0].find("template_id")),
            lines[2].substr(lines[2].find("template_id")));
}

TEST(CliPatternsTest, CsvInCsvOutHasExactlyTheTemplateColumns) {
  RunResult r = Patterns({"-"}, "source,log_message\nA,job 1 done\nB,job 22 done\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("source,log_message,template_id,template\n"));
  EXPECT_THAT(r.out, HasSubstr("A,job 1 done,"));
  EXPECT_THAT(r.out, HasSubstr(",job <NUM> done\nB,job 22 done,"));
}

TEST(CliPatternsTest, TheSummaryCountsEachTemplateWithItsFirstAndLastLine) {
  RunResult r = Patterns({"-", "--format", "lines", "--summary"}, kLines);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("2 templates over 3 records"));
  EXPECT_THAT(r.out, HasSubstr("2  66.67%          1          3  Accepted password for <*>"));
  EXPECT_THAT(r.out, HasSubstr("e.g. Accepted password for alice from 10.0.0.7 port 22 ssh2"));
  RunResult j =
      Patterns({"-", "--format", "lines", "--summary", "--output-format", "ndjson"}, kLines);
  ASSERT_EQ(j.exit_code, 0) << j.err;
  EXPECT_THAT(j.out, HasSubstr("\"count\":2,\"share\":0.6667,\"first_line\":1,\"last_line\":3"));
}

TEST(CliPatternsTest, MultiLineEventsAreJoinedAsClassifyJoinsThem) {
  RunResult r = Patterns({"-", "--format", "lines", "--set", "input.multiline.mode=java"},
                         "Exception in thread main\n\tat a.B.c(B.java:1)\nok\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\tException in thread main\\n\tat a.B.c(B.java:1)\n"));
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2);
}

TEST(CliPatternsTest, AMissingColumnIsAClearErrorWithExitCode2) {
  RunResult r = Patterns({"-"}, "time,msg\n1,x\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("missing required columns source, log_message"));
}

}  // namespace
}  // namespace logsieve
