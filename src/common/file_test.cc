#include "common/file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace logsieve {
namespace {

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("logsieve_file_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    std::string p = (dir_ / name).string();
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  std::filesystem::path dir_;
};

TEST_F(FileTest, ReadsARegularFileWhole) {
  std::string p = Write("a.txt", "hello\n");
  StatusOr<std::string> text = ReadFileBounded(p, 100, "rule file");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "hello\n");
}

TEST_F(FileTest, AMissingFileIsNotFoundNamingThePathAndWhatItIs) {
  StatusOr<std::string> text = ReadFileBounded((dir_ / "nope.yaml").string(), 100, "config file");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(text.status().message(), (dir_ / "nope.yaml").string() + ": no such config file");
}

TEST_F(FileTest, ADirectoryIsRefusedNamingThePath) {
  StatusOr<std::string> text =
      ReadFileBounded(dir_.string(), 100, "model file", FileKinds::kRegular);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(text.status().message(), dir_.string() + ": is a directory, not a model file");
  EXPECT_FALSE(ReadFileBounded(dir_.string(), 100, "input", FileKinds::kStreamable).ok());
}

TEST_F(FileTest, AFileOverTheCapIsRefusedBeforeReading) {
  std::string p = Write("big", std::string(101, 'x'));
  StatusOr<std::string> text = ReadFileBounded(p, 100, "rule file");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().code(), StatusCode::kInvalidArgument);  // bad input: exit 2
  EXPECT_EQ(text.status().message(), p + ": rule file is larger than 100 bytes");
  EXPECT_TRUE(ReadFileBounded(p, 101, "rule file").ok());
}

TEST_F(FileTest, FileBytesHoldsTheFilesBytesAndRefusesWhatReadingRefuses) {
  std::string p = Write("m.bin", "mapped\n");
  StatusOr<std::shared_ptr<const FileBytes>> m = FileBytes::Read(p, 100, "model file");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ((*m)->bytes(), "mapped\n");
  EXPECT_EQ((*FileBytes::Read(Write("empty", ""), 100, "model file"))->bytes(), "");
  StatusOr<std::shared_ptr<const FileBytes>> big = FileBytes::Read(p, 3, "model file");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().message(), p + ": model file is larger than 3 bytes");
  StatusOr<std::shared_ptr<const FileBytes>> dir =
      FileBytes::Read(dir_.string(), 100, "model file");
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.status().message(), dir_.string() + ": is a directory, not a model file");
}

// Issue 16 item 6: the cap used to be checked after reading all of it.
TEST(ReadFileBounded, AnEndlessCharacterDeviceStopsAtTheCap) {
  StatusOr<std::string> text = ReadFileBounded("/dev/zero", 1u << 20, "rule file");
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().message(), "/dev/zero: rule file is larger than 1 MiB");
}

TEST(ReadFileBounded, ACharacterDeviceIsRefusedWhereARegularFileIsNeeded) {
  StatusOr<std::string> text = ReadFileBounded("/dev/zero", 100, "model file", FileKinds::kRegular);
  ASSERT_FALSE(text.ok());
  EXPECT_EQ(text.status().message(),
            "/dev/zero: is a character device; a model file must be a regular file");
}

TEST_F(FileTest, AFifoIsReadToItsEndWhenStreamingIsAllowed) {
  std::string p = (dir_ / "fifo").string();
  ASSERT_EQ(mkfifo(p.c_str(), 0600), 0);
  // The writer opens after the reader (opening for read does not block).
  StatusOr<InputFile> in = InputFile::Open(p, "rule file", FileKinds::kStreamable);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_FALSE(in->is_regular());
  {
    std::ofstream w(p);
    w << "rules: []\n";
  }
  StatusOr<std::string> text = in->ReadAll(100, "rule file");
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  EXPECT_EQ(*text, "rules: []\n");
  EXPECT_FALSE(InputFile::Open(p, "model file", FileKinds::kRegular).ok());
}

TEST_F(FileTest, AnOpenFileKnowsItsSizeAndClosesWhenDropped) {
  std::string p = Write("a", "12345");
  int fd = -1;
  {
    StatusOr<InputFile> in = InputFile::Open(p, "input");
    ASSERT_TRUE(in.ok());
    EXPECT_EQ(in->size(), 5);
    fd = in->fd();
    EXPECT_GE(fcntl(fd, F_GETFD), 0);
  }
  EXPECT_EQ(fcntl(fd, F_GETFD), -1);
}

TEST(HumanBytes, SaysMibKibOrBytes) {
  EXPECT_EQ(HumanBytes(16u << 20), "16 MiB");
  EXPECT_EQ(HumanBytes(4096), "4 KiB");
  EXPECT_EQ(HumanBytes(1000), "1000 bytes");
}

}  // namespace
}  // namespace logsieve
