#include "text/scanners.h"

#include <gtest/gtest.h>

namespace logsieve {
namespace {

std::string Replace(Scan scan, std::string_view in) {
  std::string out;
  ReplaceMatches(scan, in, "<X>", &out);
  return out;
}

TEST(Scanners, AnAddressScanStopsWhereTheEndpointScanGoesOn) {
  EXPECT_EQ(Replace(Scan::kIpv4Address, "bind 10.1.2.3:8080 ok"), "bind <X>:8080 ok");
  EXPECT_EQ(Replace(Scan::kIpv4, "bind 10.1.2.3:8080 ok"), "bind <X> ok");
  EXPECT_EQ(Replace(Scan::kIpv6Address, "peer [2001:db8::1]:443 fe80::1%eth0"),
            "peer [<X>]:443 <X>%eth0");
  EXPECT_EQ(Replace(Scan::kIpv6, "peer [2001:db8::1]:443 fe80::1%eth0"), "peer <X> <X>");
}

TEST(Scanners, MatchesRespectWordBoundariesExceptNumbers) {
  EXPECT_EQ(Replace(Scan::kIpv4Address, "ip10.0.0.1 10.0.0.1x (10.0.0.1)"),
            "ip10.0.0.1 10.0.0.1x (<X>)");
  EXPECT_EQ(Replace(Scan::kNumber, "User123"), "User<X>");
  EXPECT_EQ(Replace(Scan::kIpv6Address, "std::vector at 12:30:45"), "std::vector at 12:30:45");
}

TEST(Scanners, AddressPartsAreChecked) {
  EXPECT_EQ(Replace(Scan::kIpv4Address, "999.1.1.1 1.2.3 256.0.0.1 255.0.0.1"),
            "999.1.1.1 1.2.3 256.0.0.1 <X>");
  EXPECT_EQ(Replace(Scan::kIpv6Address, "1:2:3:4:5:6:7 1:2:3:4:5:6:7:8 12345::1"),
            "1:2:3:4:5:6:7 <X> 12345::1");
}

TEST(Scanners, EmailsNeedALocalPartAndADottedDomain) {
  EXPECT_EQ(Replace(Scan::kEmail, "a@b x%y+z@corp.example.com. @corp.com"), "a@b <X>. @corp.com");
}

TEST(Scanners, PlaceholdersOfEarlierPassesAreNeverScanned) {
  EXPECT_EQ(Replace(Scan::kNumber, "<IP> 7 <NUM>"), "<IP> <X> <NUM>");
  EXPECT_EQ(Replace(Scan::kNumber, "<IPV4>"), "<IPV<X>>");  // a digit is no capital
}

TEST(Scanners, ScanAtReportsTheEndOfTheMatchOrZero) {
  EXPECT_EQ(ScanAt(Scan::kUuid, "id 3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f.", 3), 39u);
  EXPECT_EQ(ScanAt(Scan::kUuid, "id 3f2b8c1e", 3), 0u);
  EXPECT_EQ(ScanAt(Scan::kUrl, "see https://x.org/a, ok", 4), 19u);
  EXPECT_EQ(ScanAt(Scan::kTimestamp, "2024-05-01T12:00:01Z", 0), 20u);
}

}  // namespace
}  // namespace logsieve
