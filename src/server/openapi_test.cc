#include "server/openapi.h"

#include <gtest/gtest.h>

namespace logsieve {
namespace {

using json = nlohmann::json;

// Every $ref in the document points at something it defines.
void ExpectRefsResolve(const json& doc, const json& node) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref") {
        std::string ref = value.get<std::string>();
        ASSERT_TRUE(ref.starts_with("#/")) << ref;
        EXPECT_TRUE(doc.contains(json::json_pointer(ref.substr(1)))) << "dangling " << ref;
      } else {
        ExpectRefsResolve(doc, value);
      }
    }
  } else if (node.is_array()) {
    for (const json& v : node) ExpectRefsResolve(doc, v);
  }
}

TEST(OpenApiTest, TheDocumentIsOpenApi3WithEveryReferenceResolved) {
  json doc = OpenApiDocument("1.2.3", {});
  EXPECT_EQ(doc["openapi"], "3.0.3");
  EXPECT_EQ(doc["info"]["version"], "1.2.3");
  ExpectRefsResolve(doc, doc);
}

TEST(OpenApiTest, EveryOperationHasAnIdAndA200) {
  json doc = OpenApiDocument("1", {});
  size_t operations = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      ++operations;
      EXPECT_TRUE(op.contains("operationId")) << method << " " << path;
      EXPECT_TRUE(op["responses"].contains("200")) << method << " " << path;
    }
  }
  EXPECT_EQ(operations, 19u);
}

TEST(OpenApiTest, LabelsBecomeTheEnumOfTargetLabel) {
  json doc = OpenApiDocument("1", {"Error"});
  EXPECT_EQ(doc["components"]["schemas"]["Decision"]["properties"]["target_label"]["enum"],
            json({"Error", "Unclassified"}));
}

}  // namespace
}  // namespace logsieve
