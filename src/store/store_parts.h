// StoreParts: what a command's classifier takes from the learning loop's
// store, opened once per process.
//
//   StoreParts parts = OpenStoreParts(config, "serve");
//   StatusOr<std::unique_ptr<Classifier>> c = CreateClassifier(config, parts);
//   // people's corrections answer first; serve records what the LLM decided
//
// Per store.enabled ("off": nothing at all):
//   - recording (StoreRecorder) where RecordsIn says so: serve and the worker
//     with "auto", every command with "on";
//   - corrections (CorrectionFeed, refreshed every store.poll_ms) in every
//     command that has a store file: a command that does not record (classify
//     with "auto") reads an existing store and never creates one.
// A store that cannot be opened is logged and the command goes on without it.
//
// Thread safety: the parts are shared by every classifier built from them
// (a server's reloads keep the same store, recorder and feed).
#ifndef LOGSIEVE_STORE_STORE_PARTS_H_
#define LOGSIEVE_STORE_STORE_PARTS_H_

#include <memory>
#include <string_view>

#include "common/config.h"
#include "common/status.h"
#include "pipeline/classifier.h"
#include "store/correction_feed.h"
#include "store/recorder.h"
#include "store/store.h"

namespace logsieve {

struct StoreParts {
  std::shared_ptr<Store> store;                 // null: no store here
  std::shared_ptr<StoreRecorder> recorder;      // null: this command does not record
  std::shared_ptr<CorrectionFeed> corrections;  // null: no corrections consulted
};

StoreParts OpenStoreParts(const Config& config, std::string_view command);

// Classifier::Create(config) consulting parts.corrections, wrapped to record
// into parts.recorder when there is one.
StatusOr<std::unique_ptr<Classifier>> CreateClassifier(const Config& config,
                                                       const StoreParts& parts);

}  // namespace logsieve

#endif  // LOGSIEVE_STORE_STORE_PARTS_H_
