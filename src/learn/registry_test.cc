#include "learn/registry.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "testing/testing.h"

namespace logsieve {
namespace {

TEST(RegistryTest, VersionsAreNumberedInOrderAndNoneIsActiveUntilAsked) {
  testing::ScratchDir dir;
  testing::WriteFile(dir.File("m.lsm"), "model one");
  auto r = Registry::Open(dir.File("reg"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r->Add(dir.File("m.lsm"), {{"parent", "default"}}), "v0001");
  EXPECT_EQ(*r->Add(dir.File("m.lsm"), {{"parent", "v0001"}}), "v0002");
  auto list = r->List();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].version, "v0002");
  EXPECT_EQ((*list)[1].metadata["parent"], "v0001");
  EXPECT_EQ((*list)[1].metadata["version"], "v0002");
  EXPECT_EQ(*r->Active(), "");
}

TEST(RegistryTest, ActivateSwapsTheActiveModelAndRollbackGoesBackToTheParent) {
  testing::ScratchDir dir;
  testing::WriteFile(dir.File("a.lsm"), "model a");
  testing::WriteFile(dir.File("b.lsm"), "model b");
  auto r = *Registry::Open(dir.File("reg"));
  ASSERT_TRUE(r.Activate(*r.Add(dir.File("a.lsm"), {{"parent", "default"}})).ok());
  EXPECT_EQ(testing::ReadFile(r.active_model_path()), "model a");
  ASSERT_TRUE(r.Activate(*r.Add(dir.File("b.lsm"), {{"parent", "v0001"}})).ok());
  EXPECT_EQ(testing::ReadFile(r.active_model_path()), "model b");
  EXPECT_EQ(*r.Rollback(), "v0001");
  EXPECT_EQ(*r.Active(), "v0001");
  EXPECT_EQ(testing::ReadFile(r.active_model_path()), "model a");
  // v0001's parent is not in the registry: nothing to roll back to.
  StatusOr<std::string> again = r.Rollback();
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(again.status().message().find("no earlier version"), std::string::npos);
}

TEST(RegistryTest, ActivatingAnUnknownVersionIsNotFoundNamingIt) {
  testing::ScratchDir dir;
  auto r = *Registry::Open(dir.File("reg"));
  Status s = r.Activate("v0042");
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_NE(s.message().find("'v0042'"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace logsieve
