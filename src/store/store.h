// Store: the learning loop's memory, one embedded SQLite file (store.path).
//
//   StatusOr<StoreOptions> o = StoreOptions::FromConfig(config);
//   StatusOr<std::unique_ptr<Store>> store = Store::Open(*o);
//   (*store)->Record(observations);          // templates the LLM decided, ...
//   (*store)->AddCorrections({correction});  // what a person said
//   StatusOr<std::vector<ReviewItem>> queue = (*store)->Review(50);
//
// What it holds (doc/learning.md): each template the LLM decided (label,
// confidence, LLM model, prompt version, count, first/last seen, up to
// store.examples raw lines); templates nothing decided or decided degraded
// (for review); each human correction; each model decision a later LLM or
// human answer disagreed with. It holds log text: store.enabled=off turns it
// off, `logsieve store purge` empties it.
//
// Operation: WAL journal and a busy timeout (store.busy_timeout_ms), so
// several processes may write one file; one transaction per Record call. The
// schema carries a version (PRAGMA user_version) and is migrated forward on
// Open; a file from a newer logsieve is refused, never rewritten. Size is
// bounded: past store.max_templates, the templates seen least recently (then
// least often) are dropped with their examples, down to 90 % of the bound;
// past store.max_corrections the oldest corrections go; the file never grows
// past store.max_bytes (a write that would is refused with ResourceExhausted
// and loses nothing already stored).
//
// Opening (StoreOpenMode): writers (serve, worker, feedback import) create the
// file and its folder when absent; commands that only read (review, store
// stats) open an existing store read-only and never create anything, and a
// missing store is NotFound naming the path. An SQLite file that has tables
// but no logsieve schema version (another program's) is refused, never given
// logsieve's tables; a store whose folder cannot be written is reported as
// read-only (a WAL store needs its folder for the -wal and -shm files), not
// as locked.
//
// Errors name the file: "s.db: store is locked by another writer (database is
// locked)", "s.db: not a logsieve store or corrupt (file is not a database, ...)".
//
// Thread safety: every method may be called from any thread (one connection,
// behind a mutex).
#ifndef LOGSIEVE_STORE_STORE_H_
#define LOGSIEVE_STORE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "common/thread_annotations.h"

struct sqlite3;

namespace logsieve {

struct StoreOptions {
  std::string path;
  int64_t max_templates;
  int64_t max_corrections;
  int64_t max_bytes;
  int64_t busy_timeout_ms;
  int64_t examples;  // raw lines kept per template

  // store.* keys; an empty store.path becomes $XDG_STATE_HOME/logsieve/store.db
  // (else ~/.local/state/logsieve/store.db).
  static StatusOr<StoreOptions> FromConfig(const Config& config);
};

enum class StoreOpenMode {
  kCreate,    // read and write; the file and its folder are made when absent
  kExisting,  // read and write; a missing file is NotFound (purge)
  kReadOnly,  // read only; a missing file is NotFound, nothing is migrated or written
};

// What classification saw of one template since the last write; Record merges
// it into the stored row (count added, last_seen moved, label replaced).
struct TemplateObservation {
  uint64_t key = 0;  // TemplateKey(route, template)
  std::string source;
  std::string template_text;
  std::string label;
  std::string method;  // "LLM", "ML", "None"
  std::optional<float> confidence;
  bool degraded = false;
  // The model's guess below the threshold when the LLM then decided; empty if none.
  std::string model_label;
  std::optional<float> model_confidence;
  std::string llm_model;
  std::string prompt_version;
  int64_t count = 0;
  int64_t first_seen = 0;  // unix seconds
  int64_t last_seen = 0;
  std::vector<std::string> examples;  // raw lines, at most StoreOptions::examples kept
};

// A person's answer for one line.
struct Correction {
  std::string source;
  std::string log_message;
  std::string target_label;
  std::string note;
  std::string origin;  // "api", "import"
  // The pipeline's decision for the line when the correction came (filled by
  // the caller); a model ("ML") decision that differs is a disagreement.
  uint64_t key = 0;
  std::string template_text;
  std::string previous_label;
  std::string previous_method;
  int64_t time = 0;
};

// One entry of the review queue.
struct ReviewItem {
  uint64_t key = 0;
  std::string source;
  std::string template_text;
  std::string label;
  std::string method;
  std::optional<float> confidence;
  bool degraded = false;
  std::string model_label;  // the model's disagreeing guess, if any
  int64_t count = 0;
  int64_t first_seen = 0;
  int64_t last_seen = 0;
  std::vector<std::string> reasons;  // "unclassified", "degraded", "low confidence", "disagreement"
  std::vector<std::string> examples;
};

// A stored answer for training: one template with the label a person or the
// LLM gave it.
struct StoredLabel {
  std::string source;
  std::string text;  // a raw example line (corrections: the corrected line)
  std::string label;
  std::string origin;  // "correction" or "llm"
  std::optional<float> confidence;
  int64_t count = 0;
};

// One stored correction, as the classifier consults it (CorrectionFeed).
struct CorrectionRow {
  int64_t id = 0;  // increasing in the order they were stored
  std::string source;
  std::string log_message;
  std::string target_label;
};

struct StoreStats {
  int64_t schema_version = 0;
  int64_t templates = 0;
  int64_t llm_templates = 0;
  int64_t corrections = 0;
  int64_t disagreements = 0;
  int64_t bytes = 0;
};

class Store {
 public:
  // The schema this logsieve writes; Open migrates older files up to it.
  static constexpr int64_t kSchemaVersion = 1;

  // Opens the store as `mode` says and (unless kReadOnly) migrates it.
  // Errors: NotFound (no store at the path without kCreate; a folder that
  // cannot be made), PermissionDenied (the store's folder is read-only),
  // DataLoss (not SQLite / corrupt), FailedPrecondition (another program's
  // SQLite file; a schema newer than kSchemaVersion; kReadOnly and older),
  // Unavailable (locked).
  static StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options,
                                               StoreOpenMode mode = StoreOpenMode::kCreate);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& path() const { return options_.path; }
  int64_t max_corrections() const { return options_.max_corrections; }

  // Merges `observations` in one transaction, then applies the size bound.
  // On error nothing of this call is stored (Unavailable: locked;
  // ResourceExhausted: store.max_bytes reached; DataLoss: corrupt).
  Status Record(std::span<const TemplateObservation> observations) EXCLUDES(mu_);
  // `evicted`, when given, is set to the corrections store.max_corrections
  // dropped in this call (the oldest first, those of this call included).
  Status AddCorrections(std::span<const Correction> corrections, int64_t* evicted = nullptr)
      EXCLUDES(mu_);

  // The templates most worth a person's look, at most `limit`: unclassified,
  // degraded, below `low_confidence`, or model and LLM disagreeing; among them
  // those with more reasons first, then the most frequent. A template a
  // person already corrected is left out (its correction answers it now).
  StatusOr<std::vector<ReviewItem>> Review(size_t limit, double low_confidence) EXCLUDES(mu_);
  // Training data: every correction, and each LLM-decided template (not
  // degraded) with confidence >= min_llm_confidence, one example line each.
  StatusOr<std::vector<StoredLabel>> Labels(double min_llm_confidence) EXCLUDES(mu_);
  StatusOr<StoreStats> Stats() EXCLUDES(mu_);
  // The corrections stored after `after_id`, oldest first.
  StatusOr<std::vector<CorrectionRow>> CorrectionsAfter(int64_t after_id) EXCLUDES(mu_);
  // How many corrections there are and the largest id (0 when none): what
  // changed since a reader last looked, cheaply.
  StatusOr<std::pair<int64_t, int64_t>> CorrectionsExtent() EXCLUDES(mu_);
  // Deletes everything recorded (the schema stays) and gives the space back.
  Status Purge() EXCLUDES(mu_);

 private:
  class Transaction;  // BEGIN IMMEDIATE ... COMMIT, rolled back when dropped
  Store(StoreOptions options, sqlite3* db);
  Status Exec(const char* sql) REQUIRES(mu_);
  Status Fail(const char* doing) REQUIRES(mu_);
  Status Migrate(StoreOpenMode mode) REQUIRES(mu_);
  // FailedPrecondition when the file holds tables but no logsieve schema.
  Status RefuseForeign() REQUIRES(mu_);
  // `corrections_evicted`, when given, counts the corrections dropped.
  Status Evict(int64_t* corrections_evicted = nullptr) REQUIRES(mu_);
  // The bodies of Record and AddCorrections, inside their transaction.
  Status WriteObservations(std::span<const TemplateObservation> observations) REQUIRES(mu_);
  Status WriteCorrections(std::span<const Correction> corrections, int64_t* evicted) REQUIRES(mu_);

  const StoreOptions options_;
  Mutex mu_;
  sqlite3* const db_ PT_GUARDED_BY(mu_);
};

}  // namespace logsieve

#endif  // LOGSIEVE_STORE_STORE_H_
