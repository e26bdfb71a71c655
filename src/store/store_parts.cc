#include "store/store_parts.h"

#include <sys/stat.h>

#include <cstdio>
#include <utility>

namespace logsieve {

StoreParts OpenStoreParts(const Config& config, std::string_view command) {
  StoreParts parts;
  if (config.GetString("store.enabled") == "off") return parts;
  const bool records = RecordsIn(config, command);
  if (!records) {  // a reader: only a store that exists
    StatusOr<StoreOptions> options = StoreOptions::FromConfig(config);
    struct stat st {};
    if (!options.ok() || stat(options->path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      return parts;
    }
  }
  parts.store = OpenStoreOrLog(config, records ? StoreOpenMode::kCreate : StoreOpenMode::kExisting);
  if (parts.store == nullptr) return parts;
  if (records) {
    parts.recorder =
        std::make_shared<StoreRecorder>(parts.store, RecorderOptions::FromConfig(config));
  }
  StatusOr<std::shared_ptr<CorrectionFeed>> feed =
      CorrectionFeed::Start(parts.store, config.GetInt("store.poll_ms"));
  if (!feed.ok()) {
    std::fprintf(stderr,
                 "logsieve: corrections not read, classification goes on without them: %s\n",
                 feed.status().message().c_str());
  } else {
    parts.corrections = *std::move(feed);
  }
  return parts;
}

StatusOr<std::unique_ptr<Classifier>> CreateClassifier(const Config& config,
                                                       const StoreParts& parts) {
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Classifier> classifier,
                            Classifier::Create(config, {.corrections = parts.corrections}));
  if (parts.recorder != nullptr) {
    classifier = WithRecording(std::move(classifier), parts.recorder, config);
  }
  return classifier;
}

}  // namespace logsieve
