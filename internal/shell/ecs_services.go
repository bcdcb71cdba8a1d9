package shell

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/cloudlab/cloudlab/internal/ecs"
)

const createServiceSkeleton = `{
    "cluster": "",
    "serviceName": "",
    "taskDefinition": "",
    "loadBalancers": [
        {
            "targetGroupArn": "",
            "loadBalancerName": "",
            "containerName": "",
            "containerPort": 0
        }
    ],
    "serviceRegistries": [
        {
            "registryArn": "",
            "port": 0,
            "containerName": "",
            "containerPort": 0
        }
    ],
    "desiredCount": 0,
    "clientToken": "",
    "launchType": "EC2",
    "capacityProviderStrategy": [
        {
            "capacityProvider": "",
            "weight": 0,
            "base": 0
        }
    ],
    "platformVersion": "",
    "role": "",
    "deploymentConfiguration": {
        "deploymentCircuitBreaker": {
            "enable": true,
            "rollback": true
        },
        "maximumPercent": 0,
        "minimumHealthyPercent": 0
    },
    "placementConstraints": [
        {
            "type": "distinctInstance",
            "expression": ""
        }
    ],
    "placementStrategy": [
        {
            "type": "binpack",
            "field": ""
        }
    ],
    "networkConfiguration": {
        "awsvpcConfiguration": {
            "subnets": [
                ""
            ],
            "securityGroups": [
                ""
            ],
            "assignPublicIp": "DISABLED"
        }
    },
    "healthCheckGracePeriodSeconds": 0,
    "schedulingStrategy": "REPLICA",
    "deploymentController": {
        "type": "ECS"
    },
    "tags": [
        {
            "key": "",
            "value": ""
        }
    ],
    "enableECSManagedTags": true,
    "propagateTags": "SERVICE",
    "enableExecuteCommand": true
}`

func serviceOpts() []OptSpec {
	return []OptSpec{
		{Name: "desired-count", Type: Int, Help: "Tasks to keep running."},
		{Name: "placement-strategy", Type: List, Help: "type=spread,field=attribute:ecs.availability-zone type=binpack,field=memory ... or JSON (default: spread by AZ, then instance)."},
		{Name: "placement-constraints", Type: List, Help: "type=distinctInstance type=memberOf,expression=\"...\" or JSON."},
		{Name: "deployment-configuration", Help: "maximumPercent=200,minimumHealthyPercent=100,deploymentCircuitBreaker={enable=true,rollback=true} or JSON."},
		{Name: "network-configuration", Help: "awsvpcConfiguration={subnets=[...],securityGroups=[...]} (accepted)."},
		{Name: "load-balancers", Type: List, Help: "Load balancers (accepted, not simulated)."},
		{Name: "health-check-grace-period-seconds", Type: Int, Help: "Accepted."},
		{Name: "platform-version", Help: "Fargate platform version (accepted)."},
		{Name: "tags", Type: List, Help: "Tags (accepted)."},
		{Name: "enable-execute-command", Type: Bool, Help: "Accepted."},
		{Name: "propagate-tags", Help: "Accepted."},
		{Name: "enable-ecs-managed-tags", Type: Bool, Help: "Accepted."},
	}
}

func ecsServiceCommands() []Command {
	return []Command{
		ecsCmd("create-service", "Create a service: keep desired tasks running, replace failed ones", createServiceSkeleton, append([]OptSpec{
			clusterOpt(),
			{Name: "service-name", Help: "(required) Service name."},
			{Name: "task-definition", Complete: "task-definition", Help: "(required) family, family:revision or ARN."},
			{Name: "launch-type", Enum: []string{"EC2", "FARGATE"}, Help: "EC2 (default) or FARGATE."},
			{Name: "capacity-provider-strategy", Type: List, Help: "capacityProvider=FARGATE,base=2,weight=1 capacityProvider=FARGATE_SPOT,weight=3 (both run as Fargate)."},
			{Name: "scheduling-strategy", Enum: []string{"REPLICA", "DAEMON"}, Help: "REPLICA (default) or DAEMON (one task per instance)."},
			{Name: "client-token", Help: "Idempotency token (up to 36 characters): the same request with the same token returns the same service."},
		}, serviceOpts()...), ecsCreateService),
		ecsCmd("update-service", "Change desired count, task definition (a rolling deployment) or deployment settings", "", append([]OptSpec{
			clusterOpt(),
			{Name: "service", Complete: "service", Help: "(required unless --service-name) Service name or ARN."},
			{Name: "service-name", Complete: "service", Help: "Same as --service."},
			{Name: "task-definition", Complete: "task-definition", Help: "New task definition: starts a deployment."},
			{Name: "force-new-deployment", Type: Bool, Help: "Start a deployment even without a new task definition."},
		}, serviceOpts()...), ecsUpdateService),
		ecsCmd("delete-service", "Delete a service (scale it to 0 first, or --force)", "", []OptSpec{
			clusterOpt(),
			{Name: "service", Complete: "service", Help: "(required unless --service-name) Service name or ARN."},
			{Name: "service-name", Complete: "service", Help: "Same as --service."},
			{Name: "force", Type: Bool, Help: "Delete even if the service has tasks (they are stopped)."},
		}, func(ctx *Ctx, a Args) (Result, error) {
			name, err := serviceArg(a)
			if err != nil {
				return Result{}, err
			}
			sv, err := ctx.Acct.ECS.DeleteService(a.Str("cluster"), name, a.Bool("force"))
			if err != nil {
				return Result{}, err
			}
			return Result{Output: map[string]any{"service": serviceJSON(ctx, sv)}}, nil
		}),
		ecsCmd("list-services", "List service ARNs", "", []OptSpec{
			clusterOpt(),
			{Name: "launch-type", Enum: []string{"EC2", "FARGATE"}, Help: "Only this launch type."},
			{Name: "scheduling-strategy", Enum: []string{"REPLICA", "DAEMON"}, Help: "Only this strategy."},
		}, func(ctx *Ctx, a Args) (Result, error) {
			svcs, err := ctx.Acct.ECS.ListServices(a.Str("cluster"), a.Str("launch-type"), a.Str("scheduling-strategy"))
			if err != nil {
				return Result{}, err
			}
			arns := []string{}
			for _, sv := range svcs {
				arns = append(arns, sv.Arn)
			}
			return Result{Output: map[string]any{"serviceArns": arns}}, nil
		}),
		ecsCmd("describe-services", "Describe services: counts, deployments, events", "", []OptSpec{
			clusterOpt(),
			{Name: "services", Type: List, Complete: "service", Help: "(required) Service names or ARNs."},
			{Name: "include", Type: List, Help: "TAGS (accepted)."},
		}, func(ctx *Ctx, a Args) (Result, error) {
			svcs, fails, err := ctx.Acct.ECS.DescribeServices(a.Str("cluster"), a.List("services"))
			if err != nil {
				return Result{}, err
			}
			out := []any{}
			for _, sv := range svcs {
				out = append(out, serviceJSON(ctx, sv))
			}
			return Result{Output: map[string]any{"services": out, "failures": nonNil(fails)}}, nil
		}),
	}
}

func serviceArg(a Args) (string, error) {
	if a.Has("service") && a.Has("service-name") && a.Str("service") != a.Str("service-name") {
		return "", usagef("give --service or --service-name, not both")
	}
	if a.Has("service") {
		return a.Str("service"), nil
	}
	if a.Has("service-name") {
		return a.Str("service-name"), nil
	}
	return "", usagef("aws: error: the following arguments are required: --service")
}

// serviceInput reads the options shared by create-service and update-service.
func serviceInput(a Args, in *ecs.ServiceInput) error {
	if a.Has("desired-count") {
		n := int(a.Int("desired-count"))
		in.DesiredCount = &n
	}
	strat, cons, err := placementArgs(a)
	if err != nil {
		return err
	}
	in.Strategies, in.StrategiesSet = strat, a.Has("placement-strategy")
	in.Constraints, in.ConstraintsSet = cons, a.Has("placement-constraints")
	if a.Has("deployment-configuration") {
		m, err := parseShorthand(a.Str("deployment-configuration"))
		if err != nil {
			return usagef("Error parsing parameter '--deployment-configuration': %v", err)
		}
		for k, v := range m {
			switch k {
			case "maximumPercent", "minimumHealthyPercent":
				n, err := strconv.Atoi(strings.TrimSuffix(fmt.Sprint(v), ".0"))
				if err != nil {
					return usagef("Parameter validation failed:\nInvalid type for parameter deploymentConfiguration.%s, value: %v, valid types: <class 'int'>", k, v)
				}
				if k == "maximumPercent" {
					in.MaximumPercent = &n
				} else {
					in.MinimumHealthy = &n
				}
			case "deploymentCircuitBreaker":
				cb, ok := v.(map[string]any)
				if !ok {
					return usagef("Parameter validation failed:\nInvalid type for parameter deploymentConfiguration.deploymentCircuitBreaker: expected enable=true|false,rollback=true|false")
				}
				for ck, cv := range cb {
					b, err := strconv.ParseBool(fmt.Sprint(cv))
					if err != nil || (ck != "enable" && ck != "rollback") {
						return usagef("Parameter validation failed:\nInvalid parameter deploymentConfiguration.deploymentCircuitBreaker.%s=%v: use enable=true|false,rollback=true|false", ck, cv)
					}
					if ck == "enable" {
						in.CircuitBreaker = &b
					} else {
						in.Rollback = &b
					}
				}
			case "alarms", "strategy", "bakeTimeInMinutes", "lifecycleHooks":
				// accepted, not simulated
			default:
				return usagef("Parameter validation failed:\nUnknown parameter in deploymentConfiguration: %q, must be one of: deploymentCircuitBreaker, maximumPercent, minimumHealthyPercent, alarms", k)
			}
		}
	}
	return nil
}

func ecsCreateService(ctx *Ctx, a Args) (Result, error) {
	if err := needNetworkConfig(ctx, a); err != nil {
		return Result{}, err
	}
	lt, err := launchTypeArg(a)
	if err != nil {
		return Result{}, err
	}
	in := ecs.ServiceInput{Cluster: a.Str("cluster"), ServiceName: a.Str("service-name"), TaskDefinition: a.Str("task-definition"),
		LaunchType: lt, SchedulingStrategy: a.Str("scheduling-strategy"), ClientToken: a.Str("client-token")}
	if err := serviceInput(a, &in); err != nil {
		return Result{}, err
	}
	sv, err := ctx.Acct.ECS.CreateService(in)
	if err != nil {
		return Result{}, err
	}
	return Result{Output: map[string]any{"service": serviceJSON(ctx, sv)}}, nil
}

func ecsUpdateService(ctx *Ctx, a Args) (Result, error) {
	name, err := serviceArg(a)
	if err != nil {
		return Result{}, err
	}
	in := ecs.ServiceInput{Cluster: a.Str("cluster"), ServiceName: name, TaskDefinition: a.Str("task-definition"),
		ForceNewDeployment: a.Bool("force-new-deployment")}
	if err := serviceInput(a, &in); err != nil {
		return Result{}, err
	}
	sv, err := ctx.Acct.ECS.UpdateService(in)
	if err != nil {
		return Result{}, err
	}
	return Result{Output: map[string]any{"service": serviceJSON(ctx, sv)}}, nil
}
