#include "train/evaluation.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>

namespace logsieve {

Scores Score(std::span<const std::string> truth, std::span<const std::string> predicted,
             const std::vector<std::string>& labels) {
  assert(truth.size() == predicted.size());
  std::vector<std::string> names = labels;
  std::map<std::string, size_t, std::less<>> index;
  for (size_t i = 0; i < names.size(); ++i) index.emplace(names[i], i);
  auto id = [&](const std::string& l) {
    auto [it, added] = index.emplace(l, names.size());
    if (added) names.push_back(l);
    return it->second;
  };
  std::vector<std::pair<size_t, size_t>> pairs;
  pairs.reserve(truth.size());
  for (size_t i = 0; i < truth.size(); ++i) pairs.emplace_back(id(truth[i]), id(predicted[i]));
  const size_t L = names.size();
  Scores s;
  s.rows = truth.size();
  s.confusion.assign(L, std::vector<size_t>(L, 0));
  size_t correct = 0;
  for (auto [t, p] : pairs) {
    ++s.confusion[t][p];
    correct += t == p;
  }
  s.accuracy = s.rows == 0 ? 0.0 : double(correct) / double(s.rows);
  double f1_sum = 0;
  size_t f1_count = 0;
  for (size_t c = 0; c < L; ++c) {
    size_t tp = s.confusion[c][c], truth_c = 0, pred_c = 0;
    for (size_t o = 0; o < L; ++o) {
      truth_c += s.confusion[c][o];
      pred_c += s.confusion[o][c];
    }
    ClassScores cs{names[c]};
    cs.support = truth_c;
    cs.precision = pred_c == 0 ? 0.0 : double(tp) / double(pred_c);
    cs.recall = truth_c == 0 ? 0.0 : double(tp) / double(truth_c);
    cs.f1 = cs.precision + cs.recall == 0
                ? 0.0
                : 2 * cs.precision * cs.recall / (cs.precision + cs.recall);
    if (truth_c > 0) {  // labels of the truth only: "Unclassified" is not a class
      f1_sum += cs.f1;
      ++f1_count;
    }
    s.per_class.push_back(cs);
  }
  s.macro_f1 = f1_count == 0 ? 0.0 : f1_sum / double(f1_count);
  return s;
}

std::string FormatScores(const Scores& s) {
  std::string out;
  char line[256];
  size_t w = 12;
  for (const auto& c : s.per_class) w = std::max(w, c.label.size());
  std::snprintf(line, sizeof line, "%-*s %9s %9s %9s %8s\n", int(w), "label", "precision", "recall",
                "f1", "support");
  out += line;
  for (const auto& c : s.per_class) {
    if (c.support == 0 && c.precision == 0) {
      bool predicted = false;
      for (const auto& row : s.confusion) predicted |= row[&c - s.per_class.data()] > 0;
      if (!predicted) continue;
    }
    std::snprintf(line, sizeof line, "%-*s %9.3f %9.3f %9.3f %8zu\n", int(w), c.label.c_str(),
                  c.precision, c.recall, c.f1, c.support);
    out += line;
  }
  std::snprintf(line, sizeof line, "\naccuracy %.4f   macro-F1 %.4f   rows %zu\n", s.accuracy,
                s.macro_f1, s.rows);
  out += line;
  out += "\nconfusion matrix (rows: truth, columns: predicted, in the order above)\n";
  for (size_t t = 0; t < s.per_class.size(); ++t) {
    std::snprintf(line, sizeof line, "%-*s", int(w), s.per_class[t].label.c_str());
    out += line;
    for (size_t p = 0; p < s.per_class.size(); ++p) {
      std::snprintf(line, sizeof line, " %6zu", s.confusion[t][p]);
      out += line;
    }
    out += "\n";
  }
  return out;
}

nlohmann::json ScoresToJson(const Scores& s) {
  nlohmann::json j;
  j["rows"] = s.rows;
  j["accuracy"] = s.accuracy;
  j["macro_f1"] = s.macro_f1;
  j["per_class"] = nlohmann::json::array();
  j["labels"] = nlohmann::json::array();
  for (const auto& c : s.per_class) {
    j["per_class"].push_back({{"label", c.label},
                              {"precision", c.precision},
                              {"recall", c.recall},
                              {"f1", c.f1},
                              {"support", c.support}});
    j["labels"].push_back(c.label);
  }
  j["confusion"] = s.confusion;
  return j;
}

std::vector<MethodScores> ScoreByMethod(std::span<const std::string> truth,
                                        std::span<const std::string> predicted,
                                        std::span<const std::string> methods) {
  std::vector<MethodScores> out;
  for (std::string_view m : {"Correction", "Regex", "ML", "LLM", "Degraded", "None"}) {
    MethodScores s{std::string(m)};
    size_t correct = 0;
    for (size_t i = 0; i < truth.size(); ++i) {
      if (methods[i] != m) continue;
      ++s.lines;
      correct += truth[i] == predicted[i];
    }
    if (s.lines == 0) continue;
    s.share = double(s.lines) / double(truth.size());
    s.accuracy = double(correct) / double(s.lines);
    out.push_back(s);
  }
  return out;
}

ConfidentWrong ScoreConfidentWrong(std::span<const std::string> truth,
                                   std::span<const std::string> predicted,
                                   std::span<const std::string> methods,
                                   const std::vector<std::string>& labels) {
  ConfidentWrong out;
  out.rows = truth.size();
  std::map<std::string, size_t, std::less<>> count;
  for (size_t i = 0; i < truth.size(); ++i) {
    if (methods[i] != "ML" || predicted[i] == truth[i]) continue;
    ++out.lines;
    ++count[predicted[i]];
  }
  const double n = out.rows == 0 ? 1.0 : double(out.rows);
  out.share = double(out.lines) / n;
  for (const std::string& l : labels) {
    const auto it = count.find(l);
    const size_t c = it == count.end() ? 0 : it->second;
    out.per_label.push_back({l, c, double(c) / n});
    if (it != count.end()) count.erase(it);
  }
  for (const auto& [l, c] : count) out.per_label.push_back({l, c, double(c) / n});
  return out;
}

std::string FormatConfidentWrong(const ConfidentWrong& c) {
  char line[160];
  std::snprintf(line, sizeof line,
                "confident but wrong (decided by the model with a wrong label): %zu lines, %.3f "
                "of all\n",
                c.lines, c.share);
  std::string out = line;
  size_t w = 12;
  for (const auto& l : c.per_label) w = std::max(w, l.label.size());
  for (const auto& l : c.per_label) {
    if (l.lines == 0) continue;
    std::snprintf(line, sizeof line, "  as %-*s %7zu %8.3f\n", int(w), l.label.c_str(), l.lines,
                  l.share);
    out += line;
  }
  return out;
}

nlohmann::json ConfidentWrongToJson(const ConfidentWrong& c) {
  nlohmann::json per = nlohmann::json::array();
  for (const auto& l : c.per_label)
    per.push_back({{"label", l.label}, {"lines", l.lines}, {"share", l.share}});
  return {{"lines", c.lines}, {"share", c.share}, {"per_label", std::move(per)}};
}

bool ReachedModel(const Decision& decision, const Decision& tentative,
                  std::span<const std::string> route) {
  if (decision.method == Method::kML || tentative.method == Method::kML) return true;
  if (decision.method != Method::kLLM) return false;  // rules, or nothing decided
  const auto model = std::find(route.begin(), route.end(), "model");
  return model != route.end() && std::find(model, route.end(), "llm") != route.end();
}

std::vector<ThresholdRow> ThresholdTable(std::span<const std::string> truth,
                                         std::span<const std::string> model_label,
                                         std::span<const float> model_p) {
  std::vector<ThresholdRow> out;
  const double n = truth.empty() ? 1.0 : double(truth.size());
  for (int step = 0; step < 10; ++step) {
    ThresholdRow row;
    row.threshold = 0.5 + 0.05 * step;
    size_t decided = 0, correct = 0, left = 0;
    for (size_t i = 0; i < truth.size(); ++i) {
      if (model_label[i].empty()) continue;
      // Compare in float, as the stage does (p >= threshold).
      if (model_p[i] >= static_cast<float>(row.threshold)) {
        ++decided;
        correct += model_label[i] == truth[i];
      } else {
        ++left;
      }
    }
    row.model_share = double(decided) / n;
    row.model_accuracy = decided == 0 ? 0.0 : double(correct) / double(decided);
    row.llm_share = double(left) / n;
    out.push_back(row);
  }
  return out;
}

std::string FormatMethods(const std::vector<MethodScores>& methods) {
  std::string out = "method     lines    share  accuracy\n";
  char line[128];
  for (const auto& m : methods) {
    std::snprintf(line, sizeof line, "%-6s %9zu %8.3f %9.3f\n", m.method.c_str(), m.lines, m.share,
                  m.accuracy);
    out += line;
  }
  return out;
}

std::string FormatThresholds(const std::vector<ThresholdRow>& rows) {
  std::string out = "threshold  model_share  model_accuracy  llm_share\n";
  char line[128];
  for (const auto& r : rows) {
    std::snprintf(line, sizeof line, "%9.2f %12.3f %15.3f %10.3f\n", r.threshold, r.model_share,
                  r.model_accuracy, r.llm_share);
    out += line;
  }
  return out;
}

nlohmann::json MethodsToJson(const std::vector<MethodScores>& methods) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& m : methods) {
    j.push_back(
        {{"method", m.method}, {"lines", m.lines}, {"share", m.share}, {"accuracy", m.accuracy}});
  }
  return j;
}

nlohmann::json ThresholdsToJson(const std::vector<ThresholdRow>& rows) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& r : rows) {
    j.push_back({{"threshold", r.threshold},
                 {"model_share", r.model_share},
                 {"model_accuracy", r.model_accuracy},
                 {"llm_share", r.llm_share}});
  }
  return j;
}

}  // namespace logsieve
