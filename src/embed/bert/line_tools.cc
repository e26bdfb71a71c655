#include "embed/bert/line_tools.h"

#include <cstdio>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace logsieve::bert {

Status TokenizeLines(const WordPieceTokenizer& tokenizer, size_t max_length, std::istream& in,
                     std::ostream& out) {
  std::string line, buf;
  std::vector<int32_t> ids;
  while (std::getline(in, line, '\n')) {
    tokenizer.Encode(line, max_length, &ids);
    buf.clear();
    buf.push_back('[');
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i) buf += ", ";
      buf += std::to_string(ids[i]);
    }
    buf += "]\n";
    out << buf;
  }
  if (!out) return UnavailableError("cannot write the output");
  return OkStatus();
}

Status EmbedLines(const Encoder& encoder, std::istream& in, std::ostream& out, size_t chunk,
                  size_t threads) {
  const size_t dim = encoder.dim();
  std::vector<std::string> lines;
  std::vector<std::string_view> views;
  std::vector<float> vecs;
  std::vector<Status> status(threads);
  std::vector<std::thread> pool;
  std::string buf;
  char num[32];
  bool eof = false;
  while (!eof) {
    lines.clear();
    std::string line;
    while (lines.size() < chunk * threads) {
      if (!std::getline(in, line, '\n')) {
        eof = true;
        break;
      }
      lines.push_back(std::move(line));
    }
    if (lines.empty()) break;
    views.assign(lines.begin(), lines.end());
    vecs.resize(lines.size() * dim);
    auto encode = [&](size_t t) {
      const size_t b = t * chunk, e = std::min(lines.size(), b + chunk);
      if (b < e)
        status[t] = encoder.EncodeDense(std::span(views).subspan(b, e - b), &vecs[b * dim]);
    };
    pool.clear();
    for (size_t t = 1; t < threads && t * chunk < lines.size(); ++t) pool.emplace_back(encode, t);
    encode(0);
    for (std::thread& t : pool) t.join();
    for (const Status& s : status) LOGSIEVE_RETURN_IF_ERROR(s);
    for (size_t i = 0; i < lines.size(); ++i) {
      buf.clear();
      buf.push_back('[');
      for (size_t c = 0; c < dim; ++c) {
        std::snprintf(num, sizeof(num), c ? ", %.9g" : "%.9g",
                      static_cast<double>(vecs[i * dim + c]));
        buf += num;
      }
      buf += "]\n";
      out << buf;
    }
    out.flush();
  }
  if (!out) return UnavailableError("cannot write the output");
  return OkStatus();
}

}  // namespace logsieve::bert
