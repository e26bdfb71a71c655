// RecordOutput: where the ingest loop (ingest.h) sends each classified batch:
// output.ndjson (ndjson_output.h) and output.otlp.endpoint (otlp_output.h),
// one or both (doc/ingest.md).
//
//   std::vector<RecordOutput*> outputs = {ndjson.get(), otlp.get()};
//   IngestLoop loop(classifier, &queue, outputs, {});
//
// The loop calls Write with the same batch until it returns OK (backoff in
// between, the batch kept, so the queue fills and the inputs are held back),
// and never calls it again for a batch an output took: an output that took
// part of a batch before failing (half a file write, part of a queue) goes on
// where it stopped when the loop calls again with that batch, so no record is
// written twice; a batch given up on at a stop is Abandoned. Once the queue
// is drained, the loop calls Finish.
//
// Thread safety: Write and Finish are called from the loop's thread only.
#ifndef LOGSIEVE_INGEST_OUTPUT_H_
#define LOGSIEVE_INGEST_OUTPUT_H_

#include <chrono>
#include <cstdint>
#include <span>
#include <string_view>

#include "common/decision.h"
#include "common/status.h"

namespace logsieve {

struct IngestRecord;  // ingest.h

// A batch the classifier answered: decisions[i] is records[i]'s.
struct ClassifiedBatch {
  std::span<const IngestRecord> records;
  std::span<const Decision> decisions;
};

class RecordOutput {
 public:
  virtual ~RecordOutput() = default;
  // The `output` label of logsieve_output_*: "ndjson", "otlp".
  virtual std::string_view name() const = 0;
  // OK once the output took the whole batch (written, or queued in its own
  // bounded queue). An error (Unavailable, naming the output key and why)
  // leaves the rest of the batch for the next call with the same batch.
  // Counts its own records and errors (logsieve_output_*_total{output}).
  virtual Status Write(const ClassifiedBatch& batch) = 0;
  // The loop gives up on the batch of the last failed Write (a stop came
  // while the output failed; the loop counts the batch lost): forget what is
  // left of it, so that the next Write starts a new batch.
  virtual void Abandon() = 0;
  // The loop is done: deliver what the output still holds, giving up at
  // `deadline`. Returns the records not delivered (0 for an output that holds
  // nothing between writes).
  virtual uint64_t Finish(std::chrono::steady_clock::time_point /*deadline*/) { return 0; }
};

}  // namespace logsieve

#endif  // LOGSIEVE_INGEST_OUTPUT_H_
