#include "rules/rule_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "common/file.h"
#include "common/paths.h"

namespace logsieve {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[8] = {'L', 'S', 'R', 'U', 'L', 'E', 'D', 'B'};
constexpr uint32_t kFormatVersion = 1;
constexpr char kEntrySuffix[] = ".hsdb";
constexpr char kTempSuffix[] = ".tmp";

struct Header {
  char magic[8];
  uint32_t version;
  uint32_t zero;
  uint64_t key_size;
  uint64_t payload_size;
  uint64_t checksum;  // XXH3-64 of key then payload
};
static_assert(sizeof(Header) == 40);

// Entries larger than this are refused as corrupt (the bundled rules need a few MB).
constexpr uint64_t kMaxEntryBytes = uint64_t{1} << 30;

uint64_t Checksum(std::string_view key, std::string_view payload) {
  XXH3_state_t* state = XXH3_createState();
  XXH3_64bits_reset(state);
  XXH3_64bits_update(state, key.data(), key.size());
  XXH3_64bits_update(state, payload.data(), payload.size());
  const uint64_t sum = XXH3_64bits_digest(state);
  XXH3_freeState(state);
  return sum;
}

std::string Errno(int err) { return std::strerror(err); }

// Closes a file descriptor when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool ReadAll(int fd, char* out, size_t n) {
  while (n > 0) {
    const ssize_t got = ::read(fd, out, n);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    out += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

std::string ResolveRuleCacheDir(std::string_view setting) {
  if (setting == "off") return std::string();
  if (!setting.empty()) return std::string(setting);
  const std::string base = UserCacheDir();
  return base.empty() ? std::string() : base + "/logsieve/rules";
}

std::string RuleCache::EntryPath(std::string_view key) const {
  const XXH128_hash_t h = XXH3_128bits(key.data(), key.size());
  char name[40];
  std::snprintf(name, sizeof name, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                static_cast<unsigned long long>(h.low64));
  return dir_ + "/" + name + kEntrySuffix;
}

StatusOr<std::optional<std::string>> RuleCache::Load(std::string_view key) const {
  const std::string path = EntryPath(key);
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return std::optional<std::string>();
    return UnavailableError("rule cache: cannot open '" + path + "': " + Errno(errno));
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return DataLossError("rule cache: '" + path + "' is not a regular file");
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  Header header;
  if (size < sizeof header || size > kMaxEntryBytes ||
      !ReadAll(fd.get(), reinterpret_cast<char*>(&header), sizeof header)) {
    return DataLossError("rule cache: '" + path + "' is truncated");
  }
  if (std::memcmp(header.magic, kMagic, sizeof kMagic) != 0 || header.version != kFormatVersion ||
      header.zero != 0) {
    return DataLossError("rule cache: '" + path + "' is not a logsieve rule cache entry (v" +
                         std::to_string(kFormatVersion) + ")");
  }
  if (header.key_size > size || header.payload_size > size ||
      sizeof header + header.key_size + header.payload_size != size) {
    return DataLossError("rule cache: '" + path + "' has the wrong size (truncated?)");
  }
  std::string stored_key(header.key_size, '\0');
  std::string payload(header.payload_size, '\0');
  if (!ReadAll(fd.get(), stored_key.data(), stored_key.size()) ||
      !ReadAll(fd.get(), payload.data(), payload.size())) {
    return DataLossError("rule cache: '" + path + "' is truncated");
  }
  if (Checksum(stored_key, payload) != header.checksum) {
    return DataLossError("rule cache: '" + path + "' fails its checksum");
  }
  if (stored_key != key) {
    return DataLossError("rule cache: '" + path + "' holds another rule set (hash collision)");
  }
  // Most recently used first when pruning; a read-only cache simply stays as it is.
  (void)::futimens(fd.get(), nullptr);
  return std::optional<std::string>(std::move(payload));
}

Status RuleCache::Store(std::string_view key, std::string_view payload) const {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) return UnavailableError("rule cache: cannot create '" + dir_ + "': " + ec.message());

  Header header{};
  std::memcpy(header.magic, kMagic, sizeof kMagic);
  header.version = kFormatVersion;
  header.key_size = key.size();
  header.payload_size = payload.size();
  header.checksum = Checksum(key, payload);
  std::string bytes(reinterpret_cast<const char*>(&header), sizeof header);
  bytes.append(key).append(payload);
  const std::string path = EntryPath(key);
  if (Status s = WriteFileAtomically(path, bytes); !s.ok()) return s.WithPrefix("rule cache");
  Prune();
  return OkStatus();
}

void RuleCache::Prune() const {
  struct Entry {
    fs::file_time_type mtime;
    fs::path path;
  };
  std::vector<Entry> entries;
  std::error_code ec;
  const auto stale_before = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    std::error_code stat_ec;
    const fs::file_time_type mtime = it->last_write_time(stat_ec);
    if (stat_ec) continue;
    if (EndsWith(name, kTempSuffix)) {
      if (mtime < stale_before) fs::remove(it->path(), stat_ec);  // left by a killed process
    } else if (EndsWith(name, kEntrySuffix)) {
      entries.push_back({mtime, it->path()});
    }
  }
  if (entries.size() <= kMaxEntries) return;
  std::sort(entries.begin(), entries.end(),
            [](const Entry& a, const Entry& b) { return a.mtime > b.mtime; });
  for (size_t i = kMaxEntries; i < entries.size(); ++i) fs::remove(entries[i].path, ec);
}

}  // namespace logsieve
