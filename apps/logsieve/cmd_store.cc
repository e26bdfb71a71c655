// The learning loop's commands (doc/learning.md): `logsieve review`,
// `logsieve feedback import FILE.csv`, `logsieve store stats|purge`.
#include <cstdio>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/json.h"
#include "pipeline/classifier.h"
#include "pipeline_flags.h"
#include "store/feedback.h"
#include "store/store.h"

namespace logsieve::cli {
namespace {

// Commands that only read open with kReadOnly: they never create a store.
std::unique_ptr<Store> OpenOrFail(const Config& config, StoreOpenMode mode) {
  StatusOr<StoreOptions> options = StoreOptions::FromConfig(config);
  if (!options.ok()) Fail(options.status());
  StatusOr<std::unique_ptr<Store>> store = Store::Open(*options, mode);
  if (!store.ok()) Fail(store.status());
  return *std::move(store);
}

}  // namespace

void AddStoreCommands(CLI::App& app) {
  // logsieve review
  {
    CLI::App* cmd = app.add_subcommand(
        "review",
        "The stored templates most worth a look: unclassified, degraded, low confidence, "
        "model and LLM disagreeing; most frequent first");
    struct Opts {
      PipelineFlags pipeline;
      size_t limit = 50;
      double min_confidence = 0.7;
      bool json = false;
    };
    auto o = std::make_shared<Opts>();
    cmd->add_option("--limit", o->limit, "Entries at most")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    cmd->add_option("--min-confidence", o->min_confidence,
                    "Answers below this confidence are 'low confidence'")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    cmd->add_flag("--json", o->json, "One JSON object per entry (the GET /v1/review item shape)");
    AddConfigFlags(cmd, &o->pipeline);
    AddExamples(cmd, {"logsieve review --limit 20", "logsieve review --json | jq .template"});
    cmd->callback([o] {
      std::unique_ptr<Store> store =
          OpenOrFail(o->pipeline.BuildConfigOrFail(), StoreOpenMode::kReadOnly);
      StatusOr<std::vector<ReviewItem>> items = store->Review(o->limit, o->min_confidence);
      if (!items.ok()) Fail(items.status());
      for (const ReviewItem& item : *items) {
        nlohmann::json j = ReviewItemJson(item);
        if (o->json) {
          std::cout << DumpJson(j) << "\n";
          continue;
        }
        std::string reasons;
        for (const std::string& r : item.reasons) reasons += (reasons.empty() ? "" : ", ") + r;
        std::cout << DumpJson(j["count"]) << "x  " << item.label << " (" << item.method
                  << (item.confidence ? " " + std::to_string(*item.confidence).substr(0, 4) : "")
                  << (item.model_label.empty() ? "" : ", model said " + item.model_label) << ")  ["
                  << reasons << "]\n    " << DumpJson(j["source"]) << " " << DumpJson(j["template"])
                  << "\n";
      }
      if (items->empty())
        std::fprintf(stderr, "logsieve: nothing to review in %s\n", store->path().c_str());
    });
  }
  // logsieve feedback import FILE.csv
  {
    CLI::App* feedback = app.add_subcommand("feedback", "Human corrections into the store");
    feedback->require_subcommand(1);
    AddExamples(feedback, {"logsieve feedback import corrections.csv"});
    CLI::App* cmd = feedback->add_subcommand(
        "import",
        "Load a CSV of corrections (log_message, target_label; source, note optional); "
        "all rows or none");
    struct Opts {
      PipelineFlags pipeline;
      std::string file;
    };
    auto o = std::make_shared<Opts>();
    cmd->add_option("FILE", o->file, "CSV file")->required();
    AddPipelineFlags(cmd, &o->pipeline);
    AddExamples(cmd, {"logsieve feedback import corrections.csv   # log_message,target_label"});
    cmd->callback([o] {
      Config config = o->pipeline.BuildConfigOrFail();
      // What each line was decided as before, by the cheap tiers only: no LLM calls.
      for (auto [key, value] :
           {std::pair{"pipeline.stages", "[rules, model]"}, std::pair{"pipeline.routes", "[]"}}) {
        if (Status s = config.Set(key, value, "feedback import"); !s.ok()) Fail(s);
      }
      StatusOr<std::unique_ptr<Classifier>> classifier = Classifier::Create(config);
      if (!classifier.ok()) Fail(classifier.status());
      std::unique_ptr<Store> store = OpenOrFail(config, StoreOpenMode::kCreate);
      StatusOr<FeedbackImport> n = ImportFeedbackCsv(**classifier, *store, o->file,
                                                     config.GetSize("input.max_record_bytes"));
      if (!n.ok()) Fail(n.status());
      if (n->evicted_imported + n->evicted_older > 0) {
        std::fprintf(stderr,
                     "logsieve: warning: store.max_corrections (%lld) evicted %zu of the %zu "
                     "imported rows and %zu older corrections (the oldest go first); raise it "
                     "to keep more\n",
                     static_cast<long long>(store->max_corrections()), n->evicted_imported, n->rows,
                     n->evicted_older);
      }
      std::fprintf(stderr, "logsieve: %zu corrections stored in %s (%zu rows read, %zu evicted)\n",
                   n->kept, store->path().c_str(), n->rows, n->evicted_imported);
    });
  }
  // logsieve store stats | purge
  {
    CLI::App* cmd = app.add_subcommand("store", "The learning loop's store: stats, purge");
    cmd->require_subcommand(1);
    AddExamples(cmd, {"logsieve store stats", "logsieve store purge"});
    auto flags = std::make_shared<PipelineFlags>();
    CLI::App* stats = cmd->add_subcommand("stats", "What the store holds (JSON)");
    AddConfigFlags(stats, flags.get());
    AddExamples(stats, {"logsieve store stats", "logsieve store stats --set store.path=/tmp/s.db"});
    stats->callback([flags] {
      std::unique_ptr<Store> store =
          OpenOrFail(flags->BuildConfigOrFail(), StoreOpenMode::kReadOnly);
      StatusOr<StoreStats> s = store->Stats();
      if (!s.ok()) Fail(s.status());
      std::cout << DumpJson(nlohmann::json{{"path", store->path()},
                                           {"schema_version", s->schema_version},
                                           {"templates", s->templates},
                                           {"llm_templates", s->llm_templates},
                                           {"corrections", s->corrections},
                                           {"disagreements", s->disagreements},
                                           {"bytes", s->bytes}},
                            2)
                << "\n";
    });
    auto purge_flags = std::make_shared<PipelineFlags>();
    CLI::App* purge = cmd->add_subcommand(
        "purge", "Delete everything recorded (log text included) and give the space back");
    AddConfigFlags(purge, purge_flags.get());
    AddExamples(purge, {"logsieve store purge"});
    purge->callback([purge_flags] {
      std::unique_ptr<Store> store =
          OpenOrFail(purge_flags->BuildConfigOrFail(), StoreOpenMode::kExisting);
      if (Status s = store->Purge(); !s.ok()) Fail(s);
      std::fprintf(stderr, "logsieve: %s purged\n", store->path().c_str());
    });
  }
}

}  // namespace logsieve::cli
