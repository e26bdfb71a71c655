#include "server/routes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "server/handlers.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

using json = nlohmann::json;
using ::testing::HasSubstr;

ServerOptions Options(std::vector<std::string> keys = {}) {
  StatusOr<ServerOptions> o = ServerOptions::FromConfig(Config());
  EXPECT_TRUE(o.ok()) << o.status().ToString();
  o->api_keys = std::move(keys);
  return *o;
}

}  // namespace

// gtest names a row by its method and path, not its bytes.
void PrintTo(const RouteSpec& r, std::ostream* os) {
  *os << (r.method.empty() ? "ANY" : r.method) << " " << r.path;
}

namespace {

// A request for `route` as a client would send it: its method (GET for an
// any-method row), a path on it, a body type it takes.
ApiRequest RequestFor(const RouteSpec& route, std::string remote) {
  ApiRequest req;
  req.method = route.method.empty() ? "GET" : std::string(route.method);
  req.target = req.path = std::string(route.path) + (route.prefix ? "index.html" : "");
  switch (route.body) {
    case RouteBody::kMultipart:
      req.headers.emplace_back("Content-Type", "multipart/form-data; boundary=x");
      break;
    case RouteBody::kNdjson:
      req.headers.emplace_back("Content-Type", "application/x-ndjson");
      break;
    default:
      req.headers.emplace_back("Content-Type", "application/json");
  }
  req.remote = std::move(remote);
  return req;
}

// GET /openapi.json, as the server answers it.
json ServedOpenApi() {
  Handlers h(Options());
  ApiRequest req;
  req.method = "GET";
  req.target = req.path = "/openapi.json";
  const Plan plan = h.Admit(req);
  EXPECT_EQ(plan.answer.status, 200) << plan.answer.body;
  return json::parse(plan.answer.body);
}

TEST(RoutesTest, EveryRouteInTheTableIsInOpenApiJsonWithItsMethod) {
  const json paths = ServedOpenApi()["paths"];
  for (const RouteSpec& r : Routes()) {
    if (r.openapi == kNotInOpenApi) continue;
    const std::string path(r.path), method(r.OpenApiMethod());
    ASSERT_TRUE(paths.contains(path)) << path << " is in the route table, not in /openapi.json";
    EXPECT_TRUE(paths[path].contains(method))
        << r.method << " " << path << " is in the route table; /openapi.json has "
        << paths[path].dump();
  }
}

TEST(RoutesTest, EveryPathInOpenApiJsonIsInTheTableWithItsMethod) {
  const nlohmann::json doc = ServedOpenApi();  // a temporary would die before the loop body
  for (const auto& [path, item] : doc["paths"].items()) {
    const RouteSpec* r = FindRoute(path);
    ASSERT_NE(r, nullptr) << path << " is in /openapi.json but no route serves it";
    EXPECT_EQ(r->path, path) << "only a prefix row serves " << path;
    for (const auto& [method, op] : item.items()) {
      EXPECT_EQ(method, r->OpenApiMethod()) << path << ": /openapi.json documents " << method;
    }
  }
}

TEST(RoutesTest, OnlyRedirectsAndTheDocsScriptsAreLeftOutOfOpenApiJson) {
  for (const RouteSpec& r : Routes()) {
    if (r.openapi != kNotInOpenApi) continue;
    EXPECT_TRUE(r.execution == RouteExecution::kRedirect || r.path == "/docs/assets/")
        << r.path << " is left out of /openapi.json";
  }
}

TEST(RoutesTest, EveryRouteInTheTableIsDocumentedInDocServerMd) {
  const std::string doc = testing::ReadFile(testing::SourceDir() + "/doc/server.md");
  ASSERT_THAT(doc, HasSubstr("## ")) << "doc/server.md not read";
  for (const RouteSpec& r : Routes()) {
    // "`GET /v1/review?...`", "`GET /ui/`", "`POST /v1/classify`"; an
    // any-method redirect as "`/classify`".
    const std::string name =
        "`" + (r.method.empty() ? "" : std::string(r.method) + " ") + std::string(r.path);
    const bool found = doc.find(name + "`") != std::string::npos ||
                       doc.find(name + "?") != std::string::npos ||
                       doc.find(name + "<") != std::string::npos;
    EXPECT_TRUE(found) << name << "` (a route in src/server/routes.cc) is not in doc/server.md";
  }
}

TEST(RoutesTest, AnUnknownPathHasNoRouteAndAPathUnderAPrefixHasThePrefixRow) {
  EXPECT_EQ(FindRoute("/v1/classify/"), nullptr);
  EXPECT_EQ(FindRoute("/docs/assets"), nullptr);
  ASSERT_NE(FindRoute("/ui/app.js"), nullptr);
  EXPECT_EQ(FindRoute("/ui/app.js")->path, "/ui/");
  EXPECT_EQ(FindRoute("/ui")->path, "/ui");
  EXPECT_EQ(EndpointLabel("/classify"), "other") << "a redirect is not an endpoint of its own";
  EXPECT_EQ(EndpointLabel("/nope"), "other");
  EXPECT_EQ(EndpointLabel("/docs/assets/redoc.standalone.js"), "/docs/assets/");
}

TEST(RoutesTest, EveryRowThatRunsAHandlerHasOneAndNoOtherDoes) {
  for (const RouteSpec& r : Routes()) {
    const bool runs_handler = r.execution == RouteExecution::kAnswerNow ||
                              r.execution == RouteExecution::kInlineWhenQuick ||
                              r.execution == RouteExecution::kWorker;
    EXPECT_EQ(r.handle != nullptr, runs_handler)
        << r.path << ": the stream, live events and redirects have no handler; every other row has";
  }
}

TEST(RoutesTest, TheAdminLikeRoutesAreTheOnesThatChangeWhatServesOrShowWhatWasClassified) {
  std::vector<std::string> admin, public_routes;
  for (const RouteSpec& r : Routes()) {
    const std::string name =
        std::string(r.method.empty() ? "ANY" : r.method) + " " + std::string(r.path);
    if (r.auth == RouteAuth::kAdminLoopback) admin.push_back(name);
    if (r.auth == RouteAuth::kPublic) public_routes.push_back(name);
  }
  EXPECT_THAT(admin, ::testing::UnorderedElementsAre("GET /v1/review", "POST /admin/reload",
                                                     "GET /v1/models", "POST /v1/learn",
                                                     "POST /v1/models/activate", "GET /v1/live"));
  // Probes, docs and the dashboard's files hold no data; the rest needs a key when keys are set.
  EXPECT_THAT(public_routes,
              ::testing::UnorderedElementsAre(
                  "GET /", "GET /healthz", "GET /readyz", "GET /openapi.json", "GET /docs",
                  "GET /redoc", "GET /docs/assets/", "GET /ui/", "GET /ui", "GET /favicon.ico",
                  "ANY /classify", "ANY /classify-single"));
}

// ---------------------------------------------------------------------------
// Each row, walked: auth and allowed methods come from the table.

class RouteRowTest : public ::testing::TestWithParam<RouteSpec> {};

TEST_P(RouteRowTest, WithKeysSetAGuardedRouteAnswers401WithoutOneAndAPublicOneDoesNot) {
  const RouteSpec& r = GetParam();
  Handlers h(Options({"secret"}));
  const Plan plan = h.Admit(RequestFor(r, "127.0.0.1:5000"));
  if (r.auth == RouteAuth::kPublic) {
    EXPECT_NE(plan.answer.status, 401) << r.path << " is public: " << plan.answer.body;
  } else {
    EXPECT_EQ(plan.answer.status, 401) << r.path << " answered without a key";
    EXPECT_THAT(plan.answer.body, HasSubstr("Not authenticated")) << r.path;
  }
}

TEST_P(RouteRowTest, WithKeysSetTheKeyOpensEveryRoute) {
  const RouteSpec& r = GetParam();
  Handlers h(Options({"secret"}));
  ApiRequest req = RequestFor(r, "203.0.113.7:5000");
  req.headers.emplace_back("Authorization", "Bearer secret");
  const Plan plan = h.Admit(req);
  EXPECT_NE(plan.answer.status, 401) << r.path << ": " << plan.answer.body;
  EXPECT_NE(plan.answer.status, 403) << r.path << ": " << plan.answer.body;
}

TEST_P(RouteRowTest, WithoutKeysOnlyAnAdminLikeRouteAnswers403OffLoopback) {
  const RouteSpec& r = GetParam();
  Handlers h(Options());
  const Plan plan = h.Admit(RequestFor(r, "203.0.113.7:5000"));
  EXPECT_NE(plan.answer.status, 401) << r.path << ": " << plan.answer.body;
  if (r.auth == RouteAuth::kAdminLoopback) {
    EXPECT_EQ(plan.answer.status, 403) << r.path << " answered a client off loopback";
    EXPECT_THAT(plan.answer.body, HasSubstr("loopback")) << r.path;
    EXPECT_NE(h.Admit(RequestFor(r, "127.0.0.1:5000")).answer.status, 403) << r.path;
  } else {
    EXPECT_NE(plan.answer.status, 403) << r.path << ": " << plan.answer.body;
  }
}

TEST_P(RouteRowTest, AnotherMethodIs405NamingTheRowsMethodOrIsRedirectedLikeAnyOther) {
  const RouteSpec& r = GetParam();
  Handlers h(Options());
  ApiRequest req = RequestFor(r, "127.0.0.1:5000");
  req.method = "DELETE";
  const Plan plan = h.Admit(req);
  if (r.method.empty()) {
    EXPECT_EQ(plan.answer.status, r.redirect_status) << r.path << ": " << plan.answer.body;
    return;
  }
  EXPECT_EQ(plan.answer.status, 405) << r.path << ": " << plan.answer.body;
  ASSERT_EQ(plan.answer.headers.size(), 1u) << r.path;
  EXPECT_EQ(plan.answer.headers[0], std::make_pair(std::string("Allow"), std::string(r.method)))
      << r.path;
}

std::string RowName(const ::testing::TestParamInfo<RouteSpec>& info) {
  std::string name = std::string(info.param.method.empty() ? "ANY" : info.param.method) + "_";
  for (char c : info.param.path) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(EveryRow, RouteRowTest,
                         ::testing::ValuesIn(Routes().begin(), Routes().end()), RowName);

}  // namespace
}  // namespace logsieve
