package ec2

import (
	"fmt"
	"strings"
)

// FilterNames are the DescribeInstances filters the simulator supports
// (besides tag:KEY and tag-key), as named in
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html.
var FilterNames = []string{"instance-state-name", "instance-type", "availability-zone", "instance-id"}

// Filter is one DescribeInstances filter: an instance matches when its
// value for Name is one of Values.
type Filter struct {
	Name   string
	Values []string
}

// CheckFilter reports an unsupported filter name.
func CheckFilter(name string) error {
	if strings.HasPrefix(name, "tag:") && len(name) > 4 || name == "tag-key" {
		return nil
	}
	for _, n := range FilterNames {
		if n == name {
			return nil
		}
	}
	return &Error{"InvalidParameterValue", fmt.Sprintf("The filter '%s' is invalid (the simulator supports %s, tag:KEY and tag-key)", clipText(name), strings.Join(FilterNames, ", "))}
}

// Match reports whether inst passes every filter.
func Match(inst *Instance, fs []Filter) bool {
	for _, f := range fs {
		var vals []string
		switch {
		case f.Name == "instance-state-name":
			vals = []string{inst.State}
		case f.Name == "instance-type":
			vals = []string{inst.Type.Name}
		case f.Name == "availability-zone":
			vals = []string{inst.AZ}
		case f.Name == "instance-id":
			vals = []string{inst.ID}
		case f.Name == "tag-key":
			for _, t := range inst.Tags {
				vals = append(vals, t.Key)
			}
		case strings.HasPrefix(f.Name, "tag:"):
			for _, t := range inst.Tags {
				if t.Key == f.Name[4:] {
					vals = append(vals, t.Value)
				}
			}
		}
		match := false
		for _, want := range f.Values {
			for _, v := range vals {
				if want == v {
					match = true
				}
			}
		}
		if !match {
			return false
		}
	}
	return true
}

func clipText(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// CreateTags adds tags to instances, overwriting a tag with the same key
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTags.html).
// An instance has at most 50 tags.
func (s *Service) CreateTags(ids []string, tags []Tag) error {
	if err := s.checkIDs(ids); err != nil {
		return err
	}
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 || strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return &Error{"InvalidParameterValue", fmt.Sprintf("Tag key must be 1-128 characters, must not start with aws:, and the value at most 256 characters: %q", clipText(t.Key))}
		}
	}
	for _, id := range ids {
		inst := s.instances[id]
		tagged := append([]Tag(nil), inst.Tags...)
		for _, t := range tags {
			found := false
			for i := range tagged {
				if tagged[i].Key == t.Key {
					tagged[i].Value, found = t.Value, true
				}
			}
			if !found {
				tagged = append(tagged, t)
			}
		}
		if len(tagged) > 50 {
			return &Error{"TagLimitExceeded", fmt.Sprintf("The maximum number of tags for a resource is 50 (%s)", id)}
		}
		inst.Tags = tagged
	}
	return nil
}
