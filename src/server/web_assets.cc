#include "server/web_assets.h"

namespace logsieve {

const WebAsset* FindWebAsset(std::string_view name) {
  for (const WebAsset& asset : EmbeddedWebAssets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

}  // namespace logsieve
