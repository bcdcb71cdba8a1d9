package ec2

import (
	"fmt"
	"regexp"
	"sync"
	"time"
)

// Your own AMIs (CreateImage) and the instance status checks.
//
//   - CreateImage makes an EBS-backed AMI from an instance's EBS volumes (a
//     snapshot of each); instance store volumes are not part of it. By
//     default EC2 reboots the instance so the file systems are consistent;
//     --no-reboot skips that. The AMI is "pending" until its snapshots are
//     done, then "available" and usable by RunInstances. AMI names are
//     unique in an account and Region: 3-128 characters of letters,
//     digits, ( ) [ ] space . / - ' @ _.
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/creating-an-ami-ebs.html,
//     https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateImage.html
//   - DeregisterImage: the AMI can no longer launch instances; its
//     snapshots stay (and are billed) until you delete them.
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/deregister-ami.html
//   - Status checks: a running instance's system and instance status checks
//     are "initializing" for a while after it starts, then "ok";
//     DescribeInstanceStatus lists running instances only, unless
//     IncludeAllInstances.
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-system-instance-status-check.html,
//     https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceStatus.html
//
// How long a new AMI stays pending and how long status checks initialize
// are teaching figures (Settings.ImageTime, Settings.StatusCheckTime): AWS
// publishes neither (an AMI's snapshot takes longer the more data changed).

// Image states.
const (
	ImagePending   = "pending"
	ImageAvailable = "available"
)

// Image is an AMI created from an instance.
type Image struct {
	ImageID          string
	Name             string
	Description      string
	State            string
	SourceInstanceID string
	RootGiB          int
	SnapshotID       string
	CreatedAt        time.Duration
	root             *Disk // the root volume's files at creation
}

var amiNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9()\[\] ./\-'@_]{3,128}$`) })

// CreateImage starts an AMI from a running or stopped instance's root EBS
// volume. Unless noReboot, a running instance is rebooted first (its
// instance store survives a reboot, and is not in the image anyway).
func (s *Service) CreateImage(instanceID, name, description string, noReboot bool) (*Image, error) {
	inst, ok := s.instances[instanceID]
	if !ok {
		return nil, notFound(instanceID)
	}
	if !amiNameRE().MatchString(name) {
		return nil, &Error{"InvalidAMIName.Malformed", fmt.Sprintf("AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '.', '-', '/', '_', ' ', '[', ']', '@' and \"'\" only: %q", clipText(name))}
	}
	for _, im := range s.images {
		if im.Name == name {
			return nil, &Error{"InvalidAMIName.Duplicate", fmt.Sprintf("AMI name %s is already in use by AMI %s", name, im.ImageID)}
		}
	}
	if inst.State != StateRunning && inst.State != StateStopped {
		return nil, &Error{"IncorrectInstanceState", fmt.Sprintf("The instance '%s' is not in a valid state for this operation: it must be running or stopped (it is %s).", instanceID, inst.State)}
	}
	if inst.State == StateRunning && !noReboot {
		inst.Console = append(inst.Console, ConsoleLine{"reboot: Restarting system (CreateImage)"})
		s.bootLog(inst, "reboot")
	}
	src := inst.RootDisk()
	snap := newRootDisk(inst.Root.SizeGiB, src)
	im := &Image{ImageID: "ami-0" + s.hex(16), Name: name, Description: description, State: ImagePending,
		SourceInstanceID: instanceID, RootGiB: inst.Root.SizeGiB, SnapshotID: "snap-0" + s.hex(16),
		CreatedAt: s.k.Now(), root: snap}
	s.images = append(s.images, im)
	s.k.After(s.Settings.ImageTime, func() {
		if im.State == ImagePending {
			im.State = ImageAvailable
		}
	})
	return im, nil
}

// Images lists the AMIs created in this account, oldest first.
func (s *Service) Images() []*Image { return append([]*Image(nil), s.images...) }

// FindImage returns an AMI created in this account.
func (s *Service) FindImage(id string) (*Image, bool) {
	for _, im := range s.images {
		if im.ImageID == id {
			return im, true
		}
	}
	return nil, false
}

// DeregisterImage removes an AMI: it can launch no more instances.
func (s *Service) DeregisterImage(id string) error {
	for n, im := range s.images {
		if im.ImageID == id {
			s.images = append(s.images[:n], s.images[n+1:]...)
			s.deregistered = append(s.deregistered, id)
			return nil
		}
	}
	return &Error{"InvalidAMIID.NotFound", fmt.Sprintf("The image id '[%s]' does not exist", id)}
}

// launchImage is the account's own AMI RunInstances launches from (nil for
// a public AMI); a pending or deregistered one is refused.
func (s *Service) launchImage(id string) (*Image, error) {
	if im, ok := s.FindImage(id); ok {
		if im.State != ImageAvailable {
			return nil, &Error{"InvalidAMIID.Unavailable", fmt.Sprintf("The image id '[%s]' is not available: it is still %s (run the clock until describe-images says available)", id, im.State)}
		}
		return im, nil
	}
	for _, d := range s.deregistered {
		if d == id {
			return nil, &Error{"InvalidAMIID.NotFound", fmt.Sprintf("The image id '[%s]' does not exist", id)}
		}
	}
	return nil, nil
}

// Status check results.
const (
	StatusOK            = "ok"
	StatusInitializing  = "initializing"
	StatusNotApplicable = "not-applicable"
)

// InstanceStatus is an instance's status check result: "initializing" for
// Settings.StatusCheckTime after it began running, then "ok";
// "not-applicable" when it is not running.
func (s *Service) InstanceStatus(inst *Instance) string {
	if inst.State != StateRunning || inst.RunningAt < 0 {
		return StatusNotApplicable
	}
	if s.k.Now()-inst.RunningAt < s.Settings.StatusCheckTime {
		return StatusInitializing
	}
	return StatusOK
}
