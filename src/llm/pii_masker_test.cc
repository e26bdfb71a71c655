#include "llm/pii_masker.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace logsieve {
namespace {

using json = nlohmann::json;

std::string Mask(const PiiMasker& m, std::string_view text) {
  StatusOr<std::string> out = m.Mask(text);
  EXPECT_TRUE(out.ok()) << out.status().ToString();
  return out.ok() ? *out : "";
}

TEST(PiiMaskerTest, MasksEmailsAndIpv4Addresses) {
  auto m = PiiMasker::Create({"email", "ipv4"}, nullptr);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(Mask(*m, "mail from bob.s+x@corp.example.com. to 10.0.0.255:8080"),
            "mail from <EMAIL>. to <IPV4>:8080");
  EXPECT_EQ(Mask(*m, "version 1.2.3 and 999.1.1.1 and a@b"), "version 1.2.3 and 999.1.1.1 and a@b");
}

TEST(PiiMaskerTest, MasksIpv6AddressesButNotClockTimes) {
  auto m = PiiMasker::Create({"ipv6"}, nullptr);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(Mask(*m, "from fe80::1ff:fe23:4567:890a at 12:30:45"), "from <IPV6> at 12:30:45");
  EXPECT_EQ(Mask(*m, "peer 2001:0db8:85a3:0000:0000:8a2e:0370:7334 gone"), "peer <IPV6> gone");
}

TEST(PiiMaskerTest, APatternWithAGroupMasksOnlyTheGroup) {
  auto m =
      PiiMasker::Create({}, json::parse(R"j([{"name": "user", "pattern": "[Uu]ser (\\w+)"}])j"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(Mask(*m, "User alice logged in; user bob logged out"),
            "User <USER> logged in; user <USER> logged out");
}

TEST(PiiMaskerTest, APatternWithoutAGroupMasksTheWholeMatch) {
  auto m = PiiMasker::Create({}, json::parse(R"([{"name": "card", "pattern": "\\d{4}-\\d{4}"}])"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(Mask(*m, "card 1234-5678 used"), "card <CARD> used");
}

TEST(PiiMaskerTest, BadSettingsAreErrorsNamingTheEntry) {
  auto bad_kind = PiiMasker::Create({"phone"}, nullptr);
  ASSERT_FALSE(bad_kind.ok());
  EXPECT_NE(bad_kind.status().message().find("unknown kind 'phone'"), std::string::npos);
  auto bad_re = PiiMasker::Create({}, json::parse(R"([{"name": "x", "pattern": "("}])"));
  ASSERT_FALSE(bad_re.ok());
  EXPECT_NE(bad_re.status().message().find("entry 1 ('x')"), std::string::npos);
  EXPECT_FALSE(PiiMasker::Create({}, json::parse(R"([{"name": "x"}])")).ok());
}

TEST(PiiMaskerTest, NoMasksLeaveTheTextAlone) {
  PiiMasker m;
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(Mask(m, "a@b.com 1.2.3.4"), "a@b.com 1.2.3.4");
}

}  // namespace
}  // namespace logsieve
