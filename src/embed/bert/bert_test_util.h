// Helpers for the bert tests: reading the fixture JSONL files, random data.
#ifndef LOGSIEVE_EMBED_BERT_BERT_TEST_UTIL_H_
#define LOGSIEVE_EMBED_BERT_BERT_TEST_UTIL_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace logsieve::bert::testing {

// One JSON object per line, split on '\n' only (texts hold U+2028 and U+0085).
std::vector<nlohmann::json> ReadJsonl(const std::string& path);

// n draws of N(0, scale^2), the same for the same seed.
std::vector<float> RandomNormal(size_t n, float scale, unsigned seed);

}  // namespace logsieve::bert::testing

#endif  // LOGSIEVE_EMBED_BERT_BERT_TEST_UTIL_H_
