// StoreRecorder: what classification teaches the store, written off the
// classifying threads.
//
//   StatusOr<std::shared_ptr<StoreRecorder>> r = OpenRecorder(config, "serve");
//   std::unique_ptr<Classifier> c = ...;
//   if (*r) c = WithRecording(std::move(c), *r);  // same answers, now recorded
//
// After each batch the recorder keeps, per template, what a person may want
// to see again: lines the LLM decided (with the model's disagreeing guess
// below the threshold, if any), lines decided degraded, lines nothing
// decided. Rules and sure model decisions are not recorded. Observations are
// merged in memory (count, first/last seen, up to store.examples raw lines)
// and written by one background thread every store.flush_ms in one
// transaction.
//
// Failure never reaches classification: a write that fails (store locked,
// full, corrupt) keeps its observations in memory, merged with newer ones, up
// to store.max_pending templates (beyond that new templates are dropped and
// counted), logs one line when the store goes bad and one when it recovers,
// and sets the metrics logsieve_store_up (0/1),
// logsieve_store_errors_total{reason}, logsieve_store_pending_templates and
// logsieve_store_dropped_total.
//
// Thread safety: Observe and Flush may be called from any thread.
#ifndef LOGSIEVE_STORE_RECORDER_H_
#define LOGSIEVE_STORE_RECORDER_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "common/config.h"
#include "common/decision.h"
#include "common/metrics.h"
#include "common/status.h"
#include "common/thread_annotations.h"
#include "pipeline/classifier.h"
#include "store/store.h"

namespace logsieve {

// The bytes kept of each raw example line (store.examples per template); a
// longer line is cut (doc/learning.md). Bounds the store and GET /v1/review
// however long the lines classified.
inline constexpr size_t kMaxExampleBytes = 4096;

struct RecorderOptions {
  int64_t flush_ms;
  int64_t max_pending;
  int64_t examples;

  static RecorderOptions FromConfig(const Config& config);
};

// What the store writes beside each LLM answer: which model and prompt made
// it. Taken from the config the classifier was built from, so that a server
// that reloads a new label set records the new prompt's version.
struct RecordingTags {
  std::string llm_model;       // llm.model
  std::string prompt_version;  // PromptVersion(config)

  static RecordingTags FromConfig(const Config& config);
};

class StoreRecorder {
 public:
  StoreRecorder(std::shared_ptr<Store> store, RecorderOptions options);
  // Writes what is pending (one last try), then stops the writer thread.
  ~StoreRecorder();
  StoreRecorder(const StoreRecorder&) = delete;
  StoreRecorder& operator=(const StoreRecorder&) = delete;

  // Takes what `batch` (classified) has for the store. Cheap: memory only.
  void Observe(const Batch& batch, const RecordingTags& tags) EXCLUDES(mu_);
  // Writes what is pending now; the status of that write.
  Status Flush() EXCLUDES(mu_, write_mu_);

  Store& store() const { return *store_; }
  const std::shared_ptr<Store>& shared_store() const { return store_; }
  // Templates waiting to be written.
  size_t pending() const EXCLUDES(mu_);

 private:
  using Pending = std::unordered_map<uint64_t, TemplateObservation>;
  void Run() EXCLUDES(mu_);
  // Merges `from` into *into, keeping at most max_pending keys; returns how many
  // templates did not fit.
  size_t Merge(Pending& from, Pending* into) const;

  const std::shared_ptr<Store> store_;
  const RecorderOptions options_;
  mutable Mutex mu_;
  CondVar wake_;
  Pending pending_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  Mutex write_mu_;  // one write at a time (the thread and Flush)
  bool healthy_ GUARDED_BY(write_mu_) = true;
  Gauge& up_;
  Gauge& pending_gauge_;
  Counter& dropped_;
  Counter& written_;
  std::thread writer_;
};

// The recorder `command` ("classify", "serve", "worker") runs with, per
// store.enabled: "on" records in every command, "auto" in serve and the
// stream worker only, "off" nowhere (null). A store that cannot be opened
// (locked, corrupt, newer schema) is logged on stderr, sets
// logsieve_store_up to 0 and gives null: the command goes on without recording.
std::shared_ptr<StoreRecorder> OpenRecorder(const Config& config, std::string_view command);

// Whether `command` records, per store.enabled (as OpenRecorder decides).
bool RecordsIn(const Config& config, std::string_view command);
// The store of store.path, opened with `mode`; on failure logged as
// OpenRecorder logs it, counted, and null.
std::shared_ptr<Store> OpenStoreOrLog(const Config& config,
                                      StoreOpenMode mode = StoreOpenMode::kCreate);

// `inner` with every classified batch shown to `recorder` afterwards; answers
// are unchanged. `config`: the one `inner` was built from (RecordingTags).
std::unique_ptr<Classifier> WithRecording(std::unique_ptr<Classifier> inner,
                                          std::shared_ptr<StoreRecorder> recorder,
                                          const Config& config);

}  // namespace logsieve

#endif  // LOGSIEVE_STORE_RECORDER_H_
