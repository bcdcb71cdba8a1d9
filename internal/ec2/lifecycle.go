package ec2

import (
	"fmt"
	"strings"
)

// The rest of an instance's life a newcomer meets in the first EC2 lab:
// public addresses that change on stop/start unless an Elastic IP is
// attached, user data that runs on the first boot only (its output in the
// console output), reboots, and changing the instance type while stopped.
//
// Sources (EC2 User Guide):
//   - Public IPv4 addresses: released when the instance is stopped,
//     hibernated or terminated; a new one is assigned when it starts again;
//     associating an Elastic IP releases the automatic one, and the Elastic
//     IP stays through stop/start.
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html#concepts-public-addresses
//   - User data runs only during the first boot cycle by default; a shell
//     script must begin with #! (cloud-config directives with
//     #cloud-config).
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html
//   - A reboot keeps the instance on the same host with the same public and
//     private addresses and does not start a new billing period.
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-reboot.html
//   - The instance type of an EBS-backed instance can be changed only while
//     it is stopped.
//     https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/change-instance-type-of-ebs-backed-instance.html
//
// Addresses come from the documentation ranges of RFC 5737 (198.51.100.0/24
// for automatic addresses, 203.0.113.0/24 for Elastic IPs), so a simulated
// address is never someone's real server.

// Address is an Elastic IP address.
type Address struct {
	AllocationID  string
	PublicIP      string
	AssociationID string // "" when not associated
	InstanceID    string // "" when not associated
}

// Boots is how many times the instance has booted (starts and reboots).
func (i *Instance) Boots() int { return i.boots }

// ConsoleLine is one line of an instance's console output.
type ConsoleLine struct{ Text string }

func (s *Service) nextPublicIP() string {
	s.publicSeq++
	return fmt.Sprintf("198.51.100.%d", (s.publicSeq-1)%254+1)
}

// assignPublicIP gives a booting instance its address: the Elastic IP if
// one is associated, else a new automatic address.
func (s *Service) assignPublicIP(inst *Instance) {
	if inst.EIP != nil {
		inst.PublicIP = inst.EIP.PublicIP
		return
	}
	inst.PublicIP = s.nextPublicIP()
}

// releasePublicIP drops an automatic address (stop, terminate); an Elastic
// IP stays with the instance while it is stopped.
func (s *Service) releasePublicIP(inst *Instance, terminated bool) {
	if inst.EIP != nil && !terminated {
		return
	}
	if inst.EIP != nil { // termination disassociates the Elastic IP
		inst.EIP.AssociationID, inst.EIP.InstanceID = "", ""
		inst.EIP = nil
	}
	inst.PublicIP = ""
}

// bootLog writes the console lines of one boot: the kernel and cloud-init,
// and on the first boot only the user-data script and what it echoes.
func (s *Service) bootLog(inst *Instance, kind string) {
	inst.boots++
	inst.bootKinds = append(inst.bootKinds, kind)
	inst.unmountAll()
	inst.BootIPs = append(inst.BootIPs, inst.PublicIP)
	add := func(format string, a ...any) {
		inst.Console = append(inst.Console, ConsoleLine{fmt.Sprintf(format, a...)})
	}
	add("[    0.000000] Linux version 6.1 (simulated Amazon Linux 2023) boot %d", inst.boots)
	add("cloud-init: network up: private %s, public %s", inst.PrivateIP, orNone(inst.PublicIP))
	ud := strings.TrimSpace(inst.UserData)
	switch {
	case ud == "":
		add("cloud-init: no user data")
	case inst.boots > 1:
		add("cloud-init: user data already ran on the first boot: not run again")
	case strings.HasPrefix(ud, "#cloud-config"):
		add("cloud-init: applying the cloud-config directives (first boot)")
	case !strings.HasPrefix(ud, "#!"):
		// A shell script must start with #! to be run.
		add("cloud-init: user data is neither a script (#!) nor #cloud-config: not run")
	default:
		add("cloud-init: running user data (first boot)")
		for _, l := range echoLines(ud) {
			add("%s", l)
		}
		add("cloud-init: user data finished")
	}
	add("Amazon Linux 2023 login: (ready)")
	if len(inst.Console) > maxConsoleLines {
		inst.Console = inst.Console[len(inst.Console)-maxConsoleLines:]
	}
}

// maxConsoleLines bounds the kept console output (EC2 keeps the most recent
// 64 KB; the simulator keeps lines).
const maxConsoleLines = 400

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// echoLines is what a shell user-data script prints: the words of its
// `echo` commands that are not redirected to a file.
func echoLines(script string) []string {
	var out []string
	for _, l := range strings.Split(script, "\n") {
		l = strings.TrimSpace(l)
		rest, ok := strings.CutPrefix(l, "echo ")
		if !ok || strings.Contains(rest, ">") {
			continue
		}
		rest = strings.TrimSpace(rest)
		if len(rest) >= 2 && (rest[0] == '"' || rest[0] == '\'') && rest[len(rest)-1] == rest[0] {
			rest = rest[1 : len(rest)-1]
		}
		out = append(out, rest)
	}
	return out
}

// ConsoleOutput returns an instance's console output so far.
func (s *Service) ConsoleOutput(id string) (string, error) {
	inst, ok := s.instances[id]
	if !ok {
		return "", notFound(id)
	}
	var b strings.Builder
	for _, l := range inst.Console {
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String(), nil
}

func notFound(id string) error {
	return &Error{"InvalidInstanceID.NotFound", fmt.Sprintf("The instance ID '%s' does not exist", id)}
}

// RebootInstances reboots running instances: they stay running on the same
// host with the same addresses and billing period; the console shows a new
// boot (user data does not run again).
func (s *Service) RebootInstances(ids []string) error {
	if err := s.checkIDs(ids); err != nil {
		return err
	}
	for _, id := range ids {
		if st := s.instances[id].State; st != StateRunning && st != StatePending {
			return &Error{"IncorrectInstanceState", fmt.Sprintf("The instance '%s' is not in a state from which it can be rebooted.", id)}
		}
	}
	for _, id := range ids {
		inst := s.instances[id]
		if inst.State == StateRunning {
			inst.Console = append(inst.Console, ConsoleLine{"reboot: Restarting system"})
			s.bootLog(inst, "reboot")
		}
	}
	return nil
}

// ModifyInstanceType changes a stopped instance's type; a running one is
// refused as EC2 refuses it.
func (s *Service) ModifyInstanceType(id, typ string) error {
	inst, ok := s.instances[id]
	if !ok {
		return notFound(id)
	}
	it, ok := LookupType(typ)
	if !ok {
		return &Error{"InvalidInstanceAttributeValue", fmt.Sprintf("The instance type '%s' is not supported (known: t3.*, m5.*, c5.*, r5.*, m5d.*, c5d.*, r5d.*).", typ)}
	}
	if inst.State != StateStopped {
		return &Error{"IncorrectInstanceState", fmt.Sprintf("The instance '%s' is not in the 'stopped' state.", id)}
	}
	inst.Type = it
	return nil
}

// AllocateAddress allocates an Elastic IP address.
func (s *Service) AllocateAddress() *Address {
	s.eipSeq++
	a := &Address{AllocationID: "eipalloc-0" + s.hex(16), PublicIP: fmt.Sprintf("203.0.113.%d", (s.eipSeq-1)%254+1)}
	s.addresses = append(s.addresses, a)
	return a
}

// Addresses lists the Elastic IPs in allocation order.
func (s *Service) Addresses() []*Address { return append([]*Address(nil), s.addresses...) }

func (s *Service) address(allocID string) (*Address, error) {
	for _, a := range s.addresses {
		if a.AllocationID == allocID {
			return a, nil
		}
	}
	return nil, &Error{"InvalidAllocationID.NotFound", fmt.Sprintf("The allocation ID '%s' does not exist", allocID)}
}

// AssociateAddress attaches an Elastic IP to a running or stopped
// instance; the instance's automatic address is released. It returns the
// association id.
func (s *Service) AssociateAddress(allocID, instanceID string) (string, error) {
	a, err := s.address(allocID)
	if err != nil {
		return "", err
	}
	inst, ok := s.instances[instanceID]
	if !ok {
		return "", notFound(instanceID)
	}
	if inst.State != StateRunning && inst.State != StateStopped && inst.State != StatePending {
		return "", &Error{"IncorrectInstanceState", fmt.Sprintf("The instance '%s' is not in a valid state for this operation.", instanceID)}
	}
	if a.InstanceID != "" && a.InstanceID != instanceID {
		if old, ok := s.instances[a.InstanceID]; ok {
			old.EIP = nil
			if old.State == StateRunning {
				old.PublicIP = s.nextPublicIP()
			} else {
				old.PublicIP = ""
			}
		}
	}
	if inst.EIP != nil && inst.EIP != a {
		inst.EIP.AssociationID, inst.EIP.InstanceID = "", ""
	}
	a.AssociationID = "eipassoc-0" + s.hex(16)
	a.InstanceID = instanceID
	inst.EIP = a
	if inst.State == StateRunning {
		inst.PublicIP = a.PublicIP
	}
	return a.AssociationID, nil
}

// ReleaseAddress gives an unassociated Elastic IP back.
func (s *Service) ReleaseAddress(allocID string) error {
	a, err := s.address(allocID)
	if err != nil {
		return err
	}
	if a.InstanceID != "" {
		return &Error{"InvalidIPAddress.InUse", fmt.Sprintf("Address %s is in use.", a.PublicIP)}
	}
	for i, x := range s.addresses {
		if x == a {
			s.addresses = append(s.addresses[:i], s.addresses[i+1:]...)
			break
		}
	}
	return nil
}
