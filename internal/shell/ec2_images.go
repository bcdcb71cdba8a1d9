package shell

import (
	"fmt"
	"strings"

	"github.com/cloudlab/cloudlab/internal/ec2"
	"github.com/cloudlab/cloudlab/internal/termtext"
)

// Your own AMIs, status checks, tags, and a login to an instance (ssh).
// The rules live in internal/ec2 (images.go, disks.go, guest.go, with the
// AWS pages cited).

func ec2ImageCommands() []Command {
	return []Command{
		{
			Service: "ec2", Operation: "create-image", Summary: "Make an AMI from an instance's EBS volumes (reboots it unless --no-reboot; the instance store is not included)",
			Options: []OptSpec{
				{Name: "instance-id", Required: true, Complete: "instance", Help: "The instance (running or stopped)."},
				{Name: "name", Required: true, Help: "The AMI's name (unique in the account; 3-128 characters)."},
				{Name: "description", Help: "A description."},
				{Name: "no-reboot", Type: Bool, Help: "Do not reboot the instance first (the file systems may be inconsistent)."},
				{Name: "tag-specifications", Type: List, Help: "Tags (accepted)."},
			},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				im, err := ctx.Acct.EC2.CreateImage(a.Str("instance-id"), a.Str("name"), a.Str("description"), a.Has("no-reboot") && a.Bool("no-reboot"))
				if err != nil {
					return Result{}, err
				}
				return Result{Output: map[string]any{"ImageId": im.ImageID}}, nil
			},
		},
		{
			Service: "ec2", Operation: "describe-images", Summary: "Describe the AMIs you created (state pending, then available)",
			Options: []OptSpec{
				{Name: "image-ids", Type: List, Help: "AMI ids (default: all of yours)."},
				{Name: "owners", Type: List, Help: "self (the simulator lists your own AMIs)."},
				{Name: "filters", Type: List, Help: "Name=name|state|image-id,Values=v1,v2 ..."},
			},
			Run: ec2DescribeImages,
		},
		{
			Service: "ec2", Operation: "deregister-image", Summary: "Deregister an AMI (it launches no more instances; its snapshot stays)",
			Options: []OptSpec{{Name: "image-id", Required: true, Help: "The AMI id."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				return Result{}, ctx.Acct.EC2.DeregisterImage(a.Str("image-id"))
			},
		},
		{
			Service: "ec2", Operation: "describe-instance-status", Summary: "Instance state and status checks (running instances only, unless --include-all-instances)",
			Options: []OptSpec{
				{Name: "instance-ids", Type: List, Complete: "instance", Help: "Instance ids (default: all)."},
				{Name: "include-all-instances", Type: Bool, Help: "Also stopped, pending and terminated instances."},
				{Name: "filters", Type: List, Help: "Name=instance-state-name|availability-zone|instance-status.status|system-status.status,Values=..."},
			},
			Run: ec2DescribeInstanceStatus,
		},
		{
			Service: "ec2", Operation: "create-tags", Summary: "Add or overwrite tags on instances",
			Options: []OptSpec{
				{Name: "resources", Type: List, Required: true, Complete: "instance", Help: "Instance ids."},
				{Name: "tags", Type: List, Required: true, Help: "Key=Name,Value=web ... (or JSON)."},
			},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				tags, err := ec2TagList("tags", a.List("tags"))
				if err != nil {
					return Result{}, err
				}
				return Result{}, ctx.Acct.EC2.CreateTags(a.List("resources"), tags)
			},
		},
		{
			Service: "ec2", Operation: "describe-tags", Summary: "List instance tags",
			Options: []OptSpec{{Name: "filters", Type: List, Help: "Name=resource-id|key|value,Values=..."}},
			Run:     ec2DescribeTags,
		},
		{
			Lab: true, Service: "ssh",
			Summary: "Run a command on a running instance: ssh [-i KEY.pem] ec2-user@PUBLIC-IP 'COMMAND' (help ssh lists the commands)",
			Args:    []ArgSpec{{Name: "args", Rest: true, Help: "[-i KEY.pem] [-o OPTION] ec2-user@PUBLIC-IP 'COMMAND'. The instance knows: " + strings.Join(ec2.GuestCommands, "; ") + ". Commands are separated by && or ;."}},
			Run:     sshRun,
		},
	}
}

// sshRun is the simulated ssh client: one remote command per login (no
// interactive session).
func sshRun(ctx *Ctx, a Args) (Result, error) {
	words := a.List("args")
	user, host := "", ""
	var remote []string
	for i := 0; i < len(words); i++ {
		w := words[i]
		if host == "" && strings.HasPrefix(w, "-") {
			switch w {
			case "-i", "-o", "-p", "-l", "-F":
				if i+1 >= len(words) {
					return Result{}, usagef("ssh: option requires an argument -- %s", strings.TrimPrefix(w, "-"))
				}
				if w == "-l" {
					user = words[i+1]
				}
				i++
			}
			continue
		}
		if host == "" {
			host = w
			if u, h, ok := strings.Cut(w, "@"); ok {
				user, host = u, h
			}
			continue
		}
		remote = append(remote, w)
	}
	if host == "" {
		return Result{}, usagef("usage: ssh [-i KEY.pem] ec2-user@PUBLIC-IP 'COMMAND'")
	}
	if user == "" {
		user = ec2.UserDefault // ssh would use your local user name; Amazon Linux wants ec2-user
	}
	inst, err := ctx.Acct.EC2.SSHTarget(host, user)
	if err != nil {
		return Result{}, err
	}
	if len(remote) == 0 {
		return Result{}, usagef("ssh: the simulator runs one command per login: ssh ec2-user@%s 'lsblk' (help ssh lists the commands)", host)
	}
	// One remote command line, as a shell on the instance reads it.
	line := strings.Join(remote, " ")
	rw, err := Split(line)
	if err != nil {
		return Result{}, usagef("ssh: the remote command: %v", err)
	}
	for _, w := range rw {
		if w == "|" || w == "||" {
			return Result{}, usagef("ssh: the simulated instance runs no pipes; separate commands with && or ;")
		}
	}
	out, code := ctx.Acct.EC2.RunGuest(inst, line, rw)
	out = termtext.Sanitize(out)
	res := Result{Text: out, Output: map[string]any{"InstanceId": inst.ID, "ExitCode": code, "Output": out}}
	if code != 0 {
		if out == "" {
			out = fmt.Sprintf("exit status %d", code)
		}
		return Result{}, &GuestError{Text: out, Code: code}
	}
	return res, nil
}

// GuestError is a remote command that exited non-zero: its output is the
// message.
type GuestError struct {
	Text string
	Code int
}

func (e *GuestError) Error() string { return e.Text }

func ec2DescribeImages(ctx *Ctx, a Args) (Result, error) {
	fs, err := parseEC2Filters(a.List("filters"), []string{"name", "state", "image-id"})
	if err != nil {
		return Result{}, err
	}
	for _, o := range a.List("owners") {
		if o != "self" && o != "123456789012" && o != "amazon" {
			return Result{}, &AWSError{Code: "InvalidUserID.Malformed", StatusCode: 400, Message: fmt.Sprintf("Invalid user id: \"%s\"", o)}
		}
	}
	ids := a.List("image-ids")
	for _, id := range ids {
		if _, ok := ctx.Acct.EC2.FindImage(id); !ok {
			return Result{}, &AWSError{Code: "InvalidAMIID.NotFound", StatusCode: 400, Message: fmt.Sprintf("The image id '[%s]' does not exist", id)}
		}
	}
	out := []any{}
	for _, im := range ctx.Acct.EC2.Images() {
		if len(ids) > 0 && !contains(ids, im.ImageID) {
			continue
		}
		vals := map[string]string{"name": im.Name, "state": im.State, "image-id": im.ImageID}
		if !matchFilters(fs, func(name string) []string { return []string{vals[name]} }) {
			continue
		}
		m := map[string]any{
			"ImageId": im.ImageID, "Name": im.Name, "State": im.State, "OwnerId": "123456789012",
			"CreationDate": awsTime(im.CreatedAt), "Architecture": "x86_64", "ImageType": "machine", "Public": false,
			"RootDeviceName": ec2.RootDevice, "RootDeviceType": "ebs", "VirtualizationType": "hvm",
			"PlatformDetails": "Linux/UNIX", "SourceInstanceId": im.SourceInstanceID,
			"BlockDeviceMappings": []any{map[string]any{"DeviceName": ec2.RootDevice, "Ebs": map[string]any{
				"SnapshotId": im.SnapshotID, "VolumeSize": im.RootGiB, "VolumeType": "gp3", "DeleteOnTermination": true}}},
		}
		if im.Description != "" {
			m["Description"] = im.Description
		}
		out = append(out, m)
	}
	return Result{Output: map[string]any{"Images": out}}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func ec2DescribeInstanceStatus(ctx *Ctx, a Args) (Result, error) {
	insts, err := ctx.Acct.EC2.DescribeInstances(a.List("instance-ids"))
	if err != nil {
		return Result{}, err
	}
	fs, err := parseEC2Filters(a.List("filters"), []string{"instance-state-name", "availability-zone", "instance-id", "instance-status.status", "system-status.status"})
	if err != nil {
		return Result{}, err
	}
	all := a.Has("include-all-instances") && a.Bool("include-all-instances")
	out := []any{}
	for _, inst := range insts {
		if !all && inst.State != ec2.StateRunning {
			continue
		}
		st := ctx.Acct.EC2.InstanceStatus(inst)
		vals := map[string]string{"instance-state-name": inst.State, "availability-zone": inst.AZ, "instance-id": inst.ID,
			"instance-status.status": st, "system-status.status": st}
		if !matchFilters(fs, func(name string) []string { return []string{vals[name]} }) {
			continue
		}
		check := map[string]any{"Status": st}
		if st != ec2.StatusNotApplicable {
			detail := "passed"
			if st == ec2.StatusInitializing {
				detail = ec2.StatusInitializing
			}
			check["Details"] = []any{map[string]any{"Name": "reachability", "Status": detail}}
		}
		out = append(out, map[string]any{"InstanceId": inst.ID, "AvailabilityZone": inst.AZ,
			"InstanceState": stateJSON(inst.State), "InstanceStatus": check, "SystemStatus": check})
	}
	return Result{Output: map[string]any{"InstanceStatuses": out}}, nil
}

// ec2TagList reads Key=K,Value=V items (or a JSON list) of --tags.
func ec2TagList(opt string, items []string) ([]ec2.Tag, error) {
	ms, err := structList(items)
	if err != nil {
		return nil, usagef("Error parsing parameter '--%s': %v", opt, err)
	}
	var out []ec2.Tag
	for i, m := range ms {
		if _, ok := m["Key"]; !ok {
			return nil, usagef("Parameter validation failed:\nMissing required parameter in Tags[%d]: \"Key\"", i)
		}
		out = append(out, ec2.Tag{Key: str(m, "Key"), Value: str(m, "Value")})
	}
	return out, nil
}

// tagSpecifications reads run-instances' --tag-specifications: the tags of
// ResourceType=instance (other resource types are accepted and ignored).
func tagSpecifications(a Args) ([]ec2.Tag, error) {
	if !a.Has("tag-specifications") {
		return nil, nil
	}
	specs, err := structList(a.List("tag-specifications"))
	if err != nil {
		return nil, usagef("Error parsing parameter '--tag-specifications': %v", err)
	}
	var out []ec2.Tag
	for _, sp := range specs {
		if str(sp, "ResourceType") != "instance" {
			continue
		}
		list, _ := sp["Tags"].([]any)
		for _, t := range list {
			m, ok := t.(map[string]any)
			if !ok || str(m, "Key") == "" {
				return nil, usagef("Error parsing parameter '--tag-specifications': expected ResourceType=instance,Tags=[{Key=K,Value=V}]")
			}
			out = append(out, ec2.Tag{Key: str(m, "Key"), Value: str(m, "Value")})
		}
	}
	return out, nil
}

func ec2DescribeTags(ctx *Ctx, a Args) (Result, error) {
	fs, err := parseEC2Filters(a.List("filters"), []string{"resource-id", "key", "value", "resource-type"})
	if err != nil {
		return Result{}, err
	}
	out := []any{}
	for _, inst := range ctx.Acct.EC2.Instances() {
		if inst.State == ec2.StateTerminated {
			continue
		}
		for _, t := range inst.Tags {
			vals := map[string]string{"resource-id": inst.ID, "key": t.Key, "value": t.Value, "resource-type": "instance"}
			if matchFilters(fs, func(name string) []string { return []string{vals[name]} }) {
				out = append(out, map[string]any{"ResourceId": inst.ID, "ResourceType": "instance", "Key": t.Key, "Value": t.Value})
			}
		}
	}
	return Result{Output: map[string]any{"Tags": out}}, nil
}

// matchFilters reports whether every filter has one of its values among
// value(name)'s.
func matchFilters(fs []ec2.Filter, value func(string) []string) bool {
	for _, f := range fs {
		ok := false
		for _, v := range value(f.Name) {
			if contains(f.Values, v) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	return true
}
