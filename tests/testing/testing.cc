#include "testing/testing.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace logsieve::testing {

std::string SourceDir() { return LOGSIEVE_TESTING_SOURCE_DIR; }
std::string BinaryDir() { return LOGSIEVE_TESTING_BINARY_DIR; }
std::string TestCacheDir() { return BinaryDir() + "/test-cache"; }

std::optional<std::string> SharedDir() {
  namespace fs = std::filesystem;
  if (const char* env = std::getenv("LOGSIEVE_SHARED_DIR"); env != nullptr && *env != '\0') {
    if (fs::is_directory(env)) return std::string(env);
  }
  fs::path p = fs::path(SourceDir()) / ".." / "shared";
  if (fs::is_directory(p / "fixtures")) return fs::weakly_canonical(p).string();
  return std::nullopt;
}

ScratchDir::ScratchDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/logsieve-test-XXXXXX";
  char* made = mkdtemp(tmpl.data());
  if (made == nullptr) std::abort();
  path_ = made;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary);
  out << content;
}

int ConnectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

}  // namespace logsieve::testing
