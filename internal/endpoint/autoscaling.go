package endpoint

import (
	"net/http"
	"strings"

	"github.com/cloudlab/cloudlab/internal/awsshape"
	"github.com/cloudlab/cloudlab/internal/cloud"
	"github.com/cloudlab/cloudlab/internal/ecs"
)

// Application Auto Scaling over JSON 1.1 (X-Amz-Target
// AnyScaleFrontendService.*) for ecs:service:DesiredCount, on the same
// internal/ecs calls as the lab shell's `aws application-autoscaling ...`.
// https://docs.aws.amazon.com/autoscaling/application/APIReference/API_Operations.html

// AASOperations are the Application Auto Scaling operations served.
var AASOperations = []string{"RegisterScalableTarget", "DescribeScalableTargets", "PutScalingPolicy",
	"DescribeScalingPolicies", "DescribeScalingActivities", "DeleteScalingPolicy"}

type aasInput struct {
	ServiceNamespace  string   `json:"ServiceNamespace"`
	ResourceID        string   `json:"ResourceId"`
	ResourceIDs       []string `json:"ResourceIds"`
	ScalableDimension string   `json:"ScalableDimension"`
	MinCapacity       *int     `json:"MinCapacity"`
	MaxCapacity       *int     `json:"MaxCapacity"`
	PolicyName        string   `json:"PolicyName"`
	PolicyNames       []string `json:"PolicyNames"`
	PolicyType        string   `json:"PolicyType"`
	TargetTracking    *struct {
		TargetValue      *float64 `json:"TargetValue"`
		PredefinedMetric *struct {
			PredefinedMetricType string `json:"PredefinedMetricType"`
		} `json:"PredefinedMetricSpecification"`
		Customized       any   `json:"CustomizedMetricSpecification"`
		ScaleOutCooldown *int  `json:"ScaleOutCooldown"`
		ScaleInCooldown  *int  `json:"ScaleInCooldown"`
		DisableScaleIn   *bool `json:"DisableScaleIn"`
	} `json:"TargetTrackingScalingPolicyConfiguration"`
	Step       map[string]any `json:"StepScalingPolicyConfiguration"`
	MaxResults int            `json:"MaxResults"`
	NextToken  string         `json:"NextToken"`
}

func validation(msg string) *apiError {
	return &apiError{Status: 400, Code: "ValidationException", Message: msg, JSON11: true}
}

func (s *Server) serveAAS(w http.ResponseWriter, r *http.Request, c *call, op string) {
	c.op = "AAS." + op
	if !containsStr(AASOperations, op) {
		writeError(w, &apiError{Status: 400, Code: "UnknownOperationException", Message: "The cloudlab endpoint does not serve the Application Auto Scaling operation " + Sanitize(trunc(op, 60)) + " (see docs/endpoint.md).", JSON11: true})
		return
	}
	var in aasInput
	if e := json11Check(r, c.body, &in); e != nil {
		writeError(w, e)
		return
	}
	c.function = in.ResourceID
	if in.ServiceNamespace == "" {
		writeError(w, validation("ServiceNamespace is required."))
		return
	}
	if in.ServiceNamespace != "ecs" {
		writeError(w, validation("Unsupported service namespace "+Sanitize(trunc(in.ServiceNamespace, 40))+": the cloudlab endpoint supports ecs."))
		return
	}
	if in.ScalableDimension != "" && in.ScalableDimension != "ecs:service:DesiredCount" {
		writeError(w, validation("Unsupported scalable dimension: for ECS use ecs:service:DesiredCount."))
		return
	}
	var out any
	err := s.world.Do(func(a *cloud.Account) error {
		var err error
		out, err = s.aasOp(a.ECS, op, &in)
		return err
	})
	if err != nil {
		writeError(w, domainError(err, true))
		return
	}
	writeJSON11(w, out)
}

func (s *Server) aasOp(e *ecs.Sim, op string, in *aasInput) (any, error) {
	ts := s.wireTime
	pageAny := func(key string, items []any, limit int) (any, error) {
		p, next, err := page(items, in.MaxResults, in.NextToken, limit)
		if err != nil {
			err.Code = "InvalidNextTokenException"
			return nil, err
		}
		out := map[string]any{key: p}
		if next != "" {
			out["NextToken"] = next
		}
		return out, nil
	}
	switch op {
	case "RegisterScalableTarget":
		if in.ResourceID == "" || in.ScalableDimension == "" {
			return nil, validation("ResourceId and ScalableDimension are required.")
		}
		t, err := e.RegisterScalableTarget(in.ServiceNamespace, in.ResourceID, in.ScalableDimension, in.MinCapacity, in.MaxCapacity)
		if err != nil {
			return nil, err
		}
		return map[string]any{"ScalableTargetARN": awsshape.ScalableTargetARN(t)}, nil
	case "DescribeScalableTargets":
		out := []any{}
		for _, t := range e.ScalableTargets() {
			if len(in.ResourceIDs) > 0 && !containsStr(in.ResourceIDs, t.ResourceID) {
				continue
			}
			out = append(out, awsshape.ScalableTarget(t, ts))
		}
		return pageAny("ScalableTargets", out, 50)
	case "PutScalingPolicy":
		if in.PolicyName == "" || in.ResourceID == "" || in.ScalableDimension == "" {
			return nil, validation("PolicyName, ResourceId and ScalableDimension are required.")
		}
		pi := ecs.PolicyInput{PolicyName: in.PolicyName, ResourceID: in.ResourceID, PolicyType: in.PolicyType, Step: in.Step}
		if pi.PolicyType == "" {
			pi.PolicyType = "StepScaling" // the API's default
		}
		if pi.PolicyType == "TargetTrackingScaling" {
			tt := in.TargetTracking
			if tt == nil || tt.TargetValue == nil {
				return nil, validation("TargetTrackingScalingPolicyConfiguration with a TargetValue is required for a policy of type TargetTrackingScaling.")
			}
			if tt.Customized != nil {
				return nil, validation("The cloudlab endpoint supports PredefinedMetricSpecification only (ECSServiceAverageCPUUtilization, ECSServiceAverageMemoryUtilization).")
			}
			pi.TargetValue = *tt.TargetValue
			if tt.PredefinedMetric != nil {
				pi.MetricType = tt.PredefinedMetric.PredefinedMetricType
			}
			pi.ScaleOutCooldown, pi.ScaleInCooldown = tt.ScaleOutCooldown, tt.ScaleInCooldown
			if tt.DisableScaleIn != nil {
				pi.DisableScaleIn = *tt.DisableScaleIn
			}
		}
		p, err := e.PutScalingPolicy(pi)
		if err != nil {
			return nil, err
		}
		return map[string]any{"PolicyARN": p.PolicyARN, "Alarms": awsshape.Alarms(p)}, nil
	case "DescribeScalingPolicies":
		out := []any{}
		for _, p := range e.Policies() {
			if in.ResourceID != "" && p.ResourceID != in.ResourceID || len(in.PolicyNames) > 0 && !containsStr(in.PolicyNames, p.PolicyName) {
				continue
			}
			out = append(out, awsshape.ScalingPolicy(p, ts, nil))
		}
		return pageAny("ScalingPolicies", out, 50)
	case "DescribeScalingActivities":
		out := []any{}
		for _, act := range e.ScalingActivities(in.ResourceID) {
			out = append(out, awsshape.ScalingActivity(act, ts))
		}
		return pageAny("ScalingActivities", out, 50)
	case "DeleteScalingPolicy":
		if in.PolicyName == "" || in.ResourceID == "" {
			return nil, validation("PolicyName and ResourceId are required.")
		}
		if err := e.DeleteScalingPolicy(in.PolicyName, in.ResourceID); err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	}
	return nil, validation("unknown operation " + strings.TrimSpace(op))
}
