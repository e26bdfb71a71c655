#include "model/registry.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <system_error>

#include "common/file.h"
#include "common/json.h"
#include "common/paths.h"

namespace logsieve {
namespace {

namespace fs = std::filesystem;

bool IsVersion(const std::string& name) {
  return name.size() == 5 && name[0] == 'v' &&
         std::all_of(name.begin() + 1, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A name no other call in any process gets: PREFIX.PID.N.
std::string UniqueName(const std::string& prefix) {
  static std::atomic<uint64_t> counter{0};
  return prefix + "." + std::to_string(getpid()) + "." + std::to_string(counter.fetch_add(1));
}

// Why DIR/VERSION is not a whole version; "" when it is.
std::string WhyIncomplete(const std::string& folder) {
  std::error_code ec;
  if (!fs::is_regular_file(folder + "/model.lsm", ec)) return "no model.lsm";
  if (!fs::is_regular_file(folder + "/metadata.json", ec)) return "no metadata.json";
  return std::string();
}

}  // namespace

StatusOr<Registry> Registry::Open(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    return NotFoundError(dir + ": cannot create the model registry (" +
                         (ec ? ec.message() : std::string("not a folder")) + ")");
  }
  return Registry(dir);
}

StatusOr<Registry> Registry::OpenExisting(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return NotFoundError(dir + ": no model registry there (`logsieve learn` makes one)");
  }
  return Registry(dir);
}

std::string Registry::StagingFile() const { return UniqueName(dir_ + "/.candidate") + ".lsm"; }

std::vector<std::string> Registry::Incomplete() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (!IsVersion(name) || !e.is_directory()) continue;
    if (std::string why = WhyIncomplete(e.path().string()); !why.empty()) {
      out.push_back(name + ": " + why);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

StatusOr<std::vector<RegistryEntry>> Registry::List() const {
  std::vector<std::string> versions;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (e.is_directory() && IsVersion(name) && WhyIncomplete(e.path().string()).empty()) {
      versions.push_back(name);
    }
  }
  if (ec) return UnavailableError(dir_ + ": cannot be read (" + ec.message() + ")");
  std::sort(versions.begin(), versions.end());
  LOGSIEVE_ASSIGN_OR_RETURN(std::string active, Active());
  std::vector<RegistryEntry> out;
  for (const std::string& v : versions) {
    LOGSIEVE_ASSIGN_OR_RETURN(nlohmann::json meta, Metadata(v));
    out.push_back({v, std::move(meta), v == active});
  }
  return out;
}

StatusOr<nlohmann::json> Registry::Metadata(const std::string& version) const {
  const std::string path = dir_ + "/" + version + "/metadata.json";
  LOGSIEVE_ASSIGN_OR_RETURN(std::string text, ReadFileBounded(path, 16u << 20, "model metadata"));
  return ParseJson(text, path);
}

StatusOr<std::string> Registry::Add(const std::string& model_file, nlohmann::json metadata) const {
  // Built whole in a staging folder first (no lock needed: its name is ours).
  const std::string staging = UniqueName(dir_ + "/.staging");
  std::error_code ec;
  fs::create_directory(staging, ec);
  if (ec) return UnavailableError(staging + ": cannot be created (" + ec.message() + ")");
  auto discard = [&] { fs::remove_all(staging, ec); };
  fs::copy_file(model_file, staging + "/model.lsm", fs::copy_options::overwrite_existing, ec);
  if (ec) {
    discard();
    return UnavailableError(staging + "/model.lsm: cannot be written (" + ec.message() + ")");
  }

  LOGSIEVE_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(dir_ + "/.lock"));
  // The next number after every vNNNN folder there, whole or not, so a
  // leftover folder is never reused.
  int last = 0;
  for (const fs::directory_entry& e : fs::directory_iterator(dir_, ec)) {
    const std::string name = e.path().filename().string();
    if (IsVersion(name)) last = std::max(last, std::stoi(name.substr(1)));
  }
  if (ec) {
    discard();
    return UnavailableError(dir_ + ": cannot be read (" + ec.message() + ")");
  }
  char name[16];
  std::snprintf(name, sizeof name, "v%04d", last + 1);
  const std::string version = name;
  metadata["version"] = version;
  if (Status s = WriteFileAtomically(staging + "/metadata.json", metadata.dump(2) + "\n");
      !s.ok()) {
    discard();
    return s;
  }
  fs::rename(staging, dir_ + "/" + version, ec);
  if (ec) {
    discard();
    return UnavailableError(dir_ + "/" + version + ": cannot be created (" + ec.message() + ")");
  }
  return version;
}

StatusOr<std::string> Registry::Active() const {
  const std::string path = dir_ + "/ACTIVE";
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::string();
  LOGSIEVE_ASSIGN_OR_RETURN(std::string text, ReadFileBounded(path, 64, "registry ACTIVE file"));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (!IsVersion(text)) return DataLossError(path + ": not a version name: '" + text + "'");
  return text;
}

Status Registry::Activate(const std::string& version) const {
  LOGSIEVE_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(dir_ + "/.lock"));
  return ActivateLocked(version);
}

Status Registry::ActivateLocked(const std::string& version) const {
  std::error_code ec;
  if (!IsVersion(version) || !WhyIncomplete(dir_ + "/" + version).empty()) {
    return NotFoundError("model version '" + version + "' is not in the registry " + dir_);
  }
  // The link first (what model.file reads), then the name.
  const std::string link = active_model_path();
  const std::string tmp = UniqueName(link);
  fs::create_symlink(version + "/model.lsm", tmp, ec);
  if (ec) return UnavailableError(tmp + ": cannot be created (" + ec.message() + ")");
  fs::rename(tmp, link, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return UnavailableError(link + ": cannot be replaced (" + ec.message() + ")");
  }
  return WriteFileAtomically(dir_ + "/ACTIVE", version + "\n");
}

Status Registry::Deactivate() const {
  LOGSIEVE_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(dir_ + "/.lock"));
  return DeactivateLocked();
}

Status Registry::DeactivateLocked() const {
  // The name first (what ResolveModelFile reads), then the link.
  std::error_code ec;
  for (const std::string& path : {dir_ + "/ACTIVE", active_model_path()}) {
    fs::remove(path, ec);
    if (ec) return UnavailableError(path + ": cannot be removed (" + ec.message() + ")");
  }
  return OkStatus();
}

StatusOr<std::string> Registry::Rollback() const {
  LOGSIEVE_ASSIGN_OR_RETURN(FileLock lock, FileLock::Acquire(dir_ + "/.lock"));
  LOGSIEVE_ASSIGN_OR_RETURN(std::string active, Active());
  if (active.empty()) return FailedPreconditionError(dir_ + ": no active version to roll back");
  LOGSIEVE_ASSIGN_OR_RETURN(nlohmann::json meta, Metadata(active));
  const std::string parent = meta.value("parent", std::string());
  if (IsVersion(parent) && WhyIncomplete(dir_ + "/" + parent).empty()) {
    LOGSIEVE_RETURN_IF_ERROR(ActivateLocked(parent));
    return parent;
  }
  LOGSIEVE_RETURN_IF_ERROR(DeactivateLocked());
  return std::string();
}

std::string RegistryDir(const Config& config) {
  std::string dir = config.GetString("learn.registry");
  if (!dir.empty()) return dir;
  const std::string state = UserStateDir();
  return state.empty() ? std::string("logsieve-models") : state + "/models";
}

StatusOr<ModelChoice> ResolveModelFile(const Config& config) {
  const std::string& file = config.GetString("model.file");
  if (file == "none") return ModelChoice{};
  if (!file.empty()) return ModelChoice{file, "model.file"};
  const std::string dir = RegistryDir(config);
  std::error_code ec;
  if (fs::exists(dir + "/ACTIVE", ec)) {
    LOGSIEVE_ASSIGN_OR_RETURN(Registry registry, Registry::OpenExisting(dir));
    StatusOr<std::string> active = registry.Active();
    if (!active.ok()) return active.status().WithPrefix("the model registry");
    if (!active->empty()) {
      // The version's own file, not the link: a later activation does not
      // change what this process says it loaded.
      return ModelChoice{registry.ModelPath(*active), "registry " + *active};
    }
  }
  return ModelChoice{BundledPath("models/default.lsm"), "bundled"};
}

}  // namespace logsieve
