#include "common/label_set.h"

#include <nlohmann/json.hpp>

#include "common/decision.h"

namespace logsieve {

using json = nlohmann::json;

StatusOr<LabelSet> LabelSet::FromJson(const json& value) {
  if (!value.is_array() || value.empty()) {
    return InvalidArgumentError(
        "labels: must be a non-empty list of names or {name, description} mappings");
  }
  std::vector<Label> labels;
  for (size_t i = 0; i < value.size(); ++i) {
    const json& item = value[i];
    const std::string where = "labels[" + std::to_string(i) + "]: ";
    Label label;
    if (item.is_string()) {
      label.name = item.get<std::string>();
    } else if (item.is_object()) {
      for (const auto& [key, v] : item.items()) {
        if (key == "name" || key == "description") {
          if (!v.is_string()) return InvalidArgumentError(where + "'" + key + "' must be a string");
        } else {
          return InvalidArgumentError(where + "unknown key '" + key +
                                      "' (known: name, description)");
        }
      }
      if (!item.contains("name")) return InvalidArgumentError(where + "a mapping needs a 'name'");
      label.name = item["name"].get<std::string>();
      if (item.contains("description")) label.description = item["description"].get<std::string>();
    } else {
      return InvalidArgumentError(where + "must be a name or a {name, description} mapping");
    }
    labels.push_back(std::move(label));
  }
  return FromLabels(std::move(labels));
}

StatusOr<LabelSet> LabelSet::FromLabels(std::vector<Label> labels) {
  if (labels.empty()) return InvalidArgumentError("labels: the label set is empty");
  LabelSet set;
  for (size_t i = 0; i < labels.size(); ++i) {
    const std::string where = "labels[" + std::to_string(i) + "]: ";
    const std::string& name = labels[i].name;
    if (name.empty()) return InvalidArgumentError(where + "the name is empty");
    if (name == kUnclassified) {
      return InvalidArgumentError(where + "'" + name + "' is reserved for lines no stage decides");
    }
    if (std::optional<size_t> first = set.IndexOf(name)) {
      return InvalidArgumentError(where + "'" + name + "' is listed twice (also labels[" +
                                  std::to_string(*first) + "])");
    }
    set.names_.push_back(name);
  }
  set.labels_ = std::move(labels);
  return set;
}

std::optional<size_t> LabelSet::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return i;
  }
  return std::nullopt;
}

std::string LabelSet::JoinedNames() const {
  std::string out;
  for (const std::string& n : names_) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace logsieve
