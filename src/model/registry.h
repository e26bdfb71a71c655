// Registry: versioned models in one folder, each with its metadata, and which
// one is active. The active version is what runs wherever `model.file` is
// empty (ResolveModelFile below): `serve`, the stream worker, `classify` and
// `learn`'s gate.
//
//   StatusOr<Registry> r = Registry::Open(RegistryDir(config));
//   StatusOr<std::string> v = r->Add(staged_model, metadata);  // "v0003"
//   LOGSIEVE_RETURN_IF_ERROR(r->Activate(*v));
//
// Layout:
//   DIR/v0001/model.lsm, DIR/v0001/metadata.json   one folder per version
//   DIR/ACTIVE                                     the active version's name
//   DIR/active.lsm -> v0001/model.lsm              the active model
//   DIR/.lock                                      the writers' lock (flock)
// metadata.json holds at least {"version", "parent", "created_at",
// "promoted"}; `logsieve learn` adds the data hashes and metrics.
//
// Concurrency: any number of processes and threads may use one registry at
// once. Every change (Add, Activate, Rollback, Deactivate) holds DIR/.lock,
// so two writers never pick the same version number. A version is built in a
// staging folder (DIR/.staging.PID.N) and renamed to vNNNN only when whole,
// so readers never see half a version; ACTIVE and active.lsm are replaced by
// rename. A vNNNN folder that is not whole (left by an older logsieve, or by
// hand) is skipped by List and reported by Incomplete, never fatal.
#ifndef LOGSIEVE_MODEL_REGISTRY_H_
#define LOGSIEVE_MODEL_REGISTRY_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/config.h"
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
  // The registry in `dir` without creating anything: NotFound naming the
  // folder when it does not exist (for commands that only read).
  static StatusOr<Registry> OpenExisting(const std::string& dir);

  const std::string& dir() const { return dir_; }
  // DIR/active.lsm (a link to the active version's model).
  std::string active_model_path() const { return dir_ + "/active.lsm"; }
  std::string ModelPath(const std::string& version) const {
    return dir_ + "/" + version + "/model.lsm";
  }
  // A file name in DIR that no other call, thread or process gets: where a
  // candidate model is written before Add copies it in. The caller removes it.
  std::string StagingFile() const;

  // Copies `model_file` in as the next version with `metadata` (its "version"
  // is filled in). Does not activate it.
  StatusOr<std::string> Add(const std::string& model_file, nlohmann::json metadata) const;
  // Every whole version, oldest first.
  StatusOr<std::vector<RegistryEntry>> List() const;
  // The vNNNN folders that are not whole, each with why ("v0002: no
  // model.lsm"); List skips them.
  std::vector<std::string> Incomplete() const;
  // The active version; "" when none is.
  StatusOr<std::string> Active() const;
  // NotFound naming the version and the registry when it does not exist.
  Status Activate(const std::string& version) const;
  // Activates the active version's parent when it is a version of this
  // registry; when it is not (the first learned version's parent is the
  // bundled model or a model.file), no version stays active, so model.file
  // (else the bundled model) runs again. Returns the version now active, ""
  // for none. FailedPrecondition when no version is active.
  StatusOr<std::string> Rollback() const;
  // No version active: removes ACTIVE and active.lsm.
  Status Deactivate() const;

 private:
  explicit Registry(std::string dir) : dir_(std::move(dir)) {}
  StatusOr<nlohmann::json> Metadata(const std::string& version) const;
  Status ActivateLocked(const std::string& version) const;
  Status DeactivateLocked() const;
  std::string dir_;
};

// The registry's folder: learn.registry, else UserStateDir()/models.
std::string RegistryDir(const Config& config);

// The model file to load and where it came from.
struct ModelChoice {
  std::string path;    // "" when model.file is "none" (no model stage)
  std::string origin;  // "registry v0003", "bundled", "model.file"
};

// What runs: model.file when set ("none": no model), else the active version
// of the registry (RegistryDir) when one is active, else the bundled
// models/default.lsm. The registry's version is read once, here: a process
// keeps the model it loaded until it builds a new classifier.
StatusOr<ModelChoice> ResolveModelFile(const Config& config);

}  // namespace logsieve

#endif  // LOGSIEVE_MODEL_REGISTRY_H_
