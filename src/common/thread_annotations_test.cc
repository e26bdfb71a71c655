#include "common/thread_annotations.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

namespace logsieve {
namespace {

class Counter {
 public:
  void Add() EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    ++total_;
  }
  int total() EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    return total_;
  }

 private:
  Mutex mu_;
  int total_ GUARDED_BY(mu_) = 0;
};

TEST(Mutex, MutexLockMakesIncrementsFromManyThreadsAddUp) {
  Counter counter;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&counter] {
      for (int i = 0; i < 10000; ++i) counter.Add();
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(counter.total(), 40000);
}

class Flag {
 public:
  void Set() EXCLUDES(mu_) {
    {
      MutexLock lock(&mu_);
      set_ = true;
    }
    cv_.SignalAll();
  }
  // Waits for Set; returns whether it came before `deadline`.
  bool WaitUntil(std::chrono::steady_clock::time_point deadline) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    while (!set_) {
      if (!cv_.WaitUntil(&mu_, deadline)) return set_;
    }
    return true;
  }
  void Wait() EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    while (!set_) cv_.Wait(&mu_);
  }

 private:
  Mutex mu_;
  CondVar cv_;
  bool set_ GUARDED_BY(mu_) = false;
};

TEST(CondVar, WaitReturnsOnceAnotherThreadSignals) {
  Flag flag;
  std::thread setter([&flag] { flag.Set(); });
  flag.Wait();  // hangs (and ctest times out) if the signal is lost
  setter.join();
  EXPECT_TRUE(flag.WaitUntil(std::chrono::steady_clock::now()));
}

TEST(CondVar, WaitUntilAPassedDeadlineReturnsFalseAndHoldsTheMutexAgain) {
  Flag flag;
  EXPECT_FALSE(flag.WaitUntil(std::chrono::steady_clock::now() - std::chrono::seconds(1)));
  flag.Set();  // the mutex was released at the end of WaitUntil's scope, once
  EXPECT_TRUE(flag.WaitUntil(std::chrono::steady_clock::now() - std::chrono::seconds(1)));
}

}  // namespace
}  // namespace logsieve
