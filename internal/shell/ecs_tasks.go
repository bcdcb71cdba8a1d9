package shell

import (
	"fmt"
	"strings"

	"github.com/cloudlab/cloudlab/internal/ecs"
)

// Task definitions, container instances, tasks.

const registerTaskDefinitionSkeleton = `{
    "family": "",
    "taskRoleArn": "",
    "executionRoleArn": "",
    "networkMode": "awsvpc",
    "containerDefinitions": [
        {
            "name": "",
            "image": "",
            "cpu": 0,
            "memory": 0,
            "memoryReservation": 0,
            "links": [
                ""
            ],
            "portMappings": [
                {
                    "containerPort": 0,
                    "hostPort": 0,
                    "protocol": "udp"
                }
            ],
            "essential": true,
            "entryPoint": [
                ""
            ],
            "command": [
                ""
            ],
            "environment": [
                {
                    "name": "",
                    "value": ""
                }
            ],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {
                    "KeyName": ""
                }
            }
        }
    ],
    "volumes": [
        {
            "name": "",
            "host": {
                "sourcePath": ""
            }
        }
    ],
    "placementConstraints": [
        {
            "type": "memberOf",
            "expression": ""
        }
    ],
    "requiresCompatibilities": [
        "EC2"
    ],
    "cpu": "",
    "memory": "",
    "tags": [
        {
            "key": "",
            "value": ""
        }
    ],
    "runtimePlatform": {
        "cpuArchitecture": "X86_64",
        "operatingSystemFamily": "LINUX"
    }
}`

func ecsTaskCommands() []Command {
	return []Command{
		ecsCmd("register-task-definition", "Register a task definition revision (family:N)", registerTaskDefinitionSkeleton, []OptSpec{
			ecsOpt("family", "Family name (letters, numbers, hyphens, underscores)."),
			{Name: "container-definitions", Help: "Container definitions as a JSON list (or file://containers.json)."},
			ecsOpt("cpu", "Task CPU: units (256) or vCPUs (\"1 vCPU\")."),
			ecsOpt("memory", "Task memory: MiB (512) or GB (\"1GB\")."),
			{Name: "network-mode", Enum: []string{"bridge", "host", "awsvpc", "none"}, Help: "Network mode (default bridge)."},
			{Name: "requires-compatibilities", Type: List, Enum: []string{"EC2", "FARGATE", "EXTERNAL"}, Help: "Launch types to validate against."},
			ecsOpt("task-role-arn", "IAM role the containers use (kept)."),
			ecsOpt("execution-role-arn", "IAM role ECS uses to pull images and ship logs (kept)."),
			{Name: "placement-constraints", Type: List, Help: "memberOf constraints: type=memberOf,expression=\"...\" or JSON."},
			{Name: "volumes", Help: "Volumes (kept)."},
			ecsOpt("runtime-platform", "cpuArchitecture=X86_64|ARM64,operatingSystemFamily=LINUX."),
			{Name: "tags", Type: List, Help: "Tags (kept)."},
		}, ecsRegisterTaskDefinition),
		ecsCmd("deregister-task-definition", "Mark a revision INACTIVE (running tasks keep it)", "", []OptSpec{
			{Name: "task-definition", Complete: "task-definition", Help: "(required) family:revision or ARN."},
		}, func(ctx *Ctx, a Args) (Result, error) {
			td, err := ctx.Acct.ECS.DeregisterTaskDefinition(a.Str("task-definition"))
			if err != nil {
				return Result{}, err
			}
			return Result{Output: map[string]any{"taskDefinition": td.Describe()}}, nil
		}),
		ecsCmd("describe-task-definition", "Show a task definition (family = latest ACTIVE revision)", "", []OptSpec{
			{Name: "task-definition", Complete: "task-definition", Help: "(required) family, family:revision or ARN."},
			{Name: "include", Type: List, Help: "TAGS (accepted)."},
		}, func(ctx *Ctx, a Args) (Result, error) {
			td, err := ctx.Acct.ECS.TaskDefinition(a.Str("task-definition"))
			if err != nil {
				return Result{}, err
			}
			return Result{Output: map[string]any{"taskDefinition": td.Describe(), "tags": []any{}}}, nil
		}),
		ecsCmd("list-task-definitions", "List task definition ARNs", "", []OptSpec{
			{Name: "family-prefix", Complete: "family", Help: "Only families starting with this."},
			{Name: "status", Enum: []string{"ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"}, Help: "Default ACTIVE."},
			{Name: "sort", Enum: []string{"ASC", "DESC"}, Help: "Order (default ASC)."},
		}, func(ctx *Ctx, a Args) (Result, error) {
			arns, err := ctx.Acct.ECS.ListTaskDefinitions(a.Str("family-prefix"), a.Str("status"), a.Str("sort"))
			if err != nil {
				return Result{}, err
			}
			if arns == nil {
				arns = []string{}
			}
			return Result{Output: map[string]any{"taskDefinitionArns": arns}}, nil
		}),
		ecsCmd("list-task-definition-families", "List task definition families", "", []OptSpec{
			{Name: "family-prefix", Help: "Only families starting with this."},
			{Name: "status", Enum: []string{"ACTIVE", "INACTIVE", "ALL"}, Help: "Accepted."},
		}, func(ctx *Ctx, a Args) (Result, error) {
			out := []string{}
			for _, f := range ctx.Acct.ECS.ListTaskDefinitionFamilies() {
				if strings.HasPrefix(f, a.Str("family-prefix")) {
					out = append(out, f)
				}
			}
			return Result{Output: map[string]any{"families": out}}, nil
		}),
		ecsCmd("list-container-instances", "List container instance ARNs", "", []OptSpec{
			clusterOpt(),
			ecsOpt("filter", "Cluster query language expression, e.g. \"attribute:ecs.instance-type =~ t3.*\"."),
			{Name: "status", Enum: []string{"ACTIVE", "DRAINING", "REGISTERING", "DEREGISTERING", "REGISTRATION_FAILED"}, Help: "Only instances in this state."},
		}, func(ctx *Ctx, a Args) (Result, error) {
			cis, err := ctx.Acct.ECS.ListContainerInstances(a.Str("cluster"), a.Str("filter"), a.Str("status"))
			if err != nil {
				return Result{}, err
			}
			arns := []string{}
			for _, ci := range cis {
				arns = append(arns, ci.Arn)
			}
			return Result{Output: map[string]any{"containerInstanceArns": arns}}, nil
		}),
		ecsCmd("describe-container-instances", "Describe container instances (resources, attributes, tasks)", "", []OptSpec{
			clusterOpt(),
			{Name: "container-instances", Type: List, Complete: "container-instance", Help: "(required) ARNs, ids or EC2 instance ids."},
		}, func(ctx *Ctx, a Args) (Result, error) {
			cis, fails, err := ctx.Acct.ECS.DescribeContainerInstances(a.Str("cluster"), a.List("container-instances"))
			if err != nil {
				return Result{}, err
			}
			return Result{Output: map[string]any{"containerInstances": containerInstancesJSON(cis), "failures": nonNil(fails)}}, nil
		}),
		ecsCmd("update-container-instances-state", "Set container instances ACTIVE or DRAINING", "", []OptSpec{
			clusterOpt(),
			{Name: "container-instances", Type: List, Complete: "container-instance", Help: "(required) ARNs, ids or EC2 instance ids."},
			{Name: "status", Enum: []string{"ACTIVE", "DRAINING"}, Help: "(required) ACTIVE or DRAINING."},
		}, func(ctx *Ctx, a Args) (Result, error) {
			cis, fails, err := ctx.Acct.ECS.UpdateContainerInstancesState(a.Str("cluster"), a.List("container-instances"), a.Str("status"))
			if err != nil {
				return Result{}, err
			}
			return Result{Output: map[string]any{"containerInstances": containerInstancesJSON(cis), "failures": nonNil(fails)}}, nil
		}),
		ecsCmd("put-attributes", "Set custom attributes on a container instance", "", []OptSpec{
			clusterOpt(),
			{Name: "attributes", Type: List, Help: "(required) name=stack,value=prod,targetId=ARN ... or JSON."},
		}, ecsPutAttributes),
		ecsCmd("run-task", "Start tasks placed by the scheduler (count 1-10)", "", append(runTaskOpts(),
			OptSpec{Name: "count", Type: Int, Help: "Tasks to start (1-10, default 1)."},
			OptSpec{Name: "launch-type", Enum: []string{"EC2", "FARGATE"}, Help: "EC2 (default) or FARGATE."},
			OptSpec{Name: "capacity-provider-strategy", Type: List, Help: "capacityProvider=FARGATE,weight=1 capacityProvider=FARGATE_SPOT,weight=3 (both run as Fargate)."},
			OptSpec{Name: "placement-strategy", Type: List, Help: "type=spread,field=attribute:ecs.availability-zone type=binpack,field=memory ... or JSON (default random)."},
			OptSpec{Name: "placement-constraints", Type: List, Help: "type=distinctInstance type=memberOf,expression=\"...\" or JSON."},
			OptSpec{Name: "network-configuration", Help: "awsvpcConfiguration={subnets=[...],securityGroups=[...]} (accepted)."},
			OptSpec{Name: "platform-version", Help: "Fargate platform version (accepted)."},
			OptSpec{Name: "client-token", Help: "Idempotency token (up to 64 characters): the same token returns the tasks the first call started."},
			OptSpec{Name: "enable-ecs-managed-tags", Type: Bool, Help: "Accepted."},
			OptSpec{Name: "propagate-tags", Help: "Accepted."},
			OptSpec{Name: "enable-execute-command", Type: Bool, Help: "Accepted."},
		), ecsRunTask),
		ecsCmd("start-task", "Start tasks on the container instances you name (no scheduler)", "", append(runTaskOpts(),
			OptSpec{Name: "container-instances", Type: List, Complete: "container-instance", Help: "(required) ARNs, ids or EC2 instance ids (up to 10)."},
			OptSpec{Name: "network-configuration", Help: "awsvpcConfiguration=... (accepted)."},
		), ecsStartTask),
		ecsCmd("stop-task", "Stop a task (stopCode UserInitiated)", "", []OptSpec{
			clusterOpt(),
			{Name: "task", Complete: "task", Help: "(required) Task ARN or id."},
			ecsOpt("reason", "Shown as stoppedReason."),
		}, func(ctx *Ctx, a Args) (Result, error) {
			t, err := ctx.Acct.ECS.StopTask(a.Str("cluster"), a.Str("task"), a.Str("reason"))
			if err != nil {
				return Result{}, err
			}
			return Result{Output: map[string]any{"task": taskJSON(t)}}, nil
		}),
		ecsCmd("list-tasks", "List task ARNs (desired status RUNNING by default)", "", []OptSpec{
			clusterOpt(),
			{Name: "container-instance", Complete: "container-instance", Help: "Only tasks on this container instance."},
			{Name: "family", Complete: "family", Help: "Only tasks of this family."},
			{Name: "service-name", Complete: "service", Help: "Only tasks of this service."},
			ecsOpt("started-by", "Only tasks with this startedBy."),
			{Name: "desired-status", Enum: []string{"RUNNING", "PENDING", "STOPPED"}, Help: "Default RUNNING."},
			{Name: "launch-type", Enum: []string{"EC2", "FARGATE"}, Help: "Only this launch type."},
		}, func(ctx *Ctx, a Args) (Result, error) {
			ts, err := ctx.Acct.ECS.ListTasks(ecs.ListTasksInput{Cluster: a.Str("cluster"), ContainerInstance: a.Str("container-instance"),
				Family: a.Str("family"), ServiceName: a.Str("service-name"), StartedBy: a.Str("started-by"),
				DesiredStatus: a.Str("desired-status"), LaunchType: a.Str("launch-type")})
			if err != nil {
				return Result{}, err
			}
			arns := []string{}
			for _, t := range ts {
				arns = append(arns, t.Arn)
			}
			return Result{Output: map[string]any{"taskArns": arns}}, nil
		}),
		ecsCmd("describe-tasks", "Describe tasks", "", []OptSpec{
			clusterOpt(),
			{Name: "tasks", Type: List, Complete: "task", Help: "(required) Task ARNs or ids."},
			{Name: "include", Type: List, Help: "TAGS (accepted)."},
		}, func(ctx *Ctx, a Args) (Result, error) {
			ts, fails, err := ctx.Acct.ECS.DescribeTasks(a.Str("cluster"), a.List("tasks"))
			if err != nil {
				return Result{}, err
			}
			out := []any{}
			for _, t := range ts {
				out = append(out, taskJSON(t))
			}
			return Result{Output: map[string]any{"tasks": out, "failures": nonNil(fails)}}, nil
		}),
	}
}

func runTaskOpts() []OptSpec {
	return []OptSpec{
		clusterOpt(),
		{Name: "task-definition", Complete: "task-definition", Help: "(required) family, family:revision or ARN."},
		ecsOpt("group", "Task group (default family:<family>)."),
		ecsOpt("started-by", "Free text shown as startedBy."),
		ecsOpt("overrides", "Container overrides (accepted, not simulated)."),
		{Name: "tags", Type: List, Help: "Tags (accepted)."},
	}
}

func nonNil(f []ecs.Failure) []ecs.Failure {
	if f == nil {
		return []ecs.Failure{}
	}
	return f
}

func ecsRegisterTaskDefinition(ctx *Ctx, a Args) (Result, error) {
	svc := ctx.Acct.ECS
	var td *ecs.TaskDefinition
	var err error
	if a.Has("cli-input-json") {
		raw := []byte(a.JSON("cli-input-json"))
		var m map[string]any
		if err := ecs.DecodeJSON(raw, &m); err != nil {
			return Result{}, err
		}
		if m == nil {
			return Result{}, usagef("Error parsing parameter '--cli-input-json': expected a JSON object")
		}
		// Options on the command line override the file, as with the CLI.
		if err := inlineTaskDef(a, m); err != nil {
			return Result{}, err
		}
		td, err = ecs.TaskDefinitionFromMap(m)
	} else {
		m := map[string]any{}
		if err := inlineTaskDef(a, m); err != nil {
			return Result{}, err
		}
		if !a.Has("family") {
			return Result{}, usagef("aws: error: the following arguments are required: --family, --container-definitions")
		}
		if !a.Has("container-definitions") {
			return Result{}, usagef("aws: error: the following arguments are required: --container-definitions")
		}
		td, err = ecs.TaskDefinitionFromMap(m)
	}
	if err != nil {
		return Result{}, err
	}
	td, err = svc.RegisterTaskDefinition(td)
	if err != nil {
		return Result{}, err
	}
	return Result{Output: map[string]any{"taskDefinition": td.Describe(), "tags": []any{}}}, nil
}

// inlineTaskDef puts the inline options into the input map.
func inlineTaskDef(a Args, m map[string]any) error {
	for _, k := range []string{"family", "cpu", "memory", "network-mode", "task-role-arn", "execution-role-arn"} {
		if a.Has(k) {
			m[camel(k)] = a.Str(k)
		}
	}
	if a.Has("requires-compatibilities") {
		var l []any
		for _, x := range a.List("requires-compatibilities") {
			l = append(l, x)
		}
		m["requiresCompatibilities"] = l
	}
	for _, k := range []string{"container-definitions", "volumes"} {
		if !a.Has(k) {
			continue
		}
		var v any
		if err := ecs.DecodeJSON([]byte(a.JSON(k)), &v); err != nil {
			if je, ok := err.(*ecs.JSONError); ok {
				return usagef("Error parsing parameter '--%s': Invalid JSON: %s: line %d column %d", k, je.Msg, je.Line, je.Column)
			}
			return err
		}
		m[camel(k)] = v
	}
	if a.Has("placement-constraints") {
		items, err := structList(a.List("placement-constraints"))
		if err != nil {
			return usagef("Error parsing parameter '--placement-constraints': %v", err)
		}
		var l []any
		for _, it := range items {
			l = append(l, it)
		}
		m["placementConstraints"] = l
	}
	if a.Has("runtime-platform") {
		rp, err := parseShorthand(a.Str("runtime-platform"))
		if err != nil {
			return usagef("Error parsing parameter '--runtime-platform': %v", err)
		}
		m["runtimePlatform"] = rp
	}
	return nil
}

func ecsPutAttributes(ctx *Ctx, a Args) (Result, error) {
	items, err := structList(a.List("attributes"))
	if err != nil {
		return Result{}, usagef("Error parsing parameter '--attributes': %v", err)
	}
	byTarget := map[string][]ecs.Attribute{}
	var order []string
	for _, it := range items {
		name := str(it, "name")
		target := str(it, "targetId")
		if name == "" {
			return Result{}, usagef("Parameter validation failed:\nMissing required parameter in attributes[0]: \"name\"")
		}
		if target == "" {
			return Result{}, &AWSError{Code: "InvalidParameterException", Message: "targetId is required for container instance attributes.", StatusCode: 400}
		}
		if _, ok := byTarget[target]; !ok {
			order = append(order, target)
		}
		byTarget[target] = append(byTarget[target], ecs.Attribute{Name: name, Value: str(it, "value")})
	}
	out := []any{}
	for _, target := range order {
		attrs, err := ctx.Acct.ECS.PutAttributes(a.Str("cluster"), target, byTarget[target])
		if err != nil {
			return Result{}, err
		}
		for _, at := range attrs {
			m := map[string]any{"name": at.Name, "targetType": "container-instance", "targetId": target}
			if at.Value != "" {
				m["value"] = at.Value
			}
			out = append(out, m)
		}
	}
	return Result{Output: map[string]any{"attributes": out}}, nil
}

// placementArgs parses --placement-strategy and --placement-constraints.
func placementArgs(a Args) ([]ecs.Strategy, []ecs.Constraint, error) {
	var strat []ecs.Strategy
	var cons []ecs.Constraint
	if a.Has("placement-strategy") {
		items, err := structList(a.List("placement-strategy"))
		if err != nil {
			return nil, nil, usagef("Error parsing parameter '--placement-strategy': %v", err)
		}
		strat = []ecs.Strategy{}
		for _, it := range items {
			s, err := ecs.NewStrategy(str(it, "type"), str(it, "field"))
			if err != nil {
				return nil, nil, err
			}
			strat = append(strat, s)
		}
		if len(strat) > 5 {
			return nil, nil, &AWSError{Code: "InvalidParameterException", Message: "You can specify up to 5 placement strategies.", StatusCode: 400}
		}
	}
	if a.Has("placement-constraints") {
		items, err := structList(a.List("placement-constraints"))
		if err != nil {
			return nil, nil, usagef("Error parsing parameter '--placement-constraints': %v", err)
		}
		for _, it := range items {
			c, err := ecs.NewConstraint(str(it, "type"), str(it, "expression"))
			if err != nil {
				return nil, nil, err
			}
			cons = append(cons, c)
		}
		if len(cons) > 10 {
			return nil, nil, &AWSError{Code: "InvalidParameterException", Message: "You can specify up to 10 placement constraints.", StatusCode: 400}
		}
	}
	return strat, cons, nil
}

// launchTypeArg reads --launch-type or --capacity-provider-strategy. The
// simulator has the FARGATE and FARGATE_SPOT capacity providers (both run
// as Fargate; Spot interruptions are not simulated).
func launchTypeArg(a Args) (string, error) {
	if !a.Has("capacity-provider-strategy") {
		return a.Str("launch-type"), nil
	}
	if a.Has("launch-type") {
		return "", &AWSError{Code: "InvalidParameterException", Message: "Specifying both a launch type and capacity provider strategy is not supported.", StatusCode: 400}
	}
	items, err := structList(a.List("capacity-provider-strategy"))
	if err != nil {
		return "", usagef("Error parsing parameter '--capacity-provider-strategy': %v", err)
	}
	for _, it := range items {
		switch p := str(it, "capacityProvider"); p {
		case "FARGATE", "FARGATE_SPOT":
		default:
			return "", &AWSError{Code: "InvalidParameterException", Message: fmt.Sprintf("The capacity provider %q is not simulated: use FARGATE or FARGATE_SPOT, or --launch-type EC2.", p), StatusCode: 400}
		}
	}
	return "FARGATE", nil
}

// needNetworkConfig: ECS requires --network-configuration for tasks whose
// definition uses the awsvpc network mode (every Fargate task).
func needNetworkConfig(ctx *Ctx, a Args) error {
	td, err := ctx.Acct.ECS.TaskDefinition(a.Str("task-definition"))
	if err != nil || td.NetworkMode != "awsvpc" || a.Has("network-configuration") {
		return nil // the domain reports an unknown definition
	}
	return &AWSError{Code: "InvalidParameterException", Message: "Network Configuration must be provided when networkMode 'awsvpc' is specified.", StatusCode: 400}
}

func ecsRunTask(ctx *Ctx, a Args) (Result, error) {
	if err := needNetworkConfig(ctx, a); err != nil {
		return Result{}, err
	}
	strat, cons, err := placementArgs(a)
	if err != nil {
		return Result{}, err
	}
	count := 1
	if a.Has("count") {
		count = int(a.Int("count"))
		if count < 1 || count > 10 {
			return Result{}, &AWSError{Code: "InvalidParameterException", Message: "Count must be between 1 and 10.", StatusCode: 400}
		}
	}
	lt, err := launchTypeArg(a)
	if err != nil {
		return Result{}, err
	}
	res, err := ctx.Acct.ECS.RunTask(ecs.RunInput{Cluster: a.Str("cluster"), TaskDefinition: a.Str("task-definition"), Count: count,
		LaunchType: lt, Group: a.Str("group"), StartedBy: a.Str("started-by"), Strategies: strat, Constraints: cons,
		ClientToken: a.Str("client-token")})
	if err != nil {
		return Result{}, err
	}
	return runResult(res), nil
}

func ecsStartTask(ctx *Ctx, a Args) (Result, error) {
	if err := needNetworkConfig(ctx, a); err != nil {
		return Result{}, err
	}
	res, err := ctx.Acct.ECS.StartTask(ecs.RunInput{Cluster: a.Str("cluster"), TaskDefinition: a.Str("task-definition"),
		Group: a.Str("group"), StartedBy: a.Str("started-by"), ContainerInstances: a.List("container-instances")})
	if err != nil {
		return Result{}, err
	}
	return runResult(res), nil
}

func runResult(res *ecs.RunResult) Result {
	tasks := []any{}
	for _, t := range res.Tasks {
		tasks = append(tasks, taskJSON(t))
	}
	return Result{Output: map[string]any{"tasks": tasks, "failures": nonNil(res.Failures)}}
}
