// Corrections: what people said a line's label is, consulted before every
// stage (rules included) for every line of the same template and route.
//
//   auto source = std::make_shared<MyCorrections>();        // the store's feed
//   ClassifierParts parts{.corrections = source};
//   auto c = Classifier::Create(config, parts);
//   // a line whose template a person corrected:
//   // {"Workflow Error", Method::kCorrection, 1.0, "corrected by a person ..."}
//
// The classifier keys each corrected line as it keys the lines it classifies
// (TemplateKey(route, template)), so a correction of one line answers every
// line of its template from then on, in every process that reads the same
// store (src/store/correction_feed.h polls it).
//
// Thread safety: Current() may be called from any thread; a CorrectionLog is
// immutable once published.
#ifndef LOGSIEVE_PIPELINE_CORRECTIONS_H_
#define LOGSIEVE_PIPELINE_CORRECTIONS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace logsieve {

struct CorrectedLine {
  std::string source;
  std::string message;  // the raw line a person corrected
  std::string label;
};

// Every correction in force, oldest first: for one template the latest wins.
// Within one `epoch` a newer log only appends to an older one, so a reader
// applies the lines past those it has seen; a new epoch (rows were removed:
// a purge, the store's bound) means start again.
struct CorrectionLog {
  uint64_t epoch = 0;
  std::vector<CorrectedLine> lines;
};

class CorrectionSource {
 public:
  virtual ~CorrectionSource() = default;
  // The log in force now; never null. Cheap: called once per batch.
  virtual std::shared_ptr<const CorrectionLog> Current() const = 0;
};

}  // namespace logsieve

#endif  // LOGSIEVE_PIPELINE_CORRECTIONS_H_
