#include "model/registry.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <thread>
#include <vector>

#include "testing/testing.h"

namespace logsieve {
namespace {

using ::testing::HasSubstr;

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
  // v0001's parent is not in the registry: no version stays active.
  EXPECT_EQ(*r.Rollback(), "");
  EXPECT_EQ(*r.Active(), "");
  EXPECT_FALSE(std::filesystem::exists(r.active_model_path()));
  StatusOr<std::string> again = r.Rollback();
  EXPECT_EQ(again.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(again.status().message()), HasSubstr("no active version"));
}

TEST(RegistryTest, ConcurrentAddsFromManyThreadsGetDistinctWholeVersions) {
  testing::ScratchDir dir;
  testing::WriteFile(dir.File("m.lsm"), "model");
  auto r = *Registry::Open(dir.File("reg"));
  constexpr int kThreads = 8, kEach = 5;
  std::vector<std::vector<std::string>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        StatusOr<std::string> v = r.Add(dir.File("m.lsm"), {{"parent", "default"}});
        if (v.ok()) got[t].push_back(*v);
        if (i % 2 == 0 && v.ok()) (void)r.Activate(*v);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  std::set<std::string> versions;
  for (const auto& g : got) versions.insert(g.begin(), g.end());
  EXPECT_EQ(versions.size(), size_t{kThreads * kEach});
  auto list = r.List();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->size(), size_t{kThreads * kEach});
  EXPECT_TRUE(r.Incomplete().empty());
  for (const RegistryEntry& e : *list) EXPECT_EQ(e.metadata["version"], e.version);
  EXPECT_EQ(testing::ReadFile(r.active_model_path()), "model");
  // No staging file or folder is left behind.
  for (const auto& e : std::filesystem::directory_iterator(dir.File("reg"))) {
    EXPECT_EQ(e.path().filename().string().find(".staging"), std::string::npos) << e.path();
  }
}

TEST(RegistryTest, AnIncompleteVersionFolderIsSkippedReportedAndNeverReused) {
  testing::ScratchDir dir;
  testing::WriteFile(dir.File("m.lsm"), "model");
  auto r = *Registry::Open(dir.File("reg"));
  ASSERT_EQ(*r.Add(dir.File("m.lsm"), {{"parent", "default"}}), "v0001");
  std::filesystem::create_directory(dir.File("reg/v0002"));  // what a crashed run once left
  auto list = r.List();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ(list->size(), 1u);
  ASSERT_EQ(r.Incomplete().size(), 1u);
  EXPECT_THAT(r.Incomplete()[0], HasSubstr("v0002: no model.lsm"));
  EXPECT_EQ(*r.Add(dir.File("m.lsm"), {{"parent", "v0001"}}), "v0003");
  EXPECT_EQ(r.Activate("v0002").code(), StatusCode::kNotFound);
  EXPECT_TRUE(r.Activate("v0003").ok());
}

TEST(RegistryTest, TheModelThatRunsIsModelFileElseTheActiveVersionElseTheBundledOne) {
  testing::ScratchDir dir;
  Config config;
  ASSERT_TRUE(config.Set("learn.registry", dir.File("reg"), "test").ok());
  StatusOr<ModelChoice> bundled = ResolveModelFile(config);
  ASSERT_TRUE(bundled.ok()) << bundled.status().ToString();
  EXPECT_EQ(bundled->origin, "bundled");
  EXPECT_THAT(bundled->path, HasSubstr("models/default.lsm"));
  EXPECT_FALSE(std::filesystem::exists(dir.File("reg")));  // resolving creates nothing

  testing::WriteFile(dir.File("m.lsm"), "model");
  auto r = *Registry::Open(dir.File("reg"));
  ASSERT_TRUE(r.Activate(*r.Add(dir.File("m.lsm"), {{"parent", "default"}})).ok());
  StatusOr<ModelChoice> active = ResolveModelFile(config);
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  EXPECT_EQ(active->origin, "registry v0001");
  EXPECT_EQ(active->path, r.ModelPath("v0001"));

  ASSERT_TRUE(config.Set("model.file", dir.File("m.lsm"), "test").ok());
  EXPECT_EQ(ResolveModelFile(config)->origin, "model.file");
  ASSERT_TRUE(config.Set("model.file", "none", "test").ok());
  EXPECT_EQ(ResolveModelFile(config)->path, "");
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
