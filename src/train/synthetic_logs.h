// SyntheticLogs: a deterministic generator of realistic labelled log lines
// for the nine default labels, used to train and evaluate the shipped model.
//
//   SyntheticOptions o{.seed = 1, .rows = 20000, .split = SyntheticSplit::kTrain};
//   std::vector<SyntheticRow> rows = GenerateSyntheticLogs(o);
//
// Each template *family* is one way of saying one thing ("(failed|invalid)
// password for {user} from {ip}"), written with alternatives "(a|b|)" and
// variable slots "{ip}". The families, slots, labels, kinds of systems and
// line formats are data (synthetic_families.{h,cc}); synthetic_logs.cc is
// the engine. A row picks a label uniformly, a family of that label, expands it,
// and wraps it in a line format (syslog, ISO timestamp + level, JSON, logfmt,
// bracketed level, or bare message) with noise (request ids, trace ids, case
// changes). Families are split for held-out evaluation: every fifth family
// of each label is kHoldout, the rest kTrain; kAll uses every family.
//
// Determinism: the output depends only on the options (own PRNG, no
// std::distribution, the order of every draw written down in
// synthetic_families.h), with every compiler on every platform.
//
// Thread safety: a pure function.
#ifndef LOGSIEVE_TRAIN_SYNTHETIC_LOGS_H_
#define LOGSIEVE_TRAIN_SYNTHETIC_LOGS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logsieve {

enum class SyntheticSplit { kAll, kTrain, kHoldout };

struct SyntheticOptions {
  uint64_t seed = 1;
  size_t rows = 20000;
  SyntheticSplit split = SyntheticSplit::kAll;
};

struct SyntheticRow {
  std::string source;   // the system ("sshd", "BillingSystem", "nova-compute", ...)
  std::string message;  // the log line
  std::string label;    // one of the nine default labels
  int family = 0;       // the template family it came from
};

std::vector<SyntheticRow> GenerateSyntheticLogs(const SyntheticOptions& options);

// The rows as CSV (`logsieve gen-data`): a header source,log_message,target_label,
// then one row each; ReadLabelledCsv reads it back.
std::string SyntheticCsv(const SyntheticOptions& options);

// Number of template families, and how many are held out.
size_t SyntheticFamilyCount();
size_t SyntheticHoldoutFamilyCount();

}  // namespace logsieve

#endif  // LOGSIEVE_TRAIN_SYNTHETIC_LOGS_H_
