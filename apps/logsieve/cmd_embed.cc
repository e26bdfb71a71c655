// `logsieve tokenize` and `logsieve embed`: a transformer encoder's ids and
// vectors for lines on stdin (debugging, exporting vectors, fixture checks).
#include <algorithm>
#include <iostream>
#include <memory>
#include <thread>

#include "commands.h"
#include "embed/bert/line_tools.h"
#include "embed/bert/sentence_transformer.h"
#include "pipeline_flags.h"

namespace logsieve::cli {
namespace {

// main() prints the message and exits with `code`.
[[noreturn]] void Fail(const std::string& message, int code) {
  throw CLI::RuntimeError(message, code);
}

std::unique_ptr<bert::SentenceTransformer> LoadOrThrow(const std::string& dir,
                                                       const bert::TransformerOptions& options) {
  auto enc = bert::SentenceTransformer::Load(dir, options);
  if (!enc.ok()) Fail(enc.status().message(), 2);
  return std::move(*enc);
}

}  // namespace

void AddEmbedCommand(CLI::App& app) {
  struct Opts {
    std::string encoder;
    size_t max_length = 0;
    size_t batch = 32;
    int threads = 0;
    std::string precision = "fp32";
  };
  auto opts = std::make_shared<Opts>();

  CLI::App* tok = app.add_subcommand(
      "tokenize", "Print the input ids of each stdin line (one JSON array per line)");
  tok->add_option("--encoder", opts->encoder, "sentence-transformers model folder")->required();
  tok->add_option("--max-length", opts->max_length, "Token limit (0 = the folder's)");
  AddExamples(tok, {"logsieve tokenize --encoder models/all-MiniLM-L6-v2 < lines.txt"});
  tok->callback([opts] {
    auto tok = bert::LoadFolderTokenizer(opts->encoder, opts->max_length);
    if (!tok.ok()) Fail(tok.status().message(), 2);
    std::ios::sync_with_stdio(false);
    Status s = bert::TokenizeLines(*tok->tokenizer, tok->max_length, std::cin, std::cout);
    if (!s.ok()) Fail(s.message(), 1);
  });

  CLI::App* emb = app.add_subcommand(
      "embed", "Print the embedding of each stdin line (one JSON array of floats per line)");
  emb->add_option("--encoder", opts->encoder, "sentence-transformers model folder")->required();
  emb->add_option("--batch", opts->batch, "Lines per forward pass (default 32)");
  emb->add_option("--max-length", opts->max_length, "Token limit (0 = the folder's)");
  emb->add_option("--threads", opts->threads,
                  "Chunks encoded at once, one thread each (default 0: all cores)");
  emb->add_option("--precision", opts->precision, "fp32");
  AddExamples(emb,
              {"logsieve embed --encoder models/all-MiniLM-L6-v2 < lines.txt > vectors.jsonl"});
  emb->callback([opts] {
    if (opts->batch == 0) Fail("--batch must be >= 1", 2);
    // Each thread holds a chunk (8 batches of lines) in memory: bounded.
    if (opts->threads < 0 || opts->threads > 256) {
      Fail("--threads must be in [0, 256] (0: all cores)", 2);
    }
    bert::TransformerOptions o;
    o.max_length = opts->max_length;
    o.batch_size = opts->batch;
    o.precision = opts->precision;
    auto enc = LoadOrThrow(opts->encoder, o);
    std::ios::sync_with_stdio(false);
    const size_t threads = opts->threads > 0 ? static_cast<size_t>(opts->threads)
                                             : std::max(1u, std::thread::hardware_concurrency());
    Status s = bert::EmbedLines(*enc, std::cin, std::cout, opts->batch * 8, threads);
    if (!s.ok()) Fail(s.message(), 1);
  });
}

}  // namespace logsieve::cli
