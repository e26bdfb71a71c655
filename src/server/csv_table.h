// CsvTable: the CSV of a POST /classify/ upload, parsed whole (RFC 4180).
//
// The upload is already in memory (bounded by server.max_upload_bytes), so
// the table is parsed in one pass: a header row, then data rows of the same
// width. Quoted fields may hold commas, quotes ("") and line breaks; CRLF and
// LF both end a record; a UTF-8 byte order mark and blank lines are skipped.
//
//   StatusOr<CsvTable> table = CsvTable::Parse(body, /*max_rows=*/1000000);
//   // table->header == {"source", "log_message"}; table->rows[0][1] == "..."
//
// Errors name the line a record starts on (the header is line 1):
// "line 7: 3 fields, the header has 2", "line 9: unterminated quoted field".
//
// Thread safety: values.
#ifndef LOGSIEVE_SERVER_CSV_TABLE_H_
#define LOGSIEVE_SERVER_CSV_TABLE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace logsieve {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<size_t> row_lines;  // line each data row starts on

  // kInvalidArgument for malformed text; kResourceExhausted past max_rows.
  static StatusOr<CsvTable> Parse(std::string_view text, size_t max_rows);

  // Index of the header column named `name`, or -1.
  int Column(std::string_view name) const;
};

// Appends one record to `out`: fields quoted when they hold a comma, quote,
// CR or LF (as pandas writes them), ended by "\n".
void AppendCsvRecord(const std::vector<std::string_view>& fields, std::string& out);

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_CSV_TABLE_H_
