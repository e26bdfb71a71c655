#include "llm/pii_masker.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "text/normalizer.h"

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

// The masker and the normalizer run the same scanners: the masker leaves
// nothing the normalizer would call an address or email, and hides nothing
// else (putting a plain address back where it masked gives the normalizer's
// template of the original line).
TEST(PiiMaskerTest, AgreesWithTheNormalizerOnTrickyInputs) {
  auto masker = PiiMasker::Create({"email", "ipv6", "ipv4"}, nullptr);
  ASSERT_TRUE(masker.ok());
  auto normalizer = Normalizer::Create({"email", "ipv6", "ipv4"});
  ASSERT_TRUE(normalizer.ok());
  const std::vector<std::string> inputs = {
      "mail from bob.s+x@corp.example.com. to 10.0.0.255:8080",
      "a%b@corp.com and a@b and user@host_name.example and @corp.com",
      "version 1.2.3 and 999.1.1.1 and 1.2.3.4.5 and 256.1.1.1",
      "ip10.0.0.1 and 10.0.0.1x and (10.0.0.1) and 10.0.0.1/24",
      "peer [2001:db8::1]:443 and fe80::1%eth0 and ::ffff:10.0.0.1 up",
      "at 12:30:45 std::vector a::b 1:2:3:4:5:6:7 1:2:3:4:5:6:7:8",
      "x=alice@corp.com;y=10.9.8.7,z=fe80::2",
      "<EMAIL> <IP> caf\xc3\xa9@d\xc3\xa9.fr \xff"
      "10.0.0.1",
  };
  auto unmask = [](std::string s) {
    for (auto [placeholder, plain] :
         {std::pair{"<EMAIL>", "a@example.com"}, std::pair{"<IPV6>", "2001:db8::1"},
          std::pair{"<IPV4>", "192.0.2.1"}}) {
      for (size_t at = s.find(placeholder); at != std::string::npos; at = s.find(placeholder, at)) {
        s.replace(at, std::string_view(placeholder).size(), plain);
      }
    }
    return s;
  };
  for (const std::string& in : inputs) {
    std::string masked = Mask(*masker, in);
    EXPECT_EQ(normalizer->Normalize(masked), masked) << in;
    EXPECT_EQ(normalizer->Normalize(unmask(masked)), normalizer->Normalize(in)) << in;
  }
}

TEST(PiiMaskerTest, NoMasksLeaveTheTextAlone) {
  PiiMasker m;
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(Mask(m, "a@b.com 1.2.3.4"), "a@b.com 1.2.3.4");
}

}  // namespace
}  // namespace logsieve
