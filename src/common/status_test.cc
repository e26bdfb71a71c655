#include "common/status.h"

#include <gtest/gtest.h>

#include <memory>

namespace logsieve {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, ErrorCarriesCodeAndMessage) {
  Status s = InvalidArgumentError("bad row");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.ToString(), "INVALID_ARGUMENT: bad row");
}

TEST(StatusTest, WithPrefixAddsContextButKeepsOkAsOk) {
  EXPECT_EQ(NotFoundError("x").WithPrefix("file.csv").message(), "file.csv: x");
  EXPECT_TRUE(OkStatus().WithPrefix("file.csv").ok());
}

StatusOr<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgumentError("odd");
  return x / 2;
}

Status Quarter(int x, int* out) {
  LOGSIEVE_ASSIGN_OR_RETURN(int h, Half(x));
  LOGSIEVE_ASSIGN_OR_RETURN(*out, Half(h));
  return OkStatus();
}

TEST(StatusOrTest, AssignOrReturnPropagatesTheFirstError) {
  int out = 0;
  EXPECT_TRUE(Quarter(8, &out).ok());
  EXPECT_EQ(out, 2);
  EXPECT_EQ(Quarter(6, &out).message(), "odd");
}

TEST(StatusOrTest, HoldsMoveOnlyValues) {
  StatusOr<std::unique_ptr<int>> p = std::make_unique<int>(7);
  ASSERT_TRUE(p.ok());
  std::unique_ptr<int> q = std::move(p).value();
  EXPECT_EQ(*q, 7);
}

}  // namespace
}  // namespace logsieve
