// LabelSet: the labels a line can get, built once from the `labels` config
// key and shared, frozen, by every stage and command (rules check their
// labels against it, the model stage its model's, the LLM prompt lists it,
// `logsieve train` orders its classes by it).
//
// The one rule for the `labels` value: a non-empty list whose entries are
// either a plain string (the name) or a mapping {name, description} with a
// string `name` and an optional string `description` (no other keys). Names
// are non-empty, unique, and not "Unclassified" (reserved for lines no stage
// decides). Errors name the key and the entry: "labels[2]: ...".
//
// Example:
//   LOGSIEVE_ASSIGN_OR_RETURN(LabelSet set, LabelSet::FromJson(value));
//   if (!set.Contains("Error")) ...
//   for (const Label& l : set.labels()) prompt += l.name + ": " + l.description;
//
// Config validates `labels` with FromJson whenever the key is set and holds
// the result: stages read it with `config.labels()`.
//
// Thread safety: immutable after construction; share freely.
#ifndef LOGSIEVE_COMMON_LABEL_SET_H_
#define LOGSIEVE_COMMON_LABEL_SET_H_

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace logsieve {

struct Label {
  std::string name;
  std::string description;  // empty when the entry gave none
};

class LabelSet {
 public:
  // The `labels` value in the config's JSON form. Errors are kInvalidArgument.
  static StatusOr<LabelSet> FromJson(const nlohmann::json& value);
  // From labels given in code (tests, tools); the same checks as FromJson.
  static StatusOr<LabelSet> FromLabels(std::vector<Label> labels);

  size_t size() const { return labels_.size(); }
  // In config order.
  std::span<const Label> labels() const { return labels_; }
  const std::vector<std::string>& names() const { return names_; }
  bool Contains(std::string_view name) const { return IndexOf(name).has_value(); }
  std::optional<size_t> IndexOf(std::string_view name) const;
  // "A, B, C": for messages.
  std::string JoinedNames() const;

 private:
  LabelSet() = default;

  std::vector<Label> labels_;
  std::vector<std::string> names_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_LABEL_SET_H_
