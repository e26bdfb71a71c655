#include "server/csv_table.h"

#include <cstring>

namespace logsieve {
namespace {

std::string LineError(size_t line, std::string_view what) {
  return "line " + std::to_string(line) + ": " + std::string(what);
}

}  // namespace

StatusOr<CsvTable> CsvTable::Parse(std::string_view text, size_t max_rows) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (text.find('\0') != std::string_view::npos) {
    return InvalidArgumentError("not a CSV file: it holds NUL bytes (binary data)");
  }
  CsvTable table;
  std::vector<std::string> record;
  std::string field;
  size_t line = 1;          // current physical line
  size_t record_line = 1;   // line the current record started on
  size_t i = 0;
  const size_t n = text.size();

  // Finishes `record`: the first non-blank one is the header.
  auto finish_record = [&]() -> Status {
    bool blank = record.size() == 1 && record[0].empty();
    if (blank) {
      record.clear();
      return OkStatus();
    }
    if (table.header.empty()) {
      table.header = std::move(record);
    } else {
      if (record.size() != table.header.size()) {
        return InvalidArgumentError(LineError(
            record_line, std::to_string(record.size()) + " fields, the header has " +
                             std::to_string(table.header.size())));
      }
      if (table.rows.size() >= max_rows) {
        return ResourceExhaustedError("more than " + std::to_string(max_rows) +
                                      " rows (server.max_rows)");
      }
      table.rows.push_back(std::move(record));
      table.row_lines.push_back(record_line);
    }
    record.clear();
    return OkStatus();
  };

  while (i < n) {
    // One field starts at i.
    field.clear();
    if (text[i] == '"') {
      size_t open_line = line;
      ++i;
      bool closed = false;
      while (i < n) {
        char c = text[i];
        if (c == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        if (c == '\n') ++line;
        field += c;
        ++i;
      }
      if (!closed) return InvalidArgumentError(LineError(open_line, "unterminated quoted field"));
      if (i < n && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        return InvalidArgumentError(LineError(line, "text after a closing quote"));
      }
    } else {
      size_t end = i;
      while (end < n && text[end] != ',' && text[end] != '\n' && text[end] != '\r') {
        if (text[end] == '"') {
          return InvalidArgumentError(LineError(line, "a quote inside an unquoted field"));
        }
        ++end;
      }
      field.assign(text.substr(i, end - i));
      i = end;
    }
    record.push_back(std::move(field));
    if (i >= n) break;
    if (text[i] == ',') {
      ++i;
      if (i == n) record.emplace_back();  // "a," at the very end: a last empty field
      continue;
    }
    // End of record: \n, \r\n or a lone \r.
    if (text[i] == '\r') ++i;
    if (i < n && text[i] == '\n') ++i;
    ++line;
    LOGSIEVE_RETURN_IF_ERROR(finish_record());
    record_line = line;
  }
  if (!record.empty()) LOGSIEVE_RETURN_IF_ERROR(finish_record());
  if (table.header.empty()) return InvalidArgumentError("empty CSV: no header row");
  return table;
}

int CsvTable::Column(std::string_view name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

void AppendCsvRecord(const std::vector<std::string_view>& fields, std::string& out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    std::string_view f = fields[i];
    if (f.find_first_of(",\"\r\n") == std::string_view::npos) {
      out += f;
      continue;
    }
    out += '"';
    for (char c : f) {
      if (c == '"') out += '"';
      out += c;
    }
    out += '"';
  }
  out += '\n';
}

}  // namespace logsieve
