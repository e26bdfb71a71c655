#include "store/store.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "common/config_binding.h"

namespace logsieve {
namespace {

// Schema migrations: kMigrations[v] takes a store from version v to v + 1.
// Append only; a shipped step is never edited.
constexpr const char* kMigrations[] = {
    // 0 -> 1: the first schema.
    R"sql(
CREATE TABLE templates(
  key INTEGER PRIMARY KEY,          -- TemplateKey(route, template), as signed 64 bits
  source TEXT NOT NULL,
  template TEXT NOT NULL,
  label TEXT NOT NULL,
  method TEXT NOT NULL,             -- LLM, ML, None
  confidence REAL,
  degraded INTEGER NOT NULL DEFAULT 0,
  model_label TEXT NOT NULL DEFAULT '',
  model_confidence REAL,
  llm_model TEXT NOT NULL DEFAULT '',
  prompt_version TEXT NOT NULL DEFAULT '',
  count INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL);
CREATE TABLE examples(
  key INTEGER NOT NULL REFERENCES templates(key) ON DELETE CASCADE,
  message TEXT NOT NULL,
  UNIQUE(key, message));
CREATE TABLE corrections(
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  source TEXT NOT NULL,
  log_message TEXT NOT NULL,
  target_label TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  origin TEXT NOT NULL,
  key INTEGER NOT NULL,
  template TEXT NOT NULL,
  previous_label TEXT NOT NULL DEFAULT '',
  previous_method TEXT NOT NULL DEFAULT '');
CREATE TABLE disagreements(
  key INTEGER NOT NULL,
  answer_by TEXT NOT NULL,          -- llm, human
  source TEXT NOT NULL,
  template TEXT NOT NULL,
  model_label TEXT NOT NULL,
  model_confidence REAL,
  answer_label TEXT NOT NULL,
  count INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  last_seen INTEGER NOT NULL,
  PRIMARY KEY(key, answer_by));
)sql",
};
constexpr int64_t kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == Store::kSchemaVersion);

int64_t Signed(uint64_t key) { return static_cast<int64_t>(key); }

// A prepared statement, finalized at scope end.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &s_, nullptr); }
  ~Stmt() { sqlite3_finalize(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return rc_ == SQLITE_OK; }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  Stmt& Bind(int i, const std::string& v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, double v) {
    sqlite3_bind_double(s_, i, v);
    return *this;
  }
  Stmt& Bind(int i, std::optional<float> v) {
    if (v) {
      sqlite3_bind_double(s_, i, *v);
    } else {
      sqlite3_bind_null(s_, i);
    }
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int Step() { return sqlite3_step(s_); }
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  int64_t Int(int col) const { return sqlite3_column_int64(s_, col); }
  std::string Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, col));
    return p == nullptr ? std::string() : std::string(p, sqlite3_column_bytes(s_, col));
  }
  std::optional<float> Real(int col) const {
    if (sqlite3_column_type(s_, col) == SQLITE_NULL) return std::nullopt;
    return static_cast<float>(sqlite3_column_double(s_, col));
  }

 private:
  sqlite3_stmt* s_ = nullptr;
  int rc_;
};

Status MakeParents(const std::string& path) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    std::string dir = path.substr(0, slash);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
      return NotFoundError(path + ": cannot create the store's folder " + dir + " (" +
                           std::strerror(errno) + ")");
    }
  }
  return OkStatus();
}

std::string FolderOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// A WAL store writes -wal and -shm beside itself, even to be read.
Status CheckFolderWritable(const std::string& path) {
  const std::string dir = FolderOf(path);
  if (access(dir.c_str(), W_OK) != 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
    return PermissionDeniedError(path + ": the store's folder " + dir + " is read-only (" +
                                 std::strerror(errno) +
                                 "); the store needs it writable for its journal (-wal, -shm)");
  }
  return OkStatus();
}

std::string DefaultStorePath() {
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return std::string(xdg) + "/logsieve/store.db";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    return std::string(home) + "/.local/state/logsieve/store.db";
  }
  return "logsieve-store.db";
}

}  // namespace

constexpr ConfigBinding<StoreOptions> kStoreBindings[] = {
    {"store.path", &StoreOptions::path},
    {"store.max_templates", &StoreOptions::max_templates},
    {"store.max_corrections", &StoreOptions::max_corrections},
    {"store.max_bytes", &StoreOptions::max_bytes},
    {"store.busy_timeout_ms", &StoreOptions::busy_timeout_ms},
    {"store.examples", &StoreOptions::examples},
};

StatusOr<StoreOptions> StoreOptions::FromConfig(const Config& config) {
  StoreOptions o;
  BindConfig(config, kStoreBindings, &o);
  if (o.path.empty()) o.path = DefaultStorePath();
  return o;
}

Store::Store(StoreOptions options, sqlite3* db) : options_(std::move(options)), db_(db) {}

Store::~Store() { sqlite3_close_v2(db_); }

// One write transaction (BEGIN IMMEDIATE, so a second writer waits at the
// start, not at COMMIT). Commit() makes it durable; a Transaction that goes
// away without a successful Commit rolls back, so every early error return
// leaves the store as it was. The status of a failed statement is made
// before the rollback, so it still names what failed. Built under mu_.
class Store::Transaction {
 public:
  explicit Transaction(Store* store) REQUIRES(store->mu_)
      : store_(store), begun_(store->Exec("BEGIN IMMEDIATE")) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  // The constructor required mu_, and a Transaction lives in its caller's
  // locked scope; the analysis cannot see that the lock outlives it.
  ~Transaction() NO_THREAD_SAFETY_ANALYSIS {
    if (begun_.ok() && !committed_) (void)store_->Exec("ROLLBACK");
  }
  const Status& begun() const { return begun_; }
  Status Commit() NO_THREAD_SAFETY_ANALYSIS {
    Status s = store_->Exec("COMMIT");
    committed_ = s.ok();  // a COMMIT that failed (busy) leaves it open: rolled back
    return s;
  }

 private:
  Store* const store_;
  const Status begun_;
  bool committed_ = false;
};

Status Store::Exec(const char* sql) {
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) return Fail(sql);
  return OkStatus();
}

// The status for the connection's last error, naming the file and the cause.
Status Store::Fail(const char* doing) {
  const int code = sqlite3_extended_errcode(db_) & 0xff;
  // `doing` is a phrase or a statement; a statement is cut to its first line.
  std::string what(doing);
  what.erase(0, std::min(what.find_first_not_of("\n "), what.size()));
  what = what.substr(0, std::min(what.find_first_of("\n("), size_t{40}));
  std::string why = std::string(sqlite3_errmsg(db_)) + ", " + what;
  switch (code) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return UnavailableError(options_.path + ": store is locked by another writer (" + why + ")");
    case SQLITE_FULL:
      return ResourceExhaustedError(options_.path + ": store is full (store.max_bytes " +
                                    std::to_string(options_.max_bytes) + ", or the disk) (" + why +
                                    ")");
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return DataLossError(options_.path + ": not a logsieve store or corrupt (" + why +
                           "); move it away or point store.path elsewhere");
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_IOERR:
      return UnavailableError(options_.path + ": store cannot be written (" + why + ")");
    default:
      return InternalError(options_.path + ": store: " + why);
  }
}

StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options, StoreOpenMode mode) {
  struct stat st {};
  if (stat(options.path.c_str(), &st) != 0) {
    if (mode != StoreOpenMode::kCreate) {
      return NotFoundError(options.path + ": no store here (" + std::strerror(errno) +
                           "); serve, worker and feedback import create it, store.path says "
                           "where");
    }
    LOGSIEVE_RETURN_IF_ERROR(MakeParents(options.path));
  } else if (!S_ISREG(st.st_mode)) {
    return InvalidArgumentError(options.path + ": is not a regular file, not a store");
  }
  LOGSIEVE_RETURN_IF_ERROR(CheckFolderWritable(options.path));
  const int flags = mode == StoreOpenMode::kReadOnly   ? SQLITE_OPEN_READONLY
                    : mode == StoreOpenMode::kExisting ? SQLITE_OPEN_READWRITE
                                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(options.path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return UnavailableError(options.path + ": cannot open the store (" + why + ")");
  }
  std::unique_ptr<Store> store(new Store(options, db));
  MutexLock lock(&store->mu_);
  sqlite3_busy_timeout(db, static_cast<int>(options.busy_timeout_ms));
  sqlite3_extended_result_codes(db, 1);
  LOGSIEVE_RETURN_IF_ERROR(store->Migrate(mode));
  return store;
}

Status Store::RefuseForeign() {
  Stmt q(db_, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name");
  if (!q.ok()) return Fail("reading the schema");
  std::string names;
  int count = 0;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    if (++count <= 5) names += (names.empty() ? "" : ", ") + q.Text(0);
  }
  if (rc != SQLITE_DONE) return Fail("reading the schema");
  if (count == 0) return OkStatus();
  return FailedPreconditionError(
      options_.path + ": an SQLite file of another program (tables: " + names +
      (count > 5 ? ", ..." : "") +
      ") with no logsieve schema version; refused, left unchanged: point store.path at a "
      "logsieve store or a new file");
}

Status Store::Migrate(StoreOpenMode mode) {
  // The first read of the file: a file that is not SQLite fails here.
  int64_t version = 0;
  {
    Stmt q(db_, "PRAGMA user_version");
    if (!q.ok() || q.Step() != SQLITE_ROW) return Fail("reading the schema version");
    version = q.Int(0);
  }
  if (version > kSchemaVersion) {
    return FailedPreconditionError(options_.path + ": store schema version " +
                                   std::to_string(version) + " is newer than this logsieve's (" +
                                   std::to_string(kSchemaVersion) +
                                   "); refused, left unchanged: upgrade logsieve or use another "
                                   "store.path");
  }
  if (version == 0) LOGSIEVE_RETURN_IF_ERROR(RefuseForeign());
  if (mode == StoreOpenMode::kReadOnly) {
    if (version == kSchemaVersion) return OkStatus();
    return FailedPreconditionError(
        options_.path + ": store schema version " + std::to_string(version) +
        (version == 0 ? " (an empty file)" : "") + ", older than this logsieve's (" +
        std::to_string(kSchemaVersion) +
        "); a command that reads only does not migrate it: serve, worker or feedback import do");
  }
  LOGSIEVE_RETURN_IF_ERROR(Exec("PRAGMA journal_mode=WAL"));
  LOGSIEVE_RETURN_IF_ERROR(Exec("PRAGMA synchronous=NORMAL"));
  LOGSIEVE_RETURN_IF_ERROR(Exec("PRAGMA foreign_keys=ON"));
  LOGSIEVE_RETURN_IF_ERROR(Exec("PRAGMA cache_size=-16384"));  // 16 MiB of pages
  {
    Stmt q(db_, "PRAGMA page_size");
    if (!q.ok() || q.Step() != SQLITE_ROW) return Fail("reading the page size");
    const int64_t pages =
        std::max<int64_t>(16, options_.max_bytes / std::max<int64_t>(1, q.Int(0)));
    LOGSIEVE_RETURN_IF_ERROR(Exec(("PRAGMA max_page_count=" + std::to_string(pages)).c_str()));
  }
  if (version == kSchemaVersion) return OkStatus();
  Transaction tx(this);
  LOGSIEVE_RETURN_IF_ERROR(tx.begun());
  // Another process may have migrated it meanwhile: read the version again.
  Stmt q(db_, "PRAGMA user_version");
  if (!q.ok() || q.Step() != SQLITE_ROW) return Fail("reading the schema version");
  if (q.Int(0) == 0) LOGSIEVE_RETURN_IF_ERROR(RefuseForeign());
  for (int64_t v = q.Int(0); v < kSchemaVersion; ++v) {
    LOGSIEVE_RETURN_IF_ERROR(Exec(kMigrations[v]));
  }
  LOGSIEVE_RETURN_IF_ERROR(Exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str()));
  return tx.Commit();
}

Status Store::WriteObservations(std::span<const TemplateObservation> observations) {
  Stmt upsert(db_, R"sql(
INSERT INTO templates(key, source, template, label, method, confidence, degraded, model_label,
                    model_confidence, llm_model, prompt_version, count, first_seen, last_seen)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
ON CONFLICT(key) DO UPDATE SET
label = excluded.label, method = excluded.method, confidence = excluded.confidence,
degraded = excluded.degraded,
model_label = CASE WHEN excluded.model_label != '' THEN excluded.model_label ELSE model_label END,
model_confidence = CASE WHEN excluded.model_label != '' THEN excluded.model_confidence
                   ELSE model_confidence END,
llm_model = CASE WHEN excluded.llm_model != '' THEN excluded.llm_model ELSE llm_model END,
prompt_version = CASE WHEN excluded.prompt_version != '' THEN excluded.prompt_version
                 ELSE prompt_version END,
count = count + excluded.count, last_seen = max(last_seen, excluded.last_seen)
WHERE template = excluded.template)sql");
  Stmt example(db_, R"sql(
INSERT OR IGNORE INTO examples(key, message)
SELECT ?1, ?2 WHERE (SELECT count(*) FROM examples WHERE key = ?1) < ?3)sql");
  Stmt disagree(db_, R"sql(
INSERT INTO disagreements(key, answer_by, source, template, model_label, model_confidence,
                        answer_label, count, first_seen, last_seen)
VALUES(?1, 'llm', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT(key, answer_by) DO UPDATE SET
model_label = excluded.model_label, model_confidence = excluded.model_confidence,
answer_label = excluded.answer_label, count = count + excluded.count,
last_seen = max(last_seen, excluded.last_seen))sql");
  if (!upsert.ok() || !example.ok() || !disagree.ok()) return Fail("preparing");
  for (const TemplateObservation& o : observations) {
    upsert.Bind(1, Signed(o.key))
        .Bind(2, o.source)
        .Bind(3, o.template_text)
        .Bind(4, o.label)
        .Bind(5, o.method)
        .Bind(6, o.confidence)
        .Bind(7, int64_t{o.degraded})
        .Bind(8, o.model_label)
        .Bind(9, o.model_confidence)
        .Bind(10, o.llm_model)
        .Bind(11, o.prompt_version)
        .Bind(12, o.count)
        .Bind(13, o.first_seen)
        .Bind(14, o.last_seen);
    if (upsert.Step() != SQLITE_DONE) return Fail("recording a template");
    upsert.Reset();
    // No change: the key is another template's (a 64-bit collision); skip.
    if (sqlite3_changes(db_) == 0) continue;
    for (const std::string& e : o.examples) {
      example.Bind(1, Signed(o.key)).Bind(2, e).Bind(3, options_.examples);
      if (example.Step() != SQLITE_DONE) return Fail("recording an example");
      example.Reset();
    }
    if (o.method == "LLM" && !o.degraded && !o.model_label.empty() && o.model_label != o.label) {
      disagree.Bind(1, Signed(o.key))
          .Bind(2, o.source)
          .Bind(3, o.template_text)
          .Bind(4, o.model_label)
          .Bind(5, o.model_confidence)
          .Bind(6, o.label)
          .Bind(7, o.count)
          .Bind(8, o.first_seen)
          .Bind(9, o.last_seen);
      if (disagree.Step() != SQLITE_DONE) return Fail("recording a disagreement");
      disagree.Reset();
    }
  }
  return Evict();
}

Status Store::WriteCorrections(std::span<const Correction> corrections, int64_t* evicted) {
  Stmt add(db_, R"sql(
INSERT INTO corrections(time, source, log_message, target_label, note, origin, key, template,
                      previous_label, previous_method)
VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10))sql");
  Stmt disagree(db_, R"sql(
INSERT INTO disagreements(key, answer_by, source, template, model_label, model_confidence,
                        answer_label, count, first_seen, last_seen)
VALUES(?1, 'human', ?2, ?3, ?4, NULL, ?5, 1, ?6, ?6)
ON CONFLICT(key, answer_by) DO UPDATE SET
model_label = excluded.model_label, answer_label = excluded.answer_label,
count = count + 1, last_seen = max(last_seen, excluded.last_seen))sql");
  if (!add.ok() || !disagree.ok()) return Fail("preparing");
  for (const Correction& c : corrections) {
    add.Bind(1, c.time)
        .Bind(2, c.source)
        .Bind(3, c.log_message)
        .Bind(4, c.target_label)
        .Bind(5, c.note)
        .Bind(6, c.origin)
        .Bind(7, Signed(c.key))
        .Bind(8, c.template_text)
        .Bind(9, c.previous_label)
        .Bind(10, c.previous_method);
    if (add.Step() != SQLITE_DONE) return Fail("recording a correction");
    add.Reset();
    if (c.previous_method == "ML" && c.previous_label != c.target_label) {
      disagree.Bind(1, Signed(c.key))
          .Bind(2, c.source)
          .Bind(3, c.template_text)
          .Bind(4, c.previous_label)
          .Bind(5, c.target_label)
          .Bind(6, c.time);
      if (disagree.Step() != SQLITE_DONE) return Fail("recording a disagreement");
      disagree.Reset();
    }
  }
  return Evict(evicted);
}

Status Store::Record(std::span<const TemplateObservation> observations) {
  if (observations.empty()) return OkStatus();
  MutexLock lock(&mu_);
  Transaction tx(this);
  LOGSIEVE_RETURN_IF_ERROR(tx.begun());
  LOGSIEVE_RETURN_IF_ERROR(WriteObservations(observations));
  return tx.Commit();
}

// The size rule: past max_templates, the least recently seen templates (then
// least used) go, with their examples and disagreements, down to 90 % of it
// (so the sort that picks them runs once per 10 % of growth, not per write);
// oldest corrections go first.
Status Store::Evict(int64_t* corrections_evicted) {
  Stmt count(db_, "SELECT count(*) FROM templates");
  if (!count.ok() || count.Step() != SQLITE_ROW) return Fail("counting templates");
  if (count.Int(0) > options_.max_templates) {
    const int64_t over = count.Int(0) - (options_.max_templates - options_.max_templates / 10);
    Stmt del(db_, R"sql(
DELETE FROM templates WHERE key IN
  (SELECT key FROM templates ORDER BY last_seen, count LIMIT ?1))sql");
    del.Bind(1, over);
    if (!del.ok() || del.Step() != SQLITE_DONE) return Fail("evicting templates");
    Stmt d2(db_, R"sql(
DELETE FROM disagreements WHERE answer_by = 'llm' AND key NOT IN (SELECT key FROM templates))sql");
    if (!d2.ok() || d2.Step() != SQLITE_DONE) return Fail("evicting disagreements");
  }
  Stmt human(db_, R"sql(
DELETE FROM disagreements WHERE answer_by = 'human' AND rowid IN
  (SELECT rowid FROM disagreements WHERE answer_by = 'human' ORDER BY last_seen
   LIMIT max(0, (SELECT count(*) FROM disagreements WHERE answer_by = 'human') - ?1)))sql");
  human.Bind(1, options_.max_corrections);
  if (!human.ok() || human.Step() != SQLITE_DONE) return Fail("evicting disagreements");
  Stmt corr(db_, R"sql(
DELETE FROM corrections WHERE id <= (SELECT max(id) FROM corrections) - ?1)sql");
  corr.Bind(1, options_.max_corrections);
  if (!corr.ok() || corr.Step() != SQLITE_DONE) return Fail("evicting corrections");
  if (corrections_evicted != nullptr) *corrections_evicted = sqlite3_changes64(db_);
  return OkStatus();
}

Status Store::AddCorrections(std::span<const Correction> corrections, int64_t* evicted) {
  if (evicted != nullptr) *evicted = 0;
  if (corrections.empty()) return OkStatus();
  MutexLock lock(&mu_);
  Transaction tx(this);
  LOGSIEVE_RETURN_IF_ERROR(tx.begun());
  int64_t dropped = 0;
  LOGSIEVE_RETURN_IF_ERROR(WriteCorrections(corrections, &dropped));
  LOGSIEVE_RETURN_IF_ERROR(tx.Commit());
  if (evicted != nullptr) *evicted = dropped;
  return OkStatus();
}

StatusOr<std::vector<ReviewItem>> Store::Review(size_t limit, double low_confidence) {
  MutexLock lock(&mu_);
  Stmt q(db_, R"sql(
SELECT t.key, t.source, t.template, t.label, t.method, t.confidence, t.degraded,
       coalesce(d.model_label, ''), t.count, t.first_seen, t.last_seen,
       t.method = 'None' AS unclassified,
       t.degraded AS degraded,
       (t.method != 'None' AND coalesce(t.confidence, 0) < ?2) AS low,
       d.key IS NOT NULL AS disagree
FROM templates t LEFT JOIN disagreements d ON d.key = t.key AND d.answer_by = 'llm'
WHERE (unclassified OR degraded OR low OR disagree)
  AND t.key NOT IN (SELECT key FROM corrections)
ORDER BY (unclassified + degraded + low + disagree) DESC, t.count DESC, t.last_seen DESC
LIMIT ?1)sql");
  if (!q.ok()) return Fail("preparing the review query");
  q.Bind(1, static_cast<int64_t>(limit));
  std::vector<ReviewItem> out;
  Stmt ex(db_, "SELECT message FROM examples WHERE key = ?1 ORDER BY rowid");
  if (!ex.ok()) return Fail("preparing the review query");
  q.Bind(2, low_confidence);
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) {
    ReviewItem r;
    r.key = static_cast<uint64_t>(q.Int(0));
    r.source = q.Text(1);
    r.template_text = q.Text(2);
    r.label = q.Text(3);
    r.method = q.Text(4);
    r.confidence = q.Real(5);
    r.degraded = q.Int(6) != 0;
    r.model_label = q.Text(7);
    r.count = q.Int(8);
    r.first_seen = q.Int(9);
    r.last_seen = q.Int(10);
    if (q.Int(11) != 0) r.reasons.emplace_back("unclassified");
    if (q.Int(12) != 0) r.reasons.emplace_back("degraded");
    if (q.Int(13) != 0) r.reasons.emplace_back("low confidence");
    if (q.Int(14) != 0) r.reasons.emplace_back("disagreement");
    ex.Bind(1, q.Int(0));
    while (ex.Step() == SQLITE_ROW) r.examples.push_back(ex.Text(0));
    ex.Reset();
    out.push_back(std::move(r));
  }
  if (rc != SQLITE_DONE) return Fail("reading the review queue");
  return out;
}

StatusOr<std::vector<StoredLabel>> Store::Labels(double min_llm_confidence) {
  MutexLock lock(&mu_);
  std::vector<StoredLabel> out;
  Stmt c(db_, "SELECT source, log_message, target_label FROM corrections ORDER BY id");
  if (!c.ok()) return Fail("preparing");
  int rc;
  while ((rc = c.Step()) == SQLITE_ROW) {
    out.push_back({c.Text(0), c.Text(1), c.Text(2), "correction", std::nullopt, 1});
  }
  if (rc != SQLITE_DONE) return Fail("reading corrections");
  Stmt t(db_, R"sql(
SELECT t.source, coalesce((SELECT message FROM examples e WHERE e.key = t.key ORDER BY rowid
                           LIMIT 1), t.template),
       t.label, t.confidence, t.count
FROM templates t
WHERE t.method = 'LLM' AND t.degraded = 0 AND coalesce(t.confidence, 0) >= ?1
ORDER BY t.key)sql");
  if (!t.ok()) return Fail("preparing");
  t.Bind(1, min_llm_confidence);
  while ((rc = t.Step()) == SQLITE_ROW) {
    out.push_back({t.Text(0), t.Text(1), t.Text(2), "llm", t.Real(3), t.Int(4)});
  }
  if (rc != SQLITE_DONE) return Fail("reading templates");
  return out;
}

StatusOr<StoreStats> Store::Stats() {
  MutexLock lock(&mu_);
  Stmt q(db_, R"sql(
SELECT (SELECT user_version FROM pragma_user_version),
       (SELECT count(*) FROM templates),
       (SELECT count(*) FROM templates WHERE method = 'LLM' AND degraded = 0),
       (SELECT count(*) FROM corrections),
       (SELECT count(*) FROM disagreements),
       (SELECT page_count * page_size FROM pragma_page_count, pragma_page_size))sql");
  if (!q.ok() || q.Step() != SQLITE_ROW) return Fail("reading the store's size");
  return StoreStats{q.Int(0), q.Int(1), q.Int(2), q.Int(3), q.Int(4), q.Int(5)};
}

StatusOr<std::vector<CorrectionRow>> Store::CorrectionsAfter(int64_t after_id) {
  MutexLock lock(&mu_);
  Stmt q(db_,
         "SELECT id, source, log_message, target_label FROM corrections WHERE id > ?1 ORDER BY id");
  if (!q.ok()) return Fail("preparing");
  q.Bind(1, after_id);
  std::vector<CorrectionRow> out;
  int rc;
  while ((rc = q.Step()) == SQLITE_ROW) out.push_back({q.Int(0), q.Text(1), q.Text(2), q.Text(3)});
  if (rc != SQLITE_DONE) return Fail("reading corrections");
  return out;
}

StatusOr<std::pair<int64_t, int64_t>> Store::CorrectionsExtent() {
  MutexLock lock(&mu_);
  Stmt q(db_, "SELECT count(*), coalesce(max(id), 0) FROM corrections");
  if (!q.ok() || q.Step() != SQLITE_ROW) return Fail("counting corrections");
  return std::pair<int64_t, int64_t>{q.Int(0), q.Int(1)};
}

Status Store::Purge() {
  MutexLock lock(&mu_);
  {
    Transaction tx(this);
    LOGSIEVE_RETURN_IF_ERROR(tx.begun());
    LOGSIEVE_RETURN_IF_ERROR(
        Exec("DELETE FROM examples; DELETE FROM templates; DELETE FROM corrections; "
             "DELETE FROM disagreements;"));
    LOGSIEVE_RETURN_IF_ERROR(tx.Commit());
  }
  // The deleted text must not linger in free pages or the WAL.
  LOGSIEVE_RETURN_IF_ERROR(Exec("VACUUM"));
  return Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

}  // namespace logsieve
