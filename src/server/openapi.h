// The OpenAPI 3.0 document of logsieve's HTTP API (GET /openapi.json) and the
// two pages that render it (GET /docs: Swagger UI, GET /redoc: ReDoc), which
// load their scripts from /docs/assets/ (see web_assets.h), never a CDN.
//
//   std::string doc = OpenApiDocument("0.1.0", {"HTTP Status", "Error"}).dump();
//
// Thread safety: pure functions.
#ifndef LOGSIEVE_SERVER_OPENAPI_H_
#define LOGSIEVE_SERVER_OPENAPI_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace logsieve {

// Every endpoint, its request and response schemas and its error answers.
// `labels` (may be empty) become the enum of target_label.
nlohmann::json OpenApiDocument(std::string_view version, const std::vector<std::string>& labels);

// HTML of the Swagger UI and ReDoc pages for the document at /openapi.json.
std::string SwaggerUiPage();
std::string RedocPage();

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_OPENAPI_H_
