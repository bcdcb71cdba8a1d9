package ec2

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

func launchType(t *testing.T, typ string) (*sim.Kernel, *Service, *Instance) {
	t.Helper()
	k := sim.New(1)
	s := New(k)
	insts, err := s.RunInstances(RunInput{InstanceType: typ, ImageID: "ami-0al2023"})
	if err != nil {
		t.Fatal(err)
	}
	k.RunFor(time.Minute)
	return k, s, insts[0]
}

// guestRun runs one command line on inst as ssh would (words split on
// spaces: the tests use no quotes).
func guestRun(t *testing.T, s *Service, inst *Instance, line string) (string, int) {
	t.Helper()
	return s.RunGuest(inst, line, strings.Fields(line))
}

func mustGuest(t *testing.T, s *Service, inst *Instance, line string) string {
	t.Helper()
	out, code := guestRun(t, s, inst, line)
	if code != 0 {
		t.Fatalf("%s: exit %d: %s", line, code, out)
	}
	return out
}

const prepareStore = "sudo mkfs -t xfs /dev/nvme1n1 && sudo mkdir /data && sudo mount /dev/nvme1n1 /data && sudo chown ec2-user /data"

// The "d" types have one NVMe SSD instance store volume of the size AWS
// lists (https://docs.aws.amazon.com/ec2/latest/instancetypes/gp.html,
// co.html, mo.html: instance store specifications); the others have none.
func TestInstanceStoreSizes(t *testing.T) {
	for typ, gb := range map[string]int{"m5d.large": 75, "m5d.xlarge": 150, "c5d.large": 50, "c5d.2xlarge": 200, "r5d.large": 75, "m5.large": 0, "t3.micro": 0} {
		it, ok := LookupType(typ)
		if !ok || it.StoreGB != gb {
			t.Errorf("%s: instance store %d GB (found %v), want %d", typ, it.StoreGB, ok, gb)
		}
	}
	_, _, inst := launchType(t, "m5.large")
	if inst.StoreDisk() != nil || len(inst.Disks) != 1 {
		t.Errorf("an m5.large has %d disks, want only the root volume", len(inst.Disks))
	}
}

// NVMe instance store volumes come unformatted and unmounted: lsblk lists
// nvme1n1 without a mount point, and mounting it fails until it is
// formatted
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/making-instance-stores-available-on-your-instances.html).
func TestInstanceStoreStartsUnformatted(t *testing.T) {
	_, s, inst := launchType(t, "m5d.large")
	out := mustGuest(t, s, inst, "lsblk")
	if !strings.Contains(out, "nvme1n1     259:2    0 69.8G  0 disk\n") && !strings.HasSuffix(out, "nvme1n1     259:2    0 69.8G  0 disk") {
		t.Errorf("lsblk:\n%s\nwant nvme1n1 of 69.8G (75 GB) without a mount point", out)
	}
	if !strings.Contains(out, "└─nvme0n1p1 259:1    0    8G  0 part /") {
		t.Errorf("lsblk:\n%s\nwant the 8 GiB root partition on /", out)
	}
	mustGuest(t, s, inst, "sudo mkdir /data")
	if out, code := guestRun(t, s, inst, "sudo mount /dev/nvme1n1 /data"); code == 0 || !strings.Contains(out, "wrong fs type") {
		t.Errorf("mount of an unformatted device: exit %d, %q", code, out)
	}
	if out, code := guestRun(t, s, inst, "mkfs -t xfs /dev/nvme1n1"); code == 0 || !strings.Contains(out, "Permission denied") {
		t.Errorf("mkfs without sudo: exit %d, %q", code, out)
	}
}

// Instance store data persists through a reboot and is lost when the
// instance stops (or hibernates, or terminates); EBS data persists through
// stop and start
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-store-lifetime.html,
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html).
func TestInstanceStoreLifetime(t *testing.T) {
	k, s, inst := launchType(t, "m5d.large")
	mustGuest(t, s, inst, "echo kept > notes.txt")
	mustGuest(t, s, inst, prepareStore)
	mustGuest(t, s, inst, "echo scratch > /data/cache.txt")
	if got := inst.StoreDisk().Files(); len(got) != 1 || got[0] != "/cache.txt" {
		t.Fatalf("instance store files %v", got)
	}

	if err := s.RebootInstances([]string{inst.ID}); err != nil {
		t.Fatal(err)
	}
	// No /etc/fstab entry: the mount is gone after the boot, the data is not.
	if out, code := guestRun(t, s, inst, "cat /data/cache.txt"); code == 0 {
		t.Errorf("before the mount /data is the root volume's empty directory, got %q", out)
	}
	if out := mustGuest(t, s, inst, "sudo mount /dev/nvme1n1 /data && cat /data/cache.txt"); out != "scratch" {
		t.Errorf("after a reboot the instance store holds %q, want scratch", out)
	}
	if inst.StoreLosses != 0 {
		t.Errorf("a reboot counted %d losses", inst.StoreLosses)
	}

	stopStart(t, k, s, inst.ID)
	if out := mustGuest(t, s, inst, "cat notes.txt"); out != "kept" {
		t.Errorf("the root EBS volume after stop/start holds %q, want kept", out)
	}
	st := inst.StoreDisk()
	if st.FS != "" || st.Mount != "" || len(st.Files()) != 0 || inst.StoreLosses != 1 {
		t.Errorf("after stop/start the instance store is %+v (losses %d), want blank and unformatted, one loss", st, inst.StoreLosses)
	}
	if out, code := guestRun(t, s, inst, "sudo mount /dev/nvme1n1 /data"); code == 0 || !strings.Contains(out, "wrong fs type") {
		t.Errorf("mount after a start: exit %d, %q (want an unformatted device)", code, out)
	}
	last := inst.Guest[len(inst.Guest)-1]
	if last.BootKind != "start" || last.Boot != 3 {
		t.Errorf("the last guest command ran in boot %d (%s), want 3 (start)", last.Boot, last.BootKind)
	}

	// Termination loses it too (an empty store is not counted).
	mustGuest(t, s, inst, "sudo mkfs -t xfs /dev/nvme1n1 && sudo mount /dev/nvme1n1 /data && sudo chown ec2-user /data && echo x > /data/x")
	if _, err := s.TerminateInstances([]string{inst.ID}); err != nil {
		t.Fatal(err)
	}
	if inst.StoreLosses != 2 || len(inst.StoreDisk().Files()) != 0 {
		t.Errorf("after terminate: losses %d, files %v", inst.StoreLosses, inst.StoreDisk().Files())
	}
}

// Redirection is done by the user's shell before sudo runs, so a
// root-owned mount point refuses `sudo echo x > /data/f`; a file written
// under an unmounted /data lands on the root volume.
func TestGuestPermissionsAndMountPoints(t *testing.T) {
	_, s, inst := launchType(t, "c5d.large")
	mustGuest(t, s, inst, "sudo mkdir /data")
	if out, code := guestRun(t, s, inst, "sudo echo x > /data/f"); code == 0 || !strings.Contains(out, "Permission denied") {
		t.Errorf("sudo echo > root-owned dir: exit %d, %q", code, out)
	}
	mustGuest(t, s, inst, "sudo chown ec2-user /data && echo x > /data/f")
	if len(inst.StoreDisk().Files()) != 0 || !contains(inst.RootDisk().Files(), "/data/f") {
		t.Errorf("a write under an unmounted /data: root %v, store %v", inst.RootDisk().Files(), inst.StoreDisk().Files())
	}
	mustGuest(t, s, inst, "sudo mkfs.xfs /dev/nvme1n1")
	if out, code := guestRun(t, s, inst, "sudo mkfs.xfs /dev/nvme1n1"); code == 0 || !strings.Contains(out, "existing filesystem") {
		t.Errorf("mkfs over a filesystem without -f: exit %d, %q", code, out)
	}
	mustGuest(t, s, inst, "sudo mount /dev/nvme1n1 /data")
	if out := mustGuest(t, s, inst, "ls /data"); out != "" {
		t.Errorf("the mount hides the root volume's /data: ls shows %q", out)
	}
	if out, code := guestRun(t, s, inst, "frobnicate"); code != 127 || !strings.Contains(out, "command not found") {
		t.Errorf("unknown command: exit %d, %q", code, out)
	}
	if out, _ := guestRun(t, s, inst, "false && cat /etc/os-release"); strings.Contains(out, "Amazon Linux") {
		t.Errorf("&& ran after a failure: %q", out)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// SSH reaches only a running instance's public address; a stopped
// instance has none (its old address times out), and Amazon Linux's user
// is ec2-user
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/connect-linux-inst-ssh.html).
func TestSSHReachability(t *testing.T) {
	k, s, inst := launchType(t, "m5d.large")
	ip := inst.PublicIP
	if _, err := s.SSHTarget(ip, "ec2-user"); err != nil {
		t.Fatal(err)
	}
	dns := "ec2-" + strings.ReplaceAll(ip, ".", "-") + ".compute-1.amazonaws.com"
	if got, err := s.SSHTarget(dns, "ec2-user"); err != nil || got != inst {
		t.Errorf("by public DNS name: %v", err)
	}
	if _, err := s.SSHTarget(ip, "root"); err == nil || !strings.Contains(err.Error(), "Permission denied (publickey") {
		t.Errorf("root login: %v", err)
	}
	if _, err := s.SSHTarget(inst.PrivateIP, "ec2-user"); err == nil || !strings.Contains(err.Error(), "Connection timed out") {
		t.Errorf("the private address from outside: %v", err)
	}
	if _, err := s.StopInstances([]string{inst.ID}); err != nil {
		t.Fatal(err)
	}
	k.RunFor(time.Minute)
	if _, err := s.SSHTarget(ip, "ec2-user"); err == nil || !strings.Contains(err.Error(), "Connection timed out") {
		t.Errorf("a stopped instance: %v", err)
	}
	if _, err := s.SSHTarget("no-such-host", "ec2-user"); err == nil || !strings.Contains(err.Error(), "Could not resolve hostname") {
		t.Errorf("a bad host name: %v", err)
	}
}

// CreateImage snapshots the EBS volumes, not the instance store; the AMI
// is pending, then available and launchable; it reboots the instance by
// default; names are unique
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/creating-an-ami-ebs.html,
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateImage.html).
func TestCreateImage(t *testing.T) {
	k, s, inst := launchType(t, "m5d.large")
	mustGuest(t, s, inst, "echo kept > notes.txt")
	mustGuest(t, s, inst, prepareStore+" && echo scratch > /data/cache.txt")
	boots := inst.Boots()
	im, err := s.CreateImage(inst.ID, "lab-notes", "", false)
	if err != nil {
		t.Fatal(err)
	}
	if inst.Boots() != boots+1 || inst.StoreLosses != 0 {
		t.Errorf("create-image: boots %d -> %d, losses %d (want a reboot that keeps the instance store)", boots, inst.Boots(), inst.StoreLosses)
	}
	if _, err := s.CreateImage(inst.ID, "lab-notes", "", true); err == nil || err.(*Error).Code != "InvalidAMIName.Duplicate" {
		t.Errorf("a duplicate name: %v", err)
	}
	if _, err := s.CreateImage(inst.ID, "x", "", true); err == nil || err.(*Error).Code != "InvalidAMIName.Malformed" {
		t.Errorf("a 1-character name: %v", err)
	}
	if im.State != ImagePending {
		t.Fatalf("new AMI state %s", im.State)
	}
	if _, err := s.RunInstances(RunInput{ImageID: im.ImageID, InstanceType: "m5d.large"}); err == nil || err.(*Error).Code != "InvalidAMIID.Unavailable" {
		t.Errorf("launch from a pending AMI: %v", err)
	}
	k.RunFor(s.Settings.ImageTime)
	if im.State != ImageAvailable {
		t.Fatalf("AMI state %s after the image time", im.State)
	}
	// Files written after the snapshot are not in it.
	mustGuest(t, s, inst, "echo later > later.txt")
	out, err := s.RunInstances(RunInput{ImageID: im.ImageID, InstanceType: "m5d.large"})
	if err != nil {
		t.Fatal(err)
	}
	k.RunFor(time.Minute)
	n := out[0]
	if got := n.RootDisk().Files(); len(got) != 1 || got[0] != "/home/ec2-user/notes.txt" {
		t.Errorf("the new instance's root volume has %v, want only notes.txt", got)
	}
	if st := n.StoreDisk(); st.FS != "" || len(st.Files()) != 0 {
		t.Errorf("the new instance's instance store: %+v (an AMI holds no instance store data)", st)
	}
	if err := s.DeregisterImage(im.ImageID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RunInstances(RunInput{ImageID: im.ImageID}); err == nil || err.(*Error).Code != "InvalidAMIID.NotFound" {
		t.Errorf("launch from a deregistered AMI: %v", err)
	}
	if _, err := s.CreateImage(n.ID, "from-terminated", "", false); err != nil {
		t.Errorf("a running instance: %v", err)
	}
}

// Status checks initialize after the instance starts running, then pass;
// a stopped instance's are not applicable
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/monitoring-system-instance-status-check.html).
func TestInstanceStatusChecks(t *testing.T) {
	k := sim.New(1)
	s := New(k)
	insts, err := s.RunInstances(RunInput{InstanceType: "t3.micro"})
	if err != nil {
		t.Fatal(err)
	}
	inst := insts[0]
	if got := s.InstanceStatus(inst); got != StatusNotApplicable {
		t.Errorf("pending: %s", got)
	}
	k.RunFor(time.Minute)
	if got := s.InstanceStatus(inst); got != StatusInitializing {
		t.Errorf("just running: %s", got)
	}
	k.RunFor(s.Settings.StatusCheckTime)
	if got := s.InstanceStatus(inst); got != StatusOK {
		t.Errorf("after the check time: %s", got)
	}
	if _, err := s.StopInstances([]string{inst.ID}); err != nil {
		t.Fatal(err)
	}
	if got := s.InstanceStatus(inst); got != StatusNotApplicable {
		t.Errorf("stopping: %s", got)
	}
}

// CreateTags adds and overwrites tags; tag filters see them.
func TestCreateTags(t *testing.T) {
	_, s, inst := launchType(t, "t3.micro")
	if err := s.CreateTags([]string{inst.ID}, []Tag{{"Name", "a"}, {"env", "lab"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateTags([]string{inst.ID}, []Tag{{"Name", "b"}}); err != nil {
		t.Fatal(err)
	}
	if !Match(inst, []Filter{{Name: "tag:Name", Values: []string{"b"}}}) || len(inst.Tags) != 2 {
		t.Errorf("tags %v", inst.Tags)
	}
	if err := s.CreateTags([]string{inst.ID}, []Tag{{"aws:x", "1"}}); err == nil {
		t.Error("an aws: key was accepted")
	}
	if err := s.CreateTags([]string{"i-0nope"}, []Tag{{"a", "1"}}); err == nil {
		t.Error("an unknown instance was accepted")
	}
}
