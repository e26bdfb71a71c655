// FollowStream: the bytes of a growing file, followed like `tail -F`, as one
// InputStream (what `logsieve classify --follow FILE` reads).
//
//   - Only whole lines are handed out: bytes after the last '\n' wait until
//     their newline arrives (a writer's half-written line is never classified
//     in two pieces). A line longer than max_line_bytes is handed out as it
//     is, for the line reader to report.
//   - Rotation: when the path names another file (rename, then a new file at
//     the path), the old file is read to its end, an unterminated last line of
//     it is handed out with a '\n' added, and the new file is read from its
//     start. While the path is missing, the old file goes on being read.
//   - Truncation: when the file is shorter than what was read (copytruncate,
//     `> FILE`), it is read again from 0; a held partial line is dropped.
//   - Resume: given a FilePosition of the same file (device and inode) that
//     is not past its end, reading starts at its offset; otherwise at 0, and
//     resume_note() says why.
//   - Stop: Read returns 0 (end of input) once *stop is set and every whole
//     line read so far has been handed out.
//
// PositionAt maps an offset of the stream (bytes handed out so far) back to
// a file and an offset in it, so a caller that has written the records up to
// stream offset X saves PositionAt(X) and a restart resumes right after them.
//
// Poll-based (every input.follow.poll_ms); no inotify.
//
// Thread safety: Read, Ready and WaitReady from one thread; PositionAt from
// any thread.
#ifndef LOGSIEVE_IO_FOLLOW_H_
#define LOGSIEVE_IO_FOLLOW_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "common/status.h"
#include "common/thread_annotations.h"
#include "io/input_stream.h"

namespace logsieve {

// Where a follower stands: a file by identity, and the offset after the last
// line whose record is written.
struct FilePosition {
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t offset = 0;
};

// The position saved in `path`: nullopt when the file does not exist;
// InvalidArgument naming the file and the field when it is malformed.
StatusOr<std::optional<FilePosition>> ReadPositionFile(const std::string& path);
// Saves `position` (and `followed`, for people) to `path` atomically: written
// to PATH.tmp, synced, renamed over PATH.
Status WritePositionFile(const std::string& path, const std::string& followed,
                         const FilePosition& position);

struct FollowOptions {
  int poll_ms = 0;                          // input.follow.poll_ms (REQUIRES: >= 1)
  size_t max_line_bytes = 0;                // input.max_record_bytes
  const std::atomic<bool>* stop = nullptr;  // may be null: follow forever
  std::optional<FilePosition> resume;
};

class FollowStream : public InputStream {
 public:
  // The file must exist and be a regular file (NotFound / InvalidArgument naming it).
  static StatusOr<std::unique_ptr<FollowStream>> Open(const std::string& path,
                                                      const FollowOptions& options);
  ~FollowStream() override;

  StatusOr<size_t> Read(char* buf, size_t n) override;
  bool Ready() const override;
  bool WaitReady(int timeout_ms) override;
  int64_t size() const override { return -1; }
  const std::string& name() const override { return path_; }

  // The file and offset of stream offset `offset` (REQUIRES: not more than
  // what Read has returned in all).
  FilePosition PositionAt(uint64_t offset) const EXCLUDES(mu_);
  // Why a resume position was not used; empty when it was (or none was given).
  const std::string& resume_note() const { return resume_note_; }
  uint64_t rotations() const { return rotations_; }
  uint64_t truncations() const { return truncations_; }

 private:
  struct Segment {
    uint64_t stream_start;  // stream offset of the segment's first byte
    FilePosition file;      // offset: file offset of that byte
  };
  FollowStream(std::string path, FollowOptions options)
      : path_(std::move(path)), options_(options) {}
  Status OpenFile(uint64_t offset);
  // Reads what the file has now; checks rotation and truncation when it has
  // nothing new.
  Status Poll();
  // Whether the current file has a '\n' past what was read, or the path
  // names another file now (Ready looks without reading).
  bool LineWaiting() const;
  bool Stopped() const { return options_.stop != nullptr && options_.stop->load(); }
  // Bytes of buf_ that may be handed out: up to the last '\n'.
  size_t Deliverable() const;
  void StartSegment(uint64_t file_offset) EXCLUDES(mu_);

  std::string path_;
  FollowOptions options_;
  std::string resume_note_;
  int fd_ = -1;
  uint64_t device_ = 0;
  uint64_t inode_ = 0;
  uint64_t file_offset_ = 0;  // bytes of the current file read into buf_ or handed out
  std::string buf_;           // read, not yet handed out
  uint64_t handed_out_ = 0;   // stream offset
  uint64_t rotations_ = 0;
  uint64_t truncations_ = 0;
  mutable Mutex mu_;
  std::deque<Segment> segments_ GUARDED_BY(mu_);
};

}  // namespace logsieve

#endif  // LOGSIEVE_IO_FOLLOW_H_
