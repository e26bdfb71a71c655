#include "embed/bert/bert_test_util.h"

#include <random>

#include "testing/testing.h"

namespace logsieve::bert::testing {

std::vector<nlohmann::json> ReadJsonl(const std::string& path) {
  const std::string text = logsieve::testing::ReadFile(path);
  std::vector<nlohmann::json> rows;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    if (nl > pos) rows.push_back(nlohmann::json::parse(text.substr(pos, nl - pos)));
    pos = nl + 1;
  }
  return rows;
}

std::vector<float> RandomNormal(size_t n, float scale, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, scale);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

}  // namespace logsieve::bert::testing
