// Helpers shared by logsieve's tests: where the sources and ../shared are,
// scratch directories, small file helpers.
#ifndef LOGSIEVE_TESTS_TESTING_TESTING_H_
#define LOGSIEVE_TESTS_TESTING_TESTING_H_

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace logsieve::testing {

// The repository root (compiled in).
std::string SourceDir();
// The build tree (compiled in): where the `logsieve` binary is, apps/logsieve/logsieve.
std::string BinaryDir();
// The cache directory tests use: BinaryDir()/test-cache. ctest sets
// XDG_CACHE_HOME to it and RunProgram passes it on, so tests never write the
// user's own cache (compiled rules, see src/rules/rule_cache.h).
std::string TestCacheDir();
// ../shared beside the repository (or $LOGSIEVE_SHARED_DIR), if present.
std::optional<std::string> SharedDir();

// A fresh directory under $TMPDIR, removed when the object dies.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  // path()/name
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& content);

// A TCP connection to 127.0.0.1:`port`, or -1 when refused (the caller closes it).
int ConnectLoopback(int port);

}  // namespace logsieve::testing

// Skips the test, visibly and by name, when ../shared is absent (a user's fresh
// clone); CI has it, so there the test runs. Binds `shared_dir` (std::string).
#define LOGSIEVE_REQUIRE_SHARED(shared_dir)                                           \
  std::string shared_dir;                                                             \
  do {                                                                                \
    auto logsieve_shared_ = ::logsieve::testing::SharedDir();                         \
    if (!logsieve_shared_) {                                                          \
      GTEST_SKIP() << "SKIPPED "                                                      \
                   << ::testing::UnitTest::GetInstance()->current_test_info()->name() \
                   << ": needs ../shared (not found beside the repository)";          \
    }                                                                                 \
    shared_dir = *logsieve_shared_;                                                   \
  } while (0)

#endif  // LOGSIEVE_TESTS_TESTING_TESTING_H_
