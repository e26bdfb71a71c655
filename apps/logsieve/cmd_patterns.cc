// `logsieve patterns INPUT [-o OUT]`: the mined template of every record
// (patterns/template_miner.h), or with --summary the templates themselves.
//
// Records are read as `classify` reads them (io/records.h, input.multiline
// joins events), all mined first, then written in order with the template
// their cluster has at the end of the input: a line is never shown a template
// narrower than the one its later siblings widened. So the records are held
// in memory until the end (about the input's size).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "commands.h"
#include "common/config.h"
#include "common/json.h"
#include "io/csv.h"
#include "io/records.h"
#include "patterns/template_miner.h"
#include "pipeline_flags.h"

namespace logsieve::cli {
namespace {

using ojson = nlohmann::ordered_json;

struct PatternsOptions {
  PipelineFlags pipeline;  // for --config / --set (input.*)
  std::string input;
  std::string output = "-";
  std::string format = "csv";
  std::string output_format;
  std::string source = std::string(kDefaultSource);
  std::string on_error;
  size_t max_templates = MinerOptions{}.max_templates;
  bool summary = false;
};

// One template of the summary: clusters whose final text is the same are one.
struct Row {
  std::string id, text, example;
  uint64_t count = 0, first = 0, last = 0;
};

// A message on one output line (the lines format): '\n' as the two characters \n.
std::string OneLine(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

class Output {
 public:
  static StatusOr<std::unique_ptr<Output>> Open(const std::string& path) {
    std::FILE* f = path == "-" ? stdout : std::fopen(path.c_str(), "wb");
    if (f == nullptr) return InvalidArgumentError("cannot write '" + path + "'");
    return std::unique_ptr<Output>(new Output(f, path));
  }
  ~Output() {
    if (file_ != stdout && file_ != nullptr) std::fclose(file_);
  }
  std::string& buf() { return buf_; }
  Status Flush() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size())
      return InternalError("writing '" + path_ + "' failed");
    buf_.clear();
    return OkStatus();
  }
  Status Close() {
    LOGSIEVE_RETURN_IF_ERROR(Flush());
    int rc = file_ == stdout ? std::fflush(stdout) : std::fclose(file_);
    if (file_ != stdout) file_ = nullptr;
    if (rc != 0) return InternalError("writing '" + path_ + "' failed");
    return OkStatus();
  }

 private:
  Output(std::FILE* f, std::string path) : file_(f), path_(std::move(path)) {}
  std::FILE* file_;
  std::string path_;
  std::string buf_;
};

Status WriteRecords(const std::vector<RecordBatch>& batches,
                    const std::vector<std::vector<const Row*>>& rows, Format format, Output* out) {
  if (format == Format::kCsv)
    AppendCsvRow({"source", "log_message", "template_id", "template"}, &out->buf());
  for (size_t b = 0; b < batches.size(); ++b) {
    for (size_t i = 0; i < batches[b].size(); ++i) {
      const LogRecord& r = batches[b].batch.records[i];
      const Row& row = *rows[b][i];
      switch (format) {
        case Format::kCsv:
          AppendCsvRow({r.source, r.message, row.id, row.text}, &out->buf());
          break;
        case Format::kNdjson: {
          ojson obj = {{"source", r.source},
                       {"log_message", r.message},
                       {"template_id", row.id},
                       {"template", row.text}};
          out->buf() += DumpJson(obj) + "\n";
          break;
        }
        case Format::kLines:
          out->buf() += row.id + "\t" + row.text + "\t" + OneLine(r.message) + "\n";
          break;
      }
      if (out->buf().size() > (1 << 20)) LOGSIEVE_RETURN_IF_ERROR(out->Flush());
    }
  }
  return OkStatus();
}

// Most frequent first; ties by id so the order is the same in every run.
Status WriteSummary(std::vector<Row> rows, uint64_t total, uint64_t evicted, Format format,
                    bool table, Output* out) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return a.count != b.count ? a.count > b.count : a.id < b.id;
  });
  std::string& buf = out->buf();
  auto share = [total](uint64_t n) {
    return total > 0 ? static_cast<double>(n) / static_cast<double>(total) : 0.0;
  };
  if (table) {
    char line[128];
    std::snprintf(line, sizeof line, "%zu templates over %llu records", rows.size(),
                  static_cast<unsigned long long>(total));
    buf += line;
    if (evicted > 0) buf += " (" + std::to_string(evicted) + " templates evicted at the cap)";
    buf += "\n";
    std::snprintf(line, sizeof line, "%-16s %10s %7s %10s %10s  %s\n", "template_id", "count",
                  "share", "first_line", "last_line", "template");
    buf += line;
    for (const Row& r : rows) {
      std::snprintf(line, sizeof line, "%-16s %10llu %6.2f%% %10llu %10llu  ", r.id.c_str(),
                    static_cast<unsigned long long>(r.count), 100.0 * share(r.count),
                    static_cast<unsigned long long>(r.first),
                    static_cast<unsigned long long>(r.last));
      buf += line + OneLine(r.text) + "\n" + std::string(17, ' ') + "e.g. " + OneLine(r.example) +
             "\n";
    }
    return OkStatus();
  }
  if (format == Format::kCsv) {
    AppendCsvRow(
        {"template_id", "count", "share", "first_line", "last_line", "template", "example"}, &buf);
  }
  for (const Row& r : rows) {
    if (format == Format::kCsv) {
      char fraction[16];
      std::snprintf(fraction, sizeof fraction, "%.4f", share(r.count));
      AppendCsvRow({r.id, std::to_string(r.count), fraction, std::to_string(r.first),
                    std::to_string(r.last), r.text, r.example},
                   &buf);
    } else {
      ojson obj = {{"template_id", r.id},
                   {"count", r.count},
                   {"share", std::round(share(r.count) * 1e4) / 1e4},
                   {"first_line", r.first},
                   {"last_line", r.last},
                   {"template", r.text},
                   {"example", r.example}};
      buf += DumpJson(obj) + "\n";
    }
  }
  return OkStatus();
}

Status RunPatterns(const PatternsOptions& o) {
  LOGSIEVE_ASSIGN_OR_RETURN(Config config, o.pipeline.BuildConfig());
  if (!o.on_error.empty())
    LOGSIEVE_RETURN_IF_ERROR(config.Set("input.on_error", o.on_error, "flag --on-error"));
  ReadOptions ro;
  LOGSIEVE_ASSIGN_OR_RETURN(ro.format, ParseFormat(o.format));
  LOGSIEVE_ASSIGN_OR_RETURN(ro.multiline, MultilineOptions::FromConfig(config));
  ro.max_record_bytes = config.GetSize("input.max_record_bytes");
  ro.skip_malformed = config.GetString("input.on_error") == "skip";
  ro.default_source = o.source;
  // Per-record output defaults to the input's format; the summary to a table.
  const bool table = o.summary && o.output_format.empty();
  LOGSIEVE_ASSIGN_OR_RETURN(Format out_format, o.output_format.empty()
                                                   ? StatusOr<Format>(ro.format)
                                                   : ParseFormat(o.output_format));
  if (o.summary && !table && out_format == Format::kLines)
    return InvalidArgumentError("--summary writes a table, csv or ndjson, not lines");

  MinerOptions mo;
  mo.max_templates = o.max_templates;
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<TemplateMiner> miner, TemplateMiner::Create(mo));
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<InputStream> in, InputStream::Open(o.input));
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<RecordReader> reader,
                            RecordReader::Open(std::move(in), ro));
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Output> out, Output::Open(o.output));

  // Pass 1: mine. Each record remembers its cluster.
  std::vector<RecordBatch> batches;
  std::vector<std::vector<uint64_t>> clusters;
  uint64_t total = 0;
  while (true) {
    RecordBatch batch;
    LOGSIEVE_ASSIGN_OR_RETURN(size_t n, reader->Read(4096, &batch));
    if (n == 0) break;
    std::vector<uint64_t>& c = clusters.emplace_back();
    for (size_t i = 0; i < batch.size(); ++i)
      c.push_back(miner->Add(batch.batch.records[i].message, batch.lines[i]).cluster);
    total += batch.size();
    if (o.summary) batch.Clear();  // the summary needs no records
    batches.push_back(std::move(batch));
  }

  // Pass 2: the final template of each cluster, merged by id.
  std::map<std::string, Row> by_id;
  std::unordered_map<uint64_t, const Row*> of_cluster;
  for (const Pattern& p : miner->Patterns()) {
    auto [it, fresh] = by_id.try_emplace(p.id);
    Row& r = it->second;
    if (fresh || p.first_seen < r.first) {
      r.first = p.first_seen;
      r.example = p.example;
    }
    r.id = p.id;
    r.text = p.text;
    r.count += p.count;
    r.last = std::max(r.last, p.last_seen);
    of_cluster[p.cluster] = &r;
  }
  std::vector<Row> summary;
  if (o.summary) {
    for (auto& [id, r] : by_id) summary.push_back(r);
    LOGSIEVE_RETURN_IF_ERROR(
        WriteSummary(std::move(summary), total, miner->evicted(), out_format, table, out.get()));
  } else {
    // A record whose cluster was evicted at the cap gets the template it
    // would join now (or its own masked tokens).
    std::vector<std::unique_ptr<Row>> evicted;
    std::vector<std::vector<const Row*>> rows(batches.size());
    for (size_t b = 0; b < batches.size(); ++b) {
      for (size_t i = 0; i < batches[b].size(); ++i) {
        auto it = of_cluster.find(clusters[b][i]);
        if (it != of_cluster.end()) {
          rows[b].push_back(it->second);
          continue;
        }
        auto r = std::make_unique<Row>();
        const std::string& message = batches[b].batch.records[i].message;
        if (std::optional<Pattern> p = miner->Match(message)) {
          r->text = p->text;
        } else {
          for (const std::string& t : miner->Tokens(message))
            r->text += (r->text.empty() ? "" : " ") + t;
        }
        r->id = TemplateId(r->text);
        rows[b].push_back(r.get());
        evicted.push_back(std::move(r));
      }
    }
    LOGSIEVE_RETURN_IF_ERROR(WriteRecords(batches, rows, out_format, out.get()));
  }
  LOGSIEVE_RETURN_IF_ERROR(out->Close());
  for (const std::string& m : reader->skip_messages())
    std::fprintf(stderr, "logsieve: skipped: %s\n", m.c_str());
  return OkStatus();
}

}  // namespace

void AddPatternsCommand(CLI::App& app) {
  auto o = std::make_shared<PatternsOptions>();
  CLI::App* cmd = app.add_subcommand(
      "patterns", "Mine log templates: the template of every record, or a summary of templates");
  cmd->add_option("INPUT", o->input, "Input file, or - for stdin")->required();
  cmd->add_option("-o,--output", o->output, "Output file, or - for stdout (default)");
  cmd->add_option("--format", o->format, "Input format: csv (default), ndjson or lines")
      ->check(CLI::IsMember({"csv", "ndjson", "jsonl", "lines", "text"}));
  cmd->add_option("--output-format", o->output_format,
                  "Output format when it differs from the input's (--summary: csv or ndjson "
                  "instead of a table)")
      ->check(CLI::IsMember({"csv", "ndjson", "jsonl", "lines", "text"}));
  cmd->add_option("--source", o->source,
                  "Source of lines that carry none (--format lines; ndjson without `source`)");
  cmd->add_option("--on-error", o->on_error,
                  "Malformed rows: fail (default) or skip (count and report)")
      ->check(CLI::IsMember({"fail", "skip"}));
  cmd->add_option("--max-templates", o->max_templates,
                  "Templates kept; the least recently seen is evicted beyond it")
      ->check(CLI::PositiveNumber);
  cmd->add_flag("--summary", o->summary,
                "Write the templates (count, share, first and last line, example) instead of "
                "the records");
  AddConfigFlags(cmd, &o->pipeline);  // the miner uses no rules, model or threshold
  AddExamples(cmd, {"logsieve patterns app.log --format lines -o templates.csv",
                    "logsieve patterns logs.csv --summary",
                    "logsieve patterns events.ndjson --summary --output-format ndjson"});
  cmd->callback([o] {
    Status s = RunPatterns(*o);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace logsieve::cli
