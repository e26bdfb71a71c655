#include "ingest/ndjson_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ingest/ingest.h"
#include "io/records.h"

namespace logsieve {
namespace {

int OpenAppend(const std::string& path) {
  return open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
}

}  // namespace

StatusOr<std::unique_ptr<NdjsonOutput>> NdjsonOutput::Open(const std::string& path) {
  if (path == "-") return std::unique_ptr<NdjsonOutput>(new NdjsonOutput(path, 1));
  int fd = OpenAppend(path);
  if (fd < 0) {
    return UnavailableError("output.ndjson: cannot open '" + path + "': " + std::strerror(errno));
  }
  return std::unique_ptr<NdjsonOutput>(new NdjsonOutput(path, fd));
}

NdjsonOutput::~NdjsonOutput() {
  if (fd_ > 2) close(fd_);
}

Status NdjsonOutput::Write(std::string* lines) {
  MutexLock lock(&mu_);
  if (reopen_.exchange(false, std::memory_order_relaxed) && path_ != "-") {
    int fd = OpenAppend(path_);
    if (fd < 0) {
      reopen_.store(true, std::memory_order_relaxed);  // tried again at the next write
      return UnavailableError("output.ndjson: cannot reopen '" + path_ +
                              "': " + std::strerror(errno));
    }
    close(fd_);
    fd_ = fd;
  }
  size_t done = 0;
  Status status = OkStatus();
  while (done < lines->size()) {
    ssize_t n = ::write(fd_, lines->data() + done, lines->size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      status = UnavailableError("output.ndjson: writing '" + path_ +
                                "' failed: " + std::strerror(errno));
      break;
    }
    done += static_cast<size_t>(n);
  }
  lines->erase(0, done);
  return status;
}

Status NdjsonOutput::Write(const ClassifiedBatch& batch) {
  if (pending_.empty()) {
    std::vector<std::pair<std::string, std::string>> fields;
    for (size_t i = 0; i < batch.records.size(); ++i) {
      const IngestRecord& r = batch.records[i];
      fields.clear();
      fields.emplace_back("log_message", r.record.message);
      fields.emplace_back("source", r.record.source);
      fields.insert(fields.end(), r.fields.begin(), r.fields.end());
      AppendNdjsonDecision(fields, batch.decisions[i], &pending_);
    }
  }
  if (Status s = Write(&pending_); !s.ok()) {
    CountOutputError(name());
    return s;
  }
  CountWritten(name(), batch.records.size());
  return OkStatus();
}

}  // namespace logsieve
