// The Swagger UI and ReDoc files served under /docs/assets/, embedded in the
// binary at build time from the npm packages pinned in package-lock.json
// (swagger-ui-dist, redoc), so /docs and /redoc work with no internet and no
// files beside the binary.
//
// The build (src/server/CMakeLists.txt) generates the definition of
// EmbeddedWebAssets() with `.incbin`; when node_modules is absent at configure
// time (`npm ci` not run) the list is empty and the docs pages say so.
//
// Thread safety: immutable.
#ifndef LOGSIEVE_SERVER_WEB_ASSETS_H_
#define LOGSIEVE_SERVER_WEB_ASSETS_H_

#include <span>
#include <string_view>

namespace logsieve {

struct WebAsset {
  std::string_view name;          // "swagger-ui-bundle.js": served as /docs/assets/<name>
  std::string_view content_type;  // "application/javascript; charset=utf-8"
  std::string_view body;
};

std::span<const WebAsset> EmbeddedWebAssets();

// REQUIRES: nothing. nullptr when `name` is not embedded.
const WebAsset* FindWebAsset(std::string_view name);

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_WEB_ASSETS_H_
