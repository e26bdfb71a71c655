#include "common/config.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/file.h"
#include "common/label_set.h"
#include "common/stage_routes.h"
#include "common/strings.h"
#include "common/yaml_nesting.h"

extern char** environ;

namespace logsieve {

using json = nlohmann::json;

const ConfigKey* FindConfigKey(std::string_view name) {
  for (const ConfigKey& key : ConfigSchema()) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// "unknown config key 'K'", and "; did you mean 'NAME'?" for the table's key
// nearest in edit distance (at most a third of the name's length), or the one
// whose last part K is (`threshold` for pipeline.threshold).
std::string UnknownKey(std::string_view key) {
  std::string out = "unknown config key '" + std::string(key) + "'";
  const ConfigKey* best = nullptr;
  size_t best_distance = std::max<size_t>(1, key.size() / 3) + 1;
  for (const ConfigKey& k : ConfigSchema()) {
    const size_t d = EditDistance(key, k.name);
    if (d < best_distance) {
      best = &k;
      best_distance = d;
    }
  }
  if (best == nullptr) {
    for (const ConfigKey& k : ConfigSchema()) {
      if (k.name.ends_with("." + std::string(key))) {
        best = &k;
        break;
      }
    }
  }
  if (best != nullptr) out += "; did you mean '" + std::string(best->name) + "'?";
  return out;
}

}  // namespace

std::string ConfigKey::ConstraintText() const {
  if (!choices.empty()) {
    std::string out(choices);
    for (size_t i = out.find('|'); i != std::string::npos; i = out.find('|', i))
      out.replace(i, 1, ", ");
    return out;
  }
  if (!min && !max) return "";
  auto format = [&](double v) {
    char buf[32];
    if (type == ConfigType::kInt) {
      std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
    } else {
      std::snprintf(buf, sizeof buf, "%g", v);
    }
    return std::string(buf);
  };
  if (!max || *max >= 9007199254740992.0) return ">= " + format(min.value_or(0));
  return "in [" + format(min.value_or(0)) + ", " + format(*max) + "]";
}

std::string ConfigEnvName(std::string_view key) {
  std::string out = "LOGSIEVE_";
  for (char c : key)
    out += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// ---------------------------------------------------------------------------
// Environment

namespace {

// Config and .env files are a few KiB; the cap keeps `--config /dev/zero` out.
constexpr size_t kMaxConfigFileBytes = 1u << 20;

}  // namespace

StatusOr<Environment> Environment::FromProcess(const std::string& dotenv_path) {
  Environment env;
  if (!dotenv_path.empty()) {
    // A missing .env is fine; a directory, a device or a huge file is not.
    StatusOr<std::string> text = ReadFileBounded(dotenv_path, kMaxConfigFileBytes, ".env file");
    if (!text.ok() && text.status().code() != StatusCode::kNotFound) return text.status();
    if (text.ok()) {
      std::istringstream in(*text);
      std::string line;
      int lineno = 0;
      while (std::getline(in, line)) {
        ++lineno;
        std::string t(TrimSpace(line));
        if (t.empty() || t[0] == '#') continue;
        if (t.rfind("export ", 0) == 0) t = TrimSpace(t.substr(7));
        size_t eq = t.find('=');
        if (eq == std::string::npos || eq == 0) {
          return InvalidArgumentError(dotenv_path + ":" + std::to_string(lineno) +
                                      ": expected NAME=VALUE");
        }
        std::string name(TrimSpace(t.substr(0, eq)));
        std::string value(TrimSpace(t.substr(eq + 1)));
        if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
            value.back() == value.front()) {
          value = value.substr(1, value.size() - 2);
        }
        env.vars_[name] = value;
      }
    }
  }
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    size_t eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    env.vars_[std::string(kv.substr(0, eq))] = std::string(kv.substr(eq + 1));
  }
  return env;
}

const std::string* Environment::Find(std::string_view name) const {
  auto it = vars_.find(name);
  return it == vars_.end() ? nullptr : &it->second;
}

// ---------------------------------------------------------------------------
// Config

struct Config::Rep {
  std::vector<json> values;  // parallel to ConfigSchema()
  std::vector<std::string> origins;
  std::shared_ptr<const LabelSet> labels;  // built from values["labels"]
};

namespace {

size_t IndexOf(std::string_view key) {
  auto schema = ConfigSchema();
  for (size_t i = 0; i < schema.size(); ++i) {
    if (schema[i].name == key) return i;
  }
  assert(false && "undeclared config key");
  std::abort();
}

std::string_view TypeName(ConfigType t) {
  switch (t) {
    case ConfigType::kBool:
      return "a boolean";
    case ConfigType::kInt:
      return "an integer";
    case ConfigType::kDouble:
      return "a number";
    case ConfigType::kString:
      return "a string";
    case ConfigType::kStringList:
      return "a list of strings";
    case ConfigType::kJson:
      return "a YAML value";
  }
  return "?";
}

json NodeToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: {
      json out = json::array();
      for (const auto& item : node) out.push_back(NodeToJson(item));
      return out;
    }
    case YAML::NodeType::Map: {
      json out = json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = NodeToJson(kv.second);
      return out;
    }
    case YAML::NodeType::Scalar:
      return node.Scalar();
    default:
      return nullptr;
  }
}

// Converts a YAML node to the declared type, or says why not.
StatusOr<json> ConvertType(const ConfigKey& key, const YAML::Node& node) {
  auto bad = [&](const std::string& what) -> Status {
    return InvalidArgumentError("'" + std::string(key.name) + "' must be " +
                                std::string(TypeName(key.type)) + what);
  };
  if (key.type == ConfigType::kJson) return NodeToJson(node);
  if (key.type == ConfigType::kStringList) {
    json out = json::array();
    if (node.IsSequence()) {
      for (const auto& item : node) {
        if (!item.IsScalar()) return bad("");
        out.push_back(item.Scalar());
      }
      return out;
    }
    if (node.IsScalar()) {  // "a, b" from env or a flag
      const std::string& s = node.Scalar();
      std::stringstream ss(s);
      std::string part;
      while (std::getline(ss, part, ',')) {
        std::string t(TrimSpace(part));
        if (!t.empty()) out.push_back(t);
      }
      return out;
    }
    if (node.IsNull()) return out;
    return bad("");
  }
  if (node.IsNull()) {
    if (key.type == ConfigType::kString) return json("");
    return bad(", got nothing");
  }
  if (!node.IsScalar()) return bad(", got a " + std::string(node.IsMap() ? "mapping" : "list"));
  const std::string& s = node.Scalar();
  switch (key.type) {
    case ConfigType::kBool: {
      std::string l;
      for (char c : s) l += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (l == "true" || l == "yes" || l == "on" || l == "1") return json(true);
      if (l == "false" || l == "no" || l == "off" || l == "0") return json(false);
      return bad(", got '" + s + "'");
    }
    case ConfigType::kInt: {
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(s.c_str(), &end, 10);
      if (s.empty() || errno != 0 || *end != '\0') return bad(", got '" + s + "'");
      return json(static_cast<int64_t>(v));
    }
    case ConfigType::kDouble: {
      errno = 0;
      char* end = nullptr;
      double v = std::strtod(s.c_str(), &end);
      if (s.empty() || errno != 0 || *end != '\0' || !std::isfinite(v)) {
        return bad(", got '" + s + "'");
      }
      return json(v);
    }
    default:
      return json(s);
  }
}

constexpr double kUnbounded = 9007199254740992.0;  // 2^53 and beyond: no upper bound

// The key's range or choices, from the table.
Status CheckConstraint(const ConfigKey& key, const json& v) {
  auto bad = [&](const std::string& got) {
    return InvalidArgumentError("'" + std::string(key.name) + "' must be " +
                                (key.choices.empty() ? "" : "one of ") + key.ConstraintText() +
                                ", got " + got);
  };
  if ((key.type == ConfigType::kInt || key.type == ConfigType::kDouble) && (key.min || key.max)) {
    double x =
        key.type == ConfigType::kInt ? static_cast<double>(v.get<int64_t>()) : v.get<double>();
    if ((key.min && x < *key.min) || (key.max && *key.max < kUnbounded && x > *key.max)) {
      return bad(key.type == ConfigType::kInt ? std::to_string(v.get<int64_t>()) : v.dump());
    }
  }
  if (!key.choices.empty() &&
      (key.type == ConfigType::kString || key.type == ConfigType::kStringList)) {
    auto allowed = [&](const std::string& s) {
      std::string_view rest = key.choices;
      while (true) {
        size_t bar = rest.find('|');
        if (rest.substr(0, bar) == s) return true;
        if (bar == std::string_view::npos) return false;
        rest.remove_prefix(bar + 1);
      }
    };
    if (v.is_string() && !allowed(v.get<std::string>()))
      return bad("'" + v.get<std::string>() + "'");
    if (v.is_array()) {
      for (const json& item : v) {
        if (!allowed(item.get<std::string>())) return bad("'" + item.get<std::string>() + "'");
      }
    }
  }
  return OkStatus();
}

StatusOr<json> Convert(const ConfigKey& key, const YAML::Node& node) {
  LOGSIEVE_ASSIGN_OR_RETURN(json v, ConvertType(key, node));
  LOGSIEVE_RETURN_IF_ERROR(CheckConstraint(key, v));
  return v;
}

bool IsSectionPrefix(const std::string& prefix) {
  for (const ConfigKey& key : ConfigSchema()) {
    if (key.name.size() > prefix.size() && key.name.compare(0, prefix.size(), prefix) == 0 &&
        key.name[prefix.size()] == '.') {
      return true;
    }
  }
  return false;
}

}  // namespace

Config::Config() : rep_(std::make_unique<Rep>()) {
  for (const ConfigKey& key : ConfigSchema()) {
    YAML::Node node = YAML::Load(std::string(key.default_yaml));
    StatusOr<json> v = Convert(key, node);
    assert(v.ok() && "bad default in config_schema.h");
    rep_->values.push_back(std::move(v).value());
    rep_->origins.emplace_back("default");
  }
  StatusOr<LabelSet> labels = LabelSet::FromJson(GetJson("labels"));
  assert(labels.ok() && "bad default labels in config_schema.h");
  rep_->labels = std::make_shared<const LabelSet>(std::move(labels).value());
}
Config::Config(const Config& o) : rep_(std::make_unique<Rep>(*o.rep_)) {}
Config& Config::operator=(const Config& o) {
  if (this != &o) rep_ = std::make_unique<Rep>(*o.rep_);
  return *this;
}
Config::Config(Config&&) noexcept = default;
Config& Config::operator=(Config&&) noexcept = default;
Config::~Config() = default;

Status Config::Set(std::string_view key, std::string_view yaml_text, std::string_view origin) {
  const ConfigKey* k = FindConfigKey(key);
  if (k == nullptr) return InvalidArgumentError(std::string(origin) + ": " + UnknownKey(key));
  YAML::Node node;
  try {
    // Strings that are not valid YAML flow (e.g. "a: b" in a URL) are taken verbatim.
    if (k->type == ConfigType::kString) {
      node = YAML::Node(std::string(yaml_text));
    } else {
      LOGSIEVE_RETURN_IF_ERROR(
          CheckYamlNesting(yaml_text, std::string(origin) + ": '" + std::string(key) + "'"));
      node = YAML::Load(std::string(yaml_text));
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(std::string(origin) + ": '" + std::string(key) + "': " + e.msg);
  }
  StatusOr<json> v = Convert(*k, node);
  if (!v.ok()) return v.status().WithPrefix(origin);
  return Store(key, std::move(v).value(), std::string(origin)).WithPrefix(origin);
}

Status Config::Store(std::string_view key, json value, std::string origin) {
  if (key == "labels") {
    LOGSIEVE_ASSIGN_OR_RETURN(LabelSet labels, LabelSet::FromJson(value));
    rep_->labels = std::make_shared<const LabelSet>(std::move(labels));
  }
  if (key == "pipeline.routes") LOGSIEVE_RETURN_IF_ERROR(ParseStageRoutes(value).status());
  size_t i = IndexOf(key);
  rep_->values[i] = std::move(value);
  rep_->origins[i] = std::move(origin);
  return OkStatus();
}

StatusOr<Config> Config::Load(const std::string& file, const Environment& env) {
  Config config;
  if (!file.empty()) {
    LOGSIEVE_ASSIGN_OR_RETURN(std::string text,
                              ReadFileBounded(file, kMaxConfigFileBytes, "config file"));
    LOGSIEVE_RETURN_IF_ERROR(CheckYamlNesting(text, file));
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      return InvalidArgumentError(file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
    if (!root.IsNull() && !root.IsMap()) {
      return InvalidArgumentError(file + ": the config file must be a YAML mapping of sections");
    }
    // Walk nested mappings; a declared key takes its value, a known section recurses.
    struct Item {
      std::string prefix;
      YAML::Node node;
    };
    std::vector<Item> todo = {{"", root}};
    std::map<std::string, std::string, std::less<>>
        given;  // key -> where, to refuse a key given twice
    while (!todo.empty()) {
      Item item = std::move(todo.back());
      todo.pop_back();
      if (!item.node.IsMap()) continue;
      for (const auto& kv : item.node) {
        std::string name =
            item.prefix.empty() ? kv.first.Scalar() : item.prefix + "." + kv.first.Scalar();
        std::string where = file + ":" + std::to_string(kv.first.Mark().line + 1);
        if (const ConfigKey* k = FindConfigKey(name)) {
          auto [first, fresh] = given.emplace(name, where);
          if (!fresh) {
            return InvalidArgumentError(where + ": config key '" + name +
                                        "' is given twice (first at " + first->second + ")");
          }
          StatusOr<json> v = Convert(*k, kv.second);
          if (!v.ok()) return v.status().WithPrefix(where);
          LOGSIEVE_RETURN_IF_ERROR(
              config.Store(name, std::move(v).value(), where).WithPrefix(where));
        } else if (IsSectionPrefix(name) && kv.second.IsMap()) {
          todo.push_back({name, kv.second});
        } else {
          return InvalidArgumentError(where + ": " + UnknownKey(name) +
                                      " (`logsieve config --print-defaults` lists them all)");
        }
      }
    }
  }
  for (const ConfigKey& key : ConfigSchema()) {
    std::string name = ConfigEnvName(key.name);
    const std::string* v = env.Find(name);
    if (v == nullptr && !key.env_alias.empty()) {
      name = std::string(key.env_alias);
      v = env.Find(name);
    }
    if (v != nullptr) LOGSIEVE_RETURN_IF_ERROR(config.Set(key.name, *v, "env " + name));
  }
  return config;
}

namespace {
// The stored value of `key`. REQUIRES: `key` is declared with `type`.
const json& Value(const std::vector<json>& values, KeyName key, ConfigType type) {
  assert(key.key().type == type && "a config key read with another type than its table's");
  (void)type;
  return values[key.index()];
}
}  // namespace

bool Config::GetBool(KeyName key) const {
  return Value(rep_->values, key, ConfigType::kBool).get<bool>();
}
int64_t Config::GetInt(KeyName key) const {
  return Value(rep_->values, key, ConfigType::kInt).get<int64_t>();
}
size_t Config::GetSize(KeyName key) const {
  assert(key.key().min.value_or(-1) >= 0 && "GetSize of a key that may be negative");
  return static_cast<size_t>(GetInt(key));
}
double Config::GetDouble(KeyName key) const {
  return Value(rep_->values, key, ConfigType::kDouble).get<double>();
}
const std::string& Config::GetString(KeyName key) const {
  return Value(rep_->values, key, ConfigType::kString).get_ref<const std::string&>();
}
std::vector<std::string> Config::GetStringList(KeyName key) const {
  return Value(rep_->values, key, ConfigType::kStringList).get<std::vector<std::string>>();
}
const json& Config::GetJson(KeyName key) const { return rep_->values[key.index()]; }
const LabelSet& Config::labels() const { return *rep_->labels; }

const LabelSet& BundledLabels() {
  static const Config* const defaults = new Config();
  return defaults->labels();
}
const std::string& Config::Origin(KeyName key) const { return rep_->origins[key.index()]; }

namespace {

// Writes `v` as YAML at `indent` (flow style for scalars and string lists).
void EmitYaml(const json& v, int indent, std::string& out) {
  YAML::Emitter e;
  std::function<void(const json&)> emit = [&](const json& j) {
    if (j.is_array()) {
      bool flat = std::all_of(j.begin(), j.end(), [](const json& x) { return !x.is_structured(); });
      if (flat) e << YAML::Flow;
      e << YAML::BeginSeq;
      for (const auto& x : j) emit(x);
      e << YAML::EndSeq;
    } else if (j.is_object()) {
      e << YAML::BeginMap;
      for (const auto& [k, x] : j.items()) {
        e << YAML::Key << k << YAML::Value;
        emit(x);
      }
      e << YAML::EndMap;
    } else if (j.is_string()) {
      e << j.get<std::string>();
    } else if (j.is_boolean()) {
      e << (j.get<bool>() ? "true" : "false");
    } else if (j.is_number_integer()) {
      e << j.get<int64_t>();
    } else if (j.is_number()) {
      std::ostringstream s;
      s << j.get<double>();
      e << s.str();
    } else {
      e << YAML::Null;
    }
  };
  emit(v);
  std::string text = e.c_str();
  bool block = v.is_structured() && text.find('\n') != std::string::npos;
  if (!block) {
    out += " " + text + "\n";
    return;
  }
  out += "\n";
  std::stringstream ss(text);
  std::string line;
  while (std::getline(ss, line)) out += std::string(indent + 2, ' ') + line + "\n";
}

std::string Render(const std::vector<json>& values, const std::vector<std::string>& origins) {
  std::string out =
      "# logsieve configuration. Every key, its default and what it does.\n"
      "# Override any key with the environment variable LOGSIEVE_<SECTION>_<KEY>\n"
      "# (e.g. LOGSIEVE_PIPELINE_THRESHOLD=0.9); command-line flags win over both.\n";
  auto schema = ConfigSchema();
  std::string section;
  for (size_t i = 0; i < schema.size(); ++i) {
    const ConfigKey& key = schema[i];
    size_t dot = key.name.find('.');
    std::string sec = dot == std::string_view::npos ? "" : std::string(key.name.substr(0, dot));
    std::string leaf(dot == std::string_view::npos ? key.name : key.name.substr(dot + 1));
    int indent = sec.empty() ? 0 : 2;
    if (sec != section || sec.empty()) {
      out += "\n";
      if (!sec.empty()) out += sec + ":\n";
      section = sec;
    }
    std::string pad(indent, ' ');
    out += pad + "# " + std::string(key.doc) + "\n";
    if (!key.choices.empty()) {
      out += pad + "# One of: " + key.ConstraintText() + ".\n";
    } else if (std::string range = key.ConstraintText(); !range.empty()) {
      out += pad + "# Range: " + (range[0] == 'i' ? range.substr(3) : range) + ".\n";
    }
    if (!key.env_alias.empty())
      out += pad + "# Also read from " + std::string(key.env_alias) + ".\n";
    if (origins[i] != "default") out += pad + "# set by " + origins[i] + "\n";
    out += pad + leaf + ":";
    const bool empty = values[i].is_null() ||
                       (values[i].is_string() && values[i].get<std::string>().empty()) ||
                       (values[i].is_array() && values[i].empty());
    if (key.secret && !empty) {
      out += " \"<set>\"\n";
    } else {
      EmitYaml(values[i], indent, out);
    }
  }
  return out;
}

}  // namespace

std::string Config::ToYaml() const { return Render(rep_->values, rep_->origins); }
std::string Config::DefaultsYaml() {
  Config defaults;
  return defaults.ToYaml();
}

}  // namespace logsieve
