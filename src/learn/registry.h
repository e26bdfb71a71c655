// Registry: versioned models in one folder, each with its metadata, and which
// one is active.
//
//   StatusOr<Registry> r = Registry::Open("~/.local/state/logsieve/models");
//   StatusOr<std::string> v = r->Add("candidate.lsm", metadata);  // "v0003"
//   LOGSIEVE_RETURN_IF_ERROR(r->Activate(*v));
//   // serve with model.file = r->active_model_path()  (DIR/active.lsm)
//
// Layout:
//   DIR/v0001/model.lsm, DIR/v0001/metadata.json   one folder per version
//   DIR/ACTIVE                                     the active version's name
//   DIR/active.lsm -> v0001/model.lsm              what model.file points at
// ACTIVE and active.lsm are replaced by rename, so a reader sees the old or
// the new version, never half of one. metadata.json holds at least
// {"version", "parent", "created_at", "promoted"}; `logsieve learn` adds the
// data hashes and metrics.
//
// Thread safety: one process changes a registry at a time (a person or a
// weekly job); readers may run any time.
#ifndef LOGSIEVE_LEARN_REGISTRY_H_
#define LOGSIEVE_LEARN_REGISTRY_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace logsieve {

struct RegistryEntry {
  std::string version;
  nlohmann::json metadata;
  bool active = false;
};

class Registry {
 public:
  // Creates the folder when absent.
  static StatusOr<Registry> Open(const std::string& dir);

  const std::string& dir() const { return dir_; }
  // DIR/active.lsm (a link to the active version's model).
  std::string active_model_path() const { return dir_ + "/active.lsm"; }
  std::string ModelPath(const std::string& version) const {
    return dir_ + "/" + version + "/model.lsm";
  }

  // Copies `model_file` in as the next version with `metadata` (its "version"
  // is filled in). Does not activate it.
  StatusOr<std::string> Add(const std::string& model_file, nlohmann::json metadata) const;
  // Every version, oldest first.
  StatusOr<std::vector<RegistryEntry>> List() const;
  // The active version; "" when none is.
  StatusOr<std::string> Active() const;
  // NotFound naming the version and the registry when it does not exist.
  Status Activate(const std::string& version) const;
  // Activates the active version's parent; FailedPrecondition when there is
  // none in the registry. Returns the version now active.
  StatusOr<std::string> Rollback() const;

 private:
  explicit Registry(std::string dir) : dir_(std::move(dir)) {}
  StatusOr<nlohmann::json> Metadata(const std::string& version) const;
  std::string dir_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_LEARN_REGISTRY_H_
