package docker

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Lifecycle policies
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html,
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html,
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html).
//
// ECR evaluates a policy periodically and says to "expect that images
// become expired within 24 hours after they meet the expiration
// criteria". The simulator's schedule is a TEACHING FIGURE: a repository's
// policy is evaluated every LifecycleInterval of simulated time, counted
// from when the policy was put. Evaluations are applied lazily, in order,
// before anything reads or changes the registry, so the result is the
// same as evaluating on the schedule.
//
// What is simulated: action "expire" with countType imageCountMoreThan,
// or sinceImagePushed with countUnit days; tagStatus tagged (with
// tagPrefixList: an image is selected when every prefix matches one of
// its tags), untagged and any. Rules are applied in rulePriority order,
// lowest first; an image a rule's tag selection matches is not considered
// by any later rule, so each image is expired by one rule or none.
// tagPatternList, sinceImagePulled, storage classes and the transition
// action are refused as not simulated.

// LifecycleInterval is the simulator's evaluation interval (see above).
const LifecycleInterval = 24 * time.Hour

type lcRule struct {
	RulePriority *int   `json:"rulePriority"`
	Description  string `json:"description"`
	Selection    struct {
		TagStatus      string   `json:"tagStatus"`
		TagPrefixList  []string `json:"tagPrefixList"`
		TagPatternList []string `json:"tagPatternList"`
		StorageClass   string   `json:"storageClass"`
		CountType      string   `json:"countType"`
		CountUnit      string   `json:"countUnit"`
		CountNumber    *int     `json:"countNumber"`
	} `json:"selection"`
	Action struct {
		Type string `json:"type"`
	} `json:"action"`
}

func lcInvalid(reason string) error {
	return &RegistryError{"InvalidParameterException", "Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: " + reason + "'"}
}

// parseLifecycle checks a policy by the rules of the properties page and
// returns its rules sorted by rulePriority.
func parseLifecycle(text string) ([]lcRule, error) {
	var p struct {
		Rules []lcRule `json:"rules"`
	}
	if err := json.Unmarshal([]byte(text), &p); err != nil || len(p.Rules) == 0 {
		return nil, lcInvalid(`the policy must be JSON with a non-empty "rules" list`)
	}
	seen := map[int]bool{}
	for i, r := range p.Rules {
		s := r.Selection
		switch {
		case r.RulePriority == nil || *r.RulePriority < 1:
			return nil, lcInvalid(fmt.Sprintf("rule %d: rulePriority must be an integer of at least 1", i+1))
		case seen[*r.RulePriority]:
			return nil, lcInvalid(fmt.Sprintf("rulePriority %d is used by more than one rule; each rule needs a unique rulePriority", *r.RulePriority))
		case r.Action.Type != "expire":
			return nil, lcInvalid(fmt.Sprintf("rule %d: action type %q is not simulated (expire is)", *r.RulePriority, r.Action.Type))
		case len(s.TagPatternList) > 0 || s.StorageClass != "" && s.StorageClass != "standard":
			return nil, lcInvalid(fmt.Sprintf("rule %d: tagPatternList and storage classes are not simulated (tagPrefixList is)", *r.RulePriority))
		case s.TagStatus != "tagged" && s.TagStatus != "untagged" && s.TagStatus != "any":
			return nil, lcInvalid(fmt.Sprintf("rule %d: tagStatus must be tagged, untagged or any", *r.RulePriority))
		case s.TagStatus == "tagged" && len(s.TagPrefixList) == 0:
			return nil, lcInvalid(fmt.Sprintf("rule %d: a rule with tagStatus tagged must have a tagPrefixList", *r.RulePriority))
		case s.TagStatus != "tagged" && len(s.TagPrefixList) > 0:
			return nil, lcInvalid(fmt.Sprintf("rule %d: tagPrefixList is only for tagStatus tagged", *r.RulePriority))
		case s.CountNumber == nil || *s.CountNumber < 1:
			return nil, lcInvalid(fmt.Sprintf("rule %d: countNumber must be an integer of at least 1", *r.RulePriority))
		case s.CountType == "imageCountMoreThan" && s.CountUnit != "":
			return nil, lcInvalid(fmt.Sprintf("rule %d: countUnit is not allowed with imageCountMoreThan", *r.RulePriority))
		case s.CountType == "sinceImagePushed" && s.CountUnit != "days":
			return nil, lcInvalid(fmt.Sprintf("rule %d: sinceImagePushed needs countUnit days", *r.RulePriority))
		case s.CountType != "imageCountMoreThan" && s.CountType != "sinceImagePushed":
			return nil, lcInvalid(fmt.Sprintf("rule %d: countType must be imageCountMoreThan or sinceImagePushed (others are not simulated)", *r.RulePriority))
		}
		seen[*r.RulePriority] = true
	}
	sort.SliceStable(p.Rules, func(i, j int) bool { return *p.Rules[i].RulePriority < *p.Rules[j].RulePriority })
	if n := len(p.Rules); n > 1 {
		for _, r := range p.Rules[:n-1] {
			if r.Selection.TagStatus == "any" {
				return nil, lcInvalid("a rule with tagStatus any must have the highest rulePriority")
			}
		}
	}
	return p.Rules, nil
}

func (r lcRule) selects(im *RepoImage) bool {
	switch r.Selection.TagStatus {
	case "untagged":
		return len(im.Tags) == 0
	case "tagged":
		for _, p := range r.Selection.TagPrefixList {
			ok := false
			for _, t := range im.Tags {
				if strings.HasPrefix(t, p) {
					ok = true
				}
			}
			if !ok {
				return false
			}
		}
		return len(im.Tags) > 0
	}
	return true
}

// applyLifecycle runs every evaluation due by now, oldest first.
func (r *Registry) applyLifecycle() {
	now := r.now()
	for _, repo := range r.repos {
		if repo.lifecycle == nil {
			continue
		}
		for repo.lcEvaluated+LifecycleInterval <= now {
			repo.lcEvaluated += LifecycleInterval
			repo.evaluate(repo.lcEvaluated)
		}
	}
}

// evaluate applies the policy as it stands at simulated time at.
func (repo *Repository) evaluate(at time.Duration) {
	// Newest push first; at the same time, the later push first.
	var imgs []*RepoImage
	for i := len(repo.images) - 1; i >= 0; i-- {
		if repo.images[i].PushedAt <= at {
			imgs = append(imgs, repo.images[i])
		}
	}
	sort.SliceStable(imgs, func(i, j int) bool { return imgs[i].PushedAt > imgs[j].PushedAt })
	considered := map[*RepoImage]bool{}
	var expire []*RepoImage
	for _, rule := range repo.lifecycle {
		var matched []*RepoImage
		for _, im := range imgs {
			if !considered[im] && rule.selects(im) {
				matched = append(matched, im)
				considered[im] = true
			}
		}
		n := *rule.Selection.CountNumber
		switch rule.Selection.CountType {
		case "imageCountMoreThan":
			if len(matched) > n {
				expire = append(expire, matched[n:]...)
			}
		case "sinceImagePushed":
			for _, im := range matched {
				if at-im.PushedAt > time.Duration(n)*24*time.Hour {
					expire = append(expire, im)
				}
			}
		}
	}
	for _, im := range expire {
		repo.delete(im)
	}
	repo.Expired += len(expire)
	repo.LastEvaluated = at
}
