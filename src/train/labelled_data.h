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

}  // namespace logsieve

#endif  // LOGSIEVE_TRAIN_LABELLED_DATA_H_
