package ecs

import (
	"sort"
	"strconv"
	"strings"
)

// RegisterTaskDefinition registers a parsed definition as the family's next
// revision.
func (s *Sim) RegisterTaskDefinition(td *TaskDefinition) (*TaskDefinition, error) {
	if td == nil || td.Family == "" {
		return nil, clientf("Family should not be null or empty.")
	}
	revs := s.families[td.Family]
	if revs == nil {
		s.familyOrder = append(s.familyOrder, td.Family)
	}
	td.Revision = len(revs) + 1
	td.Arn = arn("task-definition", td.FamilyRevision())
	td.Status = "ACTIVE"
	td.RegisteredAt = s.k.Now()
	td.DeregisteredAt = -1
	s.families[td.Family] = append(revs, td)
	s.emit(Event{Kind: "task-definition", Message: "registered task definition " + td.FamilyRevision()})
	return td, nil
}

// RegisterTaskDefinitionJSON parses and registers --cli-input-json input.
func (s *Sim) RegisterTaskDefinitionJSON(data []byte) (*TaskDefinition, error) {
	td, err := ParseTaskDefinitionJSON(data)
	if err != nil {
		return nil, err
	}
	return s.RegisterTaskDefinition(td)
}

// TaskDefinition resolves "family" (latest ACTIVE revision), "family:N" or
// a task-definition ARN. Inactive revisions resolve by explicit revision.
func (s *Sim) TaskDefinition(ref string) (*TaskDefinition, error) {
	r := ref
	if strings.HasPrefix(r, "arn:") {
		i := strings.LastIndex(r, "task-definition/")
		if i < 0 {
			return nil, clientf("Unable to describe task definition.")
		}
		r = r[i+len("task-definition/"):]
	}
	fam, revStr, hasRev := strings.Cut(r, ":")
	revs := s.families[fam]
	if len(revs) == 0 {
		return nil, clientf("Unable to describe task definition.")
	}
	if !hasRev {
		for i := len(revs) - 1; i >= 0; i-- {
			if revs[i].Status == "ACTIVE" {
				return revs[i], nil
			}
		}
		return nil, clientf("Unable to describe task definition.")
	}
	n, err := strconv.Atoi(revStr)
	if err != nil || n < 1 || n > len(revs) {
		return nil, clientf("Unable to describe task definition.")
	}
	return revs[n-1], nil
}

// DeregisterTaskDefinition marks a revision INACTIVE: running tasks and
// services keep it; new run-task/create-service calls cannot use it.
func (s *Sim) DeregisterTaskDefinition(ref string) (*TaskDefinition, error) {
	if !strings.Contains(ref, ":") {
		return nil, invalidf("Invalid revision number. Number: %s", ref)
	}
	td, err := s.TaskDefinition(ref)
	if err != nil {
		return nil, clientf("The specified task definition does not exist.")
	}
	if td.Status != "INACTIVE" {
		td.Status = "INACTIVE"
		td.DeregisteredAt = s.k.Now()
		s.emit(Event{Kind: "task-definition", Message: "deregistered task definition " + td.FamilyRevision()})
	}
	return td, nil
}

// ListTaskDefinitions lists ARNs, optionally for one family prefix and
// status (ACTIVE default), ascending or descending ("DESC").
func (s *Sim) ListTaskDefinitions(familyPrefix, status, sortOrder string) ([]string, error) {
	if status == "" {
		status = "ACTIVE"
	}
	if status != "ACTIVE" && status != "INACTIVE" && status != "DELETE_IN_PROGRESS" {
		return nil, invalidf("Invalid status %q: must be ACTIVE, INACTIVE or DELETE_IN_PROGRESS.", status)
	}
	fams := append([]string(nil), s.familyOrder...)
	sort.Strings(fams)
	var out []string
	for _, f := range fams {
		if familyPrefix != "" && !strings.HasPrefix(f, familyPrefix) {
			continue
		}
		for _, td := range s.families[f] {
			if td.Status == status {
				out = append(out, td.Arn)
			}
		}
	}
	if strings.EqualFold(sortOrder, "DESC") {
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
	return out, nil
}

// ListTaskDefinitionFamilies lists family names.
func (s *Sim) ListTaskDefinitionFamilies() []string {
	out := append([]string(nil), s.familyOrder...)
	sort.Strings(out)
	return out
}

// Describe returns the AWS-shaped taskDefinition object: the input JSON
// plus the fields ECS adds.
func (td *TaskDefinition) Describe() map[string]any {
	out := map[string]any{}
	for k, v := range td.Raw {
		out[k] = v
	}
	out["taskDefinitionArn"] = td.Arn
	out["family"] = td.Family
	out["revision"] = td.Revision
	out["status"] = td.Status
	out["networkMode"] = td.NetworkMode
	out["compatibilities"] = td.Compatibilities
	if td.RequiresCompatibilities != nil {
		out["requiresCompatibilities"] = td.RequiresCompatibilities
	}
	if td.CPUString != "" {
		out["cpu"] = td.CPUString
	}
	if td.MemoryString != "" {
		out["memory"] = td.MemoryString
	}
	var reqAttrs []map[string]string
	if td.NetworkMode == "awsvpc" {
		reqAttrs = append(reqAttrs, map[string]string{"name": "ecs.capability.task-eni"})
	}
	if reqAttrs != nil {
		out["requiresAttributes"] = reqAttrs
	}
	out["registeredAt"] = fmtTime(td.RegisteredAt)
	out["registeredBy"] = "arn:aws:iam::" + AccountID + ":root"
	if td.Status == "INACTIVE" && td.DeregisteredAt >= 0 {
		out["deregisteredAt"] = fmtTime(td.DeregisteredAt)
	}
	// Defaults ECS fills in for each container.
	if cds, ok := out["containerDefinitions"].([]any); ok {
		norm := make([]any, len(cds))
		for i, c := range cds {
			m, ok := c.(map[string]any)
			if !ok {
				norm[i] = c
				continue
			}
			cm := map[string]any{}
			for k, v := range m {
				cm[k] = v
			}
			if _, ok := cm["essential"]; !ok {
				cm["essential"] = true
			}
			if _, ok := cm["cpu"]; !ok {
				cm["cpu"] = 0
			}
			for _, k := range []string{"portMappings", "environment", "mountPoints", "volumesFrom"} {
				if _, ok := cm[k]; !ok {
					cm[k] = []any{}
				}
			}
			if pms, ok := cm["portMappings"].([]any); ok && i < len(td.Containers) {
				out := make([]any, len(pms))
				for j := range pms {
					if j < len(td.Containers[i].PortMappings) {
						pm := td.Containers[i].PortMappings[j]
						hp := pm.HostPort
						if td.NetworkMode == "awsvpc" || td.NetworkMode == "host" {
							hp = pm.ContainerPort
						}
						out[j] = map[string]any{"containerPort": pm.ContainerPort, "hostPort": hp, "protocol": pm.Protocol}
					}
				}
				cm["portMappings"] = out
			}
			norm[i] = cm
		}
		out["containerDefinitions"] = norm
	}
	if _, ok := out["volumes"]; !ok {
		out["volumes"] = []any{}
	}
	if _, ok := out["placementConstraints"]; !ok {
		out["placementConstraints"] = []any{}
	}
	return out
}
