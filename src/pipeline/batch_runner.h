// RunStream: records from a reader, classified on all cores, written in input
// order, with bounded memory.
//
// The calling thread reads batches; worker threads classify them; a writer
// thread writes them back in input order, flushing whenever no further batch
// is ready (so streamed input is answered line by line). At most
// 2 x threads + 2 batches are in flight: memory does not grow with the input.
//
// Each batch is classified with Batch::want_detail = writer.shows_detail():
// a detail the output does not carry is not computed.
//
// A read error (malformed record without skip, I/O failure) stops reading;
// every record read before it is still classified and written, then the
// error is returned.
#ifndef LOGSIEVE_PIPELINE_BATCH_RUNNER_H_
#define LOGSIEVE_PIPELINE_BATCH_RUNNER_H_

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "common/status.h"
#include "io/records.h"
#include "pipeline/classifier.h"

namespace logsieve {

struct RunOptions {
  size_t batch_size = 0;  // pipeline.batch_size (REQUIRES: >= 1)
  size_t threads = 0;     // pipeline.threads; 0 = all cores
  // Called from the writer thread after each batch written (for progress).
  std::function<void(uint64_t rows_written, uint64_t bytes_read, int64_t input_size)> on_progress;
  // A checkpoint: called from the writer thread after a batch is written and
  // flushed, when no further batch is ready (so always after the last one) or
  // a second has passed since the previous call; everything up to this batch
  // is then written. classify --follow saves its position here. An error
  // stops the run as a write error does.
  std::function<Status(const RecordBatch& written)> on_batch_written;

  // batch_size and threads from the pipeline.* keys.
  static RunOptions FromConfig(const Config& config);
};

struct RunSummary {
  uint64_t rows = 0;
  uint64_t skipped = 0;
  std::map<std::string, uint64_t> per_label;
  std::array<uint64_t, std::size(kAllMethods)> per_method{};  // indexed by Method
  uint64_t degraded = 0;
  double seconds = 0;
};

Status RunStream(const Classifier& classifier, RecordReader& reader, RecordWriter& writer,
                 const RunOptions& options, RunSummary* summary);

}  // namespace logsieve

#endif  // LOGSIEVE_PIPELINE_BATCH_RUNNER_H_
