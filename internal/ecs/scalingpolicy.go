package ecs

import "fmt"

func (s *Sim) target(resourceID string) *ScalableTarget {
	for _, x := range s.targets {
		if x.ResourceID == resourceID {
			return x
		}
	}
	return nil
}

// putStepPolicy records a step scaling policy
// (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_StepScalingPolicyConfiguration.html).
func (s *Sim) putStepPolicy(in PolicyInput) (*ScalingPolicy, error) {
	if s.target(in.ResourceID) == nil {
		return nil, &NotFound{"ObjectNotFoundException", fmt.Sprintf("No scalable target registered for service namespace: ecs, resource ID: %s, scalable dimension: ecs:service:DesiredCount", in.ResourceID)}
	}
	if in.Step == nil {
		return nil, &NotFound{"ValidationException", "StepScalingPolicyConfiguration is required for a policy of type StepScaling."}
	}
	if _, ok := in.Step["StepAdjustments"]; !ok {
		return nil, &NotFound{"ValidationException", "StepScalingPolicyConfiguration needs StepAdjustments."}
	}
	p := &ScalingPolicy{PolicyName: in.PolicyName, PolicyType: "StepScaling", ResourceID: in.ResourceID, Step: in.Step, Alarms: []string{}}
	id := s.uuid()
	p.PolicyARN = "arn:aws:autoscaling:" + Region + ":" + AccountID + ":scalingPolicy:" + id + ":resource/ecs/" + in.ResourceID + ":policyName/" + in.PolicyName
	s.replacePolicy(p)
	return p, nil
}

func (s *Sim) replacePolicy(p *ScalingPolicy) {
	for i, x := range s.policies {
		if x.ResourceID == p.ResourceID && x.PolicyName == p.PolicyName {
			s.policies = append(s.policies[:i], s.policies[i+1:]...)
			break
		}
	}
	s.policies = append(s.policies, p)
}

// DeleteScalingPolicy removes a policy
// (https://docs.aws.amazon.com/autoscaling/application/APIReference/API_DeleteScalingPolicy.html).
func (s *Sim) DeleteScalingPolicy(name, resourceID string) error {
	for i, x := range s.policies {
		if x.ResourceID == resourceID && x.PolicyName == name {
			s.policies = append(s.policies[:i], s.policies[i+1:]...)
			return nil
		}
	}
	return &NotFound{"ObjectNotFoundException", fmt.Sprintf("No scaling policy found for service namespace: ecs, resource ID: %s, scalable dimension: ecs:service:DesiredCount, policy name: %s", resourceID, name)}
}
