#include "pipeline/batch_runner.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>

namespace logsieve {
namespace {

// Labels each line with its own message, so order can be checked.
class EchoStage : public Stage {
 public:
  std::string_view name() const override { return "rules"; }
  std::string version() const override { return "test-rules"; }
  bool cacheable() const override { return false; }
  Status Decide(Batch& b, std::span<const size_t> pending) const override {
    for (size_t i : pending) b.decisions[i] = {b.records[i].message, Method::kRegex, 1.0f, ""};
    return OkStatus();
  }
};

// Labels each line with whether the batch wants the detail.
class WantDetailStage : public Stage {
 public:
  std::string_view name() const override { return "rules"; }
  std::string version() const override { return "test-rules"; }
  bool cacheable() const override { return false; }
  Status Decide(Batch& b, std::span<const size_t> pending) const override {
    for (size_t i : pending)
      b.decisions[i] = {b.want_detail ? "wanted" : "not wanted", Method::kRegex, 1.0f, ""};
    return OkStatus();
  }
};

std::unique_ptr<Classifier> EchoClassifier(std::unique_ptr<Stage> stage = nullptr) {
  if (stage == nullptr) stage = std::make_unique<EchoStage>();
  Config config;
  std::vector<std::string> labels;
  std::string yaml = "[";
  for (int i = 0; i < 5; ++i)
    yaml += std::string(i ? "," : "") + "{name: L" + std::to_string(i) + "}";
  EXPECT_TRUE(config.Set("labels", yaml + "]", "test").ok());
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::move(stage));
  return std::move(Classifier::CreateWithStages(config, std::move(stages))).value();
}

TEST(RunStreamTest, OutputOrderIsInputOrderWithManyThreadsAndSmallBatches) {
  std::string in = "source,log_message\n";
  std::string expected = "source,log_message,target_label,method_used,confidence,degraded\n";
  for (int i = 0; i < 2000; ++i) {
    in += "S,m" + std::to_string(i) + "\n";
    expected += "S,m" + std::to_string(i) + ",m" + std::to_string(i) + ",Regex,1.0,false\n";
  }
  auto reader = std::move(RecordReader::Open(InputStream::FromString(in), {})).value();
  std::string out;
  auto writer = RecordWriter::ToString(&out, {}, Format::kCsv, reader->columns());
  RunOptions options;
  options.batch_size = 7;
  options.threads = 4;
  RunSummary summary;
  auto c = EchoClassifier();
  ASSERT_TRUE(RunStream(*c, *reader, *writer, options, &summary).ok());
  EXPECT_EQ(out, expected);
  EXPECT_EQ(summary.rows, 2000u);
  EXPECT_EQ(summary.per_method[static_cast<size_t>(Method::kRegex)], 2000u);
}

TEST(RunStreamTest, BatchesWantTheDetailExactlyWhenTheOutputCarriesIt) {
  struct Case {
    Format format;
    bool detail;
    const char* want;
  };
  for (const Case& c :
       {Case{Format::kCsv, false, "not wanted"}, Case{Format::kCsv, true, "wanted"},
        Case{Format::kLines, false, "not wanted"}, Case{Format::kLines, true, "wanted"},
        Case{Format::kNdjson, false, "wanted"}}) {
    auto reader =
        std::move(RecordReader::Open(InputStream::FromString("source,log_message\nS,m\n"), {}))
            .value();
    std::string out;
    WriteOptions wo;
    wo.format = c.format;
    wo.detail = c.detail;
    auto writer = RecordWriter::ToString(&out, wo, Format::kCsv, reader->columns());
    EXPECT_EQ(writer->shows_detail(), std::string(c.want) == "wanted");
    RunOptions options;
    options.batch_size = 1;
    options.threads = 2;
    RunSummary summary;
    auto classifier = EchoClassifier(std::make_unique<WantDetailStage>());
    ASSERT_TRUE(RunStream(*classifier, *reader, *writer, options, &summary).ok());
    EXPECT_EQ(summary.per_label[c.want], 1u) << out;
  }
}

TEST(RunStreamTest, EachCheckpointHasItsRowsWrittenAndTheLastBatchIsOne) {
  std::string in;
  for (int i = 0; i < 500; ++i) in += "m" + std::to_string(i) + "\n";
  ReadOptions ro;
  ro.format = Format::kLines;
  auto reader = std::move(RecordReader::Open(InputStream::FromString(in), ro)).value();
  std::string out;
  auto writer = RecordWriter::ToString(&out, {Format::kLines}, Format::kLines, {});
  RunOptions options;
  options.batch_size = 7;
  options.threads = 3;
  uint64_t last_offset = 0;
  options.on_batch_written = [&](const RecordBatch& batch) {
    // Every line up to the batch's end offset is in the output already.
    const std::string last = batch.batch.records.back().message;
    EXPECT_NE(out.find("\t" + last + "\n"), std::string::npos) << last;
    EXPECT_GT(batch.end_offset, last_offset);
    last_offset = batch.end_offset;
    return OkStatus();
  };
  RunSummary summary;
  auto c = EchoClassifier();
  ASSERT_TRUE(RunStream(*c, *reader, *writer, options, &summary).ok());
  EXPECT_EQ(last_offset, in.size());
}

TEST(RunStreamTest, AMalformedRowStopsTheRunButEveryRowBeforeItIsWritten) {
  std::string in = "source,log_message\n";
  for (int i = 0; i < 100; ++i) in += "S,m" + std::to_string(i) + "\n";
  in += "S,bad,row\nS,after\n";
  auto reader = std::move(RecordReader::Open(InputStream::FromString(in, "in.csv"), {})).value();
  std::string out;
  auto writer = RecordWriter::ToString(&out, {}, Format::kCsv, reader->columns());
  RunOptions options;
  options.batch_size = 16;
  RunSummary summary;
  auto c = EchoClassifier();
  Status s = RunStream(*c, *reader, *writer, options, &summary);
  EXPECT_EQ(s.message(),
            "in.csv:102: malformed row: expected 2 fields (source, log_message), found 3");
  EXPECT_EQ(summary.rows, 100u);
  EXPECT_NE(out.find("S,m99,m99"), std::string::npos);
}

// An input that hands out one line, then blocks until released: like `tail -f`.
class GatedStream : public InputStream {
 public:
  StatusOr<size_t> Read(char* buf, size_t n) override {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return step_ < parts_.size(); });
    if (parts_[step_].empty()) return size_t{0};
    std::string p = parts_[step_++];
    std::copy(p.begin(), p.end(), buf);
    return p.size();
  }
  bool Ready() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return step_ < parts_.size();
  }
  int64_t size() const override { return -1; }
  const std::string& name() const override { return name_; }
  void Push(std::string part) {
    std::lock_guard<std::mutex> lock(mu_);
    parts_.push_back(std::move(part));
    cv_.notify_all();
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> parts_;
  size_t step_ = 0;
  std::string name_ = "gated";
};

// Records what was flushed, so the test can wait for it.
class WatchedWriter : public RecordWriter {
 public:
  Status Write(const RecordBatch& b) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Decision& d : b.batch.decisions) pending_.push_back(d.label);
    return OkStatus();
  }
  Status Flush() override {
    std::lock_guard<std::mutex> lock(mu_);
    flushed_.insert(flushed_.end(), pending_.begin(), pending_.end());
    pending_.clear();
    cv_.notify_all();
    return OkStatus();
  }
  Status Commit() override { return Flush(); }
  bool shows_detail() const override { return false; }
  bool WaitFlushed(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(30), [&] { return flushed_.size() >= n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> pending_, flushed_;
};

TEST(RunStreamTest, StreamedLinesAreAnsweredBeforeTheInputEnds) {
  auto gated = std::make_unique<GatedStream>();
  GatedStream* gate = gated.get();
  ReadOptions ro;
  ro.format = Format::kLines;
  auto reader = std::move(RecordReader::Open(std::move(gated), ro)).value();
  WatchedWriter writer;
  auto c = EchoClassifier();
  RunSummary summary;
  RunOptions options;
  options.batch_size = 256;
  gate->Push("first line\n");
  std::thread run([&] { EXPECT_TRUE(RunStream(*c, *reader, writer, options, &summary).ok()); });
  // The first decision must come out while the input is still open.
  EXPECT_TRUE(writer.WaitFlushed(1));
  gate->Push("second line\n");
  EXPECT_TRUE(writer.WaitFlushed(2));
  gate->Push("");  // end of input
  run.join();
  EXPECT_EQ(summary.rows, 2u);
}

}  // namespace
}  // namespace logsieve
