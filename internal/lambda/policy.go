package lambda

import "time"

// This file is the invoker's policy: routing, scaling and throttling as plain
// functions of state. It knows nothing about simulated environments or the
// kernel, so an invoker that runs real handler processes (through the Lambda
// Runtime API) can reuse it unchanged: gather a PolicyState, call Admit, act
// on the Decision.

// Route says where an admitted request runs.
type Route int

const (
	RouteThrottle    Route = iota // rejected with a 429
	RouteProvisioned              // an idle, ready provisioned-concurrency environment
	RouteWarm                     // the most recently used idle on-demand environment
	RouteCold                     // a new on-demand environment (a cold start)
)

func (r Route) String() string {
	return [...]string{"throttle", "provisioned", "warm", "cold"}[r]
}

// PolicyState is everything the admission decision depends on.
type PolicyState struct {
	// Reserved is the function's reserved concurrency, or -1 when it has none.
	Reserved int
	// FunctionInUse is the function's concurrency in use: in-flight
	// on-demand invocations plus allocated provisioned concurrency (which
	// counts against reserved and account concurrency whether busy or not).
	FunctionInUse int
	// UnreservedCapacity is the account quota minus all reservations;
	// UnreservedInUse is the concurrency in use by functions without a
	// reservation.
	UnreservedCapacity int
	UnreservedInUse    int
	// ProvisionedIdle counts ready, idle provisioned environments of the
	// invoked qualifier; WarmIdle counts idle on-demand environments of the
	// invoked version.
	ProvisionedIdle int
	WarmIdle        int
	// ScaleTokens is how many new environments the scaling rate allows now;
	// RateTokens how many requests the invocation-rate limit allows now.
	ScaleTokens float64
	RateTokens  float64
	RateLimited bool // whether the invocation-rate limit is enabled
	// Environments counts the account's live environments; EnvironmentCap,
	// when positive, is a host limit on them (a real data plane runs one
	// process per environment; AWS has no such limit, the simulator sets none).
	Environments   int
	EnvironmentCap int
}

// Decision is the outcome of Admit.
type Decision struct {
	Route  Route
	Reason string // throttle reason (TooManyRequestsException.Reason)
	Cause  string // throttle cause: "reserved-zero", "request-rate", "concurrency", "scaling-rate"
}

// Admit decides one request. Order of the checks:
//
//  1. Reserved concurrency 0 stops the function: every request is throttled
//     (LDG configuration-concurrency).
//  2. The invocation-rate limit (10 requests per second per unit of
//     concurrency; LDG lambda-concurrency.html) throttles with FunctionInvocationRateLimitExceeded,
//     or ReservedFunctionInvocationRateLimitExceeded for a reserved function.
//  3. An idle provisioned environment serves the request: its concurrency is
//     already allocated, so no concurrency or scaling check applies.
//  4. Concurrency: a reserved function may not exceed its reservation
//     (ReservedFunctionConcurrentInvocationLimitExceeded); other functions
//     share the unreserved pool (ConcurrentInvocationLimitExceeded).
//  5. The most recently used idle on-demand environment serves it (warm).
//  6. Otherwise a new environment is needed; the scaling rate must allow it,
//     and so must the host's environment cap when one is set.
//     AWS does not document a separate reason for scaling-rate throttles; we
//     report FunctionInvocationRateLimitExceeded (an assumption).
func Admit(s *PolicyState) Decision {
	if s.Reserved == 0 {
		return Decision{Route: RouteThrottle, Reason: ReasonReservedConcurrent, Cause: "reserved-zero"}
	}
	if s.RateLimited && s.RateTokens < 1 {
		if s.Reserved > 0 {
			return Decision{Route: RouteThrottle, Reason: ReasonReservedRate, Cause: "request-rate"}
		}
		return Decision{Route: RouteThrottle, Reason: ReasonRate, Cause: "request-rate"}
	}
	if s.ProvisionedIdle > 0 {
		return Decision{Route: RouteProvisioned}
	}
	if s.Reserved > 0 {
		if s.FunctionInUse >= s.Reserved {
			return Decision{Route: RouteThrottle, Reason: ReasonReservedConcurrent, Cause: "concurrency"}
		}
	} else if s.UnreservedInUse >= s.UnreservedCapacity {
		return Decision{Route: RouteThrottle, Reason: ReasonConcurrent, Cause: "concurrency"}
	}
	if s.WarmIdle > 0 {
		return Decision{Route: RouteWarm}
	}
	if s.ScaleTokens < 1 {
		return Decision{Route: RouteThrottle, Reason: ReasonRate, Cause: "scaling-rate"}
	}
	if s.EnvironmentCap > 0 && s.Environments >= s.EnvironmentCap {
		// The host cannot start another environment: reported as the
		// account's concurrency limit, the nearest AWS reason.
		return Decision{Route: RouteThrottle, Reason: ReasonConcurrent, Cause: "environment-cap"}
	}
	return Decision{Route: RouteCold}
}

// Bucket of tokens refilled continuously: the scaling rate ("1,000
// environments every 10 seconds, refilled continuously", LDG
// scaling-behavior) and the invocation-rate limit are both token buckets.
type TokenBucket struct {
	Capacity float64
	PerSec   float64 // refill rate
	Tokens   float64
	Last     time.Duration
}

// NewTokenBucket returns a full bucket.
func NewTokenBucket(capacity, perSec float64, now time.Duration) TokenBucket {
	return TokenBucket{Capacity: capacity, PerSec: perSec, Tokens: capacity, Last: now}
}

// Available refills the bucket up to now and returns the tokens available.
func (b *TokenBucket) Available(now time.Duration) float64 {
	if now > b.Last {
		// A full bucket stays full (min(c, c+x) is c for any x >= 0):
		// the refill arithmetic is skipped, with the same result.
		if b.Tokens != b.Capacity {
			b.Tokens = min(b.Capacity, b.Tokens+b.PerSec*(now-b.Last).Seconds())
		}
		b.Last = now
	}
	return b.Tokens
}

// Take removes one token (call after Available reported at least 1).
func (b *TokenBucket) Take() { b.Tokens-- }

// CPUShare is the vCPU share at a memory size: proportional to memory, 1 vCPU
// at 1,769 MB (LDG configuration-memory), and 6 vCPUs at the 10,240 MB
// maximum (LDG lambda-concurrency.html); we interpolate linearly between those two points.
func CPUShare(memoryMB int) float64 {
	m := float64(memoryMB)
	if m <= 1769 {
		return m / 1769
	}
	return min(6, 1+(m-1769)*5/(10240-1769))
}

// ScaleDuration returns the handler duration at memory mem of a handler that
// takes d at memory ref. Only the CPU-bound fraction (0..1) scales, and only
// with the vCPUs the handler can use (threads; a single-threaded handler
// gains nothing above 1,769 MB):
//
//	d' = d * ((1-f) + f * cpu(ref)/cpu(mem)),  cpu(m) = min(CPUShare(m), threads)
func ScaleDuration(d time.Duration, ref, mem int, cpuBound float64, threads int) time.Duration {
	if cpuBound <= 0 || ref == mem {
		return d
	}
	t := float64(max(threads, 1))
	cr, cm := min(CPUShare(ref), t), min(CPUShare(mem), t)
	return time.Duration(float64(d) * ((1 - cpuBound) + cpuBound*cr/cm))
}
