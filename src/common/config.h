// Config: every setting of logsieve, declared once.
//
// The schema (config_schema.h) is one table: each key has a dotted name, a
// type, a default (as YAML text), a one-line doc, and a range (numbers) or
// choices (strings, string lists). That table drives parsing, validation
// (types, ranges and choices are checked whenever a key is set, naming the
// key and where the value came from), env overrides and `logsieve config
// --print-defaults`. Modules read their Options from it with the typed
// accessors below and repeat no default: the table's is the only one.
//
// Precedence, lowest to highest:
//   defaults < config file (--config) < environment (LOGSIEVE_<KEY>, and
//   aliases such as GROQ_API_KEY; a `.env` file fills in unset variables)
//   < command-line flags.
//
//   Environment env = Environment::FromProcess(".env");
//   StatusOr<Config> config = Config::Load("logsieve.yaml", env);
//   config->Set("pipeline.threshold", "0.9", "flag --threshold");
//   double t = config->GetDouble("pipeline.threshold");
//
// The config file is nested YAML (`pipeline: {threshold: 0.9}`); an unknown
// key is an error naming the key, the file and the line.
//
// Thread safety: build, then share as const.
#ifndef LOGSIEVE_COMMON_CONFIG_H_
#define LOGSIEVE_COMMON_CONFIG_H_

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/config_schema.h"
#include "common/label_set.h"
#include "common/status.h"

namespace logsieve {

// REQUIRES: nothing. Returns nullptr for an unknown key.
const ConfigKey* FindConfigKey(std::string_view name);
// "LOGSIEVE_PIPELINE_THRESHOLD" for "pipeline.threshold".
std::string ConfigEnvName(std::string_view key);

// Process environment plus a `.env` file (KEY=VALUE lines, `#` comments,
// optional quotes); variables already set in the process win over `.env`.
class Environment {
 public:
  Environment() = default;
  static StatusOr<Environment> FromProcess(const std::string& dotenv_path);
  void Set(std::string name, std::string value) { vars_[std::move(name)] = std::move(value); }
  const std::string* Find(std::string_view name) const;

 private:
  std::map<std::string, std::string, std::less<>> vars_;
};

class Config {
 public:
  Config();  // the defaults
  Config(const Config&);
  Config& operator=(const Config&);
  Config(Config&&) noexcept;
  Config& operator=(Config&&) noexcept;
  ~Config();

  // Defaults, then `file` (skipped when empty), then `env`.
  static StatusOr<Config> Load(const std::string& file, const Environment& env);

  // Sets `key` from text written as YAML (a scalar, `[a, b]`, or a mapping).
  // `origin` says where the value came from, for messages ("flag --threshold").
  Status Set(std::string_view key, std::string_view yaml_text, std::string_view origin);

  // Typed reads. `key` is checked against the table when compiled
  // (config_schema.h); REQUIRES: it is declared with that type (asserts).
  bool GetBool(KeyName key) const;
  int64_t GetInt(KeyName key) const;
  // A count or size. REQUIRES: a kInt key whose range starts at 0 or more.
  size_t GetSize(KeyName key) const;
  double GetDouble(KeyName key) const;
  const std::string& GetString(KeyName key) const;
  std::vector<std::string> GetStringList(KeyName key) const;
  const nlohmann::json& GetJson(KeyName key) const;
  // The `labels` key as a LabelSet, validated whenever the key is set (so a
  // Config never holds a bad label list). Every stage and command uses this.
  const LabelSet& labels() const;
  // Where the current value came from: "default", "FILE:LINE", "env NAME", ...
  const std::string& Origin(KeyName key) const;

  // The whole configuration as commented YAML; secrets are shown as "<set>".
  // With `defaults_only`, the documented default file.
  std::string ToYaml() const;
  static std::string DefaultsYaml();

 private:
  struct Rep;
  // Stores a converted value; checks it first when the key has a checker.
  Status Store(std::string_view key, nlohmann::json value, std::string origin);

  std::unique_ptr<Rep> rep_;
};

// The default `labels` (config_schema.h): the labels the bundled rules
// (rules/default.yaml) and the bundled model emit. A set with `from` may leave
// some of them unmapped (LabelSet::Accepts). Built once; thread-safe.
const LabelSet& BundledLabels();

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_CONFIG_H_
