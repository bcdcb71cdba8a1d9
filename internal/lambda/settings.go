package lambda

import (
	"fmt"
	"time"
)

// Settings are the account-wide knobs of the simulated Lambda. Defaults
// follow the AWS documentation (docs/sources.md); the older values are
// settings for history lessons.
type Settings struct {
	Region    string
	AccountID string

	// AccountConcurrency is the Regional concurrency quota (default 1,000;
	// LDG lambda-concurrency). UnreservedMinimum is what reservations must
	// leave to the unreserved pool (100; LDG configuration-concurrency).
	AccountConcurrency int
	UnreservedMinimum  int

	// KeepAlive is how long an idle environment is kept. AWS documents only
	// "for some time"; about 10 minutes is measured (Shilkov 2019;
	// Shahrad et al. ATC 2020), so it is a setting.
	KeepAlive time.Duration

	// ScalingModel is "current" (since Nov 2023: each function may add 1,000
	// environments every 10 s, refilled continuously; LDG scaling-behavior)
	// or "legacy" (a Regional burst of LegacyBurst new environments, then
	// +LegacyPerMinute per minute).
	ScalingModel    string
	ScalingBurst    int           // current model: bucket size (1,000)
	ScalingWindow   time.Duration // current model: refill time of a full bucket (10 s)
	LegacyBurst     int           // legacy model: 500, 1,000 or 3,000 by Region
	LegacyPerMinute int           // legacy model: 500

	// RequestsPerEnvironment caps the invocation rate at this many requests
	// per second per unit of concurrency quota (10; LDG lambda-concurrency:
	// "each execution environment can handle up to 10 requests per second").
	// 0 disables the rate limit.
	RequestsPerEnvironment float64

	// BillingGranularity is 1 ms (since Dec 2020) or 100 ms (before).
	BillingGranularity time.Duration
	// InitBilling is "billed" (since 1 Aug 2025 Init is billed for every
	// on-demand cold start) or "free" (before: Init was free for ZIP packages
	// on managed runtimes). AWS Compute Blog, "AWS Lambda standardizes
	// billing for INIT Phase".
	InitBilling string

	// InitLimit is the Init phase limit (10 s; LDG lambda-runtime-environment).
	// A longer Init is retried on the first invocation under the timeout.
	InitLimit time.Duration

	// MaxEnvironments caps the live environments of the account (0: no cap).
	// Not an AWS limit: a real data plane sets it so that clients cannot
	// start more processes than the host can hold.
	MaxEnvironments int
}

// DefaultSettings returns the current AWS behaviour.
func DefaultSettings() Settings {
	return Settings{
		Region:                 "us-east-1",
		AccountID:              "123456789012",
		AccountConcurrency:     1000,
		UnreservedMinimum:      100,
		KeepAlive:              10 * time.Minute,
		ScalingModel:           "current",
		ScalingBurst:           1000,
		ScalingWindow:          10 * time.Second,
		LegacyBurst:            3000,
		LegacyPerMinute:        500,
		RequestsPerEnvironment: 10,
		BillingGranularity:     time.Millisecond,
		InitBilling:            "billed",
		InitLimit:              10 * time.Second,
	}
}

// Validate checks a Settings value.
func (st Settings) Validate() error {
	switch {
	case st.AccountConcurrency < 1 || st.AccountConcurrency > 1_000_000:
		return fmt.Errorf("account concurrency must be 1 to 1000000, got %d", st.AccountConcurrency)
	case st.UnreservedMinimum < 0 || st.UnreservedMinimum > st.AccountConcurrency:
		return fmt.Errorf("unreserved minimum must be 0 to the account concurrency, got %d", st.UnreservedMinimum)
	case st.KeepAlive < time.Second || st.KeepAlive > 24*time.Hour:
		return fmt.Errorf("keep-alive must be 1s to 24h, got %v", st.KeepAlive)
	case st.ScalingModel != "current" && st.ScalingModel != "legacy":
		return fmt.Errorf("scaling model must be current or legacy, got %q", st.ScalingModel)
	case st.ScalingBurst < 1 || st.ScalingWindow <= 0:
		return fmt.Errorf("scaling burst and window must be positive")
	case st.LegacyBurst < 1 || st.LegacyPerMinute < 1:
		return fmt.Errorf("legacy burst and per-minute increase must be positive")
	case st.RequestsPerEnvironment < 0:
		return fmt.Errorf("requests per environment must not be negative")
	case st.BillingGranularity != time.Millisecond && st.BillingGranularity != 100*time.Millisecond:
		return fmt.Errorf("billing granularity must be 1ms or 100ms, got %v", st.BillingGranularity)
	case st.InitBilling != "billed" && st.InitBilling != "free":
		return fmt.Errorf("init billing must be billed or free, got %q", st.InitBilling)
	case st.InitLimit < time.Second:
		return fmt.Errorf("init limit must be at least 1s")
	case st.MaxEnvironments < 0:
		return fmt.Errorf("environment cap must not be negative")
	}
	return nil
}
