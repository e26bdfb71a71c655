#include "llm/circuit_breaker.h"

#include <gtest/gtest.h>

namespace logsieve {
namespace {

using namespace std::chrono_literals;
using Admit = CircuitBreaker::Admit;
using State = CircuitBreaker::State;

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailuresAndProbesOnceLater) {
  CircuitBreaker b(3, 1000ms);
  SteadyTime t0{};
  EXPECT_FALSE(b.OnFailure(t0));
  b.OnSuccess();  // resets the run
  EXPECT_FALSE(b.OnFailure(t0));
  EXPECT_FALSE(b.OnFailure(t0));
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_TRUE(b.OnFailure(t0));
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_EQ(b.Allow(t0 + 999ms), Admit::kNo);
  EXPECT_EQ(b.Allow(t0 + 1000ms), Admit::kProbe);
  EXPECT_EQ(b.state(), State::kHalfOpen);
  EXPECT_EQ(b.Allow(t0 + 1001ms), Admit::kNo);           // exactly one probe
  EXPECT_EQ(b.Allow(t0 + 5000ms), Admit::kNo);           // however long it takes
  EXPECT_TRUE(b.OnFailure(t0 + 1100ms, Admit::kProbe));  // a failed probe reopens
  EXPECT_EQ(b.state(), State::kOpen);
  EXPECT_EQ(b.Allow(t0 + 2000ms), Admit::kNo);
  EXPECT_EQ(b.Allow(t0 + 2100ms), Admit::kProbe);
  b.OnSuccess(Admit::kProbe);
  EXPECT_EQ(b.state(), State::kClosed);
  EXPECT_EQ(b.Allow(t0 + 2101ms), Admit::kYes);
  EXPECT_EQ(b.Allow(t0 + 2101ms), Admit::kYes);
}

// Issue 16 item 7: requests admitted before the breaker opened must neither
// re-arm it while open nor decide a half-open breaker in the probe's place.
TEST(CircuitBreakerTest, StaleFailuresNeitherReArmAnOpenBreakerNorOverruleTheProbe) {
  CircuitBreaker b(1, 1000ms);
  SteadyTime t0{};
  EXPECT_TRUE(b.OnFailure(t0));
  EXPECT_FALSE(b.OnFailure(t0 + 900ms));  // stale, while open: the window stays
  EXPECT_EQ(b.Allow(t0 + 1000ms), Admit::kProbe);
  EXPECT_FALSE(b.OnFailure(t0 + 1001ms));  // stale, while half-open
  EXPECT_EQ(b.state(), State::kHalfOpen);
  EXPECT_EQ(b.Allow(t0 + 1002ms), Admit::kNo);
  b.OnSuccess(Admit::kProbe);
  EXPECT_EQ(b.state(), State::kClosed);
}

TEST(CircuitBreakerTest, AnyAnswerClosesIt) {
  CircuitBreaker b(1, 1000ms);
  SteadyTime t0{};
  EXPECT_TRUE(b.OnFailure(t0));
  b.OnSuccess();  // a request admitted earlier got an answer after all
  EXPECT_EQ(b.Allow(t0 + 1ms), Admit::kYes);
}

TEST(CircuitBreakerTest, AnAbandonedProbeLetsTheNextCallerProbe) {
  CircuitBreaker b(1, 10ms);
  SteadyTime t0{};
  EXPECT_TRUE(b.OnFailure(t0));
  EXPECT_EQ(b.Allow(t0 + 10ms), Admit::kProbe);
  b.AbandonProbe();
  EXPECT_EQ(b.Allow(t0 + 11ms), Admit::kProbe);
}

TEST(CircuitBreakerTest, ZeroFailuresDisablesIt) {
  CircuitBreaker b(0, 10ms);
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(b.OnFailure(SteadyTime{}));
  EXPECT_EQ(b.Allow(SteadyTime{}), Admit::kYes);
}

TEST(RetryWaitBudgetTest, SpendsUpToTheCapAndRefusesAWaitThatDoesNotFit) {
  RetryWaitBudget budget(1000ms);
  EXPECT_TRUE(budget.TrySpend(600ms));
  EXPECT_FALSE(budget.TrySpend(500ms));
  EXPECT_TRUE(budget.TrySpend(400ms));
  EXPECT_FALSE(budget.TrySpend(1ms));
  EXPECT_EQ(budget.spent(), 1000ms);
}

TEST(RetryWaitBudgetTest, ZeroMeansNoLimit) {
  RetryWaitBudget budget(0ms);
  EXPECT_TRUE(budget.TrySpend(std::chrono::hours(10)));
}

}  // namespace
}  // namespace logsieve
