// `logsieve learn` and `logsieve models list|activate V|rollback` (doc/learning.md).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "commands.h"
#include "learn/learn.h"
#include "learn/rule_suggest.h"
#include "model/registry.h"
#include "pipeline_flags.h"
#include "store/store.h"

namespace logsieve::cli {
namespace {

Registry RegistryOrFail(const Config& config) {
  StatusOr<Registry> r = Registry::Open(RegistryDir(config));
  if (!r.ok()) Fail(r.status());
  for (const std::string& why : r->Incomplete()) {
    std::fprintf(stderr, "logsieve: %s: skipped, not a whole version (%s)\n", r->dir().c_str(),
                 why.c_str());
  }
  return *std::move(r);
}

}  // namespace

void AddLearnCommands(CLI::App& app) {
  {
    CLI::App* cmd = app.add_subcommand(
        "learn",
        "Train a candidate model on the base corpus plus the store, gate it against the "
        "current model, register it, and activate it only if it is not worse");
    struct Opts {
      PipelineFlags pipeline;
      std::string base;
      bool json = false;
    };
    auto o = std::make_shared<Opts>();
    cmd->add_option("--base", o->base, "Base corpus CSV (learn.base_corpus)");
    cmd->add_flag("--json", o->json, "The report as JSON");
    AddPipelineFlags(cmd, &o->pipeline);
    AddExamples(cmd, {"logsieve learn", "logsieve learn --base data/train.csv --json"});
    cmd->callback([o] {
      Config config = o->pipeline.BuildConfigOrFail();
      if (!o->base.empty()) {
        if (Status s = config.Set("learn.base_corpus", o->base, "flag --base"); !s.ok()) Fail(s);
      }
      StatusOr<StoreOptions> so = StoreOptions::FromConfig(config);
      if (!so.ok()) Fail(so.status());
      // learn reads the store; it never creates one.
      if (std::error_code ec; !std::filesystem::is_regular_file(so->path, ec)) {
        Fail(FailedPreconditionError(so->path +
                                     ": no store there, so nothing to learn from (serve and the "
                                     "worker make it; store.path names another)"));
      }
      StatusOr<std::unique_ptr<Store>> store = Store::Open(*so, StoreOpenMode::kExisting);
      if (!store.ok()) Fail(store.status());
      StatusOr<LearnReport> report = Learn(config, **store, LearnOptions::FromConfig(config));
      if (!report.ok()) Fail(report.status());
      if (o->json) {
        std::cout << LearnReportToJson(*report).dump(2) << "\n";
      } else {
        std::cout << FormatLearnReport(*report);
      }
    });
  }
  // logsieve rules suggest, beside `rules check|test`.
  // REQUIRES: AddRulesCommand ran first (main.cc).
  {
    CLI::App* rules = app.get_subcommand("rules");
    CLI::App* cmd = rules->add_subcommand(
        "suggest",
        "Propose regex rules (YAML) for frequent stored templates with one label; "
        "nothing is applied");
    struct Opts {
      PipelineFlags pipeline;
      SuggestOptions suggest;
    };
    auto o = std::make_shared<Opts>();
    cmd->add_option("--min-support", o->suggest.min_support, "Lines a template needs")
        ->check(CLI::Range(int64_t{1}, int64_t{1000000000}).description("INT >= 1"))
        ->capture_default_str();
    cmd->add_option("--min-precision", o->suggest.min_precision,
                    "Share of the matched stored lines that must carry the label")
        ->check(CLI::Range(0.0, 1.0))
        ->capture_default_str();
    cmd->add_option("--limit", o->suggest.limit, "Proposals at most")->capture_default_str();
    AddPipelineFlags(cmd, &o->pipeline);
    AddExamples(cmd, {"logsieve rules suggest --min-support 50 > proposed.yaml"});
    cmd->callback([o] {
      Config config = o->pipeline.BuildConfigOrFail();
      StatusOr<StoreOptions> so = StoreOptions::FromConfig(config);
      if (!so.ok()) Fail(so.status());
      StatusOr<std::unique_ptr<Store>> store = Store::Open(*so, StoreOpenMode::kReadOnly);
      if (!store.ok()) Fail(store.status());
      StatusOr<std::vector<RuleSuggestion>> s = SuggestRules(config, **store, o->suggest);
      if (!s.ok()) Fail(s.status());
      std::cout << SuggestionsYaml(*s, (*store)->path());
    });
  }
  {
    CLI::App* cmd = app.add_subcommand("models", "The model registry: list, activate V, rollback");
    cmd->require_subcommand(1);
    AddExamples(cmd, {"logsieve models list", "logsieve models activate v0003",
                      "logsieve models rollback"});
    auto flags = std::make_shared<PipelineFlags>();
    CLI::App* list = cmd->add_subcommand("list", "Every registered version, oldest first");
    AddConfigFlags(list, flags.get());
    AddExamples(list, {"logsieve models list"});
    list->callback([flags] {
      Registry r = RegistryOrFail(flags->BuildConfigOrFail());
      StatusOr<std::vector<RegistryEntry>> entries = r.List();
      if (!entries.ok()) Fail(entries.status());
      for (const RegistryEntry& e : *entries) {
        const nlohmann::json& m = e.metadata;
        std::string acc;
        if (m.contains("metrics") && m["metrics"].contains("ood dev")) {
          acc = " ood-dev accuracy " +
                m["metrics"]["ood dev"]["candidate"].value("accuracy", nlohmann::json(0)).dump();
        }
        std::printf("%s %s  %s  parent %s  %s%s\n", e.active ? "*" : " ", e.version.c_str(),
                    m.value("created_at", std::string("?")).c_str(),
                    m.value("parent", std::string("?")).c_str(),
                    m.value("promoted", false) ? "promoted" : "not promoted", acc.c_str());
      }
      std::fprintf(stderr,
                   "logsieve: registry %s; its active version runs wherever model.file is empty\n",
                   r.dir().c_str());
    });
    auto activate_flags = std::make_shared<PipelineFlags>();
    auto version = std::make_shared<std::string>();
    CLI::App* activate = cmd->add_subcommand("activate", "Make version V the active model");
    activate->add_option("V", *version, "Version (v0003)")->required();
    AddConfigFlags(activate, activate_flags.get());
    AddExamples(activate, {"logsieve models activate v0003"});
    activate->callback([activate_flags, version] {
      Registry r = RegistryOrFail(activate_flags->BuildConfigOrFail());
      if (Status s = r.Activate(*version); !s.ok()) Fail(s);
      std::fprintf(stderr, "logsieve: %s is active (%s)\n", version->c_str(),
                   r.active_model_path().c_str());
    });
    auto rollback_flags = std::make_shared<PipelineFlags>();
    CLI::App* rollback =
        cmd->add_subcommand("rollback",
                            "Make the active version's parent active again (for the first learned "
                            "version: none, so the bundled model runs)");
    AddConfigFlags(rollback, rollback_flags.get());
    AddExamples(rollback, {"logsieve models rollback"});
    rollback->callback([rollback_flags] {
      Registry r = RegistryOrFail(rollback_flags->BuildConfigOrFail());
      StatusOr<std::string> v = r.Rollback();
      if (!v.ok()) Fail(v.status());
      if (v->empty()) {
        std::fprintf(stderr,
                     "logsieve: rolled back: no version is active; model.file, else the bundled "
                     "model, runs\n");
      } else {
        std::fprintf(stderr, "logsieve: rolled back: %s is active (%s)\n", v->c_str(),
                     r.active_model_path().c_str());
      }
    });
  }
}

}  // namespace logsieve::cli
