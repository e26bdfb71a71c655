#include "common/label_set.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/config.h"

namespace logsieve {
namespace {

using json = nlohmann::json;

std::string Error(const json& value) {
  StatusOr<LabelSet> set = LabelSet::FromJson(value);
  EXPECT_FALSE(set.ok()) << value.dump();
  return set.ok() ? "" : set.status().message();
}

TEST(LabelSet, PlainNamesAndMappingsMayBeMixed) {
  StatusOr<LabelSet> set = LabelSet::FromJson(
      json::parse(R"(["A", {"name": "B", "description": "bee"}, {"name": "C"}])"));
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->names(), (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(set->labels()[0].description, "");
  EXPECT_EQ(set->labels()[1].description, "bee");
  EXPECT_EQ(set->IndexOf("C"), 2u);
  EXPECT_FALSE(set->Contains("c"));
  EXPECT_EQ(set->JoinedNames(), "A, B, C");
}

TEST(LabelSet, TheVersionFollowsTheContentNotHowItWasWritten) {
  auto version = [](const char* text) {
    StatusOr<LabelSet> set = LabelSet::FromJson(json::parse(text));
    EXPECT_TRUE(set.ok()) << text;
    return set.ok() ? set->version() : std::string();
  };
  const std::string plain = version(R"(["A", "B"])");
  EXPECT_EQ(plain.size(), 12u);
  EXPECT_EQ(version(R"([{"name": "A"}, {"name": "B", "description": ""}])"), plain)
      << "a mapping with only a name is the plain name";
  EXPECT_NE(version(R"(["B", "A"])"), plain) << "the order is part of the set";
  EXPECT_NE(version(R"(["A", {"name": "B", "description": "bee"}])"), plain);
  EXPECT_NE(version(R"(["A", {"name": "B", "from": ["Error"]}])"), plain);
  EXPECT_NE(version(R"(["AB"])"), plain) << "fields are separated, not concatenated";
}

TEST(LabelSet, RefusesAnythingButANonEmptyList) {
  EXPECT_EQ(Error(json::array()),
            "labels: must be a non-empty list of names or {name, description, from} mappings");
  EXPECT_EQ(Error(json("A")),
            "labels: must be a non-empty list of names or {name, description, from} mappings");
}

TEST(LabelSet, RefusesABadEntryNamingItsIndex) {
  EXPECT_EQ(Error(json::parse(R"(["A", 3])")),
            "labels[1]: must be a name or a {name, description, from} mapping");
  EXPECT_EQ(Error(json::parse(R"(["A", {"description": "x"}])")),
            "labels[1]: a mapping needs a 'name'");
  EXPECT_EQ(Error(json::parse(R"([{"name": ["A"]}])")), "labels[0]: 'name' must be a string");
  EXPECT_EQ(Error(json::parse(R"([{"name": "A", "description": {}}])")),
            "labels[0]: 'description' must be a string");
  EXPECT_EQ(Error(json::parse(R"([{"name": "A", "colour": "red"}])")),
            "labels[0]: unknown key 'colour' (known: name, description, from)");
}

TEST(LabelSet, RefusesEmptyReservedAndRepeatedNames) {
  EXPECT_EQ(Error(json::parse(R"(["A", ""])")), "labels[1]: the name is empty");
  EXPECT_EQ(Error(json::parse(R"(["Unclassified"])")),
            "labels[0]: 'Unclassified' is reserved for lines no stage decides");
  EXPECT_EQ(Error(json::parse(R"(["A", "B", {"name": "A"}])")),
            "labels[2]: 'A' is listed twice (also labels[0])");
}

// The five-label taxonomy of doc/labels.md.
constexpr char kTeam[] = R"([
  {"name": "Account Activity", "from": ["User Action"]},
  {"name": "Failure", "description": "Something failed.",
   "from": ["Error", "Critical Error", "Workflow Error"]},
  {"name": "Security", "from": ["Security Alert"]},
  {"name": "Ops", "from": ["Resource Usage", "System Notification"]},
  "Billing"])";

TEST(LabelSet, FromListsTheStageLabelsAnEntryAnswers) {
  StatusOr<LabelSet> set = LabelSet::FromJson(json::parse(kTeam));
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_TRUE(set->uses_from());
  EXPECT_EQ(set->names(), (std::vector<std::string>{"Account Activity", "Failure", "Security",
                                                    "Ops", "Billing"}));
  EXPECT_EQ(set->labels()[1].from,
            (std::vector<std::string>{"Error", "Critical Error", "Workflow Error"}));
  EXPECT_EQ(set->labels()[1].description, "Something failed.");
  EXPECT_TRUE(set->labels()[4].from.empty());
}

TEST(LabelSet, MapAnswersTheLabelItselfThenTheEntryWhoseFromListsItElseNothing) {
  StatusOr<LabelSet> set = LabelSet::FromJson(json::parse(kTeam));
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->Map("Billing"), "Billing");
  EXPECT_EQ(set->Map("Failure"), "Failure");
  EXPECT_EQ(set->Map("User Action"), "Account Activity");
  EXPECT_EQ(set->Map("Critical Error"), "Failure");
  EXPECT_EQ(set->Map("System Notification"), "Ops");
  EXPECT_EQ(set->Map("HTTP Status"), std::nullopt);
  EXPECT_EQ(set->Map("user action"), std::nullopt);
}

TEST(LabelSet, AnEntryMayListItsOwnName) {
  StatusOr<LabelSet> set = LabelSet::FromJson(
      json::parse(R"([{"name": "Error", "from": ["Error", "Critical Error"]}])"));
  ASSERT_TRUE(set.ok()) << set.status().message();
  EXPECT_EQ(set->Map("Error"), "Error");
  EXPECT_EQ(set->Map("Critical Error"), "Error");
}

TEST(LabelSet, AcceptsAnUnmappedBundledLabelOnlyWhenTheSetUsesFrom) {
  const std::vector<std::string> bundled = BundledLabels().names();
  StatusOr<LabelSet> team = LabelSet::FromJson(json::parse(kTeam));
  ASSERT_TRUE(team.ok()) << team.status().message();
  EXPECT_TRUE(team->Accepts("User Action", bundled));
  EXPECT_TRUE(team->Accepts("Billing", bundled));
  EXPECT_TRUE(team->Accepts("HTTP Status", bundled));  // unmapped: unsure
  EXPECT_FALSE(team->Accepts("HTTP Statu", bundled));  // a typo stays an error
  StatusOr<LabelSet> plain = LabelSet::FromJson(json::parse(R"(["Billing", "Ops"])"));
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->uses_from());
  EXPECT_TRUE(plain->Accepts("Ops", bundled));
  EXPECT_FALSE(plain->Accepts("HTTP Status", bundled));
}

TEST(LabelSet, RefusesABadFromNamingTheEntryAndTheItem) {
  EXPECT_EQ(Error(json::parse(R"(["A", {"name": "B", "from": "Error"}])")),
            "labels[1]: 'from' must be a list of labels");
  EXPECT_EQ(Error(json::parse(R"(["A", {"name": "B", "from": ["Error", 3]}])")),
            "labels[1].from[1]: must be a label name (a string)");
  EXPECT_EQ(Error(json::parse(R"(["A", "B", {"name": "C", "from": ["Error", ""]}])")),
            "labels[2].from[1]: the label name is empty");
  EXPECT_EQ(Error(json::parse(R"([{"name": "C", "from": ["Unclassified"]}])")),
            "labels[0].from[0]: 'Unclassified' is no stage's label");
}

TEST(LabelSet, RefusesAStageLabelMappedTwiceNamingBothEntries) {
  EXPECT_EQ(Error(json::parse(R"([{"name": "Failure", "from": ["Error"]},
                                  {"name": "Ops", "from": ["Resource Usage", "Error"]}])")),
            "labels[1].from[1]: 'Error' is already mapped by labels[0].from[0] ('Failure')");
  EXPECT_EQ(Error(json::parse(R"([{"name": "Failure", "from": ["Error", "Error"]}])")),
            "labels[0].from[1]: 'Error' is already mapped by labels[0].from[0] ('Failure')");
}

TEST(LabelSet, RefusesAFromNameThatIsAnotherEntrysOwnName) {
  EXPECT_EQ(Error(json::parse(R"([{"name": "Failure", "from": ["Error"]}, "Error"])")),
            "labels[0].from[0]: 'Error' is itself a label (labels[1]), which answers it; map it "
            "in one place only");
}

TEST(LabelSet, ConfigValidatesTheKeyWhenItIsSetNamingWhereTheValueCameFrom) {
  Config config;
  Status s = config.Set("labels", "[A, {name: A}]", "flag --set");
  EXPECT_EQ(s.message(), "flag --set: labels[1]: 'A' is listed twice (also labels[0])");
  EXPECT_EQ(config.labels().size(), 9u);  // the refused value left the defaults in place
  ASSERT_TRUE(config.Set("labels", "[A, {name: B, description: bee}]", "test").ok());
  EXPECT_EQ(config.labels().names(), (std::vector<std::string>{"A", "B"}));
  Config copy = config;
  EXPECT_EQ(copy.labels().names(), config.labels().names());
}

}  // namespace
}  // namespace logsieve
