#include "common/decision.h"

namespace logsieve {

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kNone:
      return "None";
    case Method::kRegex:
      return "Regex";
    case Method::kML:
      return "ML";
    case Method::kLLM:
      return "LLM";
    case Method::kCorrection:
      return "Correction";
  }
  return "None";
}

std::chrono::steady_clock::time_point Batch::DeadlineAfter(int64_t timeout_ms) {
  if (timeout_ms == 0) return std::chrono::steady_clock::time_point::max();
  return std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
}

void Batch::Reset() {
  const size_t n = records.size();
  templates.assign(n, std::string());
  keys.assign(n, 0);
  decisions.assign(n, Decision());
  tentative.assign(n, Decision());
}

}  // namespace logsieve
