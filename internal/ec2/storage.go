package ec2

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Root volumes and what they cost. An instance's root EBS volume lives from
// launch to termination: it is kept (and billed) while the instance is
// stopped, and deleted on termination by default.
//
//   - EBS volumes persist independently of the instance's running state;
//     stopped instances are not charged for compute, but their EBS volumes
//     are: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html
//   - gp3 storage is $0.08 per GB-month in us-east-1, prorated by the
//     second: https://aws.amazon.com/ebs/pricing/
//   - The Amazon Linux 2023 AMI has an 8 GiB root volume; the ECS-optimized
//     Amazon Linux 2023 AMI a 30 GiB one:
//     https://docs.aws.amazon.com/linux/al2023/ug/ec2.html,
//     https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs-optimized_AMI.html

// Volume types the simulator prices (USD per GB-month, us-east-1).
var volumePrices = map[string]float64{"gp3": 0.08, "gp2": 0.10}

// hoursPerMonth is the month AWS prices use (730 hours).
const hoursPerMonth = 730

// DefaultRootGiB is the root volume size of an image.
func DefaultRootGiB(imageID string) int {
	if imageID == DefaultImageID {
		return 30
	}
	return 8
}

// RootDevice is the root device name of the simulated Amazon Linux images.
const RootDevice = "/dev/xvda"

// RootVolume is an instance's root EBS volume.
type RootVolume struct {
	VolumeID            string
	SizeGiB             int
	Type                string // gp3 or gp2
	DeleteOnTermination bool
	createdAt           time.Duration
	deletedAt           time.Duration // -1 while it exists
}

// ParseRootVolume reads a block device mapping's Ebs fields (VolumeSize,
// VolumeType, DeleteOnTermination) over the image's defaults.
func ParseRootVolume(imageID string, ebs map[string]string) (RootVolume, error) {
	return parseRootVolume(DefaultRootGiB(imageID), ebs)
}

func parseRootVolume(defaultGiB int, ebs map[string]string) (RootVolume, error) {
	v := RootVolume{SizeGiB: defaultGiB, Type: "gp3", DeleteOnTermination: true, deletedAt: -1}
	if s, ok := ebs["VolumeSize"]; ok {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 16384 {
			return v, &Error{"InvalidParameterValue", fmt.Sprintf("Invalid value '%s' for VolumeSize: a gp3 volume is 1 to 16,384 GiB.", s)}
		}
		if n < v.SizeGiB {
			return v, &Error{"InvalidBlockDeviceMapping", fmt.Sprintf("Volume of size %dGB is smaller than snapshot, expect size >= %dGB", n, v.SizeGiB)}
		}
		v.SizeGiB = n
	}
	if t, ok := ebs["VolumeType"]; ok {
		if _, known := volumePrices[t]; !known {
			names := make([]string, 0, len(volumePrices))
			for n := range volumePrices {
				names = append(names, n)
			}
			sort.Strings(names)
			return v, &Error{"InvalidParameterValue", fmt.Sprintf("Invalid value '%s' for VolumeType (the simulator models %s).", t, strings.Join(names, ", "))}
		}
		v.Type = t
	}
	if d, ok := ebs["DeleteOnTermination"]; ok {
		b, err := strconv.ParseBool(d)
		if err != nil {
			return v, &Error{"InvalidParameterValue", fmt.Sprintf("Invalid value '%s' for DeleteOnTermination: true or false.", d)}
		}
		v.DeleteOnTermination = b
	}
	return v, nil
}

// StorageCostUSD is what an instance's root volume has cost so far: its
// size x the price per GB-month, prorated by the second, from launch until
// it is deleted (or now).
func (s *Service) StorageCostUSD(inst *Instance) float64 {
	v := inst.Root
	end := s.k.Now()
	if v.deletedAt >= 0 {
		end = v.deletedAt
	}
	secs := math.Max(0, (end - v.createdAt).Seconds())
	return float64(v.SizeGiB) * volumePrices[v.Type] * secs / 3600 / hoursPerMonth
}

// TotalStorageCostUSD sums every root volume's cost so far.
func (s *Service) TotalStorageCostUSD() float64 {
	var c float64
	for _, i := range s.order {
		c += s.StorageCostUSD(i)
	}
	return c
}

// Report summarizes EC2 over the run: instances by state and the two bills.
type Report struct {
	Instances      map[string]int `json:"instances"`
	ComputeCostUSD float64        `json:"computeCostUSD"`
	StorageCostUSD float64        `json:"storageCostUSD"`
}

// Report returns the EC2 summary.
func (s *Service) Report() Report {
	r := Report{Instances: map[string]int{}}
	for _, i := range s.order {
		r.Instances[i.State]++
	}
	r.ComputeCostUSD = math.Round(s.TotalCostUSD()*1e6) / 1e6
	r.StorageCostUSD = math.Round(s.TotalStorageCostUSD()*1e6) / 1e6
	return r
}

// ReportText is the plain-text summary ("" when no instance was launched).
func (s *Service) ReportText() string {
	if len(s.order) == 0 {
		return ""
	}
	r := s.Report()
	var states []string
	for _, st := range []string{StatePending, StateRunning, StateStopping, StateStopped, StateShuttingDown, StateTerminated} {
		if n := r.Instances[st]; n > 0 {
			states = append(states, fmt.Sprintf("%d %s", n, st))
		}
	}
	return fmt.Sprintf("ec2: instances %s; compute $%.6f (running time only), EBS storage $%.6f (stopped instances too)\n",
		strings.Join(states, ", "), r.ComputeCostUSD, r.StorageCostUSD)
}
