package lambda

import "time"

// Prices in USD, us-east-1 (https://aws.amazon.com/lambda/pricing/).
// The arm64 provisioned-concurrency prices are from the same page. The
// free tier is not modelled: costs are gross.
const (
	PriceGBSecondX86   = 0.0000166667 // on-demand duration, per GB-second
	PriceGBSecondArm   = 0.0000133334
	PriceRequest       = 0.20 / 1e6   // per request
	PricePCAllocX86    = 0.0000041667 // provisioned concurrency, per GB-second enabled
	PricePCAllocArm    = 0.0000033334
	PricePCDurationX86 = 0.0000097222 // duration on provisioned environments, per GB-second
	PricePCDurationArm = 0.0000077778
)

// BilledDuration rounds d up to the billing granularity (1 ms, or 100 ms
// before Dec 2020). Worked example (the pricing page): 1,234.5 ms -> 1,235 ms.
func BilledDuration(d, granularity time.Duration) time.Duration {
	if granularity <= 0 || granularity == time.Millisecond {
		// A constant divisor: a multiplication, not a division.
		return (d + time.Millisecond - 1) / time.Millisecond * time.Millisecond
	}
	return (d + granularity - 1) / granularity * granularity
}

// GBSeconds is billed duration x memory in GB (1 GB = 1,024 MB): 1,235 ms at
// 512 MB is 0.6175 GB-s.
func GBSeconds(billed time.Duration, memoryMB int) float64 {
	return billed.Seconds() * float64(memoryMB) / 1024
}

func durationPrice(arch string, provisioned bool) float64 {
	switch {
	case arch == "arm64" && provisioned:
		return PricePCDurationArm
	case arch == "arm64":
		return PriceGBSecondArm
	case provisioned:
		return PricePCDurationX86
	}
	return PriceGBSecondX86
}

func pcAllocPrice(arch string) float64 {
	if arch == "arm64" {
		return PricePCAllocArm
	}
	return PricePCAllocX86
}
