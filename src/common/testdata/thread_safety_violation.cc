// Does not compile under clang -Werror=thread-safety, on purpose: ctest
// (ThreadSafety.AnUnlockedAccessDoesNotCompile) checks that the annotations of
// common/thread_annotations.h are live, so `make thread-safety` can fail.
#include "common/thread_annotations.h"

namespace logsieve {

class Counter {
 public:
  void Add() { ++total_; }  // no MutexLock: the analysis must refuse this
  void AddLocked() REQUIRES(mu_) { ++total_; }
  void CallWithoutTheLock() { AddLocked(); }  // and this

 private:
  Mutex mu_;
  int total_ GUARDED_BY(mu_) = 0;
};

}  // namespace logsieve
