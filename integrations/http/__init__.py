"""Shared HTTP plumbing of the upstream clients: retries, backoff, circuit breaker."""

from integrations.http.breaker import BreakerState, CircuitBreaker
from integrations.http.resilience import OutcomeUnknown, ResilientHttp, RetryPolicy, decode_json

__all__ = ["BreakerState", "CircuitBreaker", "OutcomeUnknown", "ResilientHttp", "RetryPolicy",
           "decode_json"]
