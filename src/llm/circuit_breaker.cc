#include "llm/circuit_breaker.h"

namespace logsieve {

CircuitBreaker::CircuitBreaker(int failures, std::chrono::milliseconds open_for)
    : failures_(failures), open_for_(open_for) {}

CircuitBreaker::Admit CircuitBreaker::Allow(SteadyTime now) {
  if (failures_ <= 0) return Admit::kYes;
  std::lock_guard lock(mu_);
  switch (state_) {
    case State::kClosed:
      return Admit::kYes;
    case State::kOpen:
      if (now < open_until_) return Admit::kNo;
      state_ = State::kHalfOpen;  // this caller is the probe
      return Admit::kProbe;
    case State::kHalfOpen:
      return Admit::kNo;  // the probe is out
  }
  return Admit::kNo;
}

void CircuitBreaker::OnSuccess(Admit /*admit*/) {
  if (failures_ <= 0) return;
  std::lock_guard lock(mu_);
  state_ = State::kClosed;
  consecutive_ = 0;
}

bool CircuitBreaker::OnFailure(SteadyTime now, Admit admit) {
  if (failures_ <= 0) return false;
  std::lock_guard lock(mu_);
  switch (state_) {
    case State::kClosed:
      if (++consecutive_ < failures_) return false;
      break;
    case State::kOpen:
      return false;  // a stale request: the breaker already knows
    case State::kHalfOpen:
      if (admit != Admit::kProbe) return false;  // stale; the probe decides
      break;
  }
  state_ = State::kOpen;
  open_until_ = now + open_for_;
  consecutive_ = 0;
  return true;
}

void CircuitBreaker::AbandonProbe() {
  std::lock_guard lock(mu_);
  if (state_ == State::kHalfOpen)
    state_ = State::kOpen;  // open_until_ has passed: next Allow probes
}

CircuitBreaker::State CircuitBreaker::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

bool RetryWaitBudget::TrySpend(std::chrono::milliseconds wait) {
  std::lock_guard lock(mu_);
  if (max_.count() > 0 && spent_ + wait > max_) return false;
  spent_ += wait;
  return true;
}

std::chrono::milliseconds RetryWaitBudget::spent() const {
  std::lock_guard lock(mu_);
  return spent_;
}

}  // namespace logsieve
