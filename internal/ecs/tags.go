package ecs

import "strings"

// CapacityProviderItem is one entry of a capacity provider strategy
// (API_CapacityProviderStrategyItem.html).
type CapacityProviderItem struct {
	CapacityProvider string `json:"capacityProvider"`
	Weight           int    `json:"weight"`
	Base             int    `json:"base"`
}

// PutClusterCapacityProviders records a cluster's capacity providers and
// default strategy (API_PutClusterCapacityProviders.html). The simulator
// knows the two AWS-managed providers, FARGATE and FARGATE_SPOT; it records
// them and places tasks by launch type as before.
func (s *Sim) PutClusterCapacityProviders(cluster string, providers []string, strategy []CapacityProviderItem) (*Cluster, error) {
	c, err := s.Cluster(cluster)
	if err != nil {
		return nil, err
	}
	for _, p := range providers {
		if p != "FARGATE" && p != "FARGATE_SPOT" {
			return nil, invalidf("The specified capacity provider '%s' is not in an ACTIVE state. Specify a valid capacity provider and try again. (The simulator knows FARGATE and FARGATE_SPOT.)", clip(p))
		}
	}
	for _, it := range strategy {
		found := false
		for _, p := range providers {
			found = found || p == it.CapacityProvider
		}
		if !found {
			return nil, invalidf("The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.")
		}
		if it.Weight < 0 || it.Weight > 1000 || it.Base < 0 || it.Base > 100000 {
			return nil, invalidf("Capacity provider strategy weight must be 0-1000 and base 0-100000.")
		}
	}
	c.CapacityProviders = append([]string(nil), providers...)
	c.DefaultCapacityProviderStrategy = append([]CapacityProviderItem(nil), strategy...)
	return c, nil
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// resourceExists reports whether an ECS ARN names a resource the simulator
// holds (cluster, service, task, task definition, container instance).
func (s *Sim) resourceExists(arn string) bool {
	kind, rest, ok := strings.Cut(strings.TrimPrefix(arn, "arn:aws:ecs:"+Region+":"+AccountID+":"), "/")
	if !ok {
		return false
	}
	// inCluster looks up CLUSTER/ID with find.
	inCluster := func(find func(c *Cluster, id string) bool) bool {
		cl, id, ok := strings.Cut(rest, "/")
		if !ok {
			return false
		}
		c, err := s.Cluster(cl)
		return err == nil && find(c, id)
	}
	switch kind {
	case "cluster":
		_, ok := s.ClusterAny(rest)
		return ok
	case "service":
		cl, name, ok := strings.Cut(rest, "/")
		if !ok {
			return false
		}
		_, err := s.Service(cl, name)
		return err == nil
	case "task":
		return inCluster(func(c *Cluster, id string) bool { _, ok := c.Task(id); return ok })
	case "task-definition":
		_, err := s.TaskDefinition(rest)
		return err == nil
	case "container-instance":
		return inCluster(func(c *Cluster, id string) bool { _, ok := c.ContainerInstance(id); return ok })
	}
	return false
}

// TagResource adds or replaces tags on a resource (API_TagResource.html).
func (s *Sim) TagResource(arn string, tags []Tag) error {
	if !s.resourceExists(arn) {
		return &NotFound{"InvalidParameterException", "The specified resource is not valid."}
	}
	cur := s.ResourceTagsOrNil(arn)
	for _, t := range tags {
		replaced := false
		for i := range cur {
			if cur[i].Key == t.Key {
				cur[i].Value, replaced = t.Value, true
			}
		}
		if !replaced {
			cur = append(cur, t)
		}
	}
	if err := checkTags(cur); err != nil {
		return err
	}
	if c, ok := s.clusterByArn(arn); ok {
		c.Tags = cur
		return nil
	}
	if s.tags == nil {
		s.tags = map[string][]Tag{}
	}
	s.tags[arn] = cur
	return nil
}

// ResourceTags lists a resource's tags (API_ListTagsForResource.html).
func (s *Sim) ResourceTags(arn string) ([]Tag, error) {
	if !s.resourceExists(arn) {
		return nil, &NotFound{"InvalidParameterException", "The specified resource is not valid."}
	}
	return s.ResourceTagsOrNil(arn), nil
}

// ResourceTagsOrNil is a copy of a resource's tags.
func (s *Sim) ResourceTagsOrNil(arn string) []Tag {
	if c, ok := s.clusterByArn(arn); ok {
		return append([]Tag(nil), c.Tags...)
	}
	return append([]Tag(nil), s.tags[arn]...)
}

func (s *Sim) clusterByArn(arn string) (*Cluster, bool) {
	name, ok := strings.CutPrefix(arn, "arn:aws:ecs:"+Region+":"+AccountID+":cluster/")
	if !ok {
		return nil, false
	}
	return s.ClusterAny(name)
}
