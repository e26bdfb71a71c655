// Helpers for the bert tests: reading the fixture JSONL files.
#ifndef LOGSIEVE_EMBED_BERT_BERT_TEST_UTIL_H_
#define LOGSIEVE_EMBED_BERT_BERT_TEST_UTIL_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace logsieve::embed::bert::testing {

// One JSON object per line, split on '\n' only (texts hold U+2028 and U+0085).
std::vector<nlohmann::json> ReadJsonl(const std::string& path);

}  // namespace logsieve::embed::bert::testing

#endif  // LOGSIEVE_EMBED_BERT_BERT_TEST_UTIL_H_
