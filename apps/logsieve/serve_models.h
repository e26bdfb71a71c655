// MakeModelService: the learning loop behind `logsieve serve`'s model registry
// endpoints (GET /v1/models, POST /v1/learn, POST /v1/models/activate).
#ifndef LOGSIEVE_APPS_LOGSIEVE_SERVE_MODELS_H_
#define LOGSIEVE_APPS_LOGSIEVE_SERVE_MODELS_H_

#include <memory>

#include "common/config.h"
#include "server/model_service.h"

namespace logsieve::cli {

// learn.*, store.* and model.* of `config`; POST /v1/learn never activates.
std::shared_ptr<const ModelService> MakeModelService(const Config& config);

}  // namespace logsieve::cli

#endif  // LOGSIEVE_APPS_LOGSIEVE_SERVE_MODELS_H_
