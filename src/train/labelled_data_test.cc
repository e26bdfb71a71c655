#include "train/labelled_data.h"

#include <gtest/gtest.h>

#include "testing/testing.h"

namespace logsieve {
namespace {

class LabelledDataTest : public ::testing::Test {
 protected:
  StatusOr<LabelledData> Read(const std::string& csv) {
    testing::WriteFile(dir_.File("d.csv"), csv);
    return ReadLabelledCsv(dir_.File("d.csv"));
  }
  testing::ScratchDir dir_;
};

TEST_F(LabelledDataTest, ReadsRowsWithOrWithoutASourceColumn) {
  auto a = Read("source,log_message,target_label\nsshd,Failed password,Security Alert\n");
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->rows.size(), 1u);
  EXPECT_EQ(a->rows[0].source, "sshd");
  EXPECT_EQ(a->rows[0].message, "Failed password");
  EXPECT_EQ(a->rows[0].label, "Security Alert");
  auto b = Read("target_label,log_message\nError,disk failed\n");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->rows[0].source, "");
  EXPECT_EQ(b->rows[0].label, "Error");
}

TEST_F(LabelledDataTest, SkipsBadRowsNamingTheirLineAndKeepsTheRest) {
  auto d = Read(
      "source,log_message,target_label\n"
      "a,ok line,Error\n"
      "a,,Error\n"
      "a,no label,\n"
      "a,too,many,fields\n"
      "a,another ok line,Error\n");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->rows.size(), 2u);
  EXPECT_EQ(d->skipped, 3u);
  std::string all;
  for (const std::string& m : d->skip_messages) all += m + "\n";
  EXPECT_NE(all.find("d.csv:3: missing log_message"), std::string::npos) << all;
  EXPECT_NE(all.find("d.csv:4: empty target_label"), std::string::npos) << all;
  EXPECT_NE(all.find("d.csv:5:"), std::string::npos) << all;
}

TEST_F(LabelledDataTest, AMissingLabelColumnIsAnErrorNamingIt) {
  auto d = Read("source,log_message\na,b\n");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(d.status().message().find("target_label"), std::string::npos) << d.status().message();
}

TEST_F(LabelledDataTest, AFileWithoutGoodRowsIsAnError) {
  EXPECT_FALSE(Read("log_message,target_label\n,Error\n").ok());
}

}  // namespace
}  // namespace logsieve
