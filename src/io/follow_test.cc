#include "io/follow.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "testing/testing.h"

namespace logsieve {
namespace {

using testing::ReadFile;
using testing::ScratchDir;
using testing::WriteFile;

void Append(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::app) << text;
}

FilePosition Identity(const std::string& path, uint64_t offset = 0) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0);
  return {static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino), offset};
}

// A follower that gives up (stop, and the test fails) after a generous minute
// instead of hanging a broken test forever.
class Follower {
 public:
  explicit Follower(const std::string& path, std::optional<FilePosition> resume = {}) {
    FollowOptions o;
    o.poll_ms = 5;
    o.max_line_bytes = 1 << 20;
    o.stop = &stop_;
    o.resume = resume;
    StatusOr<std::unique_ptr<FollowStream>> s = FollowStream::Open(path, o);
    EXPECT_TRUE(s.ok()) << s.status().message();
    if (s.ok()) stream_ = *std::move(s);
    watchdog_ = std::thread([this] {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait_for(lock, std::chrono::seconds(60), [this] { return done_; })) {
        timed_out_ = true;
        stop_ = true;
      }
    });
  }
  ~Follower() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    watchdog_.join();
    EXPECT_FALSE(timed_out_) << "the follower waited a minute for bytes that never came";
  }
  // Reads until `n` bytes have come (or the end: a stop).
  std::string Read(size_t n) {
    std::string out;
    char buf[7];  // small reads: the stream must not care how it is read
    while (out.size() < n) {
      StatusOr<size_t> got = stream_->Read(buf, std::min(sizeof buf, n - out.size()));
      EXPECT_TRUE(got.ok()) << got.status().message();
      if (!got.ok() || *got == 0) break;
      out.append(buf, *got);
      offset_ += *got;
    }
    return out;
  }
  FollowStream& stream() { return *stream_; }
  uint64_t offset() const { return offset_; }
  void Stop() { stop_ = true; }

 private:
  std::atomic<bool> stop_{false};
  std::unique_ptr<FollowStream> stream_;
  uint64_t offset_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::atomic<bool> timed_out_{false};
  std::thread watchdog_;
};

TEST(FollowStreamTest, LinesAppendedLaterAreReadAsTheyArrive) {
  ScratchDir dir;
  const std::string log = dir.File("app.log");
  WriteFile(log, "one\n");
  Follower f(log);
  EXPECT_EQ(f.Read(4), "one\n");
  Append(log, "two\nthree\n");
  EXPECT_EQ(f.Read(10), "two\nthree\n");
}

TEST(FollowStreamTest, APartialLineWaitsForItsNewline) {
  ScratchDir dir;
  const std::string log = dir.File("app.log");
  WriteFile(log, "one\npart");
  Follower f(log);
  EXPECT_EQ(f.Read(4), "one\n");
  EXPECT_FALSE(f.stream().Ready());  // "part" has no newline yet
  Append(log, "ial\n");
  EXPECT_TRUE(f.stream().Ready());
  EXPECT_EQ(f.Read(8), "partial\n");
}

TEST(FollowStreamTest, RotationReadsTheOldFileToItsEndThenTheNewFile) {
  ScratchDir dir;
  const std::string log = dir.File("app.log");
  WriteFile(log, "1\n");
  Follower f(log);
  EXPECT_EQ(f.Read(2), "1\n");
  Append(log, "2\n3");  // the old file's last line never gets its newline
  ASSERT_EQ(std::rename(log.c_str(), dir.File("app.log.1").c_str()), 0);
  WriteFile(log, "4\n");
  EXPECT_EQ(f.Read(6), "2\n3\n4\n");
  EXPECT_EQ(f.stream().rotations(), 1u);
}

TEST(FollowStreamTest, WhileThePathIsMissingTheOldFileIsStillRead) {
  ScratchDir dir;
  const std::string log = dir.File("app.log");
  WriteFile(log, "1\n");
  Follower f(log);
  EXPECT_EQ(f.Read(2), "1\n");
  ASSERT_EQ(std::rename(log.c_str(), dir.File("app.log.1").c_str()), 0);
  Append(dir.File("app.log.1"), "late\n");
  EXPECT_EQ(f.Read(5), "late\n");
  WriteFile(log, "new\n");
  EXPECT_EQ(f.Read(4), "new\n");
}

TEST(FollowStreamTest, TruncationRereadsFromTheStart) {
  ScratchDir dir;
  const std::string log = dir.File("app.log");
  WriteFile(log, "first line\nsecond line\n");
  Follower f(log);
  EXPECT_EQ(f.Read(23), "first line\nsecond line\n");
  WriteFile(log, "x\n");  // O_TRUNC, then a shorter content
  EXPECT_EQ(f.Read(2), "x\n");
  EXPECT_EQ(f.stream().truncations(), 1u);
  EXPECT_EQ(f.stream().PositionAt(f.offset()).offset, 2u);
}

TEST(FollowStreamTest, PositionsMapToTheFileEachByteCameFrom) {
  ScratchDir dir;
  const std::string log = dir.File("app.log");
  WriteFile(log, "aa\nbb\n");
  const FilePosition old_file = Identity(log);
  Follower f(log);
  EXPECT_EQ(f.Read(6), "aa\nbb\n");
  ASSERT_EQ(std::rename(log.c_str(), dir.File("app.log.1").c_str()), 0);
  WriteFile(log, "cc\n");
  const FilePosition new_file = Identity(log);
  EXPECT_EQ(f.Read(3), "cc\n");
  FilePosition p = f.stream().PositionAt(3);
  EXPECT_EQ(p.inode, old_file.inode);
  EXPECT_EQ(p.offset, 3u);
  p = f.stream().PositionAt(6);  // the end of the old file is the start of the new one
  EXPECT_EQ(p.inode, new_file.inode);
  EXPECT_EQ(p.offset, 0u);
  p = f.stream().PositionAt(9);
  EXPECT_EQ(p.inode, new_file.inode);
  EXPECT_EQ(p.offset, 3u);
}

TEST(FollowStreamTest, AResumeStartsAfterTheSavedOffset) {
  ScratchDir dir;
  const std::string log = dir.File("app.log");
  WriteFile(log, "done\nnext\n");
  Follower f(log, Identity(log, 5));
  EXPECT_EQ(f.Read(5), "next\n");
  EXPECT_EQ(f.stream().resume_note(), "");
  EXPECT_EQ(f.stream().PositionAt(f.offset()).offset, 10u);
}

TEST(FollowStreamTest, AResumeOfAnotherFileReadsTheNewFileFromItsStartAndSaysWhy) {
  ScratchDir dir;
  const std::string log = dir.File("app.log");
  WriteFile(dir.File("other.log"), "zzzzzzzzzz\n");
  WriteFile(log, "fresh\n");
  Follower f(log, Identity(dir.File("other.log"), 3));
  EXPECT_EQ(f.Read(6), "fresh\n");
  EXPECT_NE(f.stream().resume_note().find("rotated while stopped"), std::string::npos);
}

TEST(FollowStreamTest, AResumePastTheEndReadsFromTheStartAndSaysWhy) {
  ScratchDir dir;
  const std::string log = dir.File("app.log");
  WriteFile(log, "short\n");
  Follower f(log, Identity(log, 100));
  EXPECT_EQ(f.Read(6), "short\n");
  EXPECT_NE(f.stream().resume_note().find("truncated while stopped"), std::string::npos);
}

TEST(FollowStreamTest, AStopEndsTheStreamAfterTheWholeLinesAndHoldsThePartOne) {
  ScratchDir dir;
  const std::string log = dir.File("app.log");
  WriteFile(log, "one\ntw");
  Follower f(log);
  EXPECT_EQ(f.Read(4), "one\n");
  f.Stop();
  EXPECT_EQ(f.Read(100), "");
  EXPECT_EQ(f.stream().PositionAt(f.offset()).offset, 4u);  // "tw" is read again on resume
}

TEST(FollowStreamTest, AMissingFileOrADirectoryIsAnErrorNamingIt) {
  ScratchDir dir;
  FollowOptions o;
  o.poll_ms = 5;
  StatusOr<std::unique_ptr<FollowStream>> s = FollowStream::Open(dir.File("nope.log"), o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("nope.log"), std::string::npos);
  s = FollowStream::Open(dir.path(), o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("is a directory"), std::string::npos) << s.status().message();
}

TEST(PositionFileTest, AWrittenPositionReadsBackAndLeavesNoTemporaryFile) {
  ScratchDir dir;
  const std::string pos = dir.File("pos.json");
  ASSERT_TRUE(WritePositionFile(pos, "app.log", {7, 42, 1234}).ok());
  StatusOr<std::optional<FilePosition>> p = ReadPositionFile(pos);
  ASSERT_TRUE(p.ok() && p->has_value());
  EXPECT_EQ((*p)->device, 7u);
  EXPECT_EQ((*p)->inode, 42u);
  EXPECT_EQ((*p)->offset, 1234u);
  EXPECT_FALSE(std::ifstream(pos + ".tmp").good());
  EXPECT_NE(ReadFile(pos).find("\"file\":\"app.log\""), std::string::npos);
}

TEST(PositionFileTest, AMissingPositionFileIsNoPosition) {
  ScratchDir dir;
  StatusOr<std::optional<FilePosition>> p = ReadPositionFile(dir.File("none.json"));
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->has_value());
}

TEST(PositionFileTest, AMalformedPositionFileNamesTheFileAndTheField) {
  ScratchDir dir;
  const std::string pos = dir.File("pos.json");
  WriteFile(pos, R"({"device": 1, "inode": 2, "offset": -5})");
  StatusOr<std::optional<FilePosition>> p = ReadPositionFile(pos);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().message(), pos + ": field 'offset' must be a non-negative integer");
  WriteFile(pos, "{not json");
  p = ReadPositionFile(pos);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find(pos), std::string::npos) << p.status().message();
}

}  // namespace
}  // namespace logsieve
