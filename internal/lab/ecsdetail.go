package lab

import (
	"regexp"
	"strconv"

	"github.com/cloudlab/cloudlab/internal/ec2"
	"github.com/cloudlab/cloudlab/internal/ecs"
)

// ecsClusters reads every ECS cluster from the scheduler's state: instances,
// services (with their events), tasks.
func ecsClusters(svc *ecs.Sim) []*Cluster {
	if svc == nil {
		return nil
	}
	var out []*Cluster
	for _, c := range svc.Clusters() {
		cl := &Cluster{ClusterName: c.Name, Exists: c.Status != "INACTIVE", TasksByStatus: map[string]int{}}
		for k, v := range c.TasksByStatus() {
			cl.TasksByStatus[k] = v
		}
		// runningTasksCount is counted from the tasks themselves: one
		// source of truth for the map, the checks and the services.
		running := map[*ecs.ContainerInstance]int{}
		for _, t := range c.Tasks() {
			if t.LastStatus == "RUNNING" && t.Instance != nil {
				running[t.Instance]++
			}
		}
		for _, ci := range c.Instances() {
			in := &ContainerInstance{Status: ci.Status, RunningTasksCount: running[ci],
				RegisteredCpu: ci.RegisteredCPU, RegisteredMemory: ci.RegisteredMemory}
			if ci.EC2 != nil {
				in.Ec2InstanceId, in.InstanceType, in.AvailabilityZone = ci.EC2.ID, ci.EC2.Type.Name, ci.EC2.AZ
			}
			if ci.Cand != nil {
				in.RemainingCpu, in.RemainingMemory = ci.Cand.RemainingCPU, ci.Cand.RemainingMemory
			}
			cl.Instances = append(cl.Instances, in)
		}
		for _, t := range c.Tasks() {
			tk := &Task{TaskArn: t.Arn, Group: t.Group, LastStatus: t.LastStatus, DesiredStatus: t.DesiredStatus,
				AvailabilityZone: t.AZ, LaunchType: t.LaunchType, StopCode: t.StopCode, StoppedReason: t.StoppedReason, PullSeconds: -1}
			if len(t.Containers) > 0 {
				tk.Image = t.Containers[0].Image
			}
			if t.PullStartedAt >= 0 && t.PullStoppedAt >= 0 {
				tk.PullSeconds = (t.PullStoppedAt - t.PullStartedAt).Seconds()
			}
			if t.TaskDef != nil {
				tk.TaskDefinition = t.TaskDef.FamilyRevision()
			}
			if t.Instance != nil && t.Instance.EC2 != nil {
				tk.Ec2InstanceId = t.Instance.EC2.ID
			}
			cl.Tasks = append(cl.Tasks, tk)
			switch t.LastStatus {
			case "RUNNING":
				cl.Running++
			case "PROVISIONING", "PENDING", "ACTIVATING":
				cl.Pending++
			}
		}
		for _, sv := range c.Services() {
			running, pending := sv.Counts()
			s := &Service{ServiceName: sv.Name, Exists: sv.Status != "INACTIVE", Status: sv.Status, DesiredCount: sv.DesiredCount,
				RunningCount: running, PendingCount: pending, Deployments: len(sv.Deployments), AZs: map[string]int{},
				MaximumPercent: sv.Config.MaximumPercent, MinimumHealthyPercent: sv.Config.MinimumHealthyPercent}
			if sv.TaskDef != nil {
				s.TaskDefinition = sv.TaskDef.FamilyRevision()
			}
			if len(sv.Deployments) > 0 {
				s.RolloutState = sv.Primary().RolloutState
			}
			for _, ev := range sv.Events {
				s.Events = append(s.Events, ev.Message)
			}
			for _, t := range sv.Tasks() {
				if t.LastStatus == "RUNNING" {
					s.AZs[t.AZ]++
				}
			}
			cl.Services = append(cl.Services, s)
		}
		out = append(out, cl)
	}
	return out
}

// ec2Instances lists the account's EC2 instances.
func ec2Instances(svc *ec2.Service) []*Instance {
	if svc == nil {
		return nil
	}
	var out []*Instance
	for _, in := range svc.Instances() {
		console, _ := svc.ConsoleOutput(in.ID)
		inst := &Instance{InstanceId: in.ID, InstanceType: in.Type.Name, AvailabilityZone: in.AZ,
			State: in.State, Cluster: in.ECSCluster, PublicIpAddress: in.PublicIP, PrivateIpAddress: in.PrivateIP,
			BootIps: append([]string{}, in.BootIPs...), Boots: in.Boots(), ConsoleOutput: console,
			BilledSeconds: svc.BilledSeconds(in), CostUSD: svc.CostUSD(in),
			StorageCostUSD: svc.StorageCostUSD(in), RootVolumeGiB: in.Root.SizeGiB,
			Spot: in.Spot, SpotNotice: in.SpotNoticeAt >= 0, SpotDraining: in.SpotDrain}
		if in.EIP != nil {
			inst.ElasticIp = in.EIP.PublicIP
		}
		addDisks(inst, in)
		for i := 1; i < len(in.BootIPs); i++ {
			if in.BootIPs[i] != in.BootIPs[i-1] {
				inst.PublicIpChanges++
			}
		}
		out = append(out, inst)
	}
	return out
}

// ec2Groups lists the account's Auto Scaling groups.
func ec2Groups(svc *ec2.Service) []*Group {
	if svc == nil {
		return nil
	}
	out := []*Group{}
	for _, g := range svc.Groups() {
		lg := &Group{AutoScalingGroupName: g.Name, MinSize: g.Min, MaxSize: g.Max, Desired: g.Desired,
			InService: g.InService(), Launched: g.Launched, Replaced: g.Replaced, Zones: map[string]int{},
			AvailabilityZones: append([]string{}, g.AZs...)}
		for _, i := range g.Instances {
			lg.Instances = append(lg.Instances, i.ID)
			if i.State == ec2.StateRunning {
				lg.Zones[i.AZ]++
			}
		}
		for _, i := range svc.Instances() {
			if i.Group == g.Name {
				lg.CostUSD += svc.CostUSD(i)
			}
		}
		out = append(out, lg)
	}
	return out
}

// ec2Templates lists the account's launch templates.
func ec2Templates(svc *ec2.Service) []*LaunchTemplate {
	if svc == nil {
		return nil
	}
	out := []*LaunchTemplate{}
	for _, t := range svc.LaunchTemplates() {
		out = append(out, &LaunchTemplate{LaunchTemplateName: t.Name, LaunchTemplateId: t.ID, ImageId: t.ImageID, InstanceType: t.InstanceType})
	}
	return out
}

// addDisks fills an instance's image, tags, disks and guest commands.
func addDisks(inst *Instance, in *ec2.Instance) {
	inst.ImageId, inst.KeyName, inst.Tags = in.ImageID, in.KeyName, map[string]string{}
	for _, t := range in.Tags {
		inst.Tags[t.Key] = t.Value
	}
	inst.RootFiles = append([]string{}, in.RootDisk().Files()...)
	inst.StoreFiles = []string{}
	if d := in.StoreDisk(); d != nil {
		inst.InstanceStoreGB = in.Type.StoreGB
		inst.StoreFormatted, inst.StoreMount = d.FS != "", d.Mount
		inst.StoreFiles = append(inst.StoreFiles, d.Files()...)
	}
	inst.StoreLosses = in.StoreLosses
	inst.Guest = []GuestCommand{}
	for _, g := range in.Guest {
		inst.Guest = append(inst.Guest, GuestCommand{Line: g.Line, At: g.At.Seconds(), Boot: g.Boot, BootKind: g.BootKind,
			ExitCode: g.ExitCode, Ok: g.ExitCode == 0, ReadRoot: g.ReadRoot, ReadStore: g.ReadStore})
	}
}

// ec2Amis lists the AMIs the learner created.
func ec2Amis(svc *ec2.Service) []*Ami {
	out := []*Ami{}
	if svc == nil {
		return out
	}
	for _, im := range svc.Images() {
		out = append(out, &Ami{ImageId: im.ImageID, Name: im.Name, State: im.State, SourceInstanceId: im.SourceInstanceID})
	}
	return out
}

// ec2Addresses lists the account's Elastic IPs.
func ec2Addresses(svc *ec2.Service) []*Address {
	if svc == nil {
		return nil
	}
	out := []*Address{}
	for _, a := range svc.Addresses() {
		out = append(out, &Address{AllocationId: a.AllocationID, PublicIp: a.PublicIP, InstanceId: a.InstanceID})
	}
	return out
}

// lastPlacement explains the most recent placement decision: the cluster
// of the newest placement event, else the first cluster that has one.
func lastPlacement(svc *ecs.Sim) *ecs.Explanation {
	if svc == nil {
		return nil
	}
	cluster := svc.LastPlacementCluster()
	var exp *ecs.Explanation
	for _, c := range svc.Clusters() {
		if c.LastPlacement == nil {
			continue
		}
		if exp == nil || c.Name == cluster {
			exp = c.LastPlacement
		}
	}
	return exp
}

var (
	desiredRE = regexp.MustCompile(`desired count to (\d+)`)
	policyRE  = regexp.MustCompile(`triggered policy (\S+)`)
)

// autoScaling reads Application Auto Scaling's state: scalable targets,
// policies and activities (oldest first).
func autoScaling(svc *ecs.Sim) ([]*ScalableTarget, []*ScalingPolicy, []*ScalingActivity) {
	if svc == nil {
		return nil, nil, nil
	}
	var ts []*ScalableTarget
	for _, t := range svc.ScalableTargets() {
		ts = append(ts, &ScalableTarget{ResourceId: t.ResourceID, Exists: true, MinCapacity: t.MinCapacity, MaxCapacity: t.MaxCapacity})
	}
	var ps []*ScalingPolicy
	for _, p := range svc.Policies() {
		ps = append(ps, &ScalingPolicy{PolicyName: p.PolicyName, ResourceId: p.ResourceID, PolicyType: "TargetTrackingScaling",
			PredefinedMetricType: p.MetricType, TargetValue: p.TargetValue})
	}
	var as []*ScalingActivity
	acts := svc.ScalingActivities("")
	for i := len(acts) - 1; i >= 0; i-- {
		a := acts[i]
		sa := &ScalingActivity{ResourceId: a.ResourceID, Description: a.Description, Cause: a.Cause, At: a.StartTime.Seconds()}
		if m := desiredRE.FindStringSubmatch(a.Description); m != nil {
			sa.DesiredCount, _ = strconv.Atoi(m[1])
		}
		if m := policyRE.FindStringSubmatch(a.Cause); m != nil {
			sa.Policy = m[1]
		}
		as = append(as, sa)
	}
	return ts, ps, as
}
