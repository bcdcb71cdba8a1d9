package shell

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/cloudlab/cloudlab/internal/awsshape"

	"github.com/cloudlab/cloudlab/internal/ecs"
)

// The `aws application-autoscaling` commands (Service Auto Scaling for ECS
// services, target tracking).

func nsOpt() OptSpec {
	return OptSpec{Name: "service-namespace", Required: true, Enum: []string{"ecs"}, Help: "ecs (the only namespace simulated)."}
}

func dimOpt(required bool) OptSpec {
	return OptSpec{Name: "scalable-dimension", Required: required, Enum: []string{"ecs:service:DesiredCount"}, Help: "ecs:service:DesiredCount."}
}

func ridOpt(required bool) OptSpec {
	return OptSpec{Name: "resource-id", Required: required, Help: "service/<cluster>/<service>."}
}

func autoscalingCommands() []Command {
	return []Command{
		{
			Service: "application-autoscaling", Operation: "register-scalable-target",
			Summary: "Let Service Auto Scaling change a service's desired count between min and max",
			Options: []OptSpec{nsOpt(), dimOpt(true), ridOpt(true),
				{Name: "min-capacity", Type: Int, Help: "Lowest desired count."},
				{Name: "max-capacity", Type: Int, Help: "Highest desired count."},
				{Name: "role-arn", Help: "IAM role (accepted)."},
				{Name: "tags", Help: "Tags (accepted)."},
			},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				var lo, hi *int
				if a.Has("min-capacity") {
					n := int(a.Int("min-capacity"))
					lo = &n
				}
				if a.Has("max-capacity") {
					n := int(a.Int("max-capacity"))
					hi = &n
				}
				t, err := ctx.Acct.ECS.RegisterScalableTarget(a.Str("service-namespace"), a.Str("resource-id"), a.Str("scalable-dimension"), lo, hi)
				if err != nil {
					return Result{}, err
				}
				return Result{Output: map[string]any{"ScalableTargetARN": "arn:aws:application-autoscaling:" + ecs.Region + ":" + ecs.AccountID + ":scalable-target/ecs/" + t.ResourceID}}, nil
			},
		},
		{
			Service: "application-autoscaling", Operation: "describe-scalable-targets", Summary: "List scalable targets",
			Options: []OptSpec{nsOpt(), {Name: "resource-ids", Type: List, Help: "Only these resources."}, dimOpt(false)},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				want := map[string]bool{}
				for _, r := range a.List("resource-ids") {
					want[r] = true
				}
				out := []any{}
				for _, t := range ctx.Acct.ECS.ScalableTargets() {
					if len(want) > 0 && !want[t.ResourceID] {
						continue
					}
					m := awsshape.ScalableTarget(t, cliTime)
					delete(m, "ScalableTargetARN") // as the CLI prints it
					out = append(out, m)
				}
				return Result{Output: map[string]any{"ScalableTargets": out}}, nil
			},
		},
		{
			Service: "application-autoscaling", Operation: "put-scaling-policy",
			Summary: "Create a target-tracking policy (ECSServiceAverageCPUUtilization or ...MemoryUtilization)",
			Options: []OptSpec{nsOpt(), dimOpt(true), ridOpt(true),
				{Name: "policy-name", Required: true, Help: "Policy name."},
				{Name: "policy-type", Enum: []string{"TargetTrackingScaling", "StepScaling"}, Default: "StepScaling", Help: "TargetTrackingScaling (acts on the simulated metrics) or StepScaling (recorded)."},
				{Name: "step-scaling-policy-configuration", Help: "JSON: AdjustmentType, StepAdjustments, Cooldown (recorded; a step policy acts only when a CloudWatch alarm invokes it, and the simulator has none)."},
				{Name: "target-tracking-scaling-policy-configuration", Help: "JSON or shorthand: TargetValue=50,PredefinedMetricSpecification={PredefinedMetricType=ECSServiceAverageCPUUtilization},ScaleOutCooldown=300,ScaleInCooldown=300."},
			},
			Run: asPutScalingPolicy,
		},
		{
			Service: "application-autoscaling", Operation: "describe-scaling-policies", Summary: "List scaling policies",
			Options: []OptSpec{nsOpt(), ridOpt(false), dimOpt(false), {Name: "policy-names", Type: List, Help: "Only these policies."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				names := map[string]bool{}
				for _, n := range a.List("policy-names") {
					names[n] = true
				}
				out := []any{}
				for _, p := range ctx.Acct.ECS.Policies() {
					if (a.Has("resource-id") && p.ResourceID != a.Str("resource-id")) || (len(names) > 0 && !names[p.PolicyName]) {
						continue
					}
					out = append(out, awsshape.ScalingPolicy(p, cliTime, nil))
				}
				return Result{Output: map[string]any{"ScalingPolicies": out}}, nil
			},
		},
		{
			Service: "application-autoscaling", Operation: "describe-scaling-activities", Summary: "What auto scaling did, newest first",
			Options: []OptSpec{nsOpt(), ridOpt(false), dimOpt(false), {Name: "max-items", Type: Int, Help: "At most this many."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				out := []any{}
				for _, act := range ctx.Acct.ECS.ScalingActivities(a.Str("resource-id")) {
					if a.Has("max-items") && len(out) >= int(a.Int("max-items")) {
						break
					}
					out = append(out, awsshape.ScalingActivity(act, cliTime))
				}
				return Result{Output: map[string]any{"ScalingActivities": out}}, nil
			},
		},
	}
}

func alarmsJSON(p *ecs.ScalingPolicy) []any { return awsshape.Alarms(p) }

func asPutScalingPolicy(ctx *Ctx, a Args) (Result, error) {
	in := ecs.PolicyInput{PolicyName: a.Str("policy-name"), ResourceID: a.Str("resource-id"), PolicyType: a.Str("policy-type")}
	if in.PolicyType == "" {
		in.PolicyType = "StepScaling"
	}
	if in.PolicyType == "StepScaling" {
		// Recorded (and described) as AWS does; it acts only when a
		// CloudWatch alarm invokes it, and the simulator has no alarms.
		if a.Has("step-scaling-policy-configuration") {
			if err := json.Unmarshal([]byte(a.Str("step-scaling-policy-configuration")), &in.Step); err != nil {
				return Result{}, usagef("Error parsing parameter '--step-scaling-policy-configuration': Invalid JSON: %v", err)
			}
		}
		p, err := ctx.Acct.ECS.PutScalingPolicy(in)
		if err != nil {
			return Result{}, err
		}
		return Result{Output: map[string]any{"PolicyARN": p.PolicyARN, "Alarms": alarmsJSON(p)}}, nil
	}
	if in.PolicyType != "TargetTrackingScaling" {
		return Result{}, &AWSError{Code: "ValidationException", Message: "The simulator implements TargetTrackingScaling and StepScaling policies.", StatusCode: 400}
	}
	if !a.Has("target-tracking-scaling-policy-configuration") {
		return Result{}, &AWSError{Code: "ValidationException", Message: "TargetTrackingScalingPolicyConfiguration is required for a policy of type TargetTrackingScaling.", StatusCode: 400}
	}
	m, err := parseShorthand(a.Str("target-tracking-scaling-policy-configuration"))
	if err != nil {
		return Result{}, usagef("Error parsing parameter '--target-tracking-scaling-policy-configuration': %v", err)
	}
	for k, v := range m {
		switch k {
		case "TargetValue":
			f, err := strconv.ParseFloat(fmt.Sprint(v), 64)
			if err != nil {
				return Result{}, usagef("Parameter validation failed:\nInvalid type for parameter TargetTrackingScalingPolicyConfiguration.TargetValue, value: %v, valid types: <class 'float'>", v)
			}
			in.TargetValue = f
		case "PredefinedMetricSpecification":
			pm, _ := v.(map[string]any)
			in.MetricType = str(pm, "PredefinedMetricType")
		case "ScaleOutCooldown", "ScaleInCooldown":
			n, err := strconv.Atoi(fmt.Sprint(v))
			if err != nil || n < 0 {
				return Result{}, usagef("Parameter validation failed:\nInvalid value for parameter TargetTrackingScalingPolicyConfiguration.%s: %v (seconds)", k, v)
			}
			if k == "ScaleOutCooldown" {
				in.ScaleOutCooldown = &n
			} else {
				in.ScaleInCooldown = &n
			}
		case "DisableScaleIn":
			b, err := strconv.ParseBool(fmt.Sprint(v))
			if err != nil {
				return Result{}, usagef("Parameter validation failed:\nInvalid value for DisableScaleIn: %v", v)
			}
			in.DisableScaleIn = b
		case "CustomizedMetricSpecification":
			return Result{}, &AWSError{Code: "ValidationException", Message: "The simulator supports PredefinedMetricSpecification only (ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization).", StatusCode: 400}
		default:
			return Result{}, usagef("Parameter validation failed:\nUnknown parameter in TargetTrackingScalingPolicyConfiguration: %q, must be one of: TargetValue, PredefinedMetricSpecification, CustomizedMetricSpecification, ScaleOutCooldown, ScaleInCooldown, DisableScaleIn", k)
		}
	}
	p, err := ctx.Acct.ECS.PutScalingPolicy(in)
	if err != nil {
		return Result{}, err
	}
	return Result{Output: map[string]any{"PolicyARN": p.PolicyARN, "Alarms": alarmsJSON(p)}}, nil
}
