package shell

import (
	"fmt"
	"strings"

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

var _ = strings.TrimSpace
var _ ecs.Failure
