#include "io/input_stream.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/file.h"

namespace logsieve {
namespace {

class FdInputStream : public InputStream {
 public:
  FdInputStream(int fd, bool owned, std::string name, int64_t size)
      : fd_(fd), owned_(owned), name_(std::move(name)), size_(size) {}
  ~FdInputStream() override {
    if (owned_) close(fd_);
  }

  StatusOr<size_t> Read(char* buf, size_t n) override {
    for (;;) {
      ssize_t r = read(fd_, buf, n);
      if (r >= 0) return static_cast<size_t>(r);
      if (errno == EINTR) continue;
      return UnavailableError(name_ + ": read failed: " + std::strerror(errno));
    }
  }

  bool Ready() const override {
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, 0) > 0;
  }
  int64_t size() const override { return size_; }
  const std::string& name() const override { return name_; }

 private:
  int fd_;
  bool owned_;
  std::string name_;
  int64_t size_;
};

class StringInputStream : public InputStream {
 public:
  StringInputStream(std::string data, std::string name)
      : data_(std::move(data)), name_(std::move(name)) {}
  StatusOr<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min(n, data_.size() - pos_);
    std::memcpy(buf, data_.data() + pos_, k);
    pos_ += k;
    return k;
  }
  bool Ready() const override { return true; }
  int64_t size() const override { return static_cast<int64_t>(data_.size()); }
  const std::string& name() const override { return name_; }

 private:
  std::string data_;
  size_t pos_ = 0;
  std::string name_;
};

}  // namespace

StatusOr<std::unique_ptr<InputStream>> InputStream::Open(const std::string& path) {
  if (path == "-") {
    struct stat st {};
    int64_t size = fstat(0, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : -1;
    return std::unique_ptr<InputStream>(new FdInputStream(0, false, "<stdin>", size));
  }
  LOGSIEVE_ASSIGN_OR_RETURN(InputFile file,
                            InputFile::Open(path, "input file", FileKinds::kStreamable));
  int64_t size = file.size();
  int fd = file.Release();
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<InputStream>(new FdInputStream(fd, true, path, size));
}

std::unique_ptr<InputStream> InputStream::FromString(std::string data, std::string name) {
  return std::make_unique<StringInputStream>(std::move(data), std::move(name));
}

}  // namespace logsieve
