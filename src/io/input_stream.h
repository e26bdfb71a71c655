// InputStream: bytes from a file or stdin, read in chunks, with a way to ask
// whether more bytes are ready right now (so a streaming reader can answer
// the lines it has instead of waiting for a full batch: `tail -f | logsieve`).
//
// Thread safety: one thread at a time.
#ifndef LOGSIEVE_IO_INPUT_STREAM_H_
#define LOGSIEVE_IO_INPUT_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"

namespace logsieve {

class InputStream {
 public:
  // "-" is stdin. A missing or unreadable file is NotFound naming the path.
  static StatusOr<std::unique_ptr<InputStream>> Open(const std::string& path);
  // Reads from an in-memory string (tests, HTTP bodies).
  static std::unique_ptr<InputStream> FromString(std::string data, std::string name = "<memory>");

  virtual ~InputStream() = default;
  // Reads up to n bytes, blocking until at least one byte or end of input.
  // Returns 0 at end of input.
  virtual StatusOr<size_t> Read(char* buf, size_t n) = 0;
  // True when a Read would not block (bytes ready, or end of input).
  virtual bool Ready() const = 0;
  // Total size in bytes when known (regular files), else -1.
  virtual int64_t size() const = 0;
  // "file.csv", "<stdin>": used in messages.
  virtual const std::string& name() const = 0;
};

}  // namespace logsieve

#endif  // LOGSIEVE_IO_INPUT_STREAM_H_
