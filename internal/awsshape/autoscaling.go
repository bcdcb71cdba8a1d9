package awsshape

import (
	"strings"

	"github.com/cloudlab/cloudlab/internal/ecs"
)

// Application Auto Scaling objects for ECS services
// (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_Types.html).

// ScalableTarget is the API's ScalableTarget object.
func ScalableTarget(t *ecs.ScalableTarget, ts TimeFunc) map[string]any {
	return map[string]any{"ServiceNamespace": t.ServiceNamespace, "ResourceId": t.ResourceID,
		"ScalableDimension": t.ScalableDimension, "MinCapacity": t.MinCapacity, "MaxCapacity": t.MaxCapacity,
		"ScalableTargetARN": ScalableTargetARN(t),
		"RoleARN":           "arn:aws:iam::" + ecs.AccountID + ":role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService",
		"CreationTime":      ts(t.CreatedAt), "SuspendedState": map[string]bool{"DynamicScalingInSuspended": false, "DynamicScalingOutSuspended": false, "ScheduledScalingSuspended": false}}
}

// ScalableTargetARN is a target's ARN.
func ScalableTargetARN(t *ecs.ScalableTarget) string {
	return "arn:aws:application-autoscaling:" + ecs.Region + ":" + ecs.AccountID + ":scalable-target/ecs/" + t.ResourceID
}

// Alarms are a target-tracking policy's CloudWatch alarms (Alarm objects).
func Alarms(p *ecs.ScalingPolicy) []any {
	out := []any{}
	for _, n := range p.Alarms {
		out = append(out, map[string]string{"AlarmName": n, "AlarmARN": "arn:aws:cloudwatch:" + ecs.Region + ":" + ecs.AccountID + ":alarm:" + n})
	}
	return out
}

// ScalingPolicy is the API's ScalingPolicy object.
func ScalingPolicy(p *ecs.ScalingPolicy, ts TimeFunc, created any) map[string]any {
	m := map[string]any{"PolicyARN": p.PolicyARN, "PolicyName": p.PolicyName, "ServiceNamespace": "ecs",
		"ResourceId": p.ResourceID, "ScalableDimension": "ecs:service:DesiredCount", "PolicyType": p.PolicyType,
		"Alarms": Alarms(p)}
	if created != nil {
		m["CreationTime"] = created
	}
	if p.PolicyType == "StepScaling" {
		m["StepScalingPolicyConfiguration"] = p.Step
		return m
	}
	m["PolicyType"] = "TargetTrackingScaling"
	m["TargetTrackingScalingPolicyConfiguration"] = map[string]any{"TargetValue": p.TargetValue,
		"PredefinedMetricSpecification": map[string]string{"PredefinedMetricType": p.MetricType},
		"ScaleOutCooldown":              int(p.ScaleOutCooldown.Seconds()), "ScaleInCooldown": int(p.ScaleInCooldown.Seconds()),
		"DisableScaleIn": p.DisableScaleIn}
	return m
}

// ScalingActivity is the API's ScalingActivity object.
func ScalingActivity(act *ecs.ScalingActivity, ts TimeFunc) map[string]any {
	return map[string]any{"ActivityId": act.ActivityID, "ServiceNamespace": "ecs", "ResourceId": act.ResourceID,
		"ScalableDimension": "ecs:service:DesiredCount", "Description": act.Description, "Cause": act.Cause,
		"StartTime": ts(act.StartTime), "EndTime": ts(act.EndTime), "StatusCode": act.StatusCode,
		"StatusMessage": "Successfully set desired count to " + strings.TrimSuffix(strings.TrimPrefix(act.Description, "Setting desired count to "), ".") + ". Change successfully fulfilled by ecs."}
}
