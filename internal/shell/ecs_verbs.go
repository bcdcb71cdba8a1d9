package shell

import (
	"fmt"
	"strings"

	"github.com/cloudlab/cloudlab/internal/ec2"
	"github.com/cloudlab/cloudlab/internal/ecs"
	"github.com/cloudlab/cloudlab/internal/sim"
)

// ecsAllCommands are the ecs helper's commands: aws ecs, aws ec2,
// aws application-autoscaling and the lab verbs fault and explain.
func ecsAllCommands() []Command {
	var cs []Command
	cs = append(cs, ecsCommands()...)
	cs = append(cs, ecsTaskCommands()...)
	cs = append(cs, ecsServiceCommands()...)
	cs = append(cs, ec2Commands()...)
	cs = append(cs, ec2LifecycleCommands()...)
	cs = append(cs, ec2ImageCommands()...)
	cs = append(cs, asgCommands()...)
	cs = append(cs, autoscalingCommands()...)
	cs = append(cs, ecsVerbCommands()...)
	return cs
}

func ecsVerbCommands() []Command {
	return []Command{
		{
			Lab: true, Service: "fault", Operation: "instance",
			Summary: "Fail an EC2 instance at once: its ECS tasks are lost (services replace them)",
			Options: []OptSpec{{Name: "instance-id", Required: true, Complete: "instance", Help: "The EC2 instance id (i-...)."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				id := a.Str("instance-id")
				if err := ctx.Acct.EC2.Fail(id); err != nil {
					return Result{}, toAWS(err, "FaultInstance")
				}
				inst, _ := ctx.Acct.EC2.Instance(id)
				text := fmt.Sprintf("fault: instance %s failed at %s (%s)", id, sim.FormatClock(ctx.Now()), inst.StateReason)
				return Result{Output: map[string]any{"InstanceId": id, "State": inst.State, "StateReason": inst.StateReason}, Text: text}, nil
			},
		},
		{
			Lab: true, Service: "fault", Operation: "spot-interruption",
			Summary: "Give a Spot Instance its two-minute interruption notice; EC2 terminates it when the two minutes are up",
			Options: []OptSpec{{Name: "instance-id", Required: true, Complete: "instance", Help: "The Spot Instance's id (i-...)."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				id := a.Str("instance-id")
				if err := ctx.Acct.EC2.InterruptSpot(id); err != nil {
					return Result{}, toAWS(err, "FaultSpotInterruption")
				}
				at := ctx.Now() + ec2.SpotNoticeLead
				text := fmt.Sprintf("fault: Spot interruption notice for %s at %s; it is terminated at %s", id, sim.FormatClock(ctx.Now()), sim.FormatClock(at))
				return Result{Output: map[string]any{"InstanceId": id, "InstanceAction": map[string]any{"action": "terminate", "time": awsTime(at)}}, Text: text}, nil
			},
		},
		{
			Lab: true, Service: "fault", Operation: "task",
			Summary: "Crash a task's essential container: the task stops with EssentialContainerExited",
			Options: []OptSpec{
				clusterOpt(),
				{Name: "task", Required: true, Complete: "task", Help: "Task ARN or id."},
				{Name: "exit-code", Type: Int, Sim: true, Default: "1", Help: "The container's exit code."},
			},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				code := 1
				if a.Has("exit-code") {
					code = int(a.Int("exit-code"))
				}
				t, err := ctx.Acct.ECS.CrashTask(a.Str("cluster"), a.Str("task"), code)
				if err != nil {
					return Result{}, toAWS(err, "FaultTask")
				}
				text := fmt.Sprintf("fault: essential container of task %s exited with code %d at %s", t.ID, code, sim.FormatClock(ctx.Now()))
				return Result{Output: map[string]any{"task": taskJSON(t)}, Text: text}, nil
			},
		},
		{
			Lab: true, Service: "settings", Operation: "ecs",
			Summary: "Show or change ECS/EC2 simulator settings (boot, pull and start times, task capacity, scaling alarms)",
			Options: []OptSpec{
				{Name: "boot-time", Type: Dist, Sim: true, Default: "40s", Help: "EC2 instance boot (pending -> running)."},
				{Name: "image-time", Type: Duration, Sim: true, Default: "2m", Help: "A new AMI (create-image): pending -> available."},
				{Name: "status-check-time", Type: Duration, Sim: true, Default: "2m", Help: "EC2 status checks initializing after an instance starts running."},
				{Name: "agent-register-delay", Type: Duration, Sim: true, Default: "10s", Help: "Running instance -> ECS agent registered."},
				{Name: "image-pull", Type: Dist, Sim: true, Default: "8s", Help: "Image pull when the image is not on the instance yet."},
				{Name: "pull-bandwidth", Type: Float, Sim: true, Default: "50", Help: "MB per second an ECR image pulls at (its compressed size)."},
				{Name: "pull-latency", Type: Duration, Sim: true, Default: "2s", Help: "Fixed time of every ECR image pull."},
				{Name: "container-start", Type: Dist, Sim: true, Default: "1.5s", Help: "Container start after the pull."},
				{Name: "fargate-provision", Type: Dist, Sim: true, Default: "20s", Help: "Fargate capacity and network interface (PROVISIONING)."},
				{Name: "task-capacity", Type: Float, Sim: true, Default: "100", Help: "Requests per second one task serves at 100% CPU (traffic --cluster)."},
				{Name: "scale-out-datapoints", Type: Int, Sim: true, Default: "3", Help: "1-minute periods above target before target tracking scales out."},
				{Name: "scale-in-datapoints", Type: Int, Sim: true, Default: "15", Help: "1-minute periods below target before it scales in."},
			},
			Run: ecsSettings,
		},
		{
			Lab: true, Service: "explain",
			Summary: "Explain the last ECS placement decision (rejected instances and candidate scores)",
			Options: []OptSpec{clusterOpt(), {Name: "service", Complete: "service", Help: "The service's last placement instead of the cluster's."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				c, err := ctx.Acct.ECS.Cluster(a.Str("cluster"))
				if err != nil {
					return Result{}, toAWS(err, "Explain")
				}
				e := c.LastPlacement
				if a.Has("service") {
					sv, err := ctx.Acct.ECS.ServiceByName(c, a.Str("service"))
					if err != nil {
						return Result{}, toAWS(err, "Explain")
					}
					e = sv.LastPlacement
				}
				if e == nil {
					return Result{Text: "no placement decision yet"}, nil
				}
				return Result{Output: e, Text: e.Text()}, nil
			},
		},
	}
}

// ecsTraffic offers requests per second to an ECS service (the load model:
// each RUNNING task serves a set capacity; utilization drives auto scaling).
func ecsTraffic(ctx *Ctx, a Args, p *Pattern) (Result, error) {
	if !a.Has("cluster") || !a.Has("service") {
		return Result{}, usagef("traffic: an ECS target needs --cluster C --service S")
	}
	if p.Kind != "rate" {
		return Result{}, usagef("traffic: ECS services take --rate R --for D (requests per second offered to the service)")
	}
	if err := ctx.Acct.ECS.OfferLoad(a.Str("cluster"), a.Str("service"), p.Rate, p.For); err != nil {
		return Result{}, toAWS(err, "Traffic")
	}
	capacity := ctx.Acct.ECS.Settings.TaskCapacityRPS
	text := fmt.Sprintf("traffic: %g requests/s to service %s for %v from %s (each running task serves up to %g/s at 100%% CPU)",
		p.Rate, a.Str("service"), p.For, sim.FormatClock(ctx.Now()), capacity)
	return Result{Output: map[string]any{"Cluster": a.Str("cluster"), "Service": a.Str("service"), "RequestsPerSecond": p.Rate,
		"For": p.For.String(), "From": sim.FormatClock(ctx.Now()), "TaskCapacityRequestsPerSecond": capacity}, Text: text}, nil
}

func ecsSettings(ctx *Ctx, a Args) (Result, error) {
	es, xs := &ctx.Acct.ECS.Settings, &ctx.Acct.EC2.Settings
	if a.Has("boot-time") {
		xs.BootTime = a.Dist("boot-time")
	}
	if a.Has("image-time") {
		xs.ImageTime = a.Duration("image-time")
	}
	if a.Has("status-check-time") {
		xs.StatusCheckTime = a.Duration("status-check-time")
	}
	if a.Has("agent-register-delay") {
		es.AgentRegisterDelay = a.Duration("agent-register-delay")
	}
	if a.Has("image-pull") {
		es.ImagePull = a.Dist("image-pull")
	}
	if a.Has("pull-bandwidth") {
		if f := a.Float("pull-bandwidth"); f <= 0 {
			return Result{}, usagef("settings ecs: --pull-bandwidth must be a positive number of MB per second")
		} else {
			es.PullBandwidth = f * 1e6
		}
	}
	if a.Has("pull-latency") {
		es.PullLatency = a.Duration("pull-latency")
	}
	if a.Has("container-start") {
		es.ContainerStart = a.Dist("container-start")
	}
	if a.Has("fargate-provision") {
		es.FargateProvision = a.Dist("fargate-provision")
	}
	if a.Has("task-capacity") {
		if f := a.Float("task-capacity"); f <= 0 {
			return Result{}, usagef("settings ecs: --task-capacity must be a positive number of requests per second")
		} else {
			es.TaskCapacityRPS = f
		}
	}
	for _, k := range []string{"scale-out-datapoints", "scale-in-datapoints"} {
		if a.Has(k) {
			n := int(a.Int(k))
			if n < 1 || n > 60 {
				return Result{}, usagef("settings ecs: --%s must be from 1 to 60", k)
			}
			if k == "scale-out-datapoints" {
				es.ScaleOutDatapoints = n
			} else {
				es.ScaleInDatapoints = n
			}
		}
	}
	out := map[string]any{
		"BootTime": xs.BootTime.String(), "AgentRegisterDelay": es.AgentRegisterDelay.String(),
		"ImagePull": es.ImagePull.String(), "PullBandwidthMBps": es.PullBandwidth / 1e6, "PullLatency": es.PullLatency.String(), "ContainerStart": es.ContainerStart.String(),
		"FargateProvision": es.FargateProvision.String(), "TaskCapacityRequestsPerSecond": es.TaskCapacityRPS,
		"ScaleOutDatapoints": es.ScaleOutDatapoints, "ScaleInDatapoints": es.ScaleInDatapoints,
		"RegisteredMemoryFraction": es.RegisteredMemoryFraction,
		"ImageTime":                xs.ImageTime.String(), "StatusCheckTime": xs.StatusCheckTime.String(),
	}
	var b strings.Builder
	fmt.Fprintf(&b, "boot time %s, agent registers %s later; status checks initialize %s; a new AMI is pending %s\n", xs.BootTime, es.AgentRegisterDelay, xs.StatusCheckTime, xs.ImageTime)
	fmt.Fprintf(&b, "image pull %s (cached %s), container start %s, Fargate provisioning %s\n", es.ImagePull, es.ImagePullCached, es.ContainerStart, es.FargateProvision)
	fmt.Fprintf(&b, "ECR image pull %s + compressed size at %g MB/s\n", es.PullLatency, es.PullBandwidth/1e6)
	fmt.Fprintf(&b, "task capacity %g requests/s at 100%% CPU; target tracking: %d periods to scale out, %d to scale in", es.TaskCapacityRPS, es.ScaleOutDatapoints, es.ScaleInDatapoints)
	return Result{Output: out, Text: b.String()}, nil
}

var _ ecs.Failure
