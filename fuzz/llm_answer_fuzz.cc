// Fuzzes what the LLM stage reads from an endpoint (the HTTP body, the model's
// answer, Retry-After) and the PII scanners over log text.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "llm/chat_client.h"
#include "llm/pii_masker.h"
#include "llm/prompt.h"

using namespace logsieve;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<Label> labels = {
      {"Security Alert", ""}, {"HTTP Status", ""}, {"Error", ""}};
  static const PiiMasker masker = *PiiMasker::Create({"email", "ipv4", "ipv6"}, nullptr);
  std::string_view bytes(reinterpret_cast<const char*>(data), size);

  StatusOr<ChatCompletion> c = ParseChatCompletion(bytes);
  if (c.ok()) {
    (void)ParseAnswers(*c, labels, 1);
    (void)ParseAnswers(*c, labels, 3);
  }
  ChatCompletion raw;
  raw.content = std::string(bytes);
  for (size_t i = 0; i < bytes.size() && i < 8; ++i)
    raw.token_logprobs.emplace_back(bytes.substr(i, 1), -0.5);
  (void)ParseAnswers(raw, labels, 1);
  (void)ParseAnswers(raw, labels, 2);
  (void)MatchLabel(bytes, labels);
  (void)ParseRetryAfter(bytes, std::chrono::system_clock::now());
  (void)masker.Mask(bytes);
  return 0;
}
