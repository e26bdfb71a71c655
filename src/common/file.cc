#include "common/file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

namespace logsieve {
namespace {

// The kind of a non-regular file, for "PATH: is a directory, not a model file".
const char* KindName(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  return "not a regular file";
}

// "a model file", "an input file".
std::string WithArticle(std::string_view what) {
  bool vowel =
      !what.empty() && std::string_view("aeiouAEIOU").find(what[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(what);
}

}  // namespace

std::string HumanBytes(uint64_t n) {
  if (n >= (1u << 20) && n % (1u << 20) == 0) return std::to_string(n >> 20) + " MiB";
  if (n >= (1u << 10) && n % (1u << 10) == 0) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " bytes";
}

StatusOr<InputFile> InputFile::Open(const std::string& path, std::string_view what,
                                    FileKinds kinds) {
  // O_NONBLOCK so that opening a FIFO with no writer does not hang here; it is
  // cleared again below before any read.
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    int e = errno;
    if (e == ENOENT) return NotFoundError(path + ": no such " + std::string(what));
    return NotFoundError(path + ": cannot open " + std::string(what) + ": " + std::strerror(e));
  }
  struct stat st {};
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return NotFoundError(path + ": cannot stat " + std::string(what) + ": " + std::strerror(e));
  }
  const bool regular = S_ISREG(st.st_mode);
  // A socket can be stdin (`/dev/stdin` under a supervisor); reading it is streaming.
  const bool streamable = S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISSOCK(st.st_mode);
  if (!regular && !(kinds == FileKinds::kStreamable && streamable)) {
    close(fd);
    if (S_ISDIR(st.st_mode))
      return InvalidArgumentError(path + ": is a directory, not " + WithArticle(what));
    return InvalidArgumentError(
        path + ": is " + KindName(st.st_mode) + "; " + WithArticle(what) + " must be " +
        (kinds == FileKinds::kStreamable ? "a regular file, a FIFO, a socket or a character device"
                                         : "a regular file"));
  }
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  return InputFile(fd, true, path, regular ? static_cast<int64_t>(st.st_size) : -1);
}

InputFile InputFile::Stdin() {
  struct stat st {};
  int64_t size = fstat(0, &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : -1;
  return InputFile(0, false, "<stdin>", size);
}

InputFile::InputFile(InputFile&& o) noexcept
    : fd_(std::exchange(o.fd_, -1)),
      owned_(std::exchange(o.owned_, false)),
      path_(std::move(o.path_)),
      size_(o.size_) {}

InputFile& InputFile::operator=(InputFile&& o) noexcept {
  if (this != &o) {
    if (owned_ && fd_ >= 0) close(fd_);
    fd_ = std::exchange(o.fd_, -1);
    owned_ = std::exchange(o.owned_, false);
    path_ = std::move(o.path_);
    size_ = o.size_;
  }
  return *this;
}

InputFile::~InputFile() {
  if (owned_ && fd_ >= 0) close(fd_);
}

int InputFile::Release() {
  owned_ = false;
  return std::exchange(fd_, -1);
}

StatusOr<std::string> InputFile::ReadAll(size_t max_bytes, std::string_view what) {
  std::string out;
  auto too_large = [&] {
    return InvalidArgumentError(path_ + ": " + std::string(what) + " is larger than " +
                                HumanBytes(max_bytes));
  };
  if (size_ >= 0) {
    if (static_cast<uint64_t>(size_) > max_bytes) return too_large();
    out.reserve(static_cast<size_t>(size_));
  }
  char buf[1 << 16];
  for (;;) {
    // Never ask for more than one byte past the cap.
    size_t want = std::min(sizeof buf, max_bytes + 1 - out.size());
    ssize_t n = read(fd_, buf, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return DataLossError(path_ + ": read failed: " + std::strerror(errno));
    }
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) return too_large();
  }
}

StatusOr<std::string> ReadFileBounded(const std::string& path, size_t max_bytes,
                                      std::string_view what, FileKinds kinds) {
  StatusOr<InputFile> in = InputFile::Open(path, what, kinds);
  if (!in.ok()) return in.status();
  return in->ReadAll(max_bytes, what);
}

StatusOr<std::shared_ptr<const FileBytes>> FileBytes::Read(const std::string& path,
                                                           size_t max_bytes,
                                                           std::string_view what) {
  LOGSIEVE_ASSIGN_OR_RETURN(InputFile in, InputFile::Open(path, what, FileKinds::kRegular));
  const size_t size = static_cast<size_t>(in.size());
  if (size > max_bytes) {
    return InvalidArgumentError(path + ": " + std::string(what) + " is larger than " +
                                HumanBytes(max_bytes));
  }
  if (size == 0) return std::shared_ptr<const FileBytes>(new FileBytes(nullptr, 0, 0));
  constexpr size_t kHugePage = size_t{2} << 20;
  const size_t reserved = (size + kHugePage - 1) / kHugePage * kHugePage;
  void* data = mmap(nullptr, reserved, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (data == MAP_FAILED) {
    return ResourceExhaustedError(path + ": no memory for the " + std::string(what) + " (" +
                                  std::strerror(errno) + ")");
  }
  (void)madvise(data, reserved, MADV_HUGEPAGE);  // a hint: without THP, 4 KiB pages
  std::shared_ptr<const FileBytes> out(new FileBytes(data, size, reserved));
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(in.fd(), static_cast<char*>(data) + done, size - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return UnavailableError(path + ": cannot read the " + std::string(what) + " (" +
                              std::strerror(errno) + ")");
    }
    if (n == 0) {
      return DataLossError(path + ": the " + std::string(what) + " shrank while it was read");
    }
    done += static_cast<size_t>(n);
  }
  return out;
}

FileBytes::~FileBytes() {
  if (reserved_ > 0) munmap(data_, reserved_);
}

Status WriteFileAtomically(const std::string& path, std::string_view content) {
  static std::atomic<uint64_t> counter{0};
  const std::string tmp =
      path + "." + std::to_string(getpid()) + "." + std::to_string(counter.fetch_add(1)) + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return UnavailableError(tmp + ": cannot be created (" + std::strerror(errno) + ")");
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<size_t>(n);
  }
  const bool written = done == content.size() && ::fsync(fd) == 0;
  const int saved = errno;
  ::close(fd);
  if (!written) {
    ::unlink(tmp.c_str());
    return UnavailableError(tmp + ": cannot be written (" + std::strerror(saved) + ")");
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return UnavailableError(path + ": cannot be replaced (" + std::strerror(e) + ")");
  }
  return OkStatus();
}

StatusOr<FileLock> FileLock::Acquire(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0)
    return UnavailableError(path + ": cannot open the lock file (" + std::strerror(errno) + ")");
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int e = errno;
    ::close(fd);
    return UnavailableError(path + ": cannot be locked (" + std::strerror(e) + ")");
  }
  return FileLock(fd);
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the lock
}

}  // namespace logsieve
