#include "text/normalizer.h"

#include <gtest/gtest.h>

#include <random>

namespace logsieve {
namespace {

Normalizer All() {
  Config defaults;
  return *Normalizer::FromConfig(defaults);
}

struct Case {
  const char* in;
  const char* out;
};

class NormalizerCases : public ::testing::TestWithParam<Case> {};

TEST_P(NormalizerCases, MasksVariablePartsIntoTheExpectedTemplate) {
  EXPECT_EQ(All().Normalize(GetParam().in), GetParam().out) << GetParam().in;
}

INSTANTIATE_TEST_SUITE_P(
    Examples, NormalizerCases,
    ::testing::Values(
        Case{"User User123 logged in.", "User User<NUM> logged in."},
        Case{"2024-05-01 12:00:01 conn from 10.0.0.7 port 5514 closed",
             "<TS> conn from <IP> port <NUM> closed"},
        Case{"2024-05-01T12:00:01.123Z ok", "<TS> ok"},
        Case{"Jan  5 03:14:15 host sshd[2231]: Accepted", "<TS> host sshd[<NUM>]: Accepted"},
        Case{"127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326",
             "<IP> - - [<TS>] \"GET /apache_pb.gif HTTP/<NUM>\" <NUM> <NUM>"},
        Case{"GET /api/v1/users/42 returned 404", "GET <PATH> returned <NUM>"},
        Case{"request 3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f failed", "request <UUID> failed"},
        Case{"mail to john.doe+x@example.co.uk bounced", "mail to <EMAIL> bounced"},
        Case{"mail to ops@example.com. Retrying", "mail to <EMAIL>. Retrying"},
        Case{"fetch https://example.com/a?b=1, then stop", "fetch <URL>, then stop"},
        Case{"peer fe80::1ff:fe23:4567:890a%eth0 up", "peer <IP> up"},
        Case{"peer [2001:db8::1]:443 up", "peer <IP> up"},
        Case{"bind 10.1.2.3:8080 ok", "bind <IP> ok"},
        Case{"ptr 0x7ffe12ab and id deadbeef42 end", "ptr <HEX> and id <HEX> end"},
        Case{"not hex: deadbeef", "not hex: deadbeef"},
        Case{"took 1.25 ms, 1,234 rows", "took <NUM> ms, <NUM> rows"},
        Case{"  lots \t of   space  ", "lots of space"},
        Case{"999.1.1.1 is no ip", "<NUM> is no ip"},
        Case{"time 12:30 then 23:59:59", "time <TS> then <TS>"}, Case{"", ""}));

TEST(NormalizerTest, LinesDifferingOnlyInValuesShareATemplate) {
  Normalizer n = All();
  EXPECT_EQ(n.Normalize("Disk usage at 91% on /dev/sda1 (host web-01)"),
            n.Normalize("Disk usage at 78% on /dev/sdb2 (host web-17)"));
}

TEST(NormalizerTest, OnlyConfiguredMasksApply) {
  Normalizer n = *Normalizer::Create({"ipv4"});
  EXPECT_EQ(n.Normalize("10.0.0.1 port 22"), "<IP> port 22");
}

TEST(NormalizerTest, UnknownMaskIsAnErrorListingTheKnownOnes) {
  StatusOr<Normalizer> n = Normalizer::Create({"ipv4", "phone"});
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find("'phone'"), std::string::npos);
  EXPECT_NE(n.status().message().find("timestamp"), std::string::npos);
}

TEST(NormalizerTest, InvalidUtf8PassesThroughUnchanged) {
  std::string bad = "bad \xff\xfe bytes \xc3";
  EXPECT_EQ(All().Normalize(bad), bad);
}

TEST(NormalizerTest, ArbitraryBytesNeverCrashAndAreIdempotent) {
  Normalizer n = All();
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789abcdefABCDEF:.-/[]@% xyzT\t<>_Z+\\\xff\xc3";
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s(rng() % 40, ' ');
    for (char& c : s) c = alphabet[rng() % alphabet.size()];
    std::string once = n.Normalize(s);
    EXPECT_EQ(n.Normalize(once), once) << "input: " << s;
  }
}

TEST(TemplateKeyTest, DependsOnRouteAndTemplate) {
  EXPECT_EQ(TemplateKey("default", "a <NUM>"), TemplateKey("default", "a <NUM>"));
  EXPECT_NE(TemplateKey("default", "a <NUM>"), TemplateKey("llm-only", "a <NUM>"));
  EXPECT_NE(TemplateKey("ab", "c"), TemplateKey("a", "bc"));
}

}  // namespace
}  // namespace logsieve
