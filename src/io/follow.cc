#include "io/follow.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/file.h"
#include "common/json.h"

namespace logsieve {
namespace {

constexpr size_t kChunk = 1 << 16;
constexpr int kSliceMs = 50;  // sleeps are cut in slices so a stop is seen soon

void SleepSlice(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(std::clamp(ms, 1, kSliceMs)));
}

}  // namespace

StatusOr<std::optional<FilePosition>> ReadPositionFile(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 && errno == ENOENT) return std::optional<FilePosition>();
  LOGSIEVE_ASSIGN_OR_RETURN(std::string text, ReadFileBounded(path, 4096, "position file"));
  LOGSIEVE_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(text, path));
  if (!j.is_object()) return InvalidArgumentError(path + ": a position file holds one object");
  FilePosition p;
  for (auto [field, value] : {std::pair{"device", &p.device}, std::pair{"inode", &p.inode},
                              std::pair{"offset", &p.offset}}) {
    auto it = j.find(field);
    if (it == j.end() || !it->is_number_unsigned()) {
      return InvalidArgumentError(path + ": field '" + field + "' must be a non-negative integer");
    }
    *value = it->get<uint64_t>();
  }
  return std::optional<FilePosition>(p);
}

Status WritePositionFile(const std::string& path, const std::string& followed,
                         const FilePosition& position) {
  const std::string text = DumpJson(nlohmann::json{{"file", followed},
                                                   {"device", position.device},
                                                   {"inode", position.inode},
                                                   {"offset", position.offset}}) +
                           "\n";
  // Synced and renamed into place: a crash leaves the old position or the
  // new one, never an empty file.
  return WriteFileAtomically(path, text);
}

StatusOr<std::unique_ptr<FollowStream>> FollowStream::Open(const std::string& path,
                                                           const FollowOptions& options) {
  std::unique_ptr<FollowStream> stream(new FollowStream(path, options));
  LOGSIEVE_RETURN_IF_ERROR(stream->OpenFile(0));
  if (options.resume) {
    const FilePosition& r = *options.resume;
    struct stat st {};
    fstat(stream->fd_, &st);
    if (r.device != stream->device_ || r.inode != stream->inode_) {
      stream->resume_note_ = path +
                             ": the saved position is of another file (rotated while stopped); "
                             "reading the new file from its start";
    } else if (r.offset > static_cast<uint64_t>(st.st_size)) {
      stream->resume_note_ = path +
                             ": shorter than the saved position (truncated while stopped); "
                             "reading from the start";
    } else if (lseek(stream->fd_, static_cast<off_t>(r.offset), SEEK_SET) < 0) {
      return UnavailableError(path +
                              ": cannot seek to the saved position: " + std::strerror(errno));
    } else {
      stream->file_offset_ = r.offset;
    }
  }
  stream->StartSegment(stream->file_offset_);
  return stream;
}

FollowStream::~FollowStream() {
  if (fd_ >= 0) close(fd_);
}

Status FollowStream::OpenFile(uint64_t offset) {
  LOGSIEVE_ASSIGN_OR_RETURN(InputFile file, InputFile::Open(path_, "followed file"));
  struct stat st {};
  if (fstat(file.fd(), &st) != 0) {
    return UnavailableError(path_ + ": cannot stat: " + std::strerror(errno));
  }
  if (fd_ >= 0) close(fd_);
  fd_ = file.Release();
  device_ = st.st_dev;
  inode_ = st.st_ino;
  file_offset_ = offset;
  return OkStatus();
}

void FollowStream::StartSegment(uint64_t file_offset) {
  MutexLock lock(&mu_);
  segments_.push_back({handed_out_ + buf_.size(), {device_, inode_, file_offset}});
}

FilePosition FollowStream::PositionAt(uint64_t offset) const {
  MutexLock lock(&mu_);
  // The last segment starting at or before `offset`; a boundary belongs to the newer file.
  auto it = std::upper_bound(segments_.begin(), segments_.end(), offset,
                             [](uint64_t o, const Segment& s) { return o < s.stream_start; });
  const Segment& s = it == segments_.begin() ? segments_.front() : *std::prev(it);
  FilePosition p = s.file;
  p.offset += offset - std::min(offset, s.stream_start);
  return p;
}

size_t FollowStream::Deliverable() const {
  const size_t nl = buf_.rfind('\n');
  if (nl != std::string::npos) return nl + 1;
  // A line past the record bound goes out whole, for the reader to report.
  return buf_.size() > options_.max_line_bytes ? buf_.size() : 0;
}

Status FollowStream::Poll() {
  bool got = false;
  const size_t cap = std::max(4 * kChunk, options_.max_line_bytes + kChunk);
  while (buf_.size() < cap) {
    const size_t old = buf_.size();
    buf_.resize(old + kChunk);
    const ssize_t n = read(fd_, buf_.data() + old, kChunk);
    buf_.resize(old + static_cast<size_t>(std::max<ssize_t>(n, 0)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return UnavailableError(path_ + ": read failed: " + std::strerror(errno));
    if (n == 0) break;
    file_offset_ += static_cast<uint64_t>(n);
    got = true;
  }
  if (got) return OkStatus();

  // Nothing new: has the file been truncated or replaced?
  struct stat now {};
  if (fstat(fd_, &now) == 0 && static_cast<uint64_t>(now.st_size) < file_offset_) {
    ++truncations_;
    {
      MutexLock lock(&mu_);
      segments_.clear();  // nothing before the cut can be resumed into any more
    }
    buf_.clear();
    if (lseek(fd_, 0, SEEK_SET) < 0) {
      return UnavailableError(path_ + ": cannot seek: " + std::strerror(errno));
    }
    file_offset_ = 0;
    StartSegment(0);
    return OkStatus();
  }
  struct stat at_path {};
  if (stat(path_.c_str(), &at_path) != 0) return OkStatus();  // missing: rotation in progress
  if (at_path.st_dev == device_ && at_path.st_ino == inode_) return OkStatus();
  // Rotated: the old file has been read to its end; its last line ends here.
  if (!buf_.empty() && buf_.back() != '\n') buf_ += '\n';
  if (Status s = OpenFile(0); !s.ok()) {
    // Replaced by something we cannot read (yet): keep the old file, look again later.
    return OkStatus();
  }
  ++rotations_;
  StartSegment(0);
  return OkStatus();
}

bool FollowStream::LineWaiting() const {
  char chunk[4096];
  uint64_t at = file_offset_;
  for (int i = 0; i < 16; ++i) {  // look at most 64 KiB ahead; more is as good as a line
    const ssize_t n = pread(fd_, chunk, sizeof chunk, static_cast<off_t>(at));
    if (n <= 0) break;
    if (std::memchr(chunk, '\n', static_cast<size_t>(n)) != nullptr) return true;
    at += static_cast<uint64_t>(n);
  }
  if (at - file_offset_ >= 16 * sizeof chunk) return true;
  struct stat st {};
  struct stat at_path {};
  if (fstat(fd_, &st) == 0 && static_cast<uint64_t>(st.st_size) < file_offset_) return true;
  return stat(path_.c_str(), &at_path) == 0 &&
         (at_path.st_dev != device_ || at_path.st_ino != inode_);
}

bool FollowStream::Ready() const { return Deliverable() > 0 || Stopped() || LineWaiting(); }

bool FollowStream::WaitReady(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    if (Ready()) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    if (left <= 0) return false;
    SleepSlice(static_cast<int>(std::min<int64_t>(left, options_.poll_ms)));
  }
}

StatusOr<size_t> FollowStream::Read(char* buf, size_t n) {
  auto next_poll = std::chrono::steady_clock::now();
  for (;;) {
    if (const size_t k = std::min(n, Deliverable()); k > 0) {
      std::memcpy(buf, buf_.data(), k);
      buf_.erase(0, k);
      handed_out_ += k;
      return k;
    }
    if (Stopped()) return 0;
    const auto now = std::chrono::steady_clock::now();
    if (now >= next_poll) {
      const size_t before = buf_.size();
      const uint64_t changes = rotations_ + truncations_;
      LOGSIEVE_RETURN_IF_ERROR(Poll());
      if (buf_.size() != before || rotations_ + truncations_ != changes) continue;  // look again
      next_poll = now + std::chrono::milliseconds(options_.poll_ms);
    }
    SleepSlice(options_.poll_ms);
  }
}

}  // namespace logsieve
