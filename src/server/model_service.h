// ModelService: what the server's model registry endpoints (the dashboard's
// Learn view, doc/ui.md) ask of the learning loop. An interface, so that
// logsieve_server does not link training: the `logsieve` binary implements
// it over src/learn (apps/logsieve/serve_models.cc) and hands it to
// RunServer.
//
//   GET  /v1/models           -> List()
//   POST /v1/learn            -> Learn()       (on a worker; seconds to minutes)
//   POST /v1/models/activate  -> Activate(v)
//
// Errors map to HTTP: NotFound 422 (naming the version), FailedPrecondition
// 409 (a candidate is being trained already), anything else 503.
//
// Thread safety: every method may be called from any thread.
#ifndef LOGSIEVE_SERVER_MODEL_SERVICE_H_
#define LOGSIEVE_SERVER_MODEL_SERVICE_H_

#include <nlohmann/json.hpp>
#include <string>

#include "common/status.h"

namespace logsieve {

class ModelService {
 public:
  virtual ~ModelService() = default;
  // {"registry", "active", "active_model", "versions": [{"version", "active",
  // "metadata"}]}, oldest first.
  virtual StatusOr<nlohmann::json> List() const = 0;
  // Trains a candidate on the store, gates it and registers it, never
  // activating it: the report of `logsieve learn --json` ("activated": false).
  virtual StatusOr<nlohmann::json> Learn() const = 0;
  // Makes `version` the registry's active one: {"version", "active_model"}.
  // The server keeps the model it loaded until it is reloaded or restarted.
  virtual StatusOr<nlohmann::json> Activate(const std::string& version) const = 0;
};

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_MODEL_SERVICE_H_
