// Package awsshape turns the ECS simulator's objects into the objects of
// the Amazon ECS API reference
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Types.html),
// for both doors onto the simulated account: the lab shell's JSON output
// and the endpoint's JSON 1.1 responses. Only the timestamp form differs
// (the AWS CLI prints ISO 8601 text; the wire carries epoch seconds), so
// every function takes a TimeFunc.
package awsshape

import (
	"fmt"
	"strconv"
	"time"

	"github.com/cloudlab/cloudlab/internal/ecs"
)

// TimeFunc renders a simulated instant (time since simulated zero).
type TimeFunc func(time.Duration) any

func optTime(m map[string]any, key string, d time.Duration, ts TimeFunc) {
	if d >= 0 {
		m[key] = ts(d)
	}
}

// Cluster is the API's Cluster object. Settings, tags and statistics
// appear only when included (DescribeClusters --include; CreateCluster and
// DeleteCluster return them).
func Cluster(c *ecs.Cluster, ts TimeFunc, include ...string) map[string]any {
	reg, run, pend, svcs := c.Counts()
	m := map[string]any{
		"clusterArn": c.Arn, "clusterName": c.Name, "status": c.Status,
		"registeredContainerInstancesCount": reg, "runningTasksCount": run, "pendingTasksCount": pend,
		"activeServicesCount": svcs, "capacityProviders": []string{}, "defaultCapacityProviderStrategy": []ecs.CapacityProviderItem{},
	}
	if c.CapacityProviders != nil {
		m["capacityProviders"] = c.CapacityProviders
	}
	if c.DefaultCapacityProviderStrategy != nil {
		m["defaultCapacityProviderStrategy"] = c.DefaultCapacityProviderStrategy
	}
	for _, inc := range include {
		switch inc {
		case "SETTINGS":
			m["settings"] = c.Settings
		case "TAGS":
			tags := c.Tags
			if tags == nil {
				tags = []ecs.Tag{}
			}
			m["tags"] = tags
		case "STATISTICS":
			m["statistics"] = []any{}
		}
	}
	return m
}

// Service is the API's Service object (deployments, newest event first).
func Service(sv *ecs.Service, ts TimeFunc) map[string]any {
	run, pend := sv.Counts()
	deps := []any{}
	for _, d := range sv.Deployments {
		dr, dp := d.Counts()
		dm := map[string]any{"id": d.ID, "status": d.Status, "taskDefinition": d.TaskDef.Arn, "desiredCount": d.DesiredCount,
			"runningCount": dr, "pendingCount": dp, "failedTasks": d.FailedTasks, "createdAt": ts(d.CreatedAt),
			"updatedAt": ts(d.UpdatedAt), "launchType": d.LaunchType, "rolloutState": d.RolloutState}
		if d.RolloutStateReason != "" {
			dm["rolloutStateReason"] = d.RolloutStateReason
		}
		deps = append(deps, dm)
	}
	events := []any{}
	for i := len(sv.Events) - 1; i >= 0; i-- {
		e := sv.Events[i]
		events = append(events, map[string]any{"id": e.ID, "createdAt": ts(e.CreatedAt), "message": e.Message})
	}
	strat := []ecs.Strategy{}
	if sv.Strategies != nil {
		strat = sv.Strategies
	} else if sv.LaunchType == "EC2" && sv.SchedulingStrategy == "REPLICA" {
		strat = ecs.DefaultServiceStrategies
	}
	cons := []ecs.Constraint{}
	if sv.Constraints != nil {
		cons = sv.Constraints
	}
	m := map[string]any{
		"serviceArn": sv.Arn, "serviceName": sv.Name, "clusterArn": sv.Cluster.Arn, "status": sv.Status,
		"desiredCount": sv.DesiredCount, "runningCount": run, "pendingCount": pend, "launchType": sv.LaunchType,
		"taskDefinition": sv.TaskDef.Arn, "loadBalancers": []any{}, "serviceRegistries": []any{},
		"deploymentConfiguration": map[string]any{
			"deploymentCircuitBreaker": map[string]bool{"enable": sv.Config.CircuitBreakerEnable, "rollback": sv.Config.CircuitBreakerRoll},
			"maximumPercent":           sv.Config.MaximumPercent, "minimumHealthyPercent": sv.Config.MinimumHealthyPercent,
		},
		"deployments": deps, "events": events, "createdAt": ts(sv.CreatedAt),
		"placementConstraints": cons, "placementStrategy": strat, "schedulingStrategy": sv.SchedulingStrategy,
		"deploymentController": map[string]string{"type": "ECS"}, "createdBy": "arn:aws:iam::" + ecs.AccountID + ":root",
		"enableECSManagedTags": false, "propagateTags": "NONE", "enableExecuteCommand": false,
	}
	if sv.LaunchType == "FARGATE" {
		m["platformVersion"] = "LATEST"
		m["platformFamily"] = "Linux"
	}
	return m
}

// Task is the API's Task object.
func Task(t *ecs.Task, ts TimeFunc) map[string]any {
	m := map[string]any{
		"taskArn":           t.Arn,
		"clusterArn":        t.Cluster.Arn,
		"taskDefinitionArn": t.TaskDef.Arn,
		"lastStatus":        t.LastStatus,
		"desiredStatus":     t.DesiredStatus,
		"launchType":        t.LaunchType,
		"availabilityZone":  t.AZ,
		"group":             t.Group,
		"cpu":               strconv.Itoa(t.CPU),
		"memory":            strconv.Itoa(t.Memory),
		"createdAt":         ts(t.CreatedAt),
		"version":           len(t.History()),
		"healthStatus":      "UNKNOWN",
		"attachments":       []any{},
		"tags":              []any{},
	}
	if t.Instance != nil {
		m["containerInstanceArn"] = t.Instance.Arn
	}
	if t.StartedBy != "" {
		m["startedBy"] = t.StartedBy
	}
	if t.LaunchType == "FARGATE" {
		m["platformVersion"] = "1.4.0"
		m["platformFamily"] = "Linux"
	}
	if t.TaskDef.NetworkMode == "awsvpc" {
		m["attachments"] = []any{map[string]any{"id": t.ID[:8] + "-eni", "type": "ElasticNetworkInterface", "status": eniStatus(t.LastStatus),
			"details": []any{
				map[string]string{"name": "networkInterfaceId", "value": t.ENI},
				map[string]string{"name": "privateIPv4Address", "value": t.PrivateIP},
			}}}
	}
	optTime(m, "pullStartedAt", t.PullStartedAt, ts)
	optTime(m, "pullStoppedAt", t.PullStoppedAt, ts)
	optTime(m, "startedAt", t.StartedAt, ts)
	optTime(m, "stoppingAt", t.StoppingAt, ts)
	optTime(m, "executionStoppedAt", t.ExecutionStoppedAt, ts)
	optTime(m, "stoppedAt", t.StoppedAt, ts)
	if t.StopCode != "" {
		m["stopCode"] = t.StopCode
	}
	if t.StoppedReason != "" {
		m["stoppedReason"] = t.StoppedReason
	}
	var cs, overrides []any
	for _, c := range t.Containers {
		cm := map[string]any{
			"containerArn":    fmt.Sprintf("arn:aws:ecs:%s:%s:container/%s/%s/%s", ecs.Region, ecs.AccountID, t.Cluster.Name, t.ID, c.Name),
			"taskArn":         t.Arn,
			"name":            c.Name,
			"image":           c.Image,
			"lastStatus":      c.LastStatus,
			"networkBindings": nonNilBindings(c.NetworkBindings),
			"healthStatus":    "UNKNOWN",
		}
		if t.TaskDef.NetworkMode == "awsvpc" {
			delete(cm, "networkBindings")
			cm["networkInterfaces"] = []any{map[string]string{"attachmentId": t.ID[:8] + "-eni", "privateIpv4Address": t.PrivateIP}}
		}
		if c.ExitCode != nil {
			cm["exitCode"] = *c.ExitCode
		}
		if c.Reason != "" {
			cm["reason"] = c.Reason
		}
		cs = append(cs, cm)
		overrides = append(overrides, map[string]any{"name": c.Name})
	}
	m["containers"] = cs
	m["overrides"] = map[string]any{"containerOverrides": overrides, "inferenceAcceleratorOverrides": []any{}}
	return m
}

func eniStatus(last string) string {
	switch last {
	case ecs.StProvisioning:
		return "PRECREATED"
	case ecs.StDeprovisioning:
		return "DELETING"
	case ecs.StStopped:
		return "DELETED"
	}
	return "ATTACHED"
}

func nonNilBindings(b []ecs.Binding) []ecs.Binding {
	if b == nil {
		return []ecs.Binding{}
	}
	return b
}

// ContainerInstances is a list of the API's ContainerInstance objects.
func ContainerInstances(cis []*ecs.ContainerInstance, ts TimeFunc) []any {
	out := []any{}
	for _, ci := range cis {
		cd := ci.Cand
		var used, usedUDP []string
		for p := range cd.UsedPorts {
			if p.Proto == "udp" {
				usedUDP = append(usedUDP, strconv.Itoa(p.Port))
			} else {
				used = append(used, strconv.Itoa(p.Port))
			}
		}
		sortNumeric(used)
		sortNumeric(usedUDP)
		reserved := []string{}
		for _, p := range ecs.ReservedPorts {
			reserved = append(reserved, strconv.Itoa(p))
		}
		res := func(cpu, mem int, ports, udp []string) []any {
			if ports == nil {
				ports = []string{}
			}
			if udp == nil {
				udp = []string{}
			}
			return []any{
				map[string]any{"name": "CPU", "type": "INTEGER", "integerValue": cpu, "doubleValue": 0.0, "longValue": 0},
				map[string]any{"name": "MEMORY", "type": "INTEGER", "integerValue": mem, "doubleValue": 0.0, "longValue": 0},
				map[string]any{"name": "PORTS", "type": "STRINGSET", "stringSetValue": ports, "doubleValue": 0.0, "longValue": 0, "integerValue": 0},
				map[string]any{"name": "PORTS_UDP", "type": "STRINGSET", "stringSetValue": udp, "doubleValue": 0.0, "longValue": 0, "integerValue": 0},
			}
		}
		m := map[string]any{
			"containerInstanceArn": ci.Arn,
			"ec2InstanceId":        ci.EC2.ID,
			"version":              len(ci.Tasks()) + 1,
			"versionInfo":          map[string]string{"agentVersion": "1.89.1", "agentHash": "simulated", "dockerVersion": "DockerVersion: 25.0.8"},
			"remainingResources":   res(cd.RemainingCPU, cd.RemainingMemory, used, usedUDP),
			"registeredResources":  res(ci.RegisteredCPU, ci.RegisteredMemory, reserved, nil),
			"status":               ci.Status,
			"agentConnected":       ci.AgentConnected,
			"runningTasksCount":    ci.RunningTasksCount(),
			"pendingTasksCount":    ci.PendingTasksCount(),
			"attributes":           ci.Attributes(),
			"registeredAt":         ts(ci.RegisteredAt),
			"attachments":          []any{},
			"tags":                 []any{},
		}
		if ci.StatusReason != "" {
			m["statusReason"] = ci.StatusReason
		}
		out = append(out, m)
	}
	return out
}

func sortNumeric(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0; j-- {
			a, _ := strconv.Atoi(s[j-1])
			b, _ := strconv.Atoi(s[j])
			if a <= b {
				break
			}
			s[j-1], s[j] = s[j], s[j-1]
		}
	}
}
