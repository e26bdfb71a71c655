// End-to-end tests of the `logsieve` binary, run as a user would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <thread>

#include "embed/bert/int8_gemm.h"
#include "testing/subprocess.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

using testing::Child;
using testing::LogsieveBinary;
using testing::ReadFile;
using testing::RunProgram;
using testing::RunResult;
using testing::ScratchDir;
using testing::WriteFile;

// Pure I/O runs: no stages, so every line is Unclassified and nothing is loaded.
const std::vector<std::string> kNoStages = {"--set", "pipeline.stages=[]", "--set",
                                            "pipeline.routes=[]"};

RunResult Classify(std::vector<std::string> args, const std::string& input = "") {
  std::vector<std::string> argv = {LogsieveBinary(), "classify"};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, input);
}

std::vector<std::string> With(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

TEST(CliClassifyTest, CsvFromStdinGetsTheSeedColumnsAndOtherColumnsStayInPlace) {
  RunResult r =
      Classify(With({"-", "-q"}, kNoStages), "timestamp,source,log_message\nt1,A,hello\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "timestamp,source,log_message,target_label,method_used,confidence,degraded\n"
            "t1,A,hello,Unclassified,None,,false\n");
  EXPECT_EQ(r.err, "");
}

TEST(CliClassifyTest, MissingColumnsFailWithTheColumnsFound) {
  RunResult r = Classify(With({"-"}, kNoStages), "time,msg\n1,x\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing required columns source, log_message; found columns: time, msg"),
            std::string::npos)
      << r.err;
}

TEST(CliClassifyTest, AMalformedRowFailsWithItsLineAndTheRowsBeforeItAreKept) {
  ScratchDir dir;
  WriteFile(dir.File("in.csv"), "source,log_message\nA,one\nA,\"two\"x\nA,three\n");
  RunResult r = Classify(With({dir.File("in.csv"), "-o", dir.File("out.csv")}, kNoStages));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("in.csv:3: malformed row"), std::string::npos) << r.err;
  // No half-written out.csv; the rows before the error are in out.csv.partial.
  EXPECT_EQ(ReadFile(dir.File("out.csv")), "");
  EXPECT_NE(ReadFile(dir.File("out.csv.partial")).find("A,one,Unclassified"), std::string::npos);
}

TEST(CliClassifyTest, SkipModeReportsTheSkippedRowAndKeepsAllGoodRows) {
  RunResult r = Classify(With({"-", "--on-error", "skip"}, kNoStages),
                         "source,log_message\nA,one\nA,two,extra\nA,three\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("A,one,"), std::string::npos);
  EXPECT_NE(r.out.find("A,three,"), std::string::npos);
  EXPECT_EQ(r.out.find("two"), std::string::npos);
  EXPECT_NE(r.err.find("1 malformed rows skipped"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("<stdin>:3: malformed row: expected 2 fields"), std::string::npos) << r.err;
}

TEST(CliClassifyTest, OutputFileIsWrittenWhole) {
  ScratchDir dir;
  RunResult r = Classify(With({"-", "-q", "-o", dir.File("out.csv")}, kNoStages),
                         "source,log_message\nA,x\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(ReadFile(dir.File("out.csv")),
            "source,log_message,target_label,method_used,confidence,degraded\n"
            "A,x,Unclassified,None,,false\n");
}

TEST(CliClassifyTest, AnOutputThatIsNotARegularFileIsWrittenInPlaceNotReplaced) {
  ScratchDir dir;
  const std::string fifo = dir.File("out.fifo");
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  std::string got;
  std::thread reader([&] { got = ReadFile(fifo); });
  RunResult r = Classify(With({"-", "-q", "-o", fifo}, kNoStages), "source,log_message\nA,x\n");
  reader.join();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(got,
            "source,log_message,target_label,method_used,confidence,degraded\n"
            "A,x,Unclassified,None,,false\n");
  struct stat st {};
  ASSERT_EQ(stat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode)) << "the FIFO was replaced by a file";
}

TEST(CliClassifyTest, NdjsonInNdjsonOut) {
  RunResult r = Classify(With({"-", "-q", "--format", "ndjson"}, kNoStages),
                         "{\"source\":\"A\",\"log_message\":\"x\",\"k\":1}\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "{\"source\":\"A\",\"log_message\":\"x\",\"k\":1,\"target_label\":\"Unclassified\","
            "\"method_used\":\"None\","
            "\"confidence\":null,\"degraded\":false,\"detail\":\"no stage decided\"}\n");
}

// Issue 16 item 1: nlohmann's out_of_range for 1e400 was not caught and the
// run ended in SIGABRT even with --on-error skip.
TEST(CliClassifyTest, ANumberTooLargeForADoubleInNdjsonIsSkippedAndReportedNotAnAbort) {
  RunResult r =
      Classify(With({"--format", "ndjson", "--on-error", "skip", "-"}, kNoStages),
               "{\"source\":\"a\",\"log_message\":\"x\",\"n\":1e400}\n{\"log_message\":\"y\"}\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(
      r.err.find("<stdin>:1: invalid JSON at line 1, column 41: number overflow parsing '1e400'"),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("\"log_message\":\"y\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("1e400"), std::string::npos) << r.out;
}

TEST(CliClassifyTest, InvalidUtf8NeverCrashesAndCsvBytesComeBackAsRead) {
  RunResult r =
      Classify(With({"-", "-q"}, kNoStages), "source,log_message\nA,bad \xff\xfe bytes\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("A,bad \xff\xfe bytes,Unclassified"), std::string::npos);
  RunResult j =
      Classify(With({"-", "-q", "--format", "lines", "--output-format", "ndjson"}, kNoStages),
               "bad \xff bytes\n");
  EXPECT_EQ(j.exit_code, 0) << j.err;
  EXPECT_NE(j.out.find("bad \xEF\xBF\xBD bytes"), std::string::npos) << j.out;  // U+FFFD in JSON
}

TEST(CliClassifyTest, StreamedLinesAreAnsweredAsTheyArrive) {
  std::vector<std::string> argv = {LogsieveBinary(), "classify", "-", "-q", "--format", "lines"};
  argv.insert(argv.end(), kNoStages.begin(), kNoStages.end());
  Child child(argv);
  child.Write("first line\n");
  std::string out = child.ReadLines(1, 20000);
  EXPECT_EQ(out, "Unclassified\tNone\t\tfirst line\n");  // while stdin is still open
  child.Write("second line\n");
  out = child.ReadLines(2, 20000);
  EXPECT_EQ(out, "Unclassified\tNone\t\tfirst line\nUnclassified\tNone\t\tsecond line\n");
  child.CloseStdin();
  EXPECT_EQ(child.Wait(), 0);
}

TEST(CliClassifyTest, MissingInputFileIsAClearError) {
  RunResult r = Classify(With({"/nonexistent/in.csv"}, kNoStages));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("/nonexistent/in.csv: no such input file"), std::string::npos) << r.err;
}

TEST(CliClassifyTest, TheBundledDefaultsClassifyTheSampleAndSayWhyTheLlmWasNotAsked) {
  RunResult r = RunProgram({LogsieveBinary(), "classify", testing::SourceDir() + "/data/sample.csv",
                            "--detail", "--format", "csv", "--output-format", "ndjson", "-q"},
                           "", {"LOGSIEVE_LLM_API_KEY="});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 28);
  EXPECT_NE(r.out.find("\"method_used\":\"Regex\""), std::string::npos);
  EXPECT_NE(r.out.find("\"method_used\":\"ML\""), std::string::npos);
  // LegacyCRM is routed straight to the LLM; with no key its lines say so.
  EXPECT_NE(r.out.find("\"source\":\"LegacyCRM\",\"log_message\":\"Case escalation"),
            std::string::npos);
  EXPECT_NE(r.out.find("llm unavailable: no API key"), std::string::npos) << r.out;
  // The run summary reports what the LLM stage did.
  RunResult s = RunProgram(
      {LogsieveBinary(), "classify", testing::SourceDir() + "/data/sample.csv", "-o", "/dev/null"},
      "", {"LOGSIEVE_LLM_API_KEY="});
  EXPECT_NE(s.err.find("llm: 0 requests"), std::string::npos) << s.err;
}

TEST(CliTransformerTest, AModelTrainedOnATransformerFolderClassifiesAndRefusesAChangedFolder) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  ScratchDir dir;
  namespace fs = std::filesystem;
  fs::copy(shared + "/fixtures/tiny-minilm", dir.File("enc"), fs::copy_options::recursive);
  RunResult gen =
      RunProgram({LogsieveBinary(), "gen-data", "-o", dir.File("d.csv"), "--rows", "300"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  RunResult train = RunProgram({LogsieveBinary(), "train", dir.File("d.csv"), "-o",
                                dir.File("m.lsm"), "--encoder", dir.File("enc")});
  ASSERT_EQ(train.exit_code, 0) << train.err;
  // Threshold 0 and no LLM: every line no rule takes is decided by the transformer model.
  RunResult r = Classify({"-", "-q", "--model", dir.File("m.lsm"), "--threshold", "0", "--set",
                          "pipeline.routes=[]", "--set", "pipeline.stages=[model]"},
                         "source,log_message\nA,Email service experienced a failure\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(",ML,"), std::string::npos) << r.out;
  // The same folder with other weights is another encoder: the model refuses it.
  std::string weights = ReadFile(dir.File("enc/model.safetensors"));
  weights[weights.size() - 1] ^= 0x5a;
  WriteFile(dir.File("enc/model.safetensors"), weights);
  RunResult bad = Classify({"-", "--model", dir.File("m.lsm")}, "source,log_message\nA,x\n");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("encoder mismatch"), std::string::npos) << bad.err;
}

TEST(CliTransformerTest, TrainKeepsTheEncoderPrecisionInTheModelAndClassifiesWithIt) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  if (!bert::CpuHasVnni()) GTEST_SKIP() << "SKIPPED: int8 needs AVX-512 VNNI";
  ScratchDir dir;
  RunResult gen =
      RunProgram({LogsieveBinary(), "gen-data", "-o", dir.File("d.csv"), "--rows", "200"});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  RunResult train =
      RunProgram({LogsieveBinary(), "train", dir.File("d.csv"), "-o", dir.File("m.lsm"),
                  "--encoder", shared + "/fixtures/tiny-minilm", "--encoder-precision", "int8"});
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_NE(ReadFile(dir.File("m.lsm")).find("\"precision\":\"int8\""), std::string::npos);
  RunResult r = Classify({"-", "-q", "--model", dir.File("m.lsm"), "--threshold", "0", "--set",
                          "pipeline.routes=[]", "--set", "pipeline.stages=[model]"},
                         "source,log_message\nA,Email service experienced a failure\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(",ML,"), std::string::npos) << r.out;
  RunResult bad =
      RunProgram({LogsieveBinary(), "train", dir.File("d.csv"), "-o", dir.File("x.lsm"),
                  "--encoder", shared + "/fixtures/tiny-minilm", "--encoder-precision", "int4"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("int4"), std::string::npos) << bad.err;
}

TEST(CliTransformerTest, EmbedRefusesAThreadCountOutsideItsRange) {
  for (const char* n : {"-1", "257"}) {
    RunResult r =
        RunProgram({LogsieveBinary(), "embed", "--encoder", "/nonexistent", "--threads", n});
    EXPECT_EQ(r.exit_code, 2) << n;
    EXPECT_NE(r.err.find("--threads must be in [0, 256]"), std::string::npos) << r.err;
  }
}

// One label set for every stage and command: plain names are accepted by the
// rules stage, `train`, the model stage and the LLM prompt alike.
TEST(CliLabelsTest, PlainLabelNamesWorkForTrainAndEveryStage) {
  ScratchDir dir;
  WriteFile(dir.File("c.yaml"), "labels: [Disk, Login]\n");
  WriteFile(dir.File("r.yaml"), "- {id: disk, pattern: 'disk full', label: Disk}\n");
  std::string data = "source,log_message,target_label\n";
  for (int i = 0; i < 20; ++i) {
    data += "A,disk " + std::to_string(i) + " at 99 percent,Disk\n";
    data += "A,user u" + std::to_string(i) + " logged in,Login\n";
  }
  WriteFile(dir.File("d.csv"), data);
  RunResult train = RunProgram({LogsieveBinary(), "train", dir.File("d.csv"), "-o",
                                dir.File("m.lsm"), "--config", dir.File("c.yaml")});
  ASSERT_EQ(train.exit_code, 0) << train.err;
  EXPECT_EQ(train.err.find("warning"), std::string::npos) << train.err;
  RunResult r = Classify({"-", "-q", "--config", dir.File("c.yaml"), "--rules", dir.File("r.yaml"),
                          "--model", dir.File("m.lsm"), "--threshold", "0", "--set",
                          "pipeline.routes=[]", "--set", "llm.examples=[]"},
                         "source,log_message\nA,disk full\nA,user bob logged in\n");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("A,disk full,Disk,Regex,"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("A,user bob logged in,Login,ML,"), std::string::npos) << r.out;
}

// doc/labels.md's five-label taxonomy with the bundled rules and model: mapped
// rules answer the team's labels; an access line (HTTP Status, mapped nowhere)
// is answered by neither the rules nor the model.
TEST(CliLabelsTest, AFiveLabelTaxonomyWithFromGetsTheBundledStagesAnswersInItsOwnLabels) {
  ScratchDir dir;
  WriteFile(dir.File("c.yaml"),
            "labels:\n"
            "  - {name: Account Activity, from: [User Action]}\n"
            "  - {name: Failure, from: [Error, Critical Error, Workflow Error]}\n"
            "  - {name: Security, from: [Security Alert]}\n"
            "  - {name: Ops, from: [Resource Usage, System Notification]}\n"
            "  - Billing\n"
            "pipeline:\n"
            "  stages: [rules, model]\n"
            "  routes: []\n");
  RunResult r = Classify(
      {"-", "-q", "--config", dir.File("c.yaml"), "--format", "lines", "--output-format", "ndjson",
       "--detail"},
      "Dec 12 10:00:01 db-1 sshd[812]: Failed password for invalid user admin from 203.0.113.9 "
      "port 22 ssh2\n"
      "user bob logged in\n"
      "192.0.2.14 - - [12/Mar/2026:08:14:02 +0000] \"POST /api/v2/carts HTTP/1.1\" 201 88\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> lines;
  for (size_t start = 0, end; (end = r.out.find('\n', start)) != std::string::npos;
       start = end + 1) {
    lines.push_back(r.out.substr(start, end - start));
  }
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_THAT(lines[0], ::testing::HasSubstr(R"("target_label":"Security","method_used":"Regex")"));
  EXPECT_THAT(lines[0], ::testing::HasSubstr("(Security Alert -> Security)"));
  EXPECT_THAT(lines[1],
              ::testing::HasSubstr(R"("target_label":"Account Activity","method_used":"Regex")"));
  EXPECT_THAT(lines[2],
              ::testing::HasSubstr(R"("target_label":"Unclassified","method_used":"None")"));
  EXPECT_THAT(lines[2], ::testing::HasSubstr("the model's top label HTTP Status"));
}

// `train` used to die on an uncaught type_error for labels it did not expect.
TEST(CliLabelsTest, ABadLabelsValueIsACleanErrorNamingTheEntry) {
  ScratchDir dir;
  WriteFile(dir.File("c.yaml"), "labels:\n  - Disk\n  - [Login]\n");
  WriteFile(dir.File("d.csv"), "source,log_message,target_label\nA,disk,Disk\n");
  for (const char* command : {"train", "classify"}) {
    RunResult r = RunProgram({LogsieveBinary(), command, dir.File("d.csv"), "-o", dir.File("out"),
                              "--config", dir.File("c.yaml")});
    EXPECT_EQ(r.exit_code, 2) << command << ": " << r.err;
    EXPECT_NE(
        r.err.find("c.yaml:1: labels[1]: must be a name or a {name, description, from} mapping"),
        std::string::npos)
        << command << ": " << r.err;
  }
}

TEST(CliConfigTest, PrintedDefaultsAreAValidConfigFile) {
  ScratchDir dir;
  RunResult d = RunProgram({LogsieveBinary(), "config", "--print-defaults"});
  ASSERT_EQ(d.exit_code, 0);
  WriteFile(dir.File("c.yaml"), d.out);
  RunResult r = RunProgram({LogsieveBinary(), "config", "--config", dir.File("c.yaml")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST(CliConfigTest, AFlagBeatsTheEnvironmentWhichBeatsTheConfigFile) {
  ScratchDir dir;
  WriteFile(dir.File("c.yaml"), "pipeline:\n  threshold: 0.6\n  batch_size: 99\n  cache_size: 5\n");
  RunResult r =
      RunProgram({LogsieveBinary(), "config", "--config", dir.File("c.yaml"), "--threshold", "0.9"},
                 "", {"LOGSIEVE_PIPELINE_THRESHOLD=0.7", "LOGSIEVE_PIPELINE_BATCH_SIZE=33"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("# set by flag --threshold\n  threshold: 0.9\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("# set by env LOGSIEVE_PIPELINE_BATCH_SIZE\n  batch_size: 33\n"),
            std::string::npos);
  EXPECT_NE(r.out.find("cache_size: 5\n"), std::string::npos);
}

TEST(CliConfigTest, UnknownKeyInTheConfigFileNamesFileAndLine) {
  ScratchDir dir;
  WriteFile(dir.File("c.yaml"), "pipeline:\n  thresold: 0.6\n");
  RunResult r = Classify({"-", "--config", dir.File("c.yaml")}, "source,log_message\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("c.yaml:2: unknown config key 'pipeline.thresold'"), std::string::npos)
      << r.err;
}

TEST(CliConfigTest, DotEnvInTheWorkingDirectoryIsRead) {
  ScratchDir dir;
  WriteFile(dir.File(".env"), "LOGSIEVE_PIPELINE_BATCH_SIZE=77\n");
  RunResult r = RunProgram({LogsieveBinary(), "config"}, "", {}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("batch_size: 77"), std::string::npos);
}

// Issue 16 item 9: a config key given twice was silently accepted.
TEST(CliConfigTest, AKeyGivenTwiceInTheConfigFileIsRefusedNamingBothLines) {
  ScratchDir dir;
  WriteFile(dir.File("c.yaml"), "pipeline:\n  batch_size: 10\n  batch_size: 20\n");
  RunResult r = RunProgram({LogsieveBinary(), "config", "--config", dir.File("c.yaml")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(dir.File("c.yaml") +
                       ":3: config key 'pipeline.batch_size' is given twice (first at " +
                       dir.File("c.yaml") + ":2)"),
            std::string::npos)
      << r.err;
}

// Issue 16 item 4: `--model DIR` ended in bad_alloc (ftell on a directory) and
// `--config DIR` in an uncaught ios_failure, in every command that loads them.
TEST(CliFileInputTest, ADirectoryGivenAsModelOrConfigIsAClearErrorInEveryCommand) {
  ScratchDir dir;
  const std::string d = dir.path();
  const std::string not_model = d + ": is a directory, not a model file";
  const std::string not_config = d + ": is a directory, not a config file";
  WriteFile(dir.File("data.csv"), "log_message,target_label\nx,A\ny,B\n");
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  const std::vector<Case> cases = {
      {{"classify", "-", "--rules", "none", "--model", d}, not_model},
      {{"classify", "-", "--config", d}, not_config},
      {{"serve", "--rules", "none", "--model", d}, not_model},
      {{"serve", "--config", d}, not_config},
      {{"config", "--config", d}, not_config},
      {{"train", dir.File("data.csv"), "-o", dir.File("m.lsm"), "--config", d}, not_config},
      {{"train", d, "-o", dir.File("m.lsm")}, d + ": is a directory, not an input file"},
      {{"rules", "check", d}, d + ": is a directory, not a rule file"},
      {{"rules", "check", testing::SourceDir() + "/rules/default.yaml", "--config", d}, not_config},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {LogsieveBinary()};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    RunResult r = RunProgram(argv, "source,log_message\nA,x\n");
    EXPECT_EQ(r.exit_code, 2) << c.args[0] << " " << c.args.back() << ": " << r.err;
    EXPECT_NE(r.err.find(c.error), std::string::npos) << c.args[0] << ": " << r.err;
  }
}

// Issue 16 item 6: the 16 MiB cap was checked after reading, so /dev/zero
// was read until memory ran out.
TEST(CliFileInputTest, AnEndlessRuleFileStopsAtTheSizeCap) {
  RunResult r = Classify({"-", "--rules", "/dev/zero"}, "source,log_message\nA,x\n");
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("/dev/zero: rule file is larger than 16 MiB"), std::string::npos) << r.err;
  RunResult check = RunProgram({LogsieveBinary(), "rules", "check", "/dev/zero"});
  EXPECT_NE(check.err.find("/dev/zero: rule file is larger than 16 MiB"), std::string::npos)
      << check.err;
}

// Issue 16 item 9: yaml-cpp recursed into a 200,000-deep file and answered
// "not valid YAML: bad file".
TEST(CliFileInputTest, ADeeplyNestedRuleFileSaysSoWithItsLine) {
  ScratchDir dir;
  WriteFile(dir.File("deep.yaml"), "rules:\n" + std::string(200000, '[') + "\n");
  RunResult r = RunProgram({LogsieveBinary(), "rules", "check", dir.File("deep.yaml")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(dir.File("deep.yaml") + ":2: YAML nested too deeply (more than 64 levels)"),
            std::string::npos)
      << r.err;
}

// Issue 16 item 9: `-o /dev/full` claimed the rows were in /dev/full.partial,
// and the write error exited 2 although the README says I/O failures exit 1.
TEST(CliClassifyTest, AWriteErrorOnADeviceExitsOneAndClaimsNoPartialFile) {
  std::string input = "source,log_message\n";
  for (int i = 0; i < 2000; ++i) input += "A,line " + std::to_string(i) + "\n";
  RunResult r = Classify(With({"-", "-o", "/dev/full"}, kNoStages), input);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("writing '/dev/full' failed: No space left on device"), std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find(".partial"), std::string::npos) << r.err;
}

// The README's exit codes: an output that cannot be written is an I/O
// failure (1), not bad input (2), whether it fails to open or to take bytes.
TEST(CliClassifyTest, AnOutputThatCannotBeCreatedExitsOneAsAnIoFailure) {
  RunResult r = Classify(With({"-", "-q", "-o", "/nonexistent/dir/out.csv"}, kNoStages),
                         "source,log_message\nA,x\n");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot write '/nonexistent/dir/out.csv.partial'"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace logsieve
