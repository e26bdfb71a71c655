// CSV, RFC 4180, streaming, and forgiving only where it is unambiguous.
//
//   CsvReader reader(std::move(stream), {.max_record_bytes = 1 << 20});
//   CsvRow row;
//   while (true) {
//     StatusOr<bool> more = reader.Next(&row);
//     if (!more.ok()) { /* malformed row: message names the line; */
//                       /* the reader has resynchronised, Next() may go on */ }
//     else if (!*more) break;
//     use(row.fields, row.line);
//   }
//
// Accepted: quoted fields with commas, doubled quotes and newlines; a UTF-8
// BOM at the start; CRLF or LF line ends; an empty trailing line; blank lines
// (skipped); spaces before an opening quote (`a, "b"` reads as a and b) and
// after a closing quote. Bytes are kept as read: invalid UTF-8 passes through.
// Malformed: a character after a closing quote, a quote that never closes, a
// row over max_record_bytes. After a malformed row the reader resumes at the
// next physical line after the row's first line, so the rows after it are not
// lost.
//
// Thread safety: one thread at a time.
#ifndef LOGSIEVE_IO_CSV_H_
#define LOGSIEVE_IO_CSV_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "io/input_stream.h"

namespace logsieve {

struct CsvRow {
  std::vector<std::string> fields;
  uint64_t line = 0;  // 1-based physical line where the row starts
};

struct CsvOptions {
  size_t max_record_bytes = 1 << 20;
};

class CsvReader {
 public:
  CsvReader(std::unique_ptr<InputStream> in, CsvOptions options);

  // Reads the next row into *row. Returns false at end of input. A malformed
  // row returns InvalidArgument "NAME:LINE: why" and skips that row.
  StatusOr<bool> Next(CsvRow* row);
  // Like Next, but when `stop_if_idle` and no complete row is buffered and
  // no bytes are ready, returns false at once with *idle = true.
  StatusOr<bool> Next(CsvRow* row, bool stop_if_idle, bool* idle);

  const std::string& name() const { return in_->name(); }
  // Bytes consumed so far (for progress).
  uint64_t bytes_consumed() const { return consumed_; }
  int64_t size() const { return in_->size(); }

 private:
  enum class Parse { kRow, kNeedMore, kError, kBlank };
  Parse ParseRow(bool at_eof, CsvRow* row, size_t* used, size_t* lines, std::string* why);
  bool Refill();  // false at end of input; errors are remembered in read_error_

  std::unique_ptr<InputStream> in_;
  CsvOptions options_;
  std::string buf_;
  size_t pos_ = 0;
  bool eof_ = false;
  bool bom_checked_ = false;
  bool skipping_line_ = false;  // discarding the rest of an over-long line
  uint64_t line_ = 1;
  uint64_t consumed_ = 0;
  Status read_error_;
};

// Appends `field` to `out`, quoted when it holds a comma, quote, CR, LF, or
// leading/trailing space (so it reads back the same).
void AppendCsvField(std::string_view field, std::string* out);
// Appends a whole row and "\n".
void AppendCsvRow(const std::vector<std::string>& fields, std::string* out);

}  // namespace logsieve

#endif  // LOGSIEVE_IO_CSV_H_
