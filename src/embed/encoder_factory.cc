#include "embed/encoder_factory.h"

#include <nlohmann/json.hpp>
#include <string>

#include "common/json.h"
#include "embed/bert/sentence_transformer.h"
#include "embed/hashing_encoder.h"

namespace logsieve {

StatusOr<std::unique_ptr<Encoder>> MakeEncoderFromSpec(std::string_view spec_json) {
  using nlohmann::json;
  StatusOr<json> parsed = ParseJson(spec_json, "encoder spec");
  if (!parsed.ok()) return parsed.status();
  const json& j = *parsed;
  if (!j.is_object()) return InvalidArgumentError("encoder spec is not a JSON object");
  const std::string kind = j.value("kind", "");
  if (kind == "hashing") {
    LOGSIEVE_ASSIGN_OR_RETURN(auto enc, HashingEncoder::FromSpec(spec_json));
    return std::unique_ptr<Encoder>(std::move(enc));
  }
  if (kind == "transformer") {
    const auto dir = j.find("dir");
    if (dir == j.end() || !dir->is_string()) {
      return InvalidArgumentError("transformer encoder spec has no \"dir\": " + j.dump());
    }
    bert::TransformerOptions o;
    if (j.contains("max_length") && j["max_length"].is_number_unsigned())
      o.max_length = j["max_length"].get<size_t>();
    if (j.contains("precision") && j["precision"].is_string())
      o.precision = j["precision"].get<std::string>();
    return bert::LoadSentenceTransformer(dir->get<std::string>(), o);
  }
  return UnimplementedError("encoder kind \"" + kind +
                            "\" is not known (known: hashing, transformer)");
}

}  // namespace logsieve
