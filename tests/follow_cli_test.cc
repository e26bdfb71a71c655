// `logsieve classify --follow FILE` as a user runs it: a real file in a temp
// directory, appended to, rotated and truncated while the binary follows it,
// stopped with SIGTERM and restarted from its position file.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <thread>

#include "testing/subprocess.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

using testing::ReadFile;
using testing::ScratchDir;
using testing::WriteFile;

const std::vector<std::string> kNoStages = {"--set", "pipeline.stages=[]", "--set",
                                            "pipeline.routes=[]"};

void Append(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::app) << text;
}

// A `logsieve classify --follow` child; its stderr goes to a file.
class Following {
 public:
  Following(const ScratchDir& dir, const std::vector<std::string>& args) : log_(dir.File("err")) {
    std::vector<std::string> argv = {testing::LogsieveBinary(), "classify", "--follow"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.insert(argv.end(), kNoStages.begin(), kNoStages.end());
    argv.insert(argv.end(), {"--set", "input.follow.poll_ms=10"});
    process_ = std::make_unique<testing::Background>(argv, log_);
  }
  // SIGTERM, then the exit code.
  int Stop() { return process_->Signal(SIGTERM); }
  std::string err() const { return ReadFile(log_); }

 private:
  std::string log_;
  std::unique_ptr<testing::Background> process_;
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t at = 0;
  for (size_t nl; (nl = text.find('\n', at)) != std::string::npos; at = nl + 1)
    out.push_back(text.substr(at, nl - at));
  return out;
}

// The messages of the `lines` output written so far, once it has `n` lines
// (polled; a generous minute before giving up).
std::vector<std::string> WaitForMessages(const std::string& out, size_t n) {
  std::vector<std::string> messages;
  for (int i = 0; i < 3000; ++i) {
    messages.clear();
    for (const std::string& line : Lines(ReadFile(out))) {
      size_t at = 0;  // label, method, confidence, then the message
      for (int field = 0; field < 3; ++field) at = line.find('\t', at) + 1;
      messages.push_back(line.substr(at));
    }
    if (messages.size() >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return messages;
}

std::vector<std::string> Numbered(int from, int to) {
  std::vector<std::string> v;
  for (int i = from; i <= to; ++i) v.push_back("line " + std::to_string(i));
  return v;
}

std::string Text(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

TEST(FollowCliTest, RestartsFromThePositionFileLoseAndRepeatNoLine) {
  ScratchDir dir;
  const std::string log = dir.File("app.log");
  const std::string out = dir.File("out.txt");
  const std::vector<std::string> args = {log, "--position-file", dir.File("pos.json"), "-q", "-o",
                                         out};
  WriteFile(log, Text(Numbered(1, 5)));
  {
    Following f(dir, args);
    EXPECT_EQ(WaitForMessages(out, 5), Numbered(1, 5));
    Append(log, Text(Numbered(6, 7)));
    EXPECT_EQ(WaitForMessages(out, 7), Numbered(1, 7));
    EXPECT_EQ(f.Stop(), 0) << f.err();
  }
  Append(log, Text(Numbered(8, 10)) + "line 11 is half");  // written while stopped
  {
    Following f(dir, args);
    EXPECT_EQ(WaitForMessages(out, 10), Numbered(1, 10));
    EXPECT_EQ(f.Stop(), 0) << f.err();
  }
  EXPECT_EQ(WaitForMessages(out, 10), Numbered(1, 10));  // the half line is not classified
  Append(log, " written\n");
  {
    Following f(dir, args);
    std::vector<std::string> want = Numbered(1, 10);
    want.push_back("line 11 is half written");
    EXPECT_EQ(WaitForMessages(out, 11), want);
    EXPECT_EQ(f.Stop(), 0) << f.err();
  }
}

TEST(FollowCliTest, RotationAndTruncationAreFollowedLikeTailF) {
  ScratchDir dir;
  const std::string log = dir.File("app.log");
  const std::string out = dir.File("out.txt");
  WriteFile(log, "a1\na2\n");
  Following f(dir, {log, "-q", "-o", out});
  EXPECT_EQ(WaitForMessages(out, 2).size(), 2u);
  Append(log, "a3\n");
  ASSERT_EQ(std::rename(log.c_str(), dir.File("app.log.1").c_str()), 0);
  WriteFile(log, "b1\n");
  EXPECT_EQ(WaitForMessages(out, 4), (std::vector<std::string>{"a1", "a2", "a3", "b1"}));
  WriteFile(log, "c\n");  // truncated to a shorter content (copytruncate)
  EXPECT_EQ(WaitForMessages(out, 5).back(), "c");
  EXPECT_EQ(f.Stop(), 0) << f.err();
}

TEST(FollowCliTest, AFollowedJavaTraceIsOneEventOnceItsLinesStop) {
  ScratchDir dir;
  const std::string log = dir.File("app.log");
  const std::string out = dir.File("out.txt");
  WriteFile(log, "");
  Following f(dir, {log, "-q", "-o", out, "--set", "input.multiline.mode=java", "--set",
                    "input.multiline.flush_ms=50"});
  Append(log, "2024-03-12 ERROR boom\njava.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)\n");
  EXPECT_EQ(WaitForMessages(out, 1),
            (std::vector<std::string>{"2024-03-12 ERROR boom\\njava.lang.IllegalStateException: "
                                      "x\\n\\tat a.B.c(B.java:1)"}));
  EXPECT_EQ(f.Stop(), 0) << f.err();
}

TEST(FollowCliTest, CsvStdinAndAPositionWithoutFollowAreUsageErrors) {
  ScratchDir dir;
  WriteFile(dir.File("a.csv"), "source,log_message\n");
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {testing::LogsieveBinary(), "classify"});
    return testing::RunProgram(args);
  };
  testing::RunResult r = run({"--follow", dir.File("a.csv"), "--format", "csv"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--follow reads --format lines or ndjson, not csv"), std::string::npos)
      << r.err;
  r = run({"--follow", "-"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--follow needs a file"), std::string::npos) << r.err;
  r = run({dir.File("a.csv"), "--position-file", dir.File("p")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--position-file is for --follow"), std::string::npos) << r.err;
}

TEST(MultilineCliTest, StdinTracesAreJoinedAndACutEventIsListedInTheSummary) {
  std::vector<std::string> argv = {testing::LogsieveBinary(),
                                   "classify",
                                   "-",
                                   "--format",
                                   "lines",
                                   "--set",
                                   "input.multiline.mode=java",
                                   "--set",
                                   "input.multiline.max_lines=3"};
  argv.insert(argv.end(), kNoStages.begin(), kNoStages.end());
  testing::RunResult r =
      testing::RunProgram(argv, "ERROR x\n\tat a\n\tat b\n\tat c\nINFO y\nERROR z\nCaused by: q\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "Unclassified\tNone\t\tERROR x\\n\\tat a\\n\\tat b\n"
            "Unclassified\tNone\t\tat c\n"
            "Unclassified\tNone\t\tINFO y\n"
            "Unclassified\tNone\t\tERROR z\\nCaused by: q\n");
  EXPECT_NE(r.err.find("1 multi-line events cut at a bound:\n    <stdin>:1: event cut at "
                       "input.multiline.max_lines (3) after 3 lines"),
            std::string::npos)
      << r.err;
}

TEST(MultilineCliTest, ABadStartPatternIsAUsageErrorNamingTheKey) {
  std::vector<std::string> argv = {testing::LogsieveBinary(),
                                   "classify",
                                   "-",
                                   "--format",
                                   "lines",
                                   "--set",
                                   "input.multiline.mode=pattern",
                                   "--set",
                                   "input.multiline.start_pattern=([a-z"};
  argv.insert(argv.end(), kNoStages.begin(), kNoStages.end());
  testing::RunResult r = testing::RunProgram(argv, "x\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("input.multiline.start_pattern: invalid regex"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace logsieve
