// Records: log lines in and decisions out, in the three formats logsieve
// speaks (--format csv|ndjson|lines).
//
//   csv     A header row with at least `source,log_message` (other columns are
//           kept in place); output appends the seed project's columns
//           `target_label,method_used,confidence`, then `degraded` (and
//           `detail` on request). A column of
//           the input with one of those names is overwritten in place.
//   ndjson  One JSON object per line, decoded by io/ndjson.h (`log_message`,
//           optional `source`); output is the same object plus the decision fields.
//   lines   One raw log per line (source from --source); output is
//           `target_label<TAB>method_used<TAB>confidence<TAB>log_message`.
//           With input.multiline (io/multiline.h) a record is an event of
//           several lines joined by '\n'. The lines output escapes its text
//           fields as PostgreSQL's COPY text format does (`\\`, `\n`, `\r`,
//           `\t`: EscapeLinesField), so one record stays one line with the same
//           number of tab-separated fields, and the message can be recovered
//           exactly. The lines *input* is raw text: nothing is unescaped.
//
// Malformed records (bad CSV row, wrong field count, invalid JSON, record over
// input.max_record_bytes) fail the read with "NAME:LINE: why", or, with
// skip_malformed, are counted, remembered (the first few messages) and skipped;
// good records are never lost.
#ifndef LOGSIEVE_IO_RECORDS_H_
#define LOGSIEVE_IO_RECORDS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/decision.h"
#include "common/status.h"
#include "io/input_stream.h"
#include "io/multiline.h"

namespace logsieve {

enum class Format { kCsv, kNdjson, kLines };
StatusOr<Format> ParseFormat(std::string_view name);
std::string_view FormatName(Format format);
// The format a file name implies, by its extension (case-insensitive): .csv
// csv; .ndjson, .jsonl ndjson; .log, .txt lines. nullopt for any other name
// (stdin "-", no extension). For classify without --format.
std::optional<Format> FormatFromPath(std::string_view path);
// A text field of the lines output: '\\' '\n' '\r' '\t' written as two
// characters each (`\\`, `\n`, `\r`, `\t`), everything else as it is.
std::string EscapeLinesField(std::string_view text);

// The decision columns, in the seed project's order.
inline constexpr std::string_view kLabelColumn = "target_label";
inline constexpr std::string_view kMethodColumn = "method_used";
inline constexpr std::string_view kConfidenceColumn = "confidence";
// true when a stage answered by a fallback path (LLM down, over budget, no
// key): a guess, not a confident answer. In JSON output (NDJSON, the API)
// and a CSV column after `confidence` (and before `detail`, with --detail).
inline constexpr std::string_view kDegradedColumn = "degraded";
inline constexpr std::string_view kDetailColumn = "detail";

// "0.9123", "1.0"; empty when absent.
std::string FormatConfidence(const std::optional<float>& confidence);

// One line of `classify --format ndjson` output, appended to *out with its
// '\n': an object of `fields` (string values, in order; a later name replaces
// an earlier one in place) followed by target_label, method_used, confidence
// (4 decimals, or null), degraded and detail. Invalid UTF-8 is written as
// U+FFFD. For the worker's output.ndjson, which writes what classify writes.
void AppendNdjsonDecision(const std::vector<std::pair<std::string, std::string>>& fields,
                          const Decision& decision, std::string* out);

// Records read together, plus what the writer needs to echo them back.
struct RecordBatch {
  Batch batch;                                 // what the pipeline classifies
  std::vector<std::vector<std::string>> rows;  // csv: all fields; ndjson: {object text}; lines: {}
  std::vector<uint64_t> lines;                 // line where each record starts
  // Line formats: bytes of input consumed up to the end of this batch's last
  // record (what a follower saves so a restart resumes after it).
  uint64_t end_offset = 0;
  size_t size() const { return batch.records.size(); }
  void Clear();
};

struct ReadOptions {
  Format format = Format::kCsv;
  size_t max_record_bytes = kDefaultMaxRecordBytes;
  bool skip_malformed = false;
  std::string default_source;  // lines, and ndjson objects without `source`
  // CSV columns that must exist; the message names the ones found. Without
  // source_column in the header, records get default_source.
  std::vector<std::string> required_columns = {"source", "log_message"};
  // CSV column or NDJSON field names (--source-field, --message-field).
  std::string source_column = "source";
  std::string message_column = "log_message";
  // --format lines: joining continuation lines into events (off by default).
  // Open refuses a mode other than off for csv and ndjson, whose records are
  // events already, rather than ignore it.
  MultilineOptions multiline;
};

class RecordReader {
 public:
  // For CSV, reads the header and checks the required columns.
  static StatusOr<std::unique_ptr<RecordReader>> Open(std::unique_ptr<InputStream> in,
                                                      const ReadOptions& options);
  virtual ~RecordReader() = default;

  // Appends up to `max` records to *out and returns how many; 0 means the end.
  // Returns early with what it has when the input is idle (no bytes ready), so
  // streamed lines are answered as they arrive.
  virtual StatusOr<size_t> Read(size_t max, RecordBatch* out) = 0;

  Format format() const { return options_.format; }
  // CSV: the header as read. Other formats: empty.
  const std::vector<std::string>& columns() const { return columns_; }
  // Index of a CSV column by (trimmed) name, or -1.
  int ColumnIndex(std::string_view name) const;
  uint64_t skipped() const { return skipped_; }
  // The first messages of skipped records.
  const std::vector<std::string>& skip_messages() const { return skip_messages_; }
  // Multi-line events ended early by input.multiline.max_lines/max_bytes
  // (nothing is lost: the rest became the next event), and the first messages.
  uint64_t cut_events() const { return cut_events_; }
  const std::vector<std::string>& cut_messages() const { return cut_messages_; }
  virtual uint64_t bytes_consumed() const = 0;
  virtual int64_t size() const = 0;
  virtual const std::string& name() const = 0;

 protected:
  explicit RecordReader(ReadOptions options) : options_(std::move(options)) {}
  // Records a skipped record (skip_malformed) or returns the error.
  Status Malformed(Status error);

  ReadOptions options_;
  std::vector<std::string> columns_;
  uint64_t skipped_ = 0;
  std::vector<std::string> skip_messages_;
  uint64_t cut_events_ = 0;
  std::vector<std::string> cut_messages_;
};

struct WriteOptions {
  Format format = Format::kCsv;
  bool detail = false;  // csv/lines: add the detail column (ndjson always has it)
  // A regular file is appended to, in place (no PATH.partial); a CSV header is
  // written only into an empty file. For classify --follow, whose restarts go on.
  bool append = false;

  // Whether the output carries Decision::detail: csv and lines with `detail`,
  // ndjson always.
  bool shows_detail() const { return detail || format == Format::kNdjson; }
};

// Writes decided records to an fd ("-" = stdout) or a file. A regular file is
// written to "PATH.partial" and renamed to PATH by Commit(), so a failed run
// never leaves a half-written PATH (the partial file stays for inspection).
// An existing non-regular path (/dev/null, a FIFO) is written in place.
class RecordWriter {
 public:
  static StatusOr<std::unique_ptr<RecordWriter>> Open(
      const std::string& path, const WriteOptions& options, Format input_format,
      const std::vector<std::string>& input_columns);
  // Writes into a string (tests, HTTP bodies). REQUIRES: *out outlives the writer.
  static std::unique_ptr<RecordWriter> ToString(std::string* out, const WriteOptions& options,
                                                Format input_format,
                                                const std::vector<std::string>& input_columns);
  virtual ~RecordWriter() = default;

  // Writes every record of `batch` with batch.batch.decisions.
  virtual Status Write(const RecordBatch& batch) = 0;
  // Pushes buffered bytes out (streaming: after each batch).
  virtual Status Flush() = 0;
  // Flushes and, for a file, moves PATH.partial to PATH.
  virtual Status Commit() = 0;
  // Where the rows written so far are if Commit is never reached: PATH.partial
  // for a regular file; "" when written in place (stdout, a device such as
  // /dev/full, a FIFO) or into a string.
  virtual std::string partial_path() const { return ""; }
  // Whether what it writes carries Decision::detail (WriteOptions::
  // shows_detail): RunStream classifies with Batch::want_detail set to it.
  virtual bool shows_detail() const = 0;
};

}  // namespace logsieve

#endif  // LOGSIEVE_IO_RECORDS_H_
