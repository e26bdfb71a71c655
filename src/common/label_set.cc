#include "common/label_set.h"

#include <xxhash.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/decision.h"
#include "common/version_id.h"

namespace logsieve {

using json = nlohmann::json;

StatusOr<LabelSet> LabelSet::FromJson(const json& value) {
  if (!value.is_array() || value.empty()) {
    return InvalidArgumentError(
        "labels: must be a non-empty list of names or {name, description, from} mappings");
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
        } else if (key == "from") {
          if (!v.is_array()) return InvalidArgumentError(where + "'from' must be a list of labels");
          for (size_t j = 0; j < v.size(); ++j) {
            if (!v[j].is_string()) {
              return InvalidArgumentError("labels[" + std::to_string(i) + "].from[" +
                                          std::to_string(j) + "]: must be a label name (a string)");
            }
          }
        } else {
          return InvalidArgumentError(where + "unknown key '" + key +
                                      "' (known: name, description, from)");
        }
      }
      if (!item.contains("name")) return InvalidArgumentError(where + "a mapping needs a 'name'");
      label.name = item["name"].get<std::string>();
      if (item.contains("description")) label.description = item["description"].get<std::string>();
      if (item.contains("from")) label.from = item["from"].get<std::vector<std::string>>();
    } else {
      return InvalidArgumentError(where + "must be a name or a {name, description, from} mapping");
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
  // `from`, once every name is known (a from name may be a later entry's).
  for (size_t i = 0; i < labels.size(); ++i) {
    for (size_t j = 0; j < labels[i].from.size(); ++j) {
      const std::string where =
          "labels[" + std::to_string(i) + "].from[" + std::to_string(j) + "]: ";
      const std::string& from = labels[i].from[j];
      if (from.empty()) return InvalidArgumentError(where + "the label name is empty");
      if (from == kUnclassified) {
        return InvalidArgumentError(where + "'" + from + "' is no stage's label");
      }
      if (std::optional<size_t> named = set.IndexOf(from); named && *named != i) {
        return InvalidArgumentError(where + "'" + from + "' is itself a label (labels[" +
                                    std::to_string(*named) +
                                    "]), which answers it; map it in one place only");
      }
      for (size_t a = 0; a <= i; ++a) {
        const std::vector<std::string>& other = labels[a].from;
        const size_t end = a == i ? j : other.size();
        for (size_t b = 0; b < end; ++b) {
          if (other[b] == from) {
            return InvalidArgumentError(where + "'" + from + "' is already mapped by labels[" +
                                        std::to_string(a) + "].from[" + std::to_string(b) + "] ('" +
                                        labels[a].name + "')");
          }
        }
      }
      set.uses_from_ = true;
    }
  }
  set.labels_ = std::move(labels);
  // Every field, each ended by a separator no field contains in practice
  // (\x1f unit, \x1e record), so two different sets never hash the same text.
  std::string text;
  for (const Label& l : set.labels_) {
    text.append(l.name).push_back('\x1f');
    text.append(l.description).push_back('\x1f');
    for (const std::string& f : l.from) text.append(f).push_back('\x1f');
    text.push_back('\x1e');
  }
  set.version_ = VersionId(XXH3_64bits(text.data(), text.size()));
  return set;
}

std::optional<size_t> LabelSet::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return i;
  }
  return std::nullopt;
}

std::optional<std::string_view> LabelSet::Map(std::string_view stage_label) const {
  if (std::optional<size_t> i = IndexOf(stage_label)) return names_[*i];
  for (const Label& l : labels_) {
    for (const std::string& f : l.from) {
      if (f == stage_label) return l.name;
    }
  }
  return std::nullopt;
}

bool LabelSet::Accepts(std::string_view stage_label, std::span<const std::string> bundled) const {
  if (Map(stage_label)) return true;
  return uses_from_ && std::find(bundled.begin(), bundled.end(), stage_label) != bundled.end();
}

std::string LabelSet::JoinedNames() const {
  std::string out;
  for (const std::string& n : names_) out += (out.empty() ? "" : ", ") + n;
  return out;
}

}  // namespace logsieve
