// `logsieve classify INPUT [-o OUTPUT]`: label every record of a file or stdin;
// `--follow FILE [--position-file P]`: and of what is appended to it, until
// SIGINT or SIGTERM (io/follow.h).
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include "commands.h"
#include "common/config.h"
#include "io/follow.h"
#include "io/records.h"
#include "pipeline/batch_runner.h"
#include "pipeline/classifier.h"
#include "pipeline_flags.h"
#include "store/store_parts.h"

namespace logsieve::cli {
namespace {

struct ClassifyOptions {
  PipelineFlags pipeline;
  std::string input;
  std::string output = "-";
  std::string format;  // empty: from INPUT's extension, else csv (lines with --follow)
  std::string output_format;
  std::optional<std::string> source;  // given: a CSV needs no source column
  std::string source_field = "source";
  std::string message_field = "log_message";
  std::string on_error;
  bool detail = false;
  bool quiet = false;
  bool follow = false;
  std::string position_file;
};

std::atomic<bool> g_stop_following{false};

void OnStopFollowing(int /*sig*/) { g_stop_following = true; }  // lock-free: signal-safe

// SIGINT and SIGTERM end a follow: what was read is classified and written,
// the position saved, and classify exits 0.
void StopFollowingOnSignals() {
  struct sigaction sa {};
  sa.sa_handler = OnStopFollowing;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
}

std::string Thousands(uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

// A progress line on stderr, redrawn in place; shown only after a second.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
  void Update(uint64_t rows, uint64_t bytes, int64_t size) {
    if (!enabled_) return;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    if (secs < 1.0) return;
    char line[160];
    double rate = rows / secs;
    if (size > 0) {
      double frac = std::min(1.0, static_cast<double>(bytes) / static_cast<double>(size));
      int filled = static_cast<int>(frac * 30);
      std::string bar(filled, '#');
      bar.resize(30, '.');
      std::snprintf(line, sizeof line, "\r[%s] %3.0f%%  %s rows  %.0f rows/s ", bar.c_str(),
                    frac * 100, Thousands(rows).c_str(), rate);
    } else {
      std::snprintf(line, sizeof line, "\r%s rows  %.0f rows/s ", Thousands(rows).c_str(), rate);
    }
    std::fputs(line, stderr);
    drawn_ = true;
  }
  void Clear() {
    if (drawn_) std::fputs("\r\033[K", stderr);
  }

 private:
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_;
};

void PrintSummary(const RunSummary& s, const RecordReader& reader, const Classifier& classifier) {
  double rate = s.seconds > 0 ? s.rows / s.seconds : 0;
  std::fprintf(stderr, "logsieve: %s rows in %.2f s (%s lines/s)", Thousands(s.rows).c_str(),
               s.seconds, Thousands(static_cast<uint64_t>(rate)).c_str());
  if (s.skipped > 0)
    std::fprintf(stderr, "; %s malformed rows skipped", Thousands(s.skipped).c_str());
  std::fputs("\n", stderr);
  if (s.rows == 0) return;
  std::fputs("  by method:", stderr);
  for (Method m : kAllMethods) {
    uint64_t n = s.per_method[static_cast<size_t>(m)];
    if (m == Method::kCorrection && n == 0) continue;  // shown once a correction answers
    std::fprintf(stderr, "  %s %s (%.1f%%)", std::string(MethodName(m)).c_str(),
                 Thousands(n).c_str(), 100.0 * n / s.rows);
  }
  if (s.degraded > 0) std::fprintf(stderr, "  [degraded %s]", Thousands(s.degraded).c_str());
  std::fputs("\n  by label:\n", stderr);
  std::vector<std::pair<uint64_t, std::string>> labels;
  for (const auto& [label, n] : s.per_label) labels.emplace_back(n, label);
  std::sort(labels.rbegin(), labels.rend());
  for (const auto& [n, label] : labels) {
    std::fprintf(stderr, "    %-22s %12s  %5.1f%%\n", label.c_str(), Thousands(n).c_str(),
                 100.0 * n / s.rows);
  }
  for (const std::string& r : classifier.stage_reports()) std::fprintf(stderr, "  %s\n", r.c_str());
  for (const std::string& m : reader.skip_messages())
    std::fprintf(stderr, "  skipped: %s\n", m.c_str());
  if (reader.cut_events() > 0) {
    std::fprintf(stderr, "  %s multi-line events cut at a bound:\n",
                 Thousands(reader.cut_events()).c_str());
  }
  for (const std::string& m : reader.cut_messages()) std::fprintf(stderr, "    %s\n", m.c_str());
  if (reader.skipped() > reader.skip_messages().size()) {
    std::fprintf(stderr, "  ... and %s more skipped rows\n",
                 Thousands(reader.skipped() - reader.skip_messages().size()).c_str());
  }
}

Status RunClassify(const ClassifyOptions& o) {
  LOGSIEVE_ASSIGN_OR_RETURN(Config config, o.pipeline.BuildConfig());
  if (!o.on_error.empty())
    LOGSIEVE_RETURN_IF_ERROR(config.Set("input.on_error", o.on_error, "flag --on-error"));
  const std::string& on_error = config.GetString("input.on_error");  // fail or skip (the table)
  ReadOptions ro;
  const std::optional<Format> implied = FormatFromPath(o.input);
  if (!o.format.empty()) {
    LOGSIEVE_ASSIGN_OR_RETURN(ro.format, ParseFormat(o.format));
  } else {
    ro.format = implied ? *implied : o.follow ? Format::kLines : Format::kCsv;
  }
  if (o.follow && ro.format == Format::kCsv) {
    return InvalidArgumentError("--follow reads --format lines or ndjson, not csv");
  }
  if (o.follow && o.input == "-") return InvalidArgumentError("--follow needs a file, not stdin");
  if (!o.position_file.empty() && !o.follow) {
    return InvalidArgumentError("--position-file is for --follow");
  }
  LOGSIEVE_ASSIGN_OR_RETURN(ro.multiline, MultilineOptions::FromConfig(config));
  ro.max_record_bytes = config.GetSize("input.max_record_bytes");
  ro.skip_malformed = on_error == "skip";
  ro.default_source = o.source.value_or(std::string(kDefaultSource));
  ro.source_column = o.source_field;
  ro.message_column = o.message_field;
  ro.required_columns = {o.message_field};
  if (!o.source) ro.required_columns.insert(ro.required_columns.begin(), o.source_field);
  WriteOptions wo;
  LOGSIEVE_ASSIGN_OR_RETURN(wo.format, o.output_format.empty() ? StatusOr<Format>(ro.format)
                                                               : ParseFormat(o.output_format));
  wo.detail = o.detail;
  wo.append = o.follow;  // a restart goes on after what is there

  // The store: its corrections answer first wherever it exists; it records
  // only when asked (store.enabled=on); it never stops a run. Then the
  // pipeline: a broken rule or model file stops before any output.
  const StoreParts store = OpenStoreParts(config, "classify");
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Classifier> classifier,
                            CreateClassifier(config, store));
  std::unique_ptr<InputStream> in;
  FollowStream* follow = nullptr;
  if (o.follow) {
    FollowOptions fo;
    fo.poll_ms = static_cast<int>(config.GetInt("input.follow.poll_ms"));
    fo.max_line_bytes = ro.max_record_bytes;
    fo.stop = &g_stop_following;
    if (!o.position_file.empty()) {
      LOGSIEVE_ASSIGN_OR_RETURN(fo.resume, ReadPositionFile(o.position_file));
    }
    LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<FollowStream> stream,
                              FollowStream::Open(o.input, fo));
    if (!o.quiet && !stream->resume_note().empty())
      std::fprintf(stderr, "logsieve: %s\n", stream->resume_note().c_str());
    follow = stream.get();
    in = std::move(stream);
    StopFollowingOnSignals();
  } else {
    LOGSIEVE_ASSIGN_OR_RETURN(in, InputStream::Open(o.input));
  }
  StatusOr<std::unique_ptr<RecordReader>> opened = RecordReader::Open(std::move(in), ro);
  if (!opened.ok() && ro.format == Format::kCsv && o.format.empty() &&
      ro.multiline.mode == MultilineMode::kOff &&
      opened.status().code() == StatusCode::kInvalidArgument) {
    // Read as CSV because nothing said otherwise: perhaps a plain-text log.
    return Status(opened.status().code(),
                  opened.status().message() +
                      " (read as CSV; for a plain-text log, one line per record, give --format "
                      "lines)");
  }
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<RecordReader> reader, std::move(opened));
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<RecordWriter> writer,
                            RecordWriter::Open(o.output, wo, ro.format, reader->columns()));

  Progress progress(!o.quiet && isatty(2));
  RunOptions run = RunOptions::FromConfig(config);
  run.on_progress = [&](uint64_t rows, uint64_t bytes, int64_t size) {
    progress.Update(rows, bytes, size);
  };
  if (follow != nullptr && !o.position_file.empty()) {
    run.on_batch_written = [&](const RecordBatch& batch) {
      return WritePositionFile(o.position_file, o.input, follow->PositionAt(batch.end_offset));
    };
  }
  RunSummary summary;
  Status status = RunStream(*classifier, *reader, *writer, run, &summary);
  progress.Clear();
  if (!o.quiet) PrintSummary(summary, *reader, *classifier);
  // Only a regular file has a PATH.partial; `-o /dev/full` is written in place.
  if (!status.ok() && !writer->partial_path().empty()) {
    std::fprintf(stderr, "logsieve: the %s rows before the error are in '%s'\n",
                 Thousands(summary.rows).c_str(), writer->partial_path().c_str());
  }
  return status;
}

}  // namespace

void AddClassifyCommand(CLI::App& app) {
  auto o = std::make_shared<ClassifyOptions>();
  CLI::App* cmd =
      app.add_subcommand("classify", "Label every log line of a CSV, NDJSON or plain-text input");
  cmd->add_option("INPUT", o->input, "Input file, or - for stdin")->required();
  cmd->add_option("-o,--output", o->output, "Output file, or - for stdout (default)");
  cmd->add_option("--format", o->format,
                  "Input format (and output format): csv, ndjson or lines. Default: from INPUT's "
                  "extension (.csv; .ndjson, .jsonl; .log, .txt), else csv (lines with --follow)")
      ->check(CLI::IsMember({"csv", "ndjson", "jsonl", "lines", "text"}));
  cmd->add_option("--output-format", o->output_format,
                  "Output format when it differs from the input's")
      ->check(CLI::IsMember({"csv", "ndjson", "jsonl", "lines", "text"}));
  cmd->add_option("--source", o->source,
                  "Source of records that carry none (lines; ndjson without the source field; a "
                  "csv without the source column, which then is not required)")
      ->default_str(std::string(kDefaultSource));
  cmd->add_option("--source-field", o->source_field,
                  "Name of the csv column / ndjson field that holds the source")
      ->capture_default_str();
  cmd->add_option("--message-field", o->message_field,
                  "Name of the csv column / ndjson field that holds the log message (e.g. msg)")
      ->capture_default_str();
  cmd->add_option("--on-error", o->on_error,
                  "Malformed rows: fail (default) or skip (count and report)")
      ->check(CLI::IsMember({"fail", "skip"}));
  cmd->add_flag("--detail", o->detail,
                "Add a `detail` column saying why (rule id, model features, LLM reason)");
  cmd->add_flag("-q,--quiet", o->quiet, "No progress bar and no summary on stderr");
  cmd->add_flag("-F,--follow", o->follow,
                "Follow INPUT as it grows, across rotation and truncation (like tail -F), until "
                "SIGINT/SIGTERM; lines or ndjson");
  cmd->add_option(
      "--position-file", o->position_file,
      "With --follow: where the position after the last written record is saved "
      "(atomically, when output catches up and at least every second), and resumed from on "
      "restart");
  AddPipelineFlags(cmd, &o->pipeline);
  AddExamples(cmd, {"logsieve classify logs.csv -o labelled.csv",
                    "logsieve classify app.log --set input.multiline.mode=java   # lines, by .log",
                    "logsieve classify events.jsonl --message-field msg --source web",
                    "logsieve classify -F /var/log/app.log --position-file app.pos -o out.txt"});
  cmd->callback([o] {
    Status s = RunClassify(*o);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace logsieve::cli
