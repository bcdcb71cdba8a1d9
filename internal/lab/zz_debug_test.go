package lab

import (
	"os"
	"testing"
)

func TestZZDebug(t *testing.T) {
	id := os.Getenv("LAB")
	if id == "" {
		t.Skip()
	}
	c := embeddedCourse(t)
	l, _ := FromFile(c.Lab(id))
	r, err := NewRunner(l)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range l.Steps {
		for _, line := range s.Solution {
			r.Exec(line)
		}
		env := r.Env()
		t.Logf("after step %d: current=%d now=%v", i+1, r.Current(), env.Now)
		for _, c := range env.Clusters {
			t.Logf(" cluster %s running=%d pending=%d cost=%v", c.ClusterName, c.Running, c.Pending, c.CostUSD)
			for _, in := range c.Instances {
				t.Logf("  inst %+v", *in)
			}
			for _, s := range c.Services {
				t.Logf("  svc %s d=%d r=%d p=%d deps=%d td=%s ev=%q", s.ServiceName, s.DesiredCount, s.RunningCount, s.PendingCount, s.Deployments, s.TaskDefinition, s.Events)
			}
		}
		for _, f := range env.Functions {
			t.Logf(" fn %+v", *f)
		}
	}
}
