#include "train/labelled_data.h"

#include <algorithm>
#include <set>

#include "common/config.h"
#include "io/input_stream.h"
#include "io/records.h"

namespace logsieve {
namespace {

constexpr size_t kMaxSkipMessages = 20;
constexpr std::string_view kMessageColumn = "log_message";

}  // namespace

StatusOr<LabelledData> ReadLabelledCsv(const std::string& path) {
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<InputStream> in, InputStream::Open(path));
  ReadOptions o;
  o.format = Format::kCsv;
  o.skip_malformed = true;
  o.required_columns = {std::string(kMessageColumn), std::string(kLabelColumn)};
  o.message_column = kMessageColumn;
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<RecordReader> reader,
                            RecordReader::Open(std::move(in), o));
  const int label = reader->ColumnIndex(kLabelColumn);
  LabelledData data;
  std::vector<std::string> own_skips;
  auto skip = [&](uint64_t line, std::string_view why) {
    ++data.skipped;
    if (own_skips.size() < kMaxSkipMessages)
      own_skips.push_back(reader->name() + ":" + std::to_string(line) + ": " + std::string(why));
  };
  RecordBatch batch;
  while (true) {
    batch.Clear();
    LOGSIEVE_ASSIGN_OR_RETURN(size_t n, reader->Read(1024, &batch));
    if (n == 0) break;
    for (size_t i = 0; i < n; ++i) {
      LogRecord& r = batch.batch.records[i];
      const std::string& l = batch.rows[i][label];
      if (r.message.empty()) {
        skip(batch.lines[i], "missing log_message");
      } else if (l.empty()) {
        skip(batch.lines[i], "empty target_label");
      } else {
        data.rows.push_back({std::move(r.source), std::move(r.message), l});
      }
    }
  }
  // The reader's skips (malformed rows) and ours, in line order of each kind.
  data.skipped += reader->skipped();
  data.skip_messages = reader->skip_messages();
  for (std::string& m : own_skips) {
    if (data.skip_messages.size() < kMaxSkipMessages) data.skip_messages.push_back(std::move(m));
  }
  if (data.rows.empty()) return InvalidArgumentError(path + ": no usable rows");
  return data;
}

size_t MapLabels(const LabelSet& labels, std::vector<LabelledLine>* rows) {
  const size_t before = rows->size();
  std::erase_if(*rows, [&](LabelledLine& r) {
    if (std::optional<std::string_view> answer = labels.Map(r.label)) {
      if (*answer != r.label) r.label = std::string(*answer);
      return false;
    }
    return !labels.Accepts(r.label, BundledLabels().names());
  });
  return before - rows->size();
}

std::vector<std::string> ClassOrder(const LabelSet& labels, const std::vector<LabelledLine>& rows) {
  std::set<std::string> present;
  for (const LabelledLine& r : rows) present.insert(r.label);
  std::vector<std::string> out;
  for (const std::string& name : labels.names()) {
    if (present.erase(name) > 0) out.push_back(name);
  }
  out.insert(out.end(), present.begin(), present.end());
  return out;
}

}  // namespace logsieve
