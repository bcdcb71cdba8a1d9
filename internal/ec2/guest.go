package ec2

import (
	"fmt"
	"math"
	"path"
	"sort"
	"strings"
	"time"
)

// The inside of an instance, as far as the storage lessons need it: a
// login over SSH that runs one command line on the instance's disks
// (disks.go). The command set is small and documented (GuestCommands);
// anything else is "command not found", as bash says it.
//
// Reachability follows SSH: only a running instance's public address
// answers; a stopped instance, an old address or a private address from
// outside the VPC time out. Amazon Linux 2023's user is ec2-user; other
// users are refused.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/connect-linux-inst-ssh.html
// The simulator checks no key pair or security group: on AWS the instance
// needs a key pair (--key-name) and a security group that lets port 22 in.

// GuestCommands are the commands a simulated instance knows.
var GuestCommands = []string{"lsblk", "df [-h]", "ls [-l] [PATH]", "cat FILE", "echo TEXT [> FILE | >> FILE]",
	"touch FILE", "rm FILE", "mkdir [-p] DIR", "sudo mkfs -t xfs DEVICE (or mkfs.xfs, -t ext4)", "sudo mount DEVICE DIR",
	"sudo umount DIR", "sudo chown USER[:GROUP] PATH", "whoami", "pwd", "uptime"}

// GuestCommand is one command line run on an instance, kept for lab
// checks.
type GuestCommand struct {
	Line     string
	At       time.Duration
	Boot     int    // the boot it ran in (1 = the first)
	BootKind string // how that boot began: "launch", "start" or "reboot"
	ExitCode int
	// ReadRoot and ReadStore: cat printed a file a guest command wrote on
	// the root EBS volume (not one of the image's) / a file of the
	// instance store.
	ReadRoot, ReadStore bool
}

// maxGuestHistory bounds the kept command lines per instance.
const maxGuestHistory = 200

// ConnectError is an SSH connection that failed before any command ran.
type ConnectError struct{ Msg string }

func (e *ConnectError) Error() string { return e.Msg }

// SSHTarget finds the instance that answers SSH at host (a public IPv4
// address or public DNS name), or says why the connection fails.
func (s *Service) SSHTarget(host, user string) (*Instance, error) {
	ip := host
	if rest, ok := strings.CutPrefix(host, "ec2-"); ok {
		if name, ok := strings.CutSuffix(rest, ".compute-1.amazonaws.com"); ok {
			ip = strings.ReplaceAll(name, "-", ".")
		}
	}
	if !looksLikeIPv4(ip) {
		return nil, &ConnectError{fmt.Sprintf("ssh: Could not resolve hostname %s: Name or service not known", host)}
	}
	var inst *Instance
	for _, i := range s.order {
		if i.State == StateRunning && i.PublicIP == ip {
			inst = i
		}
	}
	if inst == nil {
		return nil, &ConnectError{fmt.Sprintf("ssh: connect to host %s port 22: Connection timed out\n"+
			"(no running instance has the public address %s: a stopped instance has none, and a started one gets a new one unless it has an Elastic IP)", ip, ip)}
	}
	if user != UserDefault {
		return nil, &ConnectError{fmt.Sprintf("%s@%s: Permission denied (publickey,gssapi-keyex,gssapi-with-mic).\n(log in as ec2-user, the Amazon Linux user)", user, ip)}
	}
	return inst, nil
}

func looksLikeIPv4(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// RunGuest runs one command line (its words, already split like a shell
// splits them; "&&" and ";" separate commands) on a running instance as
// ec2-user. It returns what the commands printed (stdout and stderr
// together) and the exit status of the last command run.
func (s *Service) RunGuest(inst *Instance, line string, words []string) (string, int) {
	g := &guest{s: s, inst: inst, cwd: "/home/" + UserDefault}
	var out strings.Builder
	code := 0
	cmds, seps := splitCommands(words)
	for n, c := range cmds {
		if n > 0 && seps[n-1] == "&&" && code != 0 {
			break
		}
		o, c := g.run(c)
		out.WriteString(o)
		code = c
	}
	kind := "launch"
	if len(inst.bootKinds) > 0 {
		kind = inst.bootKinds[len(inst.bootKinds)-1]
	}
	inst.Guest = append(inst.Guest, GuestCommand{Line: line, At: s.k.Now(), Boot: inst.boots, BootKind: kind,
		ExitCode: code, ReadRoot: g.readRoot, ReadStore: g.readStore})
	if len(inst.Guest) > maxGuestHistory {
		inst.Guest = inst.Guest[len(inst.Guest)-maxGuestHistory:]
	}
	return strings.TrimRight(out.String(), "\n"), code
}

func splitCommands(words []string) (cmds [][]string, seps []string) {
	var cur []string
	var split []string
	for _, w := range words { // "a; b": a ; stuck to the word before it
		if len(w) > 1 && strings.HasSuffix(w, ";") {
			split = append(split, strings.TrimSuffix(w, ";"), ";")
			continue
		}
		split = append(split, w)
	}
	for _, w := range split {
		if w == "&&" || w == ";" {
			cmds = append(cmds, cur)
			seps = append(seps, w)
			cur = nil
			continue
		}
		cur = append(cur, w)
	}
	return append(cmds, cur), seps
}

type guest struct {
	s                   *Service
	inst                *Instance
	cwd                 string
	readRoot, readStore bool
}

func (g *guest) abs(p string) string {
	home := "/home/" + UserDefault
	switch {
	case p == "~":
		p = home
	case strings.HasPrefix(p, "~/"):
		p = home + p[1:]
	case !strings.HasPrefix(p, "/"):
		p = g.cwd + "/" + p
	}
	return path.Clean(p)
}

// run runs one simple command: [sudo] NAME ARGS... [> FILE | >> FILE].
func (g *guest) run(words []string) (string, int) {
	if len(words) == 0 {
		return "", 0
	}
	// The shell applies a redirection as the user who typed it, before
	// sudo runs: `sudo echo x > /data/f` still writes as ec2-user.
	redirect, appendTo := "", false
	for i := 0; i < len(words); i++ {
		w := words[i]
		op := ""
		switch {
		case w == ">" || w == ">>":
			op = w
			if i+1 >= len(words) {
				return "bash: syntax error near unexpected token `newline'\n", 2
			}
			redirect = words[i+1]
			words = append(append([]string{}, words[:i]...), words[i+2:]...)
		case strings.HasPrefix(w, ">>") || strings.HasPrefix(w, ">"):
			op = ">"
			if strings.HasPrefix(w, ">>") {
				op = ">>"
			}
			redirect = strings.TrimPrefix(w, op)
			words = append(append([]string{}, words[:i]...), words[i+1:]...)
		}
		if op != "" {
			appendTo = op == ">>"
			break
		}
	}
	user := UserDefault
	if len(words) > 0 && words[0] == "sudo" {
		user, words = userRoot, words[1:]
	}
	if len(words) == 0 {
		return "usage: sudo COMMAND\n", 1
	}
	out, code := g.exec(user, words[0], words[1:])
	if redirect == "" {
		return out, code
	}
	if err := g.writeFile(UserDefault, g.abs(redirect), out, appendTo); err != "" {
		return "bash: " + redirect + ": " + err + "\n", 1
	}
	return "", code
}

func (g *guest) exec(user, name string, args []string) (string, int) {
	switch name {
	case "lsblk":
		return g.lsblk(), 0
	case "df":
		return g.df(), 0
	case "ls":
		return g.ls(args)
	case "cat":
		return g.cat(args)
	case "echo":
		return strings.Join(args, " ") + "\n", 0
	case "touch":
		for _, a := range args {
			p := g.abs(a)
			if d, rel := g.inst.resolve(p); d.files[rel] != nil {
				continue
			}
			if err := g.writeFile(user, p, "", true); err != "" {
				return fmt.Sprintf("touch: cannot touch '%s': %s\n", a, err), 1
			}
		}
		return "", 0
	case "rm":
		return g.rm(user, args)
	case "mkdir":
		return g.mkdir(user, args)
	case "mkfs", "mkfs.xfs", "mkfs.ext4":
		return g.mkfs(user, name, args)
	case "mount":
		return g.mount(user, args)
	case "umount":
		return g.umount(user, args)
	case "chown":
		return g.chown(user, args)
	case "whoami":
		return user + "\n", 0
	case "pwd":
		return g.cwd + "\n", 0
	case "uptime":
		up := time.Duration(0)
		if g.inst.RunningAt >= 0 {
			up = g.s.k.Now() - g.inst.RunningAt
		}
		return fmt.Sprintf(" up %d min, 1 user\n", int(up.Minutes())), 0
	}
	return fmt.Sprintf("bash: line 1: %s: command not found\n(the simulated instance knows: %s)\n", name, strings.Join(guestNames(), ", ")), 127
}

func guestNames() []string {
	var out []string
	for _, c := range GuestCommands {
		w := strings.Fields(c)
		if w[0] == "sudo" {
			w = w[1:]
		}
		out = append(out, w[0])
	}
	return out
}

// gibText is lsblk's size: binary units, one decimal when not whole.
func gibText(n int64) string {
	g := float64(n) / (1 << 30)
	if g == math.Trunc(g) {
		return fmt.Sprintf("%dG", int64(g))
	}
	return fmt.Sprintf("%.1fG", g)
}

func (g *guest) lsblk() string {
	var b strings.Builder
	b.WriteString("NAME        MAJ:MIN RM  SIZE RO TYPE MOUNTPOINTS\n")
	minor := 0
	row := func(name, size, typ, mount string) {
		fmt.Fprintf(&b, "%s\n", strings.TrimRight(fmt.Sprintf("%-11s 259:%-3d  0 %5s  0 %-4s %s", name, minor, size, typ, mount), " "))
		minor++
	}
	for _, d := range g.inst.Disks {
		if d.Kind == DiskEBS {
			row(d.Device, gibText(d.SizeBytes), "disk", "")
			row("└─"+d.Partition(), gibText(d.SizeBytes), "part", d.Mount)
			continue
		}
		row(d.Device, gibText(d.SizeBytes), "disk", d.Mount)
	}
	return b.String()
}

// dfSize is df -h's size: powers of 1024, one decimal below 10.
func dfSize(n int64) string {
	if n <= 0 {
		return "0"
	}
	units := []string{"K", "M", "G", "T"}
	v := float64(n) / 1024
	u := 0
	for v >= 1024 && u < len(units)-1 {
		v /= 1024
		u++
	}
	if v < 10 {
		return fmt.Sprintf("%.1f%s", math.Ceil(v*10)/10, units[u])
	}
	return fmt.Sprintf("%d%s", int64(math.Ceil(v)), units[u])
}

func (g *guest) df() string {
	var b strings.Builder
	b.WriteString("Filesystem      Size  Used Avail Use% Mounted on\n")
	row := func(fs string, size, used int64, on string) {
		pct := int(math.Ceil(float64(used) * 100 / float64(size)))
		fmt.Fprintf(&b, "%-14s %5s %5s %5s %3d%% %s\n", fs, dfSize(size), dfSize(used), dfSize(size-used), pct, on)
	}
	row("devtmpfs", 4<<20, 0, "/dev")
	row("tmpfs", int64(g.inst.Type.MemoryMiB())<<19, 0, "/dev/shm")
	disks := append([]*Disk(nil), g.inst.Disks...)
	sort.SliceStable(disks, func(i, j int) bool { return disks[i].Mount < disks[j].Mount })
	for _, d := range disks {
		if d.Mount != "" {
			row("/dev/"+d.Partition(), d.SizeBytes, min(d.usedBytes(), d.SizeBytes), d.Mount)
		}
	}
	return b.String()
}

func (g *guest) isDir(p string) bool {
	for _, d := range g.inst.Disks {
		if d.Mount != "" && p == d.Mount {
			return true
		}
	}
	d, rel := g.inst.resolve(p)
	_, ok := d.dirs[rel]
	return ok
}

func (g *guest) dirOwner(p string) string {
	d, rel := g.inst.resolve(p)
	return d.dirs[rel]
}

func (g *guest) ls(args []string) (string, int) {
	long := false
	var paths []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			long = long || strings.Contains(a, "l")
			continue
		}
		paths = append(paths, a)
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var b strings.Builder
	code := 0
	for _, a := range paths {
		p := g.abs(a)
		d, rel := g.inst.resolve(p)
		if f := d.files[rel]; f != nil {
			g.lsLine(&b, long, path.Base(p), f.owner, int64(len(f.data)), false)
			continue
		}
		if !g.isDir(p) {
			fmt.Fprintf(&b, "ls: cannot access '%s': No such file or directory\n", a)
			code = 2
			continue
		}
		if len(paths) > 1 {
			fmt.Fprintf(&b, "%s:\n", a)
		}
		type entry struct {
			name, owner string
			size        int64
			dir         bool
		}
		seen := map[string]entry{}
		prefix := strings.TrimSuffix(rel, "/") + "/"
		for fp, f := range d.files {
			if name, ok := strings.CutPrefix(fp, prefix); ok && !strings.Contains(name, "/") {
				seen[name] = entry{name, f.owner, int64(len(f.data)), false}
			}
		}
		for dp, owner := range d.dirs {
			if name, ok := strings.CutPrefix(dp, prefix); ok && name != "" && !strings.Contains(name, "/") {
				seen[name] = entry{name, owner, 6, true}
			}
		}
		names := make([]string, 0, len(seen))
		for n := range seen {
			names = append(names, n)
		}
		sort.Strings(names)
		if long {
			fmt.Fprintf(&b, "total %d\n", len(names)*4)
		}
		for _, n := range names {
			e := seen[n]
			g.lsLine(&b, long, e.name, e.owner, e.size, e.dir)
		}
	}
	return b.String(), code
}

func (g *guest) lsLine(b *strings.Builder, long bool, name, owner string, size int64, dir bool) {
	if !long {
		fmt.Fprintf(b, "%s\n", name)
		return
	}
	mode := "-rw-r--r--."
	if dir {
		mode = "drwxr-xr-x."
	}
	if owner == anyone {
		mode, owner = "drwxrwxrwt.", userRoot
	}
	fmt.Fprintf(b, "%s 1 %-8s %-8s %5d %s\n", mode, owner, owner, size, name)
}

func (g *guest) cat(args []string) (string, int) {
	if len(args) == 0 {
		return "cat: reading standard input is not supported here: give a file\n", 1
	}
	var b strings.Builder
	code := 0
	for _, a := range args {
		p := g.abs(a)
		d, rel := g.inst.resolve(p)
		f := d.files[rel]
		switch {
		case f != nil:
			b.WriteString(f.data)
			switch {
			case d.Kind == DiskStore:
				g.readStore = true
			case f.user: // a file someone wrote, not the image's /etc/os-release
				g.readRoot = true
			}
		case g.isDir(p):
			fmt.Fprintf(&b, "cat: %s: Is a directory\n", a)
			code = 1
		default:
			fmt.Fprintf(&b, "cat: %s: No such file or directory\n", a)
			code = 1
		}
	}
	return b.String(), code
}

// maxGuestFile bounds one simulated file (the simulator keeps them in
// memory).
const maxGuestFile = 64 << 10

// writeFile writes (or appends to) p as user; it returns the error text
// bash or the tool would print ("" when written).
func (g *guest) writeFile(user, p, data string, appendTo bool) string {
	if g.isDir(p) {
		return "Is a directory"
	}
	dir := path.Dir(p)
	if !g.isDir(dir) {
		return "No such file or directory"
	}
	d, rel := g.inst.resolve(p)
	f := d.files[rel]
	if user != userRoot {
		if f != nil && f.owner != user {
			return "Permission denied"
		}
		if o := g.dirOwner(dir); f == nil && o != user && o != anyone {
			return "Permission denied"
		}
	}
	if f == nil {
		f = &guestFile{owner: user, user: true}
		d.files[rel] = f
	}
	if appendTo {
		data = f.data + data
	}
	if len(data) > maxGuestFile {
		return "No space left on device (the simulator keeps files up to 64 KiB)"
	}
	f.data, f.user = data, true
	return ""
}

func (g *guest) rm(user string, args []string) (string, int) {
	var b strings.Builder
	code := 0
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			continue
		}
		p := g.abs(a)
		d, rel := g.inst.resolve(p)
		switch o := g.dirOwner(path.Dir(p)); {
		case d.files[rel] == nil:
			fmt.Fprintf(&b, "rm: cannot remove '%s': No such file or directory\n", a)
			code = 1
		case user != userRoot && o != user && o != anyone:
			fmt.Fprintf(&b, "rm: cannot remove '%s': Permission denied\n", a)
			code = 1
		default:
			delete(d.files, rel)
		}
	}
	return b.String(), code
}

func (g *guest) mkdir(user string, args []string) (string, int) {
	parents := false
	var b strings.Builder
	code := 0
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			parents = parents || strings.Contains(a, "p")
			continue
		}
		p := g.abs(a)
		var todo []string
		for q := p; !g.isDir(q); q = path.Dir(q) {
			todo = append([]string{q}, todo...)
		}
		switch {
		case len(todo) == 0:
			if !parents {
				fmt.Fprintf(&b, "mkdir: cannot create directory '%s': File exists\n", a)
				code = 1
			}
			continue
		case len(todo) > 1 && !parents:
			fmt.Fprintf(&b, "mkdir: cannot create directory '%s': No such file or directory\n", a)
			code = 1
			continue
		}
		for _, q := range todo {
			if o := g.dirOwner(path.Dir(q)); user != userRoot && o != user && o != anyone {
				fmt.Fprintf(&b, "mkdir: cannot create directory '%s': Permission denied\n", a)
				code = 1
				break
			}
			if d, rel := g.inst.resolve(q); d.files[rel] != nil {
				fmt.Fprintf(&b, "mkdir: cannot create directory '%s': File exists\n", a)
				code = 1
				break
			} else {
				d.dirs[rel] = user
			}
		}
	}
	return b.String(), code
}

// device finds a disk by /dev/NAME (the whole device or, for the root
// volume, its partition).
func (g *guest) device(arg string) (*Disk, bool) {
	name := strings.TrimPrefix(arg, "/dev/")
	for _, d := range g.inst.Disks {
		if name == d.Device || name == d.Partition() || (d.Kind == DiskEBS && name == "xvda") {
			return d, true
		}
	}
	return nil, false
}

func (g *guest) mkfs(user, name string, args []string) (string, int) {
	fs, force, dev := strings.TrimPrefix(name, "mkfs."), false, ""
	if name == "mkfs" {
		fs = "ext2" // mkfs without -t makes ext2
	}
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-t" && i+1 < len(args):
			fs = args[i+1]
			i++
		case a == "-f" || a == "-F":
			force = true
		case !strings.HasPrefix(a, "-"):
			dev = a
		}
	}
	if fs != "xfs" && fs != "ext4" {
		return fmt.Sprintf("mkfs: the simulated instance formats xfs or ext4 (mkfs -t xfs DEVICE), not %s\n", fs), 1
	}
	tool := "mkfs." + fs
	if dev == "" {
		return fmt.Sprintf("%s: no device name given\n", tool), 1
	}
	d, ok := g.device(dev)
	if !ok {
		return fmt.Sprintf("%s: cannot open %s: No such file or directory\n", tool, dev), 1
	}
	if user != userRoot {
		return fmt.Sprintf("%s: cannot open %s: Permission denied\n", tool, dev), 1
	}
	if d.Mount != "" || d.Kind == DiskEBS {
		return fmt.Sprintf("%s: %s contains a mounted filesystem\n", tool, dev), 1
	}
	if d.FS != "" && !force {
		flag := "-f"
		if fs == "ext4" {
			flag = "-F"
		}
		return fmt.Sprintf("%s: %s appears to contain an existing filesystem (%s).\n%s: Use the %s option to force overwrite.\n", tool, dev, d.FS, tool, flag), 1
	}
	d.wipe()
	d.FS = fs
	d.dirs["/"] = userRoot
	blocks := d.SizeBytes / 4096
	if fs == "ext4" {
		return fmt.Sprintf("mke2fs 1.46.5 (30-Dec-2021)\nCreating filesystem with %d 4k blocks\nWriting superblocks and filesystem accounting information: done\n", blocks), 0
	}
	return fmt.Sprintf("meta-data=%-22s isize=512    agcount=4, agsize=%d blks\ndata     =%-22s bsize=4096   blocks=%d\nDiscarding blocks...Done.\n", dev, blocks/4, "", blocks), 0
}

func (g *guest) mount(user string, args []string) (string, int) {
	var pos []string
	for i := 0; i < len(args); i++ {
		if args[i] == "-t" || args[i] == "-o" {
			i++
			continue
		}
		if !strings.HasPrefix(args[i], "-") {
			pos = append(pos, args[i])
		}
	}
	if len(pos) == 0 {
		var b strings.Builder
		for _, d := range g.inst.Disks {
			if d.Mount != "" {
				fmt.Fprintf(&b, "/dev/%s on %s type %s (rw,noatime)\n", d.Partition(), d.Mount, d.FS)
			}
		}
		return b.String(), 0
	}
	if len(pos) != 2 {
		return "mount: the simulated instance mounts one way: sudo mount DEVICE DIR\n", 1
	}
	dir := g.abs(pos[1])
	if user != userRoot {
		return fmt.Sprintf("mount: %s: must be superuser to use mount.\n", dir), 32
	}
	d, ok := g.device(pos[0])
	if !ok {
		return fmt.Sprintf("mount: %s: special device %s does not exist.\n", dir, pos[0]), 32
	}
	if !g.isDir(dir) {
		return fmt.Sprintf("mount: %s: mount point does not exist.\n", dir), 32
	}
	if d.Mount != "" {
		return fmt.Sprintf("mount: %s: %s already mounted on %s.\n", dir, pos[0], d.Mount), 32
	}
	if d.FS == "" {
		return fmt.Sprintf("mount: %s: wrong fs type, bad option, bad superblock on %s, missing codepage or helper program, or other error.\n", dir, pos[0]), 32
	}
	d.Mount = dir
	return "", 0
}

func (g *guest) umount(user string, args []string) (string, int) {
	if len(args) != 1 {
		return "umount: give the mount point: sudo umount DIR\n", 1
	}
	if user != userRoot {
		return fmt.Sprintf("umount: %s: must be superuser to unmount.\n", args[0]), 32
	}
	p := g.abs(args[0])
	for _, d := range g.inst.Disks[1:] {
		if d.Mount != "" && (d.Mount == p || "/dev/"+d.Partition() == args[0]) {
			d.Mount = ""
			return "", 0
		}
	}
	return fmt.Sprintf("umount: %s: not mounted.\n", args[0]), 32
}

func (g *guest) chown(user string, args []string) (string, int) {
	var pos []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			pos = append(pos, a)
		}
	}
	if len(pos) < 2 {
		return "chown: missing operand: sudo chown USER[:GROUP] PATH\n", 1
	}
	owner, _, _ := strings.Cut(pos[0], ":")
	if owner != UserDefault && owner != userRoot {
		return fmt.Sprintf("chown: invalid user: '%s'\n", pos[0]), 1
	}
	var b strings.Builder
	code := 0
	for _, a := range pos[1:] {
		p := g.abs(a)
		if user != userRoot {
			fmt.Fprintf(&b, "chown: changing ownership of '%s': Operation not permitted\n", a)
			code = 1
			continue
		}
		d, rel := g.inst.resolve(p)
		switch {
		case d.files[rel] != nil:
			d.files[rel].owner = owner
		case g.isDir(p):
			d.dirs[rel] = owner
		default:
			fmt.Fprintf(&b, "chown: cannot access '%s': No such file or directory\n", a)
			code = 1
		}
	}
	return b.String(), code
}
