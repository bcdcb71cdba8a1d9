package ecs

import (
	"errors"
	"testing"
)

func TestQueryLanguage(t *testing.T) {
	inst := cand("i-0abc", "us-east-1a", "t3.medium", 2048, 3000, map[string]int{"service:db": 1, "family:web": 2})
	inst.Attrs["stack"] = "prod"
	inst.Attrs["gpu"] = ""
	cases := []struct {
		expr string
		want bool
	}{
		{"attribute:ecs.instance-type == t3.medium", true},
		{"attribute:ecs.instance-type != t3.medium", false},
		{"attribute:ecs.instance-type =~ t3.*", true},
		{"attribute:ecs.instance-type =~ m5.*", false},
		{"attribute:ecs.instance-type !~ m5.*", true},
		{"attribute:ecs.availability-zone in [us-east-1a, us-east-1b]", true},
		{"attribute:ecs.availability-zone !in [us-east-1a, us-east-1b]", false},
		{"attribute:ecs.availability-zone in ['us-east-1c']", false},
		{"attribute:stack exists", true},
		{"attribute:gpu exists", true},
		{"attribute:color exists", false},
		{"attribute:color !exists", true},
		{"attribute:color != blue", true},
		{"attribute:color == blue", false},
		{"ec2InstanceId == i-0abc", true},
		{"ec2InstanceId in ['i-0abc', 'i-0def']", true},
		{"runningTasksCount == 3", true},
		{"runningTasksCount > 2", true},
		{"runningTasksCount >= 4", false},
		{"runningTasksCount < 10", true},
		{"runningTasksCount <= 2", false},
		{"task:group == service:db", true},
		{"task:group == service:cache", false},
		{"not(task:group == service:cache)", true},
		{"not (task:group == service:db)", false},
		{"task:group != service:db", false},
		{"task:group =~ family:*", true},
		{"attribute:ecs.instance-type =~ t3.* and attribute:ecs.availability-zone != us-east-1d", true},
		{"attribute:ecs.instance-type =~ m5.* or attribute:stack == prod", true},
		{"attribute:ecs.instance-type =~ m5.* or attribute:stack == dev and runningTasksCount > 0", false},
		{"(attribute:ecs.instance-type =~ m5.* or attribute:stack == prod) and runningTasksCount > 0", true},
		{"agentConnected == true", true},
		{"NOT attribute:stack == prod", false},
	}
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			q, err := ParseQuery(tc.expr)
			if err != nil {
				t.Fatal(err)
			}
			if got := q.Match(inst); got != tc.want {
				t.Errorf("Match = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestQueryErrorsPointAtThePosition(t *testing.T) {
	cases := []struct {
		expr string
		pos  int // 0-based
	}{
		{"", 0},
		{"attribute:ecs.instance-type", 27},
		{"attribute:ecs.instance-type === t3.micro", 30},
		{"attribute:x == a and", 20},
		{"(attribute:x == a", 17},
		{"attribute:x == a)", 16},
		{"color == red", 0},
		{"attribute: == red", 0},
		{"attribute:x in [a, b", 20},
		{"attribute:x in a", 15},
		{"attribute:x in []", 16},
		{"runningTasksCount > many", 20},
		{"attribute:x == 'open", 15},
		{"attribute:x # y", 12},
		{"attribute:x == a b", 17},
	}
	for _, tc := range cases {
		t.Run(tc.expr, func(t *testing.T) {
			_, err := ParseQuery(tc.expr)
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("err = %v, want a *QueryError", err)
			}
			if qe.Pos != tc.pos {
				t.Errorf("position %d, want %d (%v)\n%s", qe.Pos, tc.pos, err, qe.Caret())
			}
		})
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{
		"attribute:ecs.instance-type =~ t3.* and attribute:ecs.availability-zone != us-east-1d",
		"not(task:group == database)", "runningTasksCount == 1", "attribute:stack exists",
		"ec2InstanceId in ['i-abcd1234', 'i-wxyx7890']", "((a", "attribute:x !in [a,b,c] or not not attribute:y !exists",
	} {
		f.Add(s)
	}
	inst := cand("i-0abc", "us-east-1a", "t3.medium", 2048, 3000, map[string]int{"service:db": 1})
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuery(s)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("error of type %T", err)
			}
			if qe.Pos < 0 || qe.Pos > len(s) {
				t.Fatalf("position %d outside [0,%d]", qe.Pos, len(s))
			}
			return
		}
		q.Match(inst)
	})
}
