#include "learn/rule_suggest.h"

#include <gtest/gtest.h>

#include "rules/rule_set.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

TemplateObservation Llm(uint64_t key, const std::string& line, const std::string& label,
                        int64_t count) {
  TemplateObservation o;
  o.key = key;
  o.source = "app";
  o.template_text = line;
  o.label = label;
  o.method = "LLM";
  o.confidence = 0.9f;
  o.count = count;
  o.examples = {line};
  return o;
}

struct Fixture {
  Fixture() {
    StoreOptions so = *StoreOptions::FromConfig(config);
    so.path = dir.File("s.db");
    store = *Store::Open(so);
  }
  testing::ScratchDir dir;
  Config config;
  std::unique_ptr<Store> store;
};

TEST(RuleSuggestTest, AFrequentConsistentTemplateBecomesARuleThatRulesCheckAccepts) {
  Fixture f;
  ASSERT_TRUE(f.store
                  ->Record(std::vector{Llm(1, "tenant 42 disk quota (9 GB) reached on shard 7",
                                           "Resource Usage", 30),
                                       Llm(2, "rare thing 5 happened", "Error", 3)})
                  .ok());
  auto s = SuggestRules(f.config, *f.store, {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].rule.label, "Resource Usage");
  EXPECT_EQ((*s)[0].support, 30);
  EXPECT_EQ((*s)[0].precision, 1.0);
  const std::string yaml = SuggestionsYaml(*s, "s.db");
  auto file = ParseRuleFile(yaml, "suggested.yaml");
  ASSERT_TRUE(file.ok()) << file.status().ToString() << "\n" << yaml;
  auto set = RuleSet::Compile(*std::move(file));
  ASSERT_TRUE(set.ok()) << set.status().ToString() << "\n" << yaml;
  EXPECT_TRUE((*set)->Match("app", "tenant 7 disk quota (12 GB) reached on shard 1"));
  EXPECT_FALSE((*set)->Match("app", "tenant 7 disk quota (12 GB) reached on shard 1 again"));
}

TEST(RuleSuggestTest, ATemplateWhoseLinesCarryOtherLabelsIsNotProposed) {
  Fixture f;
  ASSERT_TRUE(
      f.store->Record(std::vector{Llm(1, "job 4 state changed", "System Notification", 30)}).ok());
  std::vector<Correction> corrections(5);
  for (Correction& c : corrections) {
    c.source = "app";
    c.log_message = "job 9 state changed";
    c.target_label = "Workflow Error";
    c.origin = "import";
  }
  ASSERT_TRUE(f.store->AddCorrections(corrections).ok());
  auto s = SuggestRules(f.config, *f.store, {});  // precision 30/35 < 0.95
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->empty());
  EXPECT_EQ(SuggestRules(f.config, *f.store, {.min_precision = 0.8})->size(), 1u);
}

TEST(RuleSuggestTest, ATemplateAnExistingRuleDecidesIsNotProposed) {
  Fixture f;
  // The bundled rules decide "User User123 logged in."
  ASSERT_TRUE(
      f.store->Record(std::vector{Llm(1, "User User123 logged in.", "User Action", 50)}).ok());
  auto s = SuggestRules(f.config, *f.store, {});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->empty());
}

}  // namespace
}  // namespace logsieve
