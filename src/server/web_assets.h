// The static files of the web pages, embedded in the binary at build time:
// the Swagger UI and ReDoc files served under /docs/assets/ and uPlot under
// /ui/vendor/ (from the npm packages pinned in package-lock.json:
// swagger-ui-dist, redoc, uplot), and the dashboard's own files (web/ui/)
// under /ui/, so /docs, /redoc and /ui/ work with no internet and no files
// beside the binary.
//
// The build (src/server/CMakeLists.txt) generates the definition of
// EmbeddedWebAssets() with `.incbin`; when node_modules is absent at configure
// time (`npm ci` not run) the list is empty and the pages say so.
//
// Thread safety: immutable.
#ifndef LOGSIEVE_SERVER_WEB_ASSETS_H_
#define LOGSIEVE_SERVER_WEB_ASSETS_H_

#include <span>
#include <string_view>

namespace logsieve {

struct WebAsset {
  std::string_view path;          // the URL path it is served at: "/docs/assets/swagger-ui.css"
  std::string_view content_type;  // "application/javascript; charset=utf-8"
  std::string_view body;
};

std::span<const WebAsset> EmbeddedWebAssets();

// The asset served at URL `path`; nullptr when none is embedded there.
const WebAsset* FindWebAsset(std::string_view path);

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_WEB_ASSETS_H_
