// One way to open a file logsieve reads: model, config, .env, rules, CSV and
// NDJSON input, tokenizer and transformer folders (and a future store).
//
// It says what is wrong with a path before anything is read ("m.lsm: is a
// directory, not a model file"), refuses what cannot be the kind of input
// asked for, and applies a size cap while reading, so `--rules /dev/zero`
// stops at cap + 1 bytes with a clear error instead of eating memory.
//
//   StatusOr<std::string> text = ReadFileBounded(path, 16u << 20, "rule file");
//   if (!text.ok()) return text.status();  // "x: rule file is larger than 16 MiB"
//
//   StatusOr<InputFile> in = InputFile::Open(path, "input", FileKinds::kStreamable);
//   read(in->fd(), ...);                      // closed when `in` goes away
//
// Thread safety: functions are pure; an InputFile is used by one thread.
#ifndef LOGSIEVE_COMMON_FILE_H_
#define LOGSIEVE_COMMON_FILE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "common/status.h"

namespace logsieve {

// What a caller accepts besides a regular file.
enum class FileKinds {
  kRegular,     // a regular file (or a link to one): mmap, seek, size known
  kStreamable,  // also a FIFO, a character device, a socket ("/dev/stdin"): read to the end
};

// An open, read-only file descriptor that passed the kind check. Move-only.
class InputFile {
 public:
  // Opens `path` (`what` names it in messages: "model file", "rule file").
  // Errors name the path: NotFound when it does not exist or cannot be
  // opened, InvalidArgument when it is a directory, a block device, or (for
  // kRegular) not a regular file.
  static StatusOr<InputFile> Open(const std::string& path, std::string_view what,
                                  FileKinds kinds = FileKinds::kRegular);
  // Standard input, as a streamable file named "<stdin>" (never closed).
  static InputFile Stdin();

  InputFile(InputFile&& o) noexcept;
  InputFile& operator=(InputFile&& o) noexcept;
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  ~InputFile();

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  bool is_regular() const { return size_ >= 0; }
  // Size in bytes of a regular file, else -1.
  int64_t size() const { return size_; }
  // Gives up ownership of the descriptor (the caller closes it).
  int Release();

  // Reads everything that is left, failing with InvalidArgument as soon as
  // more than `max_bytes` arrive (so at most max_bytes + 1 bytes are held).
  // REQUIRES: max_bytes < SIZE_MAX
  StatusOr<std::string> ReadAll(size_t max_bytes, std::string_view what);

 private:
  InputFile(int fd, bool owned, std::string path, int64_t size)
      : fd_(fd), owned_(owned), path_(std::move(path)), size_(size) {}
  int fd_ = -1;
  bool owned_ = false;
  std::string path_;
  int64_t size_ = -1;
};

// The whole content of `path` (regular file, or FIFO/character device when
// kinds is kStreamable), refusing more than `max_bytes`. Errors as Open's, and
// "PATH: WHAT is larger than N MiB" (InvalidArgument: the input is at fault).
StatusOr<std::string> ReadFileBounded(const std::string& path, size_t max_bytes,
                                      std::string_view what,
                                      FileKinds kinds = FileKinds::kStreamable);

// A regular file's bytes, read whole into memory owned by the object, for
// inputs parsed in place (the model's weights): views into bytes() stay
// valid while the object lives; share it (std::shared_ptr) to keep them.
//
// Read, not mapped: a mapping would follow the file, so a model file copied
// over in place (`cp new.lsm model.lsm`, which truncates it first) under a
// running server would change its weights, or kill it (SIGBUS) on the next
// read of a truncated page. The buffer is anonymous memory asking for
// transparent huge pages (madvise), so a 2.6 MB model faults in two pages,
// not 650 (each fault is ~10 us on a loaded VM).
class FileBytes {
 public:
  // Errors as InputFile::Open's for a regular file, and "PATH: WHAT is larger
  // than N MiB" (InvalidArgument). An empty file has no bytes.
  static StatusOr<std::shared_ptr<const FileBytes>> Read(const std::string& path, size_t max_bytes,
                                                         std::string_view what);
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;
  ~FileBytes();

  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }

 private:
  FileBytes(void* data, size_t size, size_t reserved)
      : data_(data), size_(size), reserved_(reserved) {}
  void* const data_;       // anonymous memory of reserved_ bytes (null when empty)
  const size_t size_;      // the file's bytes
  const size_t reserved_;  // size_ rounded up to 2 MiB
};

// Replaces `path` with `content` whole: writes PATH.<pid>.<n>.tmp (unique per
// call, so concurrent writers never share a staging file; always ending in
// ".tmp", so a cleaner can find those a killed process left), flushes it to
// disk and renames it over `path`. A reader sees the old or the new content,
// never a part. Unavailable naming the path when a step fails (the staging
// file is removed then). Every file logsieve replaces is written this way.
Status WriteFileAtomically(const std::string& path, std::string_view content);

// An exclusive advisory lock (flock) on `path`, created when absent, held
// until the object dies. Two holders never overlap, across processes and
// across threads of one process (each Acquire opens its own descriptor).
class FileLock {
 public:
  // Waits for the lock. Unavailable naming the path when it cannot be opened.
  static StatusOr<FileLock> Acquire(const std::string& path);
  FileLock(FileLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// "16 MiB", "512 KiB", "100 bytes": sizes in messages.
std::string HumanBytes(uint64_t n);

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_FILE_H_
