// The model registry endpoints of `logsieve serve` (server/model_service.h)
// over src/learn: the server itself does not link training.
#include "serve_models.h"

#include <atomic>
#include <memory>

#include "learn/learn.h"
#include "model/registry.h"
#include "store/store.h"

namespace logsieve::cli {
namespace {

using json = nlohmann::json;

class LearnModelService final : public ModelService {
 public:
  explicit LearnModelService(Config config) : config_(std::move(config)) {}

  StatusOr<json> List() const override {
    LOGSIEVE_ASSIGN_OR_RETURN(Registry registry, OpenRegistry());
    LOGSIEVE_ASSIGN_OR_RETURN(std::vector<RegistryEntry> entries, registry.List());
    json versions = json::array();
    json active = nullptr;
    for (const RegistryEntry& e : entries) {
      if (e.active) active = e.version;
      versions.push_back({{"version", e.version}, {"active", e.active}, {"metadata", e.metadata}});
    }
    return json{{"registry", registry.dir()},
                {"active", active},
                {"active_model", registry.active_model_path()},
                {"versions", std::move(versions)}};
  }

  StatusOr<json> Learn() const override {
    if (config_.GetString("store.enabled") == "off") {
      return UnavailableError("no store: store.enabled is off, and learn trains on the store");
    }
    if (learning_.exchange(true)) {
      return FailedPreconditionError("a candidate is being trained already; try again later");
    }
    struct Done {
      std::atomic<bool>& flag;
      ~Done() { flag = false; }
    } done{learning_};
    LOGSIEVE_ASSIGN_OR_RETURN(StoreOptions store_options, StoreOptions::FromConfig(config_));
    LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Store> store,
                              Store::Open(store_options, StoreOpenMode::kExisting));
    LearnOptions options = LearnOptions::FromConfig(config_);
    options.activate = false;  // a person looks at the report first
    LOGSIEVE_ASSIGN_OR_RETURN(LearnReport report, logsieve::Learn(config_, *store, options));
    return LearnReportToJson(report);
  }

  StatusOr<json> Activate(const std::string& version) const override {
    LOGSIEVE_ASSIGN_OR_RETURN(Registry registry, OpenRegistry());
    LOGSIEVE_RETURN_IF_ERROR(registry.Activate(version));
    return json{{"version", version}, {"active_model", registry.active_model_path()}};
  }

 private:
  StatusOr<Registry> OpenRegistry() const { return Registry::Open(RegistryDir(config_)); }

  const Config config_;
  mutable std::atomic<bool> learning_{false};
};

}  // namespace

std::shared_ptr<const ModelService> MakeModelService(const Config& config) {
  return std::make_shared<LearnModelService>(config);
}

}  // namespace logsieve::cli
