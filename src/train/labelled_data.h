// Labelled log lines: the input of training and evaluation, read from a CSV
// with columns log_message and target_label (source optional), through io's
// RecordReader (the same CSV rules as `logsieve classify`: fields trimmed,
// rows of the wrong width refused).
//
//   StatusOr<LabelledData> d = ReadLabelledCsv("data/sample.csv");
//   for (const std::string& m : d->skip_messages) std::cerr << m << "\n";
//
// Bad rows (malformed CSV, wrong field count, empty log_message or
// target_label) are skipped and counted, the first 20 with "FILE:LINE: why";
// the good rows are all kept. A missing column or a file without good rows is
// an error.
//
// Thread safety: a pure function.
#ifndef LOGSIEVE_TRAIN_LABELLED_DATA_H_
#define LOGSIEVE_TRAIN_LABELLED_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "common/label_set.h"
#include "common/status.h"

namespace logsieve {

struct LabelledLine {
  std::string source;
  std::string message;
  std::string label;
};

struct LabelledData {
  std::vector<LabelledLine> rows;
  uint64_t skipped = 0;                    // bad rows
  std::vector<std::string> skip_messages;  // the first 20: "FILE:LINE: why"
};

// `path`: a file, or "-" for stdin.
StatusOr<LabelledData> ReadLabelledCsv(const std::string& path);

// Rows labelled with stage labels (the synthetic corpus, tests/data/ood_dev.csv:
// the bundled labels) relabelled for `labels`: a label the set maps
// (LabelSet::Map, labels[].from) becomes the set's label; a bundled label the
// set leaves unmapped (LabelSet::Accepts) stays as it is, so a model trained
// on the rows still tells such lines apart and the model stage is unsure of
// them; rows of any other label are dropped. Returns how many were dropped.
// Without `from` this keeps the rows whose label is in the set.
size_t MapLabels(const LabelSet& labels, std::vector<LabelledLine>* rows);

// The classes to train on `rows` under `labels`: the set's labels that occur,
// in set order, then the other labels that occur (unmapped bundled ones after
// MapLabels), sorted.
std::vector<std::string> ClassOrder(const LabelSet& labels, const std::vector<LabelledLine>& rows);

}  // namespace logsieve

#endif  // LOGSIEVE_TRAIN_LABELLED_DATA_H_
