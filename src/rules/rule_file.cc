#include "rules/rule_file.h"

#include <xxhash.h>
#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "common/file.h"
#include "common/yaml_nesting.h"

namespace logsieve {
namespace {

// Rule files are written by hand; anything bigger is a mistake or an attack.
constexpr size_t kMaxRuleFileBytes = 16u << 20;

int LineOf(const YAML::Node& node) { return node.Mark().is_null() ? 0 : node.Mark().line + 1; }

std::string At(std::string_view origin, int line) {
  return std::string(origin) + ":" + std::to_string(line);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class RuleParser {
 public:
  explicit RuleParser(std::string_view origin) : origin_(origin) {}

  StatusOr<RuleFile> Parse(std::string_view text) {
    if (text.size() > kMaxRuleFileBytes) {
      return InvalidArgumentError(origin_ + ": rule file is larger than 16 MiB");
    }
    // yaml-cpp recurses; a 200,000-deep file must not reach it.
    LOGSIEVE_RETURN_IF_ERROR(CheckYamlNesting(text, origin_));
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
      return InvalidArgumentError(At(origin_, e.mark.is_null() ? 0 : e.mark.line + 1) +
                                  ": not valid YAML: " + e.msg);
    }
    try {
      return ParseRoot(root);
    } catch (const YAML::Exception& e) {  // a node access we did not foresee
      return InvalidArgumentError(At(origin_, e.mark.is_null() ? 0 : e.mark.line + 1) + ": " +
                                  e.msg);
    }
  }

 private:
  StatusOr<RuleFile> ParseRoot(const YAML::Node& root) {
    YAML::Node list = root;
    if (root.IsMap()) {
      for (const auto& kv : root) {
        std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
        if (key != "rules") {
          return InvalidArgumentError(
              At(origin_, LineOf(kv.first)) + ": unknown top-level key '" + key +
              "' (a rule file is a list of rules, or `rules:` and that list)");
        }
      }
      list = root["rules"];
    }
    if (!list.IsSequence()) {
      return InvalidArgumentError(At(origin_, LineOf(root) == 0 ? 1 : LineOf(root)) +
                                  ": expected a list of rules (or `rules:` holding one)");
    }
    RuleFile file;
    file.origin = origin_;
    std::map<std::string, int> first_line_of_id;
    for (const auto& item : list) {
      LOGSIEVE_ASSIGN_OR_RETURN(Rule rule, ParseRule(item));
      auto [it, inserted] = first_line_of_id.emplace(rule.id, rule.line);
      if (!inserted) {
        return InvalidArgumentError(RuleWhere(origin_, rule) +
                                    ": duplicate id (first used at line " +
                                    std::to_string(it->second) + ")");
      }
      file.rules.push_back(std::move(rule));
    }
    return file;
  }

  StatusOr<Rule> ParseRule(const YAML::Node& node) {
    Rule rule;
    rule.line = LineOf(node);
    if (!node.IsMap()) {
      return InvalidArgumentError(At(origin_, rule.line) +
                                  ": a rule must be a mapping with id, pattern and label");
    }
    // The id first, so every later message can name the rule.
    if (const YAML::Node id = node["id"]; id) {
      if (!id.IsScalar() || id.Scalar().empty()) {
        return InvalidArgumentError(At(origin_, LineOf(id)) +
                                    ": rule id must be a non-empty string");
      }
      rule.id = id.Scalar();
      for (char c : rule.id) {
        if (std::isspace(static_cast<unsigned char>(c)) ||
            std::iscntrl(static_cast<unsigned char>(c))) {
          return InvalidArgumentError(At(origin_, LineOf(id)) + ": rule id '" + rule.id +
                                      "' must not contain spaces or control characters");
        }
      }
    } else {
      return InvalidArgumentError(At(origin_, rule.line) + ": rule has no id");
    }
    auto bad = [&](const YAML::Node& at, const std::string& why) {
      int line = LineOf(at);
      return InvalidArgumentError(At(origin_, line ? line : rule.line) + ": rule '" + rule.id +
                                  "': " + why);
    };

    std::set<std::string> seen;
    bool has_pattern = false, has_label = false;
    for (const auto& kv : node) {
      if (!kv.first.IsScalar()) return bad(kv.first, "keys must be plain words");
      const std::string key = kv.first.Scalar();
      const YAML::Node& value = kv.second;
      if (!seen.insert(key).second) return bad(kv.first, "key '" + key + "' appears twice");
      if (key == "id") continue;
      if (key == "pattern") {
        if (!value.IsScalar() || value.Scalar().empty()) {
          return bad(value, "pattern must be a non-empty string (quote it: pattern: '...')");
        }
        rule.pattern = value.Scalar();
        if (rule.pattern.find('\0') != std::string::npos) {
          return bad(value, "pattern contains a NUL byte; write \\x00 to match one");
        }
        has_pattern = true;
      } else if (key == "label") {
        if (!value.IsScalar() || value.Scalar().empty())
          return bad(value, "label must be a non-empty string");
        rule.label = value.Scalar();
        has_label = true;
      } else if (key == "sources") {
        if (value.IsScalar() && !value.Scalar().empty()) {
          rule.sources.push_back(value.Scalar());
        } else if (value.IsSequence() && value.size() > 0) {
          for (const auto& s : value) {
            if (!s.IsScalar() || s.Scalar().empty())
              return bad(s, "sources must be a list of source names");
            rule.sources.push_back(s.Scalar());
          }
        } else {
          return bad(value, "sources must be a non-empty list of source names");
        }
      } else if (key == "confidence") {
        const std::string s = value.IsScalar() ? value.Scalar() : "";
        errno = 0;
        char* end = nullptr;
        double c = s.empty() ? NAN : std::strtod(s.c_str(), &end);
        if (s.empty() || errno != 0 || *end != '\0' || !std::isfinite(c) || c <= 0.0 || c > 1.0) {
          return bad(value, "confidence must be a number in (0, 1], got '" + s + "'");
        }
        rule.confidence = static_cast<float>(c);
      } else if (key == "case_insensitive") {
        const std::string s = value.IsScalar() ? Lower(value.Scalar()) : "";
        if (s == "true" || s == "yes" || s == "on" || s == "1") {
          rule.case_insensitive = true;
        } else if (s != "false" && s != "no" && s != "off" && s != "0") {
          return bad(value, "case_insensitive must be true or false");
        }
      } else if (key == "flags") {
        std::vector<YAML::Node> items;
        if (value.IsSequence()) {
          for (const auto& f : value) items.push_back(f);
        } else if (value.IsScalar()) {
          items.push_back(value);
        } else {
          return bad(value, "flags must be a list of: case_insensitive, dot_all, multi_line");
        }
        for (const auto& f : items) {
          const std::string name = f.IsScalar() ? f.Scalar() : "";
          if (name == "case_insensitive" || name == "i") {
            rule.case_insensitive = true;
          } else if (name == "dot_all" || name == "s") {
            rule.dot_all = true;
          } else if (name == "multi_line" || name == "m") {
            rule.multi_line = true;
          } else {
            return bad(
                f, "unknown flag '" + name + "' (known: case_insensitive, dot_all, multi_line)");
          }
        }
      } else if (key == "description") {
        if (!value.IsScalar()) return bad(value, "description must be a string");
        rule.description = value.Scalar();
      } else {
        return bad(kv.first,
                   "unknown key '" + key +
                       "' (known: id, pattern, label, sources, confidence, case_insensitive, "
                       "flags, description)");
      }
    }
    if (!has_pattern) return bad(node, "no pattern");
    if (!has_label) return bad(node, "no label");
    return rule;
  }

  std::string origin_;
};

}  // namespace

std::string RuleWhere(std::string_view origin, const Rule& rule) {
  return At(origin, rule.line) + ": rule '" + rule.id + "'";
}

StatusOr<RuleFile> ParseRuleFile(std::string_view text, std::string_view origin) {
  LOGSIEVE_ASSIGN_OR_RETURN(RuleFile file, RuleParser(origin).Parse(text));
  file.text_hash = XXH3_64bits(text.data(), text.size());
  return file;
}

StatusOr<RuleFile> LoadRuleFile(const std::string& path) {
  // A FIFO or /dev/stdin is fine; the cap applies while reading.
  LOGSIEVE_ASSIGN_OR_RETURN(std::string text,
                            ReadFileBounded(path, kMaxRuleFileBytes, "rule file"));
  return ParseRuleFile(text, path);
}

}  // namespace logsieve
