// Package ec2 simulates the slice of Amazon EC2 that the ECS lessons need:
// an instance-type catalog with us-east-1 on-demand prices, Availability
// Zones, and instances that boot for a simulated time before they run (and,
// when their user data names an ECS cluster, before the ECS agent registers
// them). Time and randomness come from the sim kernel.
package ec2

import (
	"sort"
	"strings"
)

// InstanceType is one entry of the catalog.
type InstanceType struct {
	Name      string  // "m5.large"
	Family    string  // "m5"
	VCPU      int     // virtual CPUs
	MemoryGiB float64 // nominal memory
	PriceHour float64 // on-demand USD per hour, Linux, us-east-1
	Arch      string  // "x86_64"
	// MaxENI is the most network interfaces the type can have attached,
	// the primary one included (EC2 User Guide, "Maximum IP addresses per
	// network interface": https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/AvailableIpPerENI.html).
	MaxENI int
	// StoreGB is the instance store: one NVMe SSD of StoreGB GB (decimal,
	// as AWS lists it) on the "d" types, 0 for EBS-only types
	// (https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html,
	// co.html, mo.html: "Instance store specifications").
	StoreGB int
}

// MemoryMiB is the nominal memory in MiB.
func (t InstanceType) MemoryMiB() int { return int(t.MemoryGiB * 1024) }

// catalog: vCPUs, memory and maximum network interfaces from the EC2
// instance-type pages (https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html,
// co.html, mo.html: "Network specifications"); on-demand
// Linux prices in us-east-1 as listed on aws.amazon.com/ec2/pricing/on-demand/
// (long-stable list prices for these current-generation families). Prices are
// teaching figures: a lesson must say "about", and check the pricing page.
var catalog = []InstanceType{
	{"t3.nano", "t3", 2, 0.5, 0.0052, "x86_64", 2, 0},
	{"t3.micro", "t3", 2, 1, 0.0104, "x86_64", 2, 0},
	{"t3.small", "t3", 2, 2, 0.0208, "x86_64", 3, 0},
	{"t3.medium", "t3", 2, 4, 0.0416, "x86_64", 3, 0},
	{"t3.large", "t3", 2, 8, 0.0832, "x86_64", 3, 0},
	{"t3.xlarge", "t3", 4, 16, 0.1664, "x86_64", 4, 0},
	{"t3.2xlarge", "t3", 8, 32, 0.3328, "x86_64", 4, 0},
	{"m5.large", "m5", 2, 8, 0.096, "x86_64", 3, 0},
	{"m5.xlarge", "m5", 4, 16, 0.192, "x86_64", 4, 0},
	{"m5.2xlarge", "m5", 8, 32, 0.384, "x86_64", 4, 0},
	{"m5.4xlarge", "m5", 16, 64, 0.768, "x86_64", 8, 0},
	{"m5.8xlarge", "m5", 32, 128, 1.536, "x86_64", 8, 0},
	{"m5.12xlarge", "m5", 48, 192, 2.304, "x86_64", 8, 0},
	{"m5.16xlarge", "m5", 64, 256, 3.072, "x86_64", 15, 0},
	{"m5.24xlarge", "m5", 96, 384, 4.608, "x86_64", 15, 0},
	{"c5.large", "c5", 2, 4, 0.085, "x86_64", 3, 0},
	{"c5.xlarge", "c5", 4, 8, 0.17, "x86_64", 4, 0},
	{"c5.2xlarge", "c5", 8, 16, 0.34, "x86_64", 4, 0},
	{"c5.4xlarge", "c5", 16, 32, 0.68, "x86_64", 8, 0},
	{"c5.9xlarge", "c5", 36, 72, 1.53, "x86_64", 8, 0},
	{"c5.12xlarge", "c5", 48, 96, 2.04, "x86_64", 8, 0},
	{"c5.18xlarge", "c5", 72, 144, 3.06, "x86_64", 15, 0},
	{"c5.24xlarge", "c5", 96, 192, 4.08, "x86_64", 15, 0},
	{"r5.large", "r5", 2, 16, 0.126, "x86_64", 3, 0},
	{"r5.xlarge", "r5", 4, 32, 0.252, "x86_64", 4, 0},
	{"r5.2xlarge", "r5", 8, 64, 0.504, "x86_64", 4, 0},
	{"r5.4xlarge", "r5", 16, 128, 1.008, "x86_64", 8, 0},
	{"r5.8xlarge", "r5", 32, 256, 2.016, "x86_64", 8, 0},
	{"r5.12xlarge", "r5", 48, 384, 3.024, "x86_64", 8, 0},
	{"r5.16xlarge", "r5", 64, 512, 4.032, "x86_64", 15, 0},
	{"r5.24xlarge", "r5", 96, 768, 6.048, "x86_64", 15, 0},
	// The "d" variants add one NVMe SSD instance store volume.
	{"m5d.large", "m5d", 2, 8, 0.113, "x86_64", 3, 75},
	{"m5d.xlarge", "m5d", 4, 16, 0.226, "x86_64", 4, 150},
	{"m5d.2xlarge", "m5d", 8, 32, 0.452, "x86_64", 4, 300},
	{"c5d.large", "c5d", 2, 4, 0.096, "x86_64", 3, 50},
	{"c5d.xlarge", "c5d", 4, 8, 0.192, "x86_64", 4, 100},
	{"c5d.2xlarge", "c5d", 8, 16, 0.384, "x86_64", 4, 200},
	{"r5d.large", "r5d", 2, 16, 0.144, "x86_64", 3, 75},
	{"r5d.xlarge", "r5d", 4, 32, 0.288, "x86_64", 4, 150},
	{"r5d.2xlarge", "r5d", 8, 64, 0.576, "x86_64", 4, 300},
}

var byName = func() map[string]InstanceType {
	m := make(map[string]InstanceType, len(catalog))
	for _, t := range catalog {
		m[t.Name] = t
	}
	return m
}()

// LookupType returns the catalog entry for name ("m5.large").
func LookupType(name string) (InstanceType, bool) {
	t, ok := byName[strings.ToLower(strings.TrimSpace(name))]
	return t, ok
}

// Types returns the catalog sorted by family, then size.
func Types() []InstanceType {
	out := append([]InstanceType(nil), catalog...)
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Family != out[j].Family {
			return out[i].Family < out[j].Family
		}
		return out[i].VCPU*1000+int(out[i].MemoryGiB) < out[j].VCPU*1000+int(out[j].MemoryGiB)
	})
	return out
}

// TypeNames lists every instance type name (for completion).
func TypeNames() []string {
	out := make([]string, len(catalog))
	for i, t := range catalog {
		out[i] = t.Name
	}
	return out
}

// AvailabilityZones are the simulated Region's zones.
var AvailabilityZones = []string{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"}

// Region is the simulated Region.
const Region = "us-east-1"

// ValidAZ reports whether az is one of AvailabilityZones.
func ValidAZ(az string) bool {
	for _, z := range AvailabilityZones {
		if z == az {
			return true
		}
	}
	return false
}
