package ec2

import (
	"path"
	"sort"
	"strings"
)

// What an instance's disks hold, and for how long. Every instance has its
// root EBS volume; the "d" instance types (m5d, c5d, r5d) also have one NVMe
// SSD instance store volume. The two differ in lifetime:
//
//   - Instance store data persists through a reboot, and is lost when the
//     instance stops, hibernates or terminates (and when its disk fails).
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-store-lifetime.html
//   - An EBS volume is independent of the instance's life: the root volume
//     keeps its data through stop and start, and is deleted on termination
//     by default (DeleteOnTermination).
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html
//   - NVMe instance store volumes come unformatted and unmounted: you
//     format and mount them yourself (mkfs, mount), after every start.
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/making-instance-stores-available-on-your-instances.html
//   - On Nitro instances the root EBS volume is the NVMe device nvme0n1
//     (root partition nvme0n1p1), the instance store nvme1n1.
//     https://docs.aws.amazon.com/ebs/latest/userguide/nvme-ebs-volumes.html
//
// The simulator keeps small files in memory: enough to write a line on each
// disk, stop and start, and see which one kept it (guest.go runs the
// commands). Simplifications: no /etc/fstab (a mount lasts until the next
// boot, as without an fstab entry), no hibernation, and sizes in df are
// approximate.

// Disk kinds.
const (
	DiskEBS   = "ebs"
	DiskStore = "instance-store"
)

// Guest users: the AL2023 default user and root (sudo).
const (
	UserDefault = "ec2-user"
	userRoot    = "root"
	anyone      = "*" // a world-writable directory such as /tmp
)

// Disk is one block device as the guest sees it.
type Disk struct {
	Device    string // "nvme0n1" (root EBS volume) or "nvme1n1" (instance store)
	Kind      string // DiskEBS or DiskStore
	SizeBytes int64
	FS        string // "xfs" or "ext4"; "" when unformatted
	Mount     string // the mount point, "" when not mounted
	files     map[string]*guestFile
	dirs      map[string]string // directory (inside the filesystem) -> owner
}

type guestFile struct {
	data  string
	owner string
	user  bool // written by a guest command (not part of the image)
}

// Partition is the device that holds the filesystem: the root volume's
// root partition, or the whole instance store device.
func (d *Disk) Partition() string {
	if d.Kind == DiskEBS {
		return d.Device + "p1"
	}
	return d.Device
}

// Files lists the files a guest command wrote on the disk (paths inside its
// filesystem, as seen when it is mounted at /), sorted.
func (d *Disk) Files() []string {
	var out []string
	for p, f := range d.files {
		if f.user {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out
}

// usedBytes is the approximate space used: the image's share plus the
// files' bytes.
func (d *Disk) usedBytes() int64 {
	var n int64
	if d.Kind == DiskEBS {
		n = 1600 << 20 // Amazon Linux 2023 uses about 1.6 GB of its root volume
	} else if d.FS != "" {
		n = 560 << 20 // the xfs log and metadata of a fresh 50-300 GB filesystem, about
	}
	for _, f := range d.files {
		n += int64(len(f.data))
	}
	return n
}

// wipe blanks an instance store volume: no filesystem, no data.
func (d *Disk) wipe() {
	d.FS, d.Mount = "", ""
	d.files, d.dirs = map[string]*guestFile{}, map[string]string{}
}

// newRootDisk is a fresh root volume: Amazon Linux 2023's directories and
// /etc/os-release, or a copy of an image's snapshot.
func newRootDisk(sizeGiB int, from *Disk) *Disk {
	d := &Disk{Device: "nvme0n1", Kind: DiskEBS, SizeBytes: int64(sizeGiB) << 30, FS: "xfs", Mount: "/",
		files: map[string]*guestFile{}, dirs: map[string]string{}}
	if from != nil {
		for p, f := range from.files {
			cp := *f
			d.files[p] = &cp
		}
		for p, o := range from.dirs {
			d.dirs[p] = o
		}
		return d
	}
	for _, p := range []string{"/", "/home", "/etc", "/mnt", "/var", "/boot"} {
		d.dirs[p] = userRoot
	}
	d.dirs["/home/"+UserDefault] = UserDefault
	d.dirs["/tmp"] = anyone
	d.files["/etc/os-release"] = &guestFile{data: "NAME=\"Amazon Linux\"\nVERSION=\"2023\"\nID=\"amzn\"\nPRETTY_NAME=\"Amazon Linux 2023 (simulated)\"\n", owner: userRoot}
	return d
}

// newStoreDisk is an instance store volume as it comes: unformatted.
func newStoreDisk(sizeGB int) *Disk {
	d := &Disk{Device: "nvme1n1", Kind: DiskStore, SizeBytes: int64(sizeGB) * 1e9}
	d.wipe()
	return d
}

// RootDisk is the instance's root EBS volume as the guest sees it.
func (i *Instance) RootDisk() *Disk { return i.Disks[0] }

// StoreDisk is the instance store volume, nil for EBS-only types.
func (i *Instance) StoreDisk() *Disk {
	for _, d := range i.Disks {
		if d.Kind == DiskStore {
			return d
		}
	}
	return nil
}

// loseInstanceStore blanks the instance store (stop, terminate) and counts
// a loss when it held files.
func (i *Instance) loseInstanceStore() {
	d := i.StoreDisk()
	if d == nil {
		return
	}
	if len(d.Files()) > 0 {
		i.StoreLosses++
	}
	d.wipe()
}

// unmountAll drops every mount but the root's at a boot: without an
// /etc/fstab entry nothing mounts the instance store again.
func (i *Instance) unmountAll() {
	for _, d := range i.Disks[1:] {
		d.Mount = ""
	}
}

// resolve finds the mounted disk that holds an absolute path and the path
// inside its filesystem (the longest mount point that contains it).
func (i *Instance) resolve(p string) (*Disk, string) {
	p = path.Clean(p)
	var best *Disk
	for _, d := range i.Disks {
		if d.Mount == "" {
			continue
		}
		if d.Mount == "/" || p == d.Mount || strings.HasPrefix(p, d.Mount+"/") {
			if best == nil || len(d.Mount) > len(best.Mount) {
				best = d
			}
		}
	}
	if best == nil { // unreachable: the root is always mounted
		return i.Disks[0], p
	}
	if best.Mount == "/" {
		return best, p
	}
	return best, "/" + strings.TrimPrefix(strings.TrimPrefix(p, best.Mount), "/")
}
