#include "io/records.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/json.h"
#include "io/csv.h"
#include "io/ndjson.h"

namespace logsieve {

using ojson = nlohmann::ordered_json;

namespace {

constexpr size_t kMaxSkipMessages = 20;

// `obj` with the decision fields added, as one NDJSON line.
void AppendJsonDecision(ojson obj, const Decision& d, std::string* out) {
  obj[std::string(kLabelColumn)] = d.label;
  obj[std::string(kMethodColumn)] = MethodName(d.method);
  if (d.confidence) {
    obj[std::string(kConfidenceColumn)] =
        std::round(static_cast<double>(*d.confidence) * 1e4) / 1e4;
  } else {
    obj[std::string(kConfidenceColumn)] = nullptr;
  }
  obj[std::string(kDegradedColumn)] = d.degraded;
  obj[std::string(kDetailColumn)] = d.detail;
  *out += DumpJson(obj);
  *out += '\n';
}

std::string Trim(std::string_view s) { return std::string(TrimRecordField(s)); }

std::string JoinColumns(const std::vector<std::string>& cols) {
  std::string out;
  for (const std::string& c : cols) out += (out.empty() ? "" : ", ") + c;
  return out.empty() ? "(none)" : out;
}

// --- CSV ---------------------------------------------------------------------

class CsvRecordReader : public RecordReader {
 public:
  CsvRecordReader(std::unique_ptr<InputStream> in, ReadOptions options)
      : RecordReader(std::move(options)),
        csv_(std::move(in), CsvOptions{options_.max_record_bytes}) {}

  Status ReadHeader() {
    CsvRow row;
    StatusOr<bool> more = csv_.Next(&row);
    if (!more.ok()) return more.status();
    if (!*more)
      return InvalidArgumentError(csv_.name() +
                                  ": empty input: expected a CSV header with columns " +
                                  JoinColumns(options_.required_columns));
    columns_ = row.fields;
    std::vector<std::string> missing;
    for (const std::string& req : options_.required_columns) {
      if (ColumnIndex(req) < 0) missing.push_back(req);
    }
    if (!missing.empty()) {
      std::vector<std::string> found;
      for (const std::string& c : columns_) found.push_back(Trim(c));
      return InvalidArgumentError(csv_.name() + ":" + std::to_string(row.line) +
                                  ": missing required column" + (missing.size() > 1 ? "s " : " ") +
                                  JoinColumns(missing) + "; found columns: " + JoinColumns(found));
    }
    source_ = ColumnIndex(options_.source_column);
    message_ = ColumnIndex(options_.message_column);
    return OkStatus();
  }

  StatusOr<size_t> Read(size_t max, RecordBatch* out) override {
    size_t got = 0;
    CsvRow row;
    while (got < max) {
      bool idle = false;
      StatusOr<bool> more = csv_.Next(&row, got > 0, &idle);
      if (!more.ok()) {
        LOGSIEVE_RETURN_IF_ERROR(Malformed(more.status()));
        continue;
      }
      if (!*more) break;
      if (row.fields.size() != columns_.size()) {
        LOGSIEVE_RETURN_IF_ERROR(Malformed(InvalidArgumentError(
            csv_.name() + ":" + std::to_string(row.line) + ": malformed row: expected " +
            std::to_string(columns_.size()) + " fields (" + JoinColumns(columns_) + "), found " +
            std::to_string(row.fields.size()))));
        continue;
      }
      LogRecord rec;
      rec.source = source_ >= 0 ? Trim(row.fields[source_]) : options_.default_source;
      rec.message = Trim(row.fields[message_]);
      out->batch.records.push_back(std::move(rec));
      out->rows.push_back(std::move(row.fields));
      out->lines.push_back(row.line);
      ++got;
    }
    return got;
  }

  uint64_t bytes_consumed() const override { return csv_.bytes_consumed(); }
  int64_t size() const override { return csv_.size(); }
  const std::string& name() const override { return csv_.name(); }

 private:
  CsvReader csv_;
  int source_ = -1;
  int message_ = -1;
};

// --- line-based (ndjson, lines) ------------------------------------------------

class LineRecordReader : public RecordReader {
 public:
  LineRecordReader(std::unique_ptr<InputStream> in, ReadOptions options,
                   std::unique_ptr<EventJoiner> joiner)
      : RecordReader(std::move(options)), in_(std::move(in)), joiner_(std::move(joiner)) {
    ndjson_.message_field = options_.message_column;
    ndjson_.source_field = options_.source_column;
    ndjson_.default_source = options_.default_source;
    ndjson_.max_line_bytes = options_.max_record_bytes;
  }

  StatusOr<size_t> Read(size_t max, RecordBatch* out) override {
    size_t got = 0;
    std::string_view line;
    while (got < max) {
      if (next_event_ < events_.size()) {
        if (TakeEvent(&events_[next_event_++], out)) ++got;
        continue;
      }
      events_.clear();
      next_event_ = 0;
      bool idle = false;
      StatusOr<bool> more = NextLine(&line, got > 0 || joiner_->holding(), &idle);
      if (!more.ok()) {
        LOGSIEVE_RETURN_IF_ERROR(Malformed(more.status()));
        continue;
      }
      if (!*more) {
        if (!joiner_->holding()) break;
        // A held event waits input.multiline.flush_ms for a continuation on a
        // live input; at the end of input it is complete.
        if (idle && got > 0) break;
        if (idle && in_->WaitReady(joiner_->options().flush_ms)) continue;
        joiner_->Flush(&events_);
        continue;
      }
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line_no_ == 1 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
      if (TrimRecordField(line).empty()) continue;
      if (options_.format == Format::kLines) {
        joiner_->Add(line, line_no_, consumed_, &events_);
        continue;
      }
      std::string trimmed = Trim(line);
      StatusOr<LogRecord> rec = DecodeNdjsonLine(trimmed, ndjson_);
      if (!rec.ok()) {
        LOGSIEVE_RETURN_IF_ERROR(Malformed(InvalidArgumentError(
            in_->name() + ":" + std::to_string(line_no_) + ": " + rec.status().message())));
        continue;
      }
      out->batch.records.push_back(*std::move(rec));
      out->rows.push_back({std::move(trimmed)});
      out->lines.push_back(line_no_);
      out->end_offset = consumed_;
      ++got;
    }
    return got;
  }

  uint64_t bytes_consumed() const override { return consumed_; }
  int64_t size() const override { return in_->size(); }
  const std::string& name() const override { return in_->name(); }

 private:
  // The next physical line (without '\n'), valid until the next call.
  StatusOr<bool> NextLine(std::string_view* line, bool stop_if_idle, bool* idle) {
    for (;;) {
      if (pending_advance_ > 0) {
        pos_ += pending_advance_;
        pending_advance_ = 0;
      }
      const char* base = buf_.data() + pos_;
      size_t avail = buf_.size() - pos_;
      if (const size_t len = std::string_view(base, avail).find('\n');
          len != std::string_view::npos) {
        ++line_no_;
        pending_advance_ = len + 1;
        consumed_ += len + 1;
        if (skipping_) {
          skipping_ = false;
          continue;
        }
        if (len > options_.max_record_bytes) return TooLongAt(line_no_);
        *line = std::string_view(base, len);
        return true;
      }
      if (avail > options_.max_record_bytes && !skipping_) {
        // Report the over-long line now and drop the rest of it as it arrives.
        skipping_ = true;
        consumed_ += avail;
        pos_ = buf_.size();
        return TooLongAt(line_no_ + 1);
      }
      if (skipping_ && avail > 0) {
        consumed_ += avail;
        pos_ = buf_.size();
      }
      if (eof_) {
        if (avail == 0 || skipping_) return false;
        ++line_no_;
        pending_advance_ = avail;
        consumed_ += avail;
        *line = std::string_view(base, avail);
        return true;
      }
      if (stop_if_idle && !in_->Ready()) {
        *idle = true;
        return false;
      }
      buf_.erase(0, pos_);
      pos_ = 0;
      size_t old = buf_.size();
      buf_.resize(old + (1 << 16));
      StatusOr<size_t> n = in_->Read(buf_.data() + old, 1 << 16);
      if (!n.ok()) {
        buf_.resize(old);
        return n.status();
      }
      buf_.resize(old + *n);
      if (*n == 0) eof_ = true;
    }
  }

  // Appends the event as a record; false for one that is blank after trimming.
  bool TakeEvent(Event* event, RecordBatch* out) {
    if (!event->cut.empty()) {
      ++cut_events_;
      if (cut_messages_.size() < kMaxSkipMessages) {
        cut_messages_.push_back(
            in_->name() + ":" + std::to_string(event->first_line) + ": event cut at " + event->cut +
            " after " + std::to_string(event->lines) + " lines; the next line starts a new event");
      }
    }
    std::string text = Trim(event->text);
    if (text.empty()) return false;
    out->batch.records.push_back({options_.default_source, std::move(text)});
    out->rows.emplace_back();
    out->lines.push_back(event->first_line);
    out->end_offset = event->end_offset;
    return true;
  }

  Status TooLongAt(uint64_t line) {
    return InvalidArgumentError(
        in_->name() + ":" + std::to_string(line) + ": line is longer than " +
        std::to_string(options_.max_record_bytes) + " bytes (input.max_record_bytes)");
  }

  std::unique_ptr<InputStream> in_;
  std::unique_ptr<EventJoiner> joiner_;  // lines format; kOff makes one event per line
  std::vector<Event> events_;            // completed, from next_event_ on not yet returned
  size_t next_event_ = 0;
  NdjsonOptions ndjson_;
  std::string buf_;
  size_t pos_ = 0;
  size_t pending_advance_ = 0;
  bool eof_ = false;
  bool skipping_ = false;
  uint64_t line_no_ = 0;
  uint64_t consumed_ = 0;
};

// --- output ------------------------------------------------------------------

class Sink {
 public:
  virtual ~Sink() = default;
  virtual Status Write(std::string_view bytes) = 0;
  virtual Status Commit() { return OkStatus(); }
  virtual std::string partial_path() const { return ""; }
};

class FdSink : public Sink {
 public:
  // `final_path` empty: write in place (no rename on Commit).
  FdSink(int fd, std::string path, std::string final_path, bool owned)
      : fd_(fd), owned_(owned), path_(std::move(path)), final_path_(std::move(final_path)) {}
  ~FdSink() override {
    if (owned_ && fd_ >= 0) close(fd_);
  }
  Status Write(std::string_view bytes) override {
    while (!bytes.empty()) {
      ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return UnavailableError("writing '" + path_ + "' failed: " + std::strerror(errno));
      }
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return OkStatus();
  }
  std::string partial_path() const override { return final_path_.empty() ? "" : path_; }
  Status Commit() override {
    if (final_path_.empty()) return OkStatus();  // stdout, devices, FIFOs
    if (close(fd_) != 0) {
      fd_ = -1;
      return UnavailableError("closing '" + path_ + "' failed: " + std::strerror(errno));
    }
    fd_ = -1;
    if (std::rename(path_.c_str(), final_path_.c_str()) != 0) {
      return UnavailableError("renaming '" + path_ + "' to '" + final_path_ +
                              "' failed: " + std::strerror(errno));
    }
    return OkStatus();
  }

 private:
  int fd_;
  bool owned_;
  std::string path_;
  std::string final_path_;  // empty: no rename
};

class StringSink : public Sink {
 public:
  explicit StringSink(std::string* out) : out_(out) {}
  Status Write(std::string_view bytes) override {
    out_->append(bytes);
    return OkStatus();
  }

 private:
  std::string* out_;
};

class FormatWriter : public RecordWriter {
 public:
  FormatWriter(std::unique_ptr<Sink> sink, const WriteOptions& options, Format input_format,
               const std::vector<std::string>& input_columns)
      : sink_(std::move(sink)),
        options_(options),
        input_format_(input_format),
        columns_(input_columns) {
    if (input_format_ != Format::kCsv) columns_ = {"source", "log_message"};
    std::vector<std::string_view> outs = {kLabelColumn, kMethodColumn, kConfidenceColumn,
                                          kDegradedColumn};
    if (options_.detail) outs.push_back(kDetailColumn);
    header_ = columns_;
    for (std::string_view name : outs) {
      int at = -1;
      for (size_t i = 0; i < columns_.size(); ++i) {
        if (Trim(columns_[i]) == name) at = static_cast<int>(i);
      }
      if (at < 0) {
        at = static_cast<int>(header_.size());
        header_.emplace_back(name);
      }
      out_index_.push_back(at);
    }
  }

  Status Write(const RecordBatch& b) override {
    if (!wrote_header_ && options_.format == Format::kCsv) {
      AppendCsvRow(header_, &buf_);
      wrote_header_ = true;
    }
    for (size_t i = 0; i < b.size(); ++i) {
      const Decision& d = b.batch.decisions[i];
      switch (options_.format) {
        case Format::kCsv:
          WriteCsv(b, i, d);
          break;
        case Format::kNdjson:
          WriteJson(b, i, d);
          break;
        case Format::kLines:
          WriteLine(b, i, d);
          break;
      }
    }
    if (buf_.size() > (1 << 20)) return Flush();
    return OkStatus();
  }

  Status Flush() override {
    if (!wrote_header_ && options_.format == Format::kCsv) {
      AppendCsvRow(header_, &buf_);
      wrote_header_ = true;
    }
    Status s = sink_->Write(buf_);
    buf_.clear();
    return s;
  }

  Status Commit() override {
    LOGSIEVE_RETURN_IF_ERROR(Flush());
    return sink_->Commit();
  }
  std::string partial_path() const override { return sink_->partial_path(); }
  bool shows_detail() const override { return options_.shows_detail(); }
  // Appending to a file that has rows: its header is there already.
  void SkipHeader() { wrote_header_ = true; }

 private:
  std::vector<std::string> Values(const Decision& d) const {
    std::vector<std::string> v = {d.label, std::string(MethodName(d.method)),
                                  FormatConfidence(d.confidence), d.degraded ? "true" : "false"};
    if (options_.detail) v.push_back(d.detail);
    return v;
  }

  void WriteCsv(const RecordBatch& b, size_t i, const Decision& d) {
    row_.clear();
    if (input_format_ == Format::kCsv) {
      row_ = b.rows[i];
    } else {
      row_ = {b.batch.records[i].source, b.batch.records[i].message};
    }
    row_.resize(header_.size());
    std::vector<std::string> v = Values(d);
    for (size_t k = 0; k < v.size(); ++k) row_[out_index_[k]] = std::move(v[k]);
    AppendCsvRow(row_, &buf_);
  }

  void WriteJson(const RecordBatch& b, size_t i, const Decision& d) {
    ojson obj;
    if (input_format_ == Format::kNdjson) {
      StatusOr<ojson> parsed = ParseJson<ojson>(b.rows[i][0], "output row");  // was read, so valid
      obj = parsed.ok() && parsed->is_object() ? std::move(*parsed) : ojson::object();
    } else if (input_format_ == Format::kCsv) {
      obj = ojson::object();
      for (size_t k = 0; k < columns_.size() && k < b.rows[i].size(); ++k)
        obj[Trim(columns_[k])] = b.rows[i][k];
    } else {
      obj = ojson::object();
      obj["source"] = b.batch.records[i].source;
      obj["log_message"] = b.batch.records[i].message;
    }
    AppendJsonDecision(std::move(obj), d, &buf_);
  }

  void WriteLine(const RecordBatch& b, size_t i, const Decision& d) {
    buf_ += d.label;
    buf_ += '\t';
    buf_ += MethodName(d.method);
    buf_ += '\t';
    buf_ += FormatConfidence(d.confidence);
    buf_ += '\t';
    if (options_.detail) {
      buf_ += EscapeLinesField(d.detail);
      buf_ += '\t';
    }
    // A multi-line event stays one output line with as many fields.
    buf_ += EscapeLinesField(b.batch.records[i].message);
    buf_ += '\n';
  }

  std::unique_ptr<Sink> sink_;
  WriteOptions options_;
  Format input_format_;
  std::vector<std::string> columns_;
  std::vector<std::string> header_;
  std::vector<int> out_index_;
  std::vector<std::string> row_;
  std::string buf_;
  bool wrote_header_ = false;
};

}  // namespace

StatusOr<Format> ParseFormat(std::string_view name) {
  if (name == "csv") return Format::kCsv;
  if (name == "ndjson" || name == "jsonl") return Format::kNdjson;
  if (name == "lines" || name == "text") return Format::kLines;
  return InvalidArgumentError("unknown format '" + std::string(name) +
                              "' (known: csv, ndjson, lines)");
}

std::optional<Format> FormatFromPath(std::string_view path) {
  const size_t slash = path.rfind('/');
  const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = base.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  std::string ext(base.substr(dot + 1));
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == "csv") return Format::kCsv;
  if (ext == "ndjson" || ext == "jsonl") return Format::kNdjson;
  if (ext == "log" || ext == "txt") return Format::kLines;
  return std::nullopt;
}

std::string EscapeLinesField(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string_view FormatName(Format format) {
  switch (format) {
    case Format::kCsv:
      return "csv";
    case Format::kNdjson:
      return "ndjson";
    case Format::kLines:
      return "lines";
  }
  return "csv";
}

void AppendNdjsonDecision(const std::vector<std::pair<std::string, std::string>>& fields,
                          const Decision& decision, std::string* out) {
  ojson obj = ojson::object();
  for (const auto& [name, value] : fields) obj[name] = value;
  AppendJsonDecision(std::move(obj), decision, out);
}

std::string FormatConfidence(const std::optional<float>& confidence) {
  if (!confidence) return "";
  double v = std::round(static_cast<double>(*confidence) * 1e4) / 1e4;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  std::string s = buf;
  while (s.size() > 3 && s.back() == '0' && s[s.size() - 2] != '.') s.pop_back();
  return s;
}

void RecordBatch::Clear() {
  batch.records.clear();
  rows.clear();
  lines.clear();
}

int RecordReader::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (Trim(columns_[i]) == name) return static_cast<int>(i);
  }
  return -1;
}

Status RecordReader::Malformed(Status error) {
  if (!options_.skip_malformed || error.code() != StatusCode::kInvalidArgument) return error;
  ++skipped_;
  if (skip_messages_.size() < kMaxSkipMessages) skip_messages_.push_back(error.message());
  return OkStatus();
}

StatusOr<std::unique_ptr<RecordReader>> RecordReader::Open(std::unique_ptr<InputStream> in,
                                                           const ReadOptions& options) {
  if (options.format != Format::kLines && options.multiline.mode != MultilineMode::kOff) {
    return InvalidArgumentError(
        in->name() + ": input.multiline joins the physical lines of --format lines; a " +
        std::string(FormatName(options.format)) +
        " record is one event already (a quoted CSV field or a JSON string may hold newlines): "
        "set input.multiline.mode=off, or read the file as --format lines");
  }
  if (options.format == Format::kCsv) {
    auto reader = std::make_unique<CsvRecordReader>(std::move(in), options);
    LOGSIEVE_RETURN_IF_ERROR(reader->ReadHeader());
    return std::unique_ptr<RecordReader>(std::move(reader));
  }
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<EventJoiner> joiner,
                            EventJoiner::Create(options.multiline));
  return std::unique_ptr<RecordReader>(
      new LineRecordReader(std::move(in), options, std::move(joiner)));
}

StatusOr<std::unique_ptr<RecordWriter>> RecordWriter::Open(
    const std::string& path, const WriteOptions& options, Format input_format,
    const std::vector<std::string>& input_columns) {
  std::unique_ptr<Sink> sink;
  if (path == "-" || path.empty()) {
    sink = std::make_unique<FdSink>(1, "<stdout>", "", /*owned=*/false);
  } else if (struct stat st{}; stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    // A device, FIFO or socket (`-o /dev/null`, a named pipe): written in place,
    // never replaced by a rename.
    int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return UnavailableError("cannot write '" + path + "': " + std::strerror(errno));
    sink = std::make_unique<FdSink>(fd, path, "", /*owned=*/true);
  } else if (options.append) {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return UnavailableError("cannot write '" + path + "': " + std::strerror(errno));
    struct stat st {};
    const bool has_header = fstat(fd, &st) == 0 && st.st_size > 0;
    auto writer =
        std::make_unique<FormatWriter>(std::make_unique<FdSink>(fd, path, "", /*owned=*/true),
                                       options, input_format, input_columns);
    if (has_header) writer->SkipHeader();
    return std::unique_ptr<RecordWriter>(std::move(writer));
  } else {
    std::string partial = path + ".partial";
    int fd = open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return UnavailableError("cannot write '" + partial + "': " + std::strerror(errno));
    sink = std::make_unique<FdSink>(fd, partial, path, /*owned=*/true);
  }
  return std::unique_ptr<RecordWriter>(
      new FormatWriter(std::move(sink), options, input_format, input_columns));
}

std::unique_ptr<RecordWriter> RecordWriter::ToString(
    std::string* out, const WriteOptions& options, Format input_format,
    const std::vector<std::string>& input_columns) {
  return std::make_unique<FormatWriter>(std::make_unique<StringSink>(out), options, input_format,
                                        input_columns);
}

}  // namespace logsieve
