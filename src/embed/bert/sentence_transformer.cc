// Placeholder until the transformer encoder lands (issue: transformer encoder).
#include "embed/bert/sentence_transformer.h"

namespace logsieve::embed::bert {

StatusOr<std::unique_ptr<Encoder>> LoadSentenceTransformer(const std::string& dir,
                                                           const TransformerOptions&) {
  return UnimplementedError("transformer encoders are not built into this logsieve yet ('" + dir + "')");
}

}  // namespace logsieve::embed::bert
