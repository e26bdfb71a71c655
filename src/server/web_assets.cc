#include "server/web_assets.h"

namespace logsieve {

const WebAsset* FindWebAsset(std::string_view path) {
  for (const WebAsset& asset : EmbeddedWebAssets()) {
    if (asset.path == path) return &asset;
  }
  return nullptr;
}

}  // namespace logsieve
