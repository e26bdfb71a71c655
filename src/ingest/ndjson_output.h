// NdjsonOutput: the worker's output.ndjson, a file (or stdout) that whole
// NDJSON lines are appended to (a RecordOutput of the ingest loop, and the
// Redis worker's second output), reopened on request for log rotation
// (`logrotate` renames the file, then sends SIGHUP; the next write goes to a
// new file of the same name).
//
//   StatusOr<std::unique_ptr<NdjsonOutput>> out = NdjsonOutput::Open("/var/log/classified.ndjson");
//   LOGSIEVE_RETURN_IF_ERROR((*out)->Write(&lines));   // lines as classify writes them
//   LOGSIEVE_RETURN_IF_ERROR((*out)->Write(batch));    // a RecordOutput: encodes them
//
// A file is opened with O_APPEND (created 0644 when missing): a restarted
// worker goes on after what is there; each Write is one write(2) loop of
// whole lines, so a reader never sees half a batch unless the disk fills.
//
// Thread safety: Write from any thread (one at a time: the lines of two
// writers never mix); RequestReopen from any, and from a signal handler (one
// atomic store).
#ifndef LOGSIEVE_INGEST_NDJSON_OUTPUT_H_
#define LOGSIEVE_INGEST_NDJSON_OUTPUT_H_

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"
#include "common/thread_annotations.h"
#include "ingest/output.h"

namespace logsieve {

class NdjsonOutput : public RecordOutput {
 public:
  // `path`: a file, or "-" for stdout (never reopened). Unavailable, naming
  // output.ndjson and the path, when it cannot be opened.
  static StatusOr<std::unique_ptr<NdjsonOutput>> Open(const std::string& path);
  ~NdjsonOutput() override;
  NdjsonOutput(const NdjsonOutput&) = delete;
  NdjsonOutput& operator=(const NdjsonOutput&) = delete;

  // Appends *lines, reopening the file first when a reopen was requested.
  // What was written is erased from *lines: after a failure (disk full) it
  // holds what is left, so a retry writes nothing twice.
  Status Write(std::string* lines) EXCLUDES(mu_);
  // RecordOutput: each record as one line of `classify --format ndjson`
  // (log_message, source, the record's fields, then the decision); a failed
  // write keeps the lines not yet written for the next call.
  std::string_view name() const override { return "ndjson"; }
  Status Write(const ClassifiedBatch& batch) override;
  void Abandon() override { pending_.clear(); }
  void RequestReopen() { reopen_.store(true, std::memory_order_relaxed); }
  const std::string& path() const { return path_; }

 private:
  NdjsonOutput(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}

  const std::string path_;
  Mutex mu_;
  int fd_ GUARDED_BY(mu_);
  std::atomic<bool> reopen_{false};
  std::string pending_;  // the loop's batch, encoded, not yet written (loop thread only)
};

}  // namespace logsieve

#endif  // LOGSIEVE_INGEST_NDJSON_OUTPUT_H_
