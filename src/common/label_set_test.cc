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

TEST(LabelSet, RefusesAnythingButANonEmptyList) {
  EXPECT_EQ(Error(json::array()),
            "labels: must be a non-empty list of names or {name, description} mappings");
  EXPECT_EQ(Error(json("A")),
            "labels: must be a non-empty list of names or {name, description} mappings");
}

TEST(LabelSet, RefusesABadEntryNamingItsIndex) {
  EXPECT_EQ(Error(json::parse(R"(["A", 3])")),
            "labels[1]: must be a name or a {name, description} mapping");
  EXPECT_EQ(Error(json::parse(R"(["A", {"description": "x"}])")),
            "labels[1]: a mapping needs a 'name'");
  EXPECT_EQ(Error(json::parse(R"([{"name": ["A"]}])")), "labels[0]: 'name' must be a string");
  EXPECT_EQ(Error(json::parse(R"([{"name": "A", "description": {}}])")),
            "labels[0]: 'description' must be a string");
  EXPECT_EQ(Error(json::parse(R"([{"name": "A", "colour": "red"}])")),
            "labels[0]: unknown key 'colour' (known: name, description)");
}

TEST(LabelSet, RefusesEmptyReservedAndRepeatedNames) {
  EXPECT_EQ(Error(json::parse(R"(["A", ""])")), "labels[1]: the name is empty");
  EXPECT_EQ(Error(json::parse(R"(["Unclassified"])")),
            "labels[0]: 'Unclassified' is reserved for lines no stage decides");
  EXPECT_EQ(Error(json::parse(R"(["A", "B", {"name": "A"}])")),
            "labels[2]: 'A' is listed twice (also labels[0])");
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
