#include "model/evaluation.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

namespace logsieve::model {

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
    cs.f1 = cs.precision + cs.recall == 0 ? 0.0 : 2 * cs.precision * cs.recall / (cs.precision + cs.recall);
    if (truth_c > 0 || pred_c > 0) {
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
  std::snprintf(line, sizeof line, "%-*s %9s %9s %9s %8s\n", int(w), "label", "precision", "recall", "f1", "support");
  out += line;
  for (const auto& c : s.per_class) {
    if (c.support == 0 && c.precision == 0) {
      bool predicted = false;
      for (const auto& row : s.confusion) predicted |= row[&c - s.per_class.data()] > 0;
      if (!predicted) continue;
    }
    std::snprintf(line, sizeof line, "%-*s %9.3f %9.3f %9.3f %8zu\n", int(w), c.label.c_str(), c.precision, c.recall,
                  c.f1, c.support);
    out += line;
  }
  std::snprintf(line, sizeof line, "\naccuracy %.4f   macro-F1 %.4f   rows %zu\n", s.accuracy, s.macro_f1, s.rows);
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
    j["per_class"].push_back({{"label", c.label}, {"precision", c.precision}, {"recall", c.recall}, {"f1", c.f1},
                              {"support", c.support}});
    j["labels"].push_back(c.label);
  }
  j["confusion"] = s.confusion;
  return j;
}

}  // namespace logsieve::model
