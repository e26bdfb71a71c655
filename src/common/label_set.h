// LabelSet: the labels a line can get, built once from the `labels` config
// key and shared, frozen, by every stage and command (rules check their
// labels against it, the model stage its model's, the LLM prompt lists it,
// `logsieve train` orders its classes by it).
//
// The one rule for the `labels` value: a non-empty list whose entries are
// either a plain string (the name) or a mapping {name, description, from}
// with a string `name`, an optional string `description` and an optional
// `from` list (no other keys). Names are non-empty, unique, and not
// "Unclassified" (reserved for lines no stage decides). Errors name the key
// and the entry: "labels[2]: ...", "labels[2].from[1]: ...".
//
// `from` (doc/labels.md, "A team's own labels"): the labels a stage emits
// (the bundled rules', the bundled model's) that this entry answers, e.g.
// {name: Failure, from: [Error, Critical Error, Workflow Error]}. Each is a
// non-empty string, not "Unclassified"; a stage label is listed in at most
// one entry's `from`, and not in the `from` of an entry other than the one of
// that name (a label that is itself in the set answers itself: listing it
// elsewhere would be ambiguous). An entry may list its own name.
//
// Example:
//   LOGSIEVE_ASSIGN_OR_RETURN(LabelSet set, LabelSet::FromJson(value));
//   if (!set.Contains("Error")) ...
//   for (const Label& l : set.labels()) prompt += l.name + ": " + l.description;
//   std::optional<std::string_view> answer = set.Map(rule.label);  // nullopt: unsure
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
  std::string description;             // empty when the entry gave none
  std::vector<std::string> from = {};  // stage labels this label answers; often empty
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

  // The label of this set that a stage's `stage_label` (a rule's, a model's)
  // answers: the label itself when it is in the set, else the entry whose
  // `from` lists it, else nullopt (unmapped: the stage is unsure and the line
  // goes on to the next stage). The view points into this set.
  std::optional<std::string_view> Map(std::string_view stage_label) const;
  // Whether any entry has a non-empty `from`.
  bool uses_from() const { return uses_from_; }
  // The set's content id (12 hex digits, common/version_id.h): equal for sets
  // with the same names, descriptions and `from` lists in the same order,
  // however they were written (plain strings or mappings); any change gives
  // another. Shown as the `labels` version, and part of the prompt's.
  const std::string& version() const { return version_; }
  // Whether a stage may be loaded with a rule or model label `stage_label`:
  // Map() answers it, or the set uses `from` and `stage_label` is one of
  // `bundled` (the names the bundled rules and model emit, BundledLabels() in
  // common/config.h), which then stays unmapped. Any other label is a load
  // error, so a typo in a rule file is caught with or without `from`.
  bool Accepts(std::string_view stage_label, std::span<const std::string> bundled) const;

 private:
  LabelSet() = default;

  std::vector<Label> labels_;
  std::vector<std::string> names_;
  bool uses_from_ = false;
  std::string version_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_LABEL_SET_H_
