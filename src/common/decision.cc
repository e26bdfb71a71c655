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
  }
  return "None";
}

void Batch::Reset() {
  const size_t n = records.size();
  templates.assign(n, std::string());
  keys.assign(n, 0);
  decisions.assign(n, Decision());
  tentative.assign(n, Decision());
}

}  // namespace logsieve
