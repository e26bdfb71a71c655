// The shipped models/default.lsm: it loads as a stage with the default
// config, gets obvious lines right, and its recipe reproduces it byte for
// byte (label "slow": two fits, ~15 s in a release build, ~80 s under ASan).
#include "train/default_model.h"

#include <gtest/gtest.h>

#include "common/paths.h"
#include "model/model_file.h"
#include "model/model_stage.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

std::string DefaultModelPath() { return testing::SourceDir() + "/models/default.lsm"; }

TEST(DefaultModelTest, LoadsAndGetsObviousLinesRight) {
  Config config;
  ASSERT_TRUE(config.Set("model.file", DefaultModelPath(), "test").ok());
  ASSERT_TRUE(config.Set("pipeline.threshold", "0", "test").ok());  // the top label of every line
  auto stage = MakeModelStage(config);
  ASSERT_TRUE(stage.ok()) << stage.status().ToString();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"Failed password for root from 203.0.113.9 port 52144 ssh2", "Security Alert"},
      {"User User123 logged in.", "User Action"},
      {"Backup completed successfully.", "System Notification"},
      {"10.0.0.1 - - [01/May/2025:10:00:00 +0000] \"GET /index.html HTTP/1.1\" 200 512",
       "HTTP Status"},
      {"Memory usage at 97% on db-2", "Resource Usage"},
      {"Kernel panic - not syncing: Fatal exception", "Critical Error"},
      {"Invoice INV-2291 generation failed for customer CUST-88", "Workflow Error"},
      {"The /v1/orders endpoint is deprecated and will be removed in version 3.0",
       "Deprecation Warning"},
      {"Failed to connect to postgres at db-1:5432", "Error"},
  };
  Batch b;
  for (const auto& [line, _] : cases) b.records.push_back({"test", line});
  b.Reset();
  std::vector<size_t> pending(cases.size());
  for (size_t i = 0; i < pending.size(); ++i) pending[i] = i;
  ASSERT_TRUE((*stage)->Decide(b, pending).ok());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(b.decisions[i].label, cases[i].second)
        << cases[i].first << " -> " << b.decisions[i].detail;
  }
}

TEST(DefaultModelTest, BundledPathFindsIt) {
  EXPECT_TRUE(ReadModelFile(BundledPath("models/default.lsm")).ok());
}

TEST(DefaultModelTest, SlowRetrainingReproducesTheFileByteForByte) {
  auto r = TrainDefaultModel(DefaultModelRecipe{});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string bytes = SerializeModel(r->fit.model);
  const std::string shipped = testing::ReadFile(DefaultModelPath());
  EXPECT_EQ(bytes.size(), shipped.size());
  EXPECT_TRUE(bytes == shipped) << "models/default.lsm differs from its recipe: run "
                                   "`logsieve train --synthetic -o models/default.lsm`";
}

}  // namespace
}  // namespace logsieve
