#include "io/csv.h"

#include <cstdio>
#include <cstring>

namespace logsieve {

namespace {
constexpr size_t kChunk = 1 << 16;
}

CsvReader::CsvReader(std::unique_ptr<InputStream> in, CsvOptions options)
    : in_(std::move(in)), options_(options) {}

bool CsvReader::Refill() {
  if (eof_) return false;
  if (pos_ > 0) {  // keep only the unparsed tail
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  size_t old = buf_.size();
  buf_.resize(old + kChunk);
  StatusOr<size_t> n = in_->Read(buf_.data() + old, kChunk);
  if (!n.ok()) {
    read_error_ = n.status();
    buf_.resize(old);
    eof_ = true;
    return false;
  }
  buf_.resize(old + *n);
  if (*n == 0) eof_ = true;
  return *n > 0;
}

// Parses one row from buf_[pos_..]. On kRow, *used bytes make up the row and
// its line end, spanning *lines physical lines.
CsvReader::Parse CsvReader::ParseRow(bool at_eof, CsvRow* row, size_t* used, size_t* lines,
                                     std::string* why) {
  const char* p = buf_.data() + pos_;
  const size_t n = buf_.size() - pos_;
  size_t i = 0;
  size_t nl = 0;
  row->fields.clear();
  // Blank line (only spaces/tabs up to the line end): skipped.
  {
    size_t j = 0;
    while (j < n && (p[j] == ' ' || p[j] == '\t')) ++j;
    if (j < n && (p[j] == '\n' || (p[j] == '\r' && j + 1 < n && p[j + 1] == '\n'))) {
      *used = j + (p[j] == '\r' ? 2 : 1);
      *lines = 1;
      return Parse::kBlank;
    }
    if (j == n && at_eof) {
      *used = n;
      *lines = 0;
      return Parse::kBlank;
    }
  }
  std::string field;
  for (;;) {
    field.clear();
    // Leading spaces before an opening quote belong to nobody.
    size_t j = i;
    while (j < n && p[j] == ' ') ++j;
    if (j < n && p[j] == '"') {
      i = j + 1;
      for (;;) {
        const void* q = i < n ? std::memchr(p + i, '"', n - i) : nullptr;
        if (q == nullptr) {
          for (size_t k = i; k < n; ++k) nl += p[k] == '\n';
          if (at_eof) {
            *why = "quoted field never closed (it opens on this line)";
            return Parse::kError;
          }
          return Parse::kNeedMore;
        }
        size_t qi = static_cast<const char*>(q) - p;
        for (size_t k = i; k < qi; ++k) nl += p[k] == '\n';
        field.append(p + i, qi - i);
        if (qi + 1 < n && p[qi + 1] == '"') {  // doubled quote
          field.push_back('"');
          i = qi + 2;
          continue;
        }
        if (qi + 1 >= n && !at_eof) return Parse::kNeedMore;
        i = qi + 1;
        break;
      }
      while (i < n && (p[i] == ' ' || p[i] == '\t')) ++i;
      if (i < n && !(p[i] == ',' || p[i] == '\n' || p[i] == '\r')) {
        char shown[8];
        unsigned char c = static_cast<unsigned char>(p[i]);
        std::snprintf(shown, sizeof shown, c < 0x20 || c >= 0x7f ? "\\x%02x" : "%c", c);
        *why = std::string("unexpected character '") + shown +
               "' after the closing quote of field " + std::to_string(row->fields.size() + 1);
        return Parse::kError;
      }
    } else {
      size_t k = i;
      // A quote inside an unquoted field is kept as data (`said "hi"`): RFC 4180
      // calls it malformed, but it is unambiguous and common in logs.
      while (k < n && p[k] != ',' && p[k] != '\n') ++k;
      if (k == n && !at_eof) return Parse::kNeedMore;
      size_t end = k;
      if (end > i && p[end - 1] == '\r' && (k == n || p[k] == '\n')) --end;
      field.append(p + i, end - i);
      i = k;
    }
    row->fields.push_back(field);
    if (i >= n) {  // end of input without a line end
      *used = n;
      *lines = nl + 1;
      return Parse::kRow;
    }
    if (p[i] == ',') {
      ++i;
      if (i >= n && !at_eof) return Parse::kNeedMore;
      if (i >= n) {  // trailing comma at EOF: one more empty field
        row->fields.emplace_back();
        *used = n;
        *lines = nl + 1;
        return Parse::kRow;
      }
      continue;
    }
    if (p[i] == '\r') {
      if (i + 1 >= n && !at_eof) return Parse::kNeedMore;
      ++i;
      if (i < n && p[i] == '\n') ++i;
    } else {  // '\n'
      ++i;
    }
    *used = i;
    *lines = nl + 1;
    return Parse::kRow;
  }
}

StatusOr<bool> CsvReader::Next(CsvRow* row) {
  bool idle = false;
  return Next(row, false, &idle);
}

StatusOr<bool> CsvReader::Next(CsvRow* row, bool stop_if_idle, bool* idle) {
  *idle = false;
  for (;;) {
    if (!bom_checked_) {
      while (buf_.size() - pos_ < 3 && Refill()) {
      }
      if (buf_.compare(pos_, 3, "\xEF\xBB\xBF") == 0) {
        pos_ += 3;
        consumed_ += 3;
      }
      bom_checked_ = true;
    }
    if (skipping_line_) {
      const void* nlp = std::memchr(buf_.data() + pos_, '\n', buf_.size() - pos_);
      if (nlp == nullptr) {
        consumed_ += buf_.size() - pos_;
        pos_ = buf_.size();
        if (!Refill()) {
          skipping_line_ = false;
          continue;
        }
        continue;
      }
      size_t k = static_cast<const char*>(nlp) - buf_.data() + 1;
      consumed_ += k - pos_;
      pos_ = k;
      ++line_;
      skipping_line_ = false;
    }
    if (pos_ >= buf_.size()) {
      if (stop_if_idle && !eof_ && !in_->Ready()) {
        *idle = true;
        return false;
      }
      if (!Refill()) {
        if (!read_error_.ok()) return read_error_;
        return false;
      }
    }
    size_t used = 0, lines = 0;
    std::string why;
    Parse r = ParseRow(eof_, row, &used, &lines, &why);
    if (r == Parse::kNeedMore) {
      if (buf_.size() - pos_ > options_.max_record_bytes) {
        uint64_t at = line_;
        // Resume on the line after the row's first line.
        const void* nlp = std::memchr(buf_.data() + pos_, '\n', buf_.size() - pos_);
        if (nlp != nullptr) {
          size_t k = static_cast<const char*>(nlp) - buf_.data() + 1;
          consumed_ += k - pos_;
          pos_ = k;
          ++line_;
        } else {
          consumed_ += buf_.size() - pos_;
          pos_ = buf_.size();
          skipping_line_ = true;
        }
        return InvalidArgumentError(name() + ":" + std::to_string(at) + ": row is longer than " +
                                    std::to_string(options_.max_record_bytes) +
                                    " bytes (input.max_record_bytes); an unclosed quote?");
      }
      if (stop_if_idle && !in_->Ready()) {
        *idle = true;
        return false;
      }
      if (!Refill() && !read_error_.ok()) return read_error_;
      continue;
    }
    if (r == Parse::kError) {
      uint64_t at = line_;
      const void* nlp = std::memchr(buf_.data() + pos_, '\n', buf_.size() - pos_);
      size_t k = nlp ? static_cast<const char*>(nlp) - buf_.data() + 1 : buf_.size();
      consumed_ += k - pos_;
      pos_ = k;
      ++line_;
      return InvalidArgumentError(name() + ":" + std::to_string(at) + ": malformed row: " + why);
    }
    if (r == Parse::kRow && used > options_.max_record_bytes) {
      uint64_t at = line_;
      pos_ += used;
      consumed_ += used;
      line_ += lines;
      return InvalidArgumentError(name() + ":" + std::to_string(at) + ": row is longer than " +
                                  std::to_string(options_.max_record_bytes) +
                                  " bytes (input.max_record_bytes)");
    }
    row->line = line_;
    pos_ += used;
    consumed_ += used;
    line_ += lines;
    if (r == Parse::kBlank) continue;
    return true;
  }
}

void AppendCsvField(std::string_view field, std::string* out) {
  bool quote =
      field.find_first_of(",\"\r\n") != std::string_view::npos ||
      (!field.empty() && (field.front() == ' ' || field.back() == ' ' || field.front() == '\t')) ||
      field.substr(0, 3) == "\xEF\xBB\xBF";  // would read back as a BOM at the start of a file
  if (!quote) {
    out->append(field);
    return;
  }
  out->push_back('"');
  for (char c : field) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendCsvRow(const std::vector<std::string>& fields, std::string* out) {
  if (fields.size() == 1 && fields[0].empty()) {  // an empty line would read back as no row
    out->append("\"\"\n");
    return;
  }
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out->push_back(',');
    AppendCsvField(fields[i], out);
  }
  out->push_back('\n');
}

}  // namespace logsieve
