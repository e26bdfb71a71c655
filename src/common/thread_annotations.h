// Thread-safety annotations that clang checks, and the mutex they need.
//
// Clang's -Wthread-safety proves at compile time that every member marked
// GUARDED_BY(mu_) is touched only with mu_ held, that a function marked
// REQUIRES(mu_) is only called with it held, and so on. The check needs a
// mutex type that is itself annotated; libstdc++'s std::mutex and
// std::lock_guard are not, so annotations on them check nothing. Hence
// logsieve::Mutex, MutexLock and CondVar below: thin wrappers over
// std::mutex / std::condition_variable with the annotations (Abseil's
// absl::Mutex vocabulary, without its extras).
//
//   class Counter {
//    public:
//     void Add(int n) EXCLUDES(mu_) {
//       MutexLock lock(&mu_);
//       total_ += n;
//     }
//    private:
//     Mutex mu_;
//     int total_ GUARDED_BY(mu_) = 0;
//   };
//
// `make thread-safety` builds the libraries with clang++ and
// -Werror=thread-safety. On GCC the macros expand to nothing.
//
// Thread safety: Mutex and CondVar are what threads share; a MutexLock
// belongs to the scope that made it.
#ifndef LOGSIEVE_COMMON_THREAD_ANNOTATIONS_H_
#define LOGSIEVE_COMMON_THREAD_ANNOTATIONS_H_

#include <chrono>
#include <condition_variable>
#include <mutex>

#if defined(__clang__)
#define LOGSIEVE_THREAD_ANNOTATION_(x) __attribute__((x))
#else
#define LOGSIEVE_THREAD_ANNOTATION_(x)
#endif

// A type that is a lock (Mutex).
#define CAPABILITY(x) LOGSIEVE_THREAD_ANNOTATION_(capability(x))
// An RAII type that holds a lock for its lifetime (MutexLock).
#define SCOPED_CAPABILITY LOGSIEVE_THREAD_ANNOTATION_(scoped_lockable)
// A member read or written only with the lock held.
#define GUARDED_BY(x) LOGSIEVE_THREAD_ANNOTATION_(guarded_by(x))
// A pointer member whose pointee is read or written only with the lock held.
#define PT_GUARDED_BY(x) LOGSIEVE_THREAD_ANNOTATION_(pt_guarded_by(x))
// The caller must hold the lock(s).
#define REQUIRES(...) LOGSIEVE_THREAD_ANNOTATION_(requires_capability(__VA_ARGS__))
// The caller must not hold the lock(s) (the function takes them).
#define EXCLUDES(...) LOGSIEVE_THREAD_ANNOTATION_(locks_excluded(__VA_ARGS__))
// The function takes the lock(s) and returns holding them.
#define ACQUIRE(...) LOGSIEVE_THREAD_ANNOTATION_(acquire_capability(__VA_ARGS__))
// The function releases the lock(s), held on entry.
#define RELEASE(...) LOGSIEVE_THREAD_ANNOTATION_(release_capability(__VA_ARGS__))
// The function returns a reference to the lock (for a lock outside the class).
#define TRY_ACQUIRE(...) LOGSIEVE_THREAD_ANNOTATION_(try_acquire_capability(__VA_ARGS__))
#define RETURN_CAPABILITY(x) LOGSIEVE_THREAD_ANNOTATION_(lock_returned(x))
// Opts a function out of the analysis; say why beside it.
#define NO_THREAD_SAFETY_ANALYSIS LOGSIEVE_THREAD_ANNOTATION_(no_thread_safety_analysis)

namespace logsieve {

class CondVar;

// std::mutex, annotated. Not recursive.
class CAPABILITY("mutex") Mutex {
 public:
  Mutex() = default;
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void Lock() ACQUIRE() { mu_.lock(); }
  void Unlock() RELEASE() { mu_.unlock(); }
  // Locks only if no one holds it; true when it did. Never waits.
  bool TryLock() TRY_ACQUIRE(true) { return mu_.try_lock(); }

 private:
  friend class CondVar;
  std::mutex mu_;
};

// Holds a Mutex from construction to the end of the scope.
class SCOPED_CAPABILITY MutexLock {
 public:
  explicit MutexLock(Mutex* mu) ACQUIRE(mu) : mu_(mu) { mu_->Lock(); }
  ~MutexLock() RELEASE() { mu_->Unlock(); }
  MutexLock(const MutexLock&) = delete;
  MutexLock& operator=(const MutexLock&) = delete;

 private:
  Mutex* const mu_;
};

// std::condition_variable for a Mutex. Wait releases the mutex while it
// sleeps and holds it again when it returns, as std::condition_variable does;
// wake-ups may be spurious, so wait in a loop on the condition:
//
//   MutexLock lock(&mu_);
//   while (queue_.empty()) cv_.Wait(&mu_);
class CondVar {
 public:
  CondVar() = default;
  CondVar(const CondVar&) = delete;
  CondVar& operator=(const CondVar&) = delete;

  void Wait(Mutex* mu) REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();  // still held: the caller's MutexLock unlocks it
  }
  // Returns false when `deadline` passed (the mutex is held again either way).
  template <typename Clock, typename Duration>
  bool WaitUntil(Mutex* mu, std::chrono::time_point<Clock, Duration> deadline) REQUIRES(mu) {
    std::unique_lock<std::mutex> lock(mu->mu_, std::adopt_lock);
    const bool woken = cv_.wait_until(lock, deadline) == std::cv_status::no_timeout;
    lock.release();
    return woken;
  }
  void Signal() { cv_.notify_one(); }
  void SignalAll() { cv_.notify_all(); }

 private:
  std::condition_variable cv_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_THREAD_ANNOTATIONS_H_
