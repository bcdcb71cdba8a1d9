package shell

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cloudlab/cloudlab/internal/ec2"
)

// The `aws ec2` commands the ECS lessons use.

func ec2Commands() []Command {
	return []Command{
		{
			Service: "ec2", Operation: "run-instances", Summary: "Launch instances (pending for the boot time, then running; user data ECS_CLUSTER=name joins a cluster)",
			Options: []OptSpec{
				{Name: "image-id", Help: "AMI id, or resolve:ssm:/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id (default: the simulated ECS-optimized Amazon Linux AMI)."},
				{Name: "instance-type", Complete: "instance-type", Help: "Instance type, e.g. t3.micro, m5.large, c5.xlarge, m5d.large (with an instance store) (default m5.large)."},
				{Name: "count", Help: "How many: N or MIN:MAX (default 1)."},
				{Name: "min-count", Type: Int, Help: "Minimum number to launch."},
				{Name: "max-count", Type: Int, Help: "Maximum number to launch."},
				{Name: "placement", Help: "AvailabilityZone=us-east-1a (or JSON)."},
				{Name: "user-data", Help: "User data: text, base64 or file://script.sh; ECS_CLUSTER=name makes the agent join that cluster."},
				{Name: "key-name", Help: "Key pair for ssh (kept; the simulator checks no key)."},
				{Name: "security-group-ids", Type: List, Help: "Security groups (accepted)."},
				{Name: "subnet-id", Help: "Subnet (accepted)."},
				{Name: "iam-instance-profile", Help: "Instance profile, e.g. Name=ecsInstanceRole (accepted)."},
				{Name: "tag-specifications", Type: List, Help: "ResourceType=instance,Tags=[{Key=Name,Value=web}] (or JSON)."},
				{Name: "instance-market-options", Help: "MarketType=spot for a Spot Instance (cheaper; EC2 can interrupt it with a two-minute notice)."},
				{Name: "block-device-mappings", Type: List, Help: "The root volume: DeviceName=/dev/xvda,Ebs={VolumeSize=20,VolumeType=gp3,DeleteOnTermination=true} (or JSON)."},
			},
			Run: ec2RunInstances,
		},
		{
			Service: "ec2", Operation: "describe-instances", Summary: "Describe instances (state, type, zone)",
			Options: []OptSpec{
				{Name: "instance-ids", Type: List, Complete: "instance", Help: "Instance ids (default: all)."},
				{Name: "filters", Type: List, Help: "Name=instance-state-name|instance-type|availability-zone|instance-id|tag:KEY|tag-key,Values=v1,v2 ..."},
			},
			Run: ec2DescribeInstances,
		},
		stateChangeCmd("terminate-instances", "Terminate instances (their ECS tasks stop; billing stops)", "TerminatingInstances",
			func(ctx *Ctx, ids []string) ([]ec2.StateChange, error) { return ctx.Acct.EC2.TerminateInstances(ids) }),
		stateChangeCmd("stop-instances", "Stop instances (not billed while stopped; ECS tasks on them stop)", "StoppingInstances",
			func(ctx *Ctx, ids []string) ([]ec2.StateChange, error) { return ctx.Acct.EC2.StopInstances(ids) }),
		stateChangeCmd("start-instances", "Start stopped instances (they boot again; a new billing period)", "StartingInstances",
			func(ctx *Ctx, ids []string) ([]ec2.StateChange, error) { return ctx.Acct.EC2.StartInstances(ids) }),
		{
			Service: "ec2", Operation: "describe-instance-types", Summary: "The simulated instance-type catalog (vCPUs, memory, on-demand price)",
			Options: []OptSpec{{Name: "instance-types", Type: List, Complete: "instance-type", Help: "Types (default: all)."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				var types []ec2.InstanceType
				if names := a.List("instance-types"); len(names) > 0 {
					for _, n := range names {
						it, ok := ec2.LookupType(n)
						if !ok {
							return Result{}, &AWSError{Code: "InvalidInstanceType", Message: fmt.Sprintf("The following supplied instance types do not exist: [%s]", n), StatusCode: 400}
						}
						types = append(types, it)
					}
				} else {
					types = ec2.Types()
				}
				out := []any{}
				for _, it := range types {
					out = append(out, map[string]any{
						"InstanceType": it.Name, "CurrentGeneration": true,
						"VCpuInfo":                 map[string]any{"DefaultVCpus": it.VCPU},
						"MemoryInfo":               map[string]any{"SizeInMiB": it.MemoryMiB()},
						"ProcessorInfo":            map[string]any{"SupportedArchitectures": []string{it.Arch}},
						"OnDemandPriceUSDPerHour":  it.PriceHour,
						"InstanceStorageSupported": it.StoreGB > 0,
					})
					if it.StoreGB > 0 {
						out[len(out)-1].(map[string]any)["InstanceStorageInfo"] = map[string]any{
							"TotalSizeInGB": it.StoreGB, "NvmeSupport": "required", "EncryptionSupport": "required",
							"Disks": []any{map[string]any{"SizeInGB": it.StoreGB, "Count": 1, "Type": "ssd"}}}
					}
				}
				return Result{Output: map[string]any{"InstanceTypes": out}}, nil
			},
		},
	}
}

func stateChangeCmd(op, summary, key string, fn func(*Ctx, []string) ([]ec2.StateChange, error)) Command {
	return Command{
		Service: "ec2", Operation: op, Summary: summary,
		Options: []OptSpec{{Name: "instance-ids", Type: List, Required: true, Complete: "instance", Help: "Instance ids."}},
		Run: func(ctx *Ctx, a Args) (Result, error) {
			changes, err := fn(ctx, a.List("instance-ids"))
			if err != nil {
				return Result{}, err
			}
			out := []any{}
			for _, c := range changes {
				out = append(out, map[string]any{"InstanceId": c.InstanceID, "CurrentState": stateJSON(c.CurrentState), "PreviousState": stateJSON(c.PreviousState)})
			}
			return Result{Output: map[string]any{key: out}}, nil
		},
	}
}

var stateCodes = map[string]int{ec2.StatePending: 0, ec2.StateRunning: 16, ec2.StateShuttingDown: 32, ec2.StateTerminated: 48,
	ec2.StateStopping: 64, ec2.StateStopped: 80}

func stateJSON(name string) map[string]any {
	return map[string]any{"Code": stateCodes[name], "Name": name}
}

func ec2RunInstances(ctx *Ctx, a Args) (Result, error) {
	count := 1
	if a.Has("count") {
		lo, hi, isRange := strings.Cut(a.Str("count"), ":")
		n, err := strconv.Atoi(lo)
		if isRange {
			n, err = strconv.Atoi(hi)
		}
		if err != nil {
			return Result{}, usagef("aws: error: argument --count: expected N or MIN:MAX, got '%s'", a.Str("count"))
		}
		count = n
	}
	if a.Has("max-count") {
		count = int(a.Int("max-count"))
	} else if a.Has("min-count") {
		count = int(a.Int("min-count"))
	}
	if count < 1 {
		return Result{}, &AWSError{Code: "InvalidParameterValue", Message: "Invalid value for MinCount/MaxCount: the count must be at least 1.", StatusCode: 400}
	}
	az := ""
	if a.Has("placement") {
		m, err := parseShorthand(a.Str("placement"))
		if err != nil {
			return Result{}, usagef("Error parsing parameter '--placement': %v", err)
		}
		az = str(m, "AvailabilityZone")
	}
	image, err := ec2.ResolveImageID(a.Str("image-id"))
	if err != nil {
		return Result{}, err
	}
	rootEbs, err := rootEbsFrom(a)
	if err != nil {
		return Result{}, err
	}
	spot := false
	if a.Has("instance-market-options") {
		m, err := optShorthand("instance-market-options", a.Str("instance-market-options"))
		if err != nil {
			return Result{}, err
		}
		if mt := str(m, "MarketType"); mt != "spot" {
			return Result{}, &AWSError{Code: "InvalidParameterValue", StatusCode: 400,
				Message: fmt.Sprintf("Invalid value '%s' for MarketType (the simulator models spot).", mt)}
		}
		spot = true
	}
	tags, err := tagSpecifications(a)
	if err != nil {
		return Result{}, err
	}
	insts, err := ctx.Acct.EC2.RunInstances(ec2.RunInput{ImageID: image, InstanceType: a.Str("instance-type"),
		Count: count, AZ: az, UserData: a.Str("user-data"), RootEbs: rootEbs, Spot: spot, Tags: tags, KeyName: a.Str("key-name")})
	if err != nil {
		return Result{}, err
	}
	out := []any{}
	for i, inst := range insts {
		m := instanceJSON(inst)
		m["AmiLaunchIndex"] = i
		out = append(out, m)
	}
	return Result{Output: map[string]any{"Groups": []any{}, "Instances": out, "OwnerId": "123456789012", "ReservationId": insts[0].ReservationID}}, nil
}

func instanceJSON(inst *ec2.Instance) map[string]any {
	m := map[string]any{
		"InstanceId": inst.ID, "ImageId": inst.ImageID, "InstanceType": inst.Type.Name,
		"LaunchTime": awsTime(inst.LaunchedAt), "Placement": map[string]any{"AvailabilityZone": inst.AZ, "Tenancy": "default"},
		"PrivateIpAddress": inst.PrivateIP, "State": stateJSON(inst.State), "Architecture": inst.Type.Arch,
		"Monitoring": map[string]string{"State": "disabled"},
	}
	publicIPJSON(m, inst)
	if inst.Spot {
		m["InstanceLifecycle"] = "spot"
	}
	m["RootDeviceName"] = ec2.RootDevice
	m["RootDeviceType"] = "ebs"
	m["BlockDeviceMappings"] = []any{map[string]any{"DeviceName": ec2.RootDevice, "Ebs": map[string]any{
		"VolumeId": inst.Root.VolumeID, "Status": "attached", "DeleteOnTermination": inst.Root.DeleteOnTermination}}}
	if len(inst.Tags) > 0 {
		tags := []any{}
		for _, t := range inst.Tags {
			tags = append(tags, map[string]any{"Key": t.Key, "Value": t.Value})
		}
		m["Tags"] = tags
	}
	if inst.KeyName != "" {
		m["KeyName"] = inst.KeyName
	}
	if inst.StateReason != "" {
		code, msg, _ := strings.Cut(inst.StateReason, ": ")
		m["StateReason"] = map[string]string{"Code": code, "Message": inst.StateReason}
		m["StateTransitionReason"] = msg
	}
	return m
}

func ec2DescribeInstances(ctx *Ctx, a Args) (Result, error) {
	insts, err := ctx.Acct.EC2.DescribeInstances(a.List("instance-ids"))
	if err != nil {
		return Result{}, err
	}
	filters, err := ec2Filters(a.List("filters"))
	if err != nil {
		return Result{}, err
	}
	var order []string
	byRes := map[string][]any{}
	for _, inst := range insts {
		if !filters(inst) {
			continue
		}
		if _, ok := byRes[inst.ReservationID]; !ok {
			order = append(order, inst.ReservationID)
		}
		byRes[inst.ReservationID] = append(byRes[inst.ReservationID], instanceJSON(inst))
	}
	out := []any{}
	for _, r := range order {
		out = append(out, map[string]any{"Groups": []any{}, "Instances": byRes[r], "OwnerId": "123456789012", "ReservationId": r})
	}
	return Result{Output: map[string]any{"Reservations": out}}, nil
}

// ec2Filters parses describe-instances' filters; ec2.Match applies them.
func ec2Filters(items []string) (func(*ec2.Instance) bool, error) {
	fs, err := parseEC2Filters(items, nil)
	if err != nil {
		return nil, err
	}
	return func(inst *ec2.Instance) bool { return ec2.Match(inst, fs) }, nil
}

// parseEC2Filters parses Name=x,Values=a,b items (shorthand: every word
// after Values= is a value). names are the filter names the command
// supports; nil means describe-instances' (ec2.CheckFilter).
func parseEC2Filters(items []string, names []string) ([]ec2.Filter, error) {
	var fs []ec2.Filter
	for _, it := range items {
		namePart, valPart, ok := strings.Cut(it, ",Values=")
		name, hasName := strings.CutPrefix(namePart, "Name=")
		if !ok || !hasName {
			return nil, usagef("Error parsing parameter '--filters': expected Name=NAME,Values=V1,V2 (got '%s')", it)
		}
		switch {
		case names == nil:
			if err := ec2.CheckFilter(name); err != nil {
				return nil, err
			}
		case !contains(names, name):
			return nil, &AWSError{Code: "InvalidParameterValue", StatusCode: 400,
				Message: fmt.Sprintf("The filter '%s' is invalid (this command supports %s)", name, strings.Join(names, ", "))}
		}
		fs = append(fs, ec2.Filter{Name: name, Values: strings.Split(valPart, ",")})
	}
	return fs, nil
}

// rootEbsFrom reads --block-device-mappings: the simulator models the root
// volume only.
func rootEbsFrom(a Args) (map[string]string, error) {
	if !a.Has("block-device-mappings") {
		return nil, nil
	}
	items, err := structList(a.List("block-device-mappings"))
	if err != nil {
		return nil, usagef("Error parsing parameter '--block-device-mappings': %v", err)
	}
	var out map[string]string
	for _, m := range items {
		if dev := str(m, "DeviceName"); dev != ec2.RootDevice {
			return nil, &AWSError{Code: "InvalidParameterValue", StatusCode: 400,
				Message: fmt.Sprintf("Invalid device name '%s': the simulator models the root volume only (%s)", dev, ec2.RootDevice)}
		}
		ebs, ok := m["Ebs"].(map[string]any)
		if !ok {
			return nil, usagef("Error parsing parameter '--block-device-mappings': expected Ebs={VolumeSize=N,...}")
		}
		out = map[string]string{}
		for k := range ebs {
			out[k] = str(ebs, k)
		}
	}
	return out, nil
}
