#include "learn/registry.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "common/file.h"
#include "common/json.h"

namespace logsieve {
namespace {

namespace fs = std::filesystem;

bool IsVersion(const std::string& name) {
  return name.size() == 5 && name[0] == 'v' &&
         std::all_of(name.begin() + 1, name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Writes `content` to `path` through PATH.tmp and a rename.
Status WriteAtomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.flush()) return UnavailableError(tmp + ": cannot be written");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) return UnavailableError(path + ": cannot be replaced (" + ec.message() + ")");
  return OkStatus();
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

StatusOr<std::vector<RegistryEntry>> Registry::List() const {
  std::vector<std::string> versions;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir_, ec)) {
    if (e.is_directory() && IsVersion(e.path().filename().string())) {
      versions.push_back(e.path().filename().string());
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
  LOGSIEVE_ASSIGN_OR_RETURN(std::vector<RegistryEntry> entries, List());
  int next = 1;
  if (!entries.empty()) next = std::stoi(entries.back().version.substr(1)) + 1;
  char name[16];
  std::snprintf(name, sizeof name, "v%04d", next);
  const std::string version = name;
  const std::string folder = dir_ + "/" + version;
  std::error_code ec;
  fs::create_directory(folder, ec);
  if (ec) return UnavailableError(folder + ": cannot be created (" + ec.message() + ")");
  fs::copy_file(model_file, folder + "/model.lsm", fs::copy_options::overwrite_existing, ec);
  if (ec) return UnavailableError(folder + "/model.lsm: cannot be written (" + ec.message() + ")");
  metadata["version"] = version;
  LOGSIEVE_RETURN_IF_ERROR(WriteAtomically(folder + "/metadata.json", metadata.dump(2) + "\n"));
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
  std::error_code ec;
  if (!IsVersion(version) || !fs::is_regular_file(ModelPath(version), ec)) {
    return NotFoundError("model version '" + version + "' is not in the registry " + dir_);
  }
  // The link first (what model.file reads), then the name.
  const std::string link = active_model_path();
  const std::string tmp = link + ".tmp";
  fs::remove(tmp, ec);
  fs::create_symlink(version + "/model.lsm", tmp, ec);
  if (ec) return UnavailableError(tmp + ": cannot be created (" + ec.message() + ")");
  fs::rename(tmp, link, ec);
  if (ec) return UnavailableError(link + ": cannot be replaced (" + ec.message() + ")");
  return WriteAtomically(dir_ + "/ACTIVE", version + "\n");
}

StatusOr<std::string> Registry::Rollback() const {
  LOGSIEVE_ASSIGN_OR_RETURN(std::string active, Active());
  if (active.empty()) return FailedPreconditionError(dir_ + ": no active version to roll back");
  LOGSIEVE_ASSIGN_OR_RETURN(nlohmann::json meta, Metadata(active));
  const std::string parent = meta.value("parent", std::string());
  if (!IsVersion(parent)) {
    return FailedPreconditionError(active + " has no earlier version in the registry (parent: " +
                                   (parent.empty() ? std::string("none") : parent) +
                                   "); point model.file back at the model it replaced");
  }
  LOGSIEVE_RETURN_IF_ERROR(Activate(parent));
  return parent;
}

}  // namespace logsieve
