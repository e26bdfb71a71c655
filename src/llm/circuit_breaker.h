// CircuitBreaker: stops sending requests to an LLM endpoint that keeps
// failing, and finds out with exactly one request when it is back.
//
//   closed ──(`failures` consecutive failed requests)──▶ open
//   open ──(`open_for` has passed; the next Allow)──▶ half-open: that caller
//     gets kProbe, everyone else kNo until the probe's outcome is reported
//   half-open ──(probe succeeds)──▶ closed
//   half-open ──(probe fails)──▶ open again, for another `open_for`
//
// Every attempt asks Allow, retries included: a retry that was already in
// flight when the breaker opened is refused while it is open and, once the
// window has passed, competes for the single probe like a new request (issue
// 16 item 7: retries used to go straight through after the window).
//
// Outcomes are reported with the Admit that Allow gave, so a stale request
// (admitted before the breaker opened) cannot reopen or re-arm it: only a
// probe's failure reopens a half-open breaker, and failures while open change
// nothing. Any success closes it (the endpoint answered).
//
//   CircuitBreaker breaker(5, 30s);
//   Admit a = breaker.Allow(now);
//   if (a == Admit::kNo) return Unavailable("circuit breaker open");
//   ... send ...
//   ok ? breaker.OnSuccess(a) : breaker.OnFailure(now, a);
//
// Time is passed in (`now`), so tests drive it without sleeping.
//
// Thread safety: all methods may be called concurrently.
#ifndef LOGSIEVE_LLM_CIRCUIT_BREAKER_H_
#define LOGSIEVE_LLM_CIRCUIT_BREAKER_H_

#include <chrono>
#include <mutex>

namespace logsieve {

using SteadyTime = std::chrono::steady_clock::time_point;

class CircuitBreaker {
 public:
  enum class State { kClosed, kOpen, kHalfOpen };
  enum class Admit { kNo, kYes, kProbe };

  // `failures` <= 0 disables the breaker (always kYes).
  CircuitBreaker(int failures, std::chrono::milliseconds open_for);

  // Whether a request (or a retry) may go now. kProbe: it is the one request
  // let through a half-open breaker; report its outcome (or AbandonProbe).
  Admit Allow(SteadyTime now);
  // The endpoint answered. Closes the breaker from any state.
  void OnSuccess(Admit admit = Admit::kYes);
  // A request failed for good (its last attempt). Returns true when this
  // failure opened the breaker (or reopened it after a probe).
  bool OnFailure(SteadyTime now, Admit admit = Admit::kYes);
  // The probe that Allow let through was not sent after all (budget spent);
  // the next Allow may probe.
  void AbandonProbe();

  // The state now: an open breaker whose window has passed still reads kOpen
  // until the next Allow turns it half-open.
  State state() const;

 private:
  const int failures_;
  const std::chrono::milliseconds open_for_;
  mutable std::mutex mu_;
  State state_ = State::kClosed;  // GUARDED_BY(mu_)
  int consecutive_ = 0;           // GUARDED_BY(mu_)
  SteadyTime open_until_{};       // GUARDED_BY(mu_)
};

// A per-run cap on the total time spent waiting before retries (backoff and
// Retry-After), so a rate-limited or failing endpoint cannot stretch a run
// without bound (llm.max_retry_wait_ms). A wait that does not fit is not
// taken: the request gives up and the line takes the degraded path.
// Thread safety: TrySpend may be called concurrently.
class RetryWaitBudget {
 public:
  // `max` <= 0: no limit.
  explicit RetryWaitBudget(std::chrono::milliseconds max) : max_(max) {}
  // Spends `wait` and returns true, or returns false (nothing spent) when it
  // would go past the cap.
  bool TrySpend(std::chrono::milliseconds wait);
  std::chrono::milliseconds spent() const;
  std::chrono::milliseconds max() const { return max_; }

 private:
  const std::chrono::milliseconds max_;
  mutable std::mutex mu_;
  std::chrono::milliseconds spent_{0};  // GUARDED_BY(mu_)
};

}  // namespace logsieve

#endif  // LOGSIEVE_LLM_CIRCUIT_BREAKER_H_
