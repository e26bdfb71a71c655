#include "patterns/masks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace logsieve {
namespace {

using ::testing::HasSubstr;

std::string Masked(std::string_view token) {
  static const std::vector<Mask> masks = DefaultMasks();
  std::string out;
  MaskToken(masks, token, &out);
  return out;
}

TEST(Masks, ATimestampBecomesTs) {
  EXPECT_EQ(Masked("2024-05-01T12:00:01Z"), "<TS>");
  EXPECT_EQ(Masked("03:14:15,"), "<TS>,");
}
TEST(Masks, AUuidBecomesUuid) {
  EXPECT_EQ(Masked("id=3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f"), "id=<UUID>");
}
TEST(Masks, AnEmailBecomesEmail) { EXPECT_EQ(Masked("<john.doe@example.com>"), "<<EMAIL>>"); }
TEST(Masks, AUrlBecomesUrl) { EXPECT_EQ(Masked("https://example.com/a?b=1"), "<URL>"); }
TEST(Masks, AnIpv6AddressBecomesIp) { EXPECT_EQ(Masked("fe80::1ff:fe23:4567:890a"), "<IP>"); }
TEST(Masks, AnIpv4AddressWithItsPortBecomesIp) {
  EXPECT_EQ(Masked("10.0.0.7:22"), "<IP>");
  EXPECT_EQ(Masked("/10.250.19.102:54106"), "/<IP>");
}
TEST(Masks, APathBecomesPath) { EXPECT_EQ(Masked("/var/log/messages"), "<PATH>"); }
TEST(Masks, AHostNameWithADigitBecomesHost) {
  EXPECT_EQ(Masked("node-7.rack2.example.com"), "<HOST>");
}
TEST(Masks, AJavaClassNameIsNoHost) {
  EXPECT_EQ(Masked("java.lang.NullPointerException:"), "java.lang.NullPointerException:");
}
TEST(Masks, HexBecomesHex) {
  EXPECT_EQ(Masked("0x7ffe12ab"), "<HEX>");
  EXPECT_EQ(Masked("deadbeef42"), "<HEX>");
}
TEST(Masks, ADurationBecomesDur) {
  EXPECT_EQ(Masked("took=12ms"), "took=<DUR>");
  EXPECT_EQ(Masked("1.5s"), "<DUR>");
}
TEST(Masks, ASizeBecomesSize) { EXPECT_EQ(Masked("512MB"), "<SIZE>"); }
TEST(Masks, ABooleanBecomesBool) {
  EXPECT_EQ(Masked("overlap:false"), "overlap:<BOOL>");
  EXPECT_EQ(Masked("NULL"), "<BOOL>");
  EXPECT_EQ(Masked("nullable"), "nullable");
}
TEST(Masks, ANumberInsideAWordBecomesNum) {
  EXPECT_EQ(Masked("blk_-1608999687919862906"), "blk_<NUM>");  // the sign goes with it
  EXPECT_EQ(Masked("-42"), "<NUM>");
  EXPECT_EQ(Masked("User123"), "User<NUM>");
}
TEST(Masks, ATokenWithoutValuesIsKept) {
  EXPECT_FALSE(MayHoldValue("connection"));
  EXPECT_EQ(Masked("connection"), "connection");
}
TEST(Masks, EveryNameParsesBackToItsRecognizer) {
  for (const Mask& m : DefaultMasks()) {
    StatusOr<Recognizer> r = ParseRecognizer(RecognizerName(m.recognizer));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, m.recognizer);
  }
}
TEST(Masks, AnUnknownNameIsAnErrorListingTheKnownOnes) {
  StatusOr<Recognizer> r = ParseRecognizer("phone");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("unknown mask 'phone'"));
  EXPECT_THAT(r.status().message(), HasSubstr("ipv4"));
}
TEST(Masks, ATableOfOneMaskMasksOnlyThat) {
  std::vector<Mask> only_ip = {{Recognizer::kIpv4, "<ADDR>"}};
  std::string out;
  MaskToken(only_ip, "10.0.0.7:22,port=5", &out);
  EXPECT_EQ(out, "<ADDR>,port=5");
}

}  // namespace
}  // namespace logsieve
