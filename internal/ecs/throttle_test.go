package ecs

import (
	"strings"
	"testing"
	"time"
)

// TestServiceThrottleBacksOffUpToAbout27Minutes: when a service's tasks
// keep failing to start (they never reach RUNNING), the scheduler waits
// longer and longer between attempts, up to about 27 minutes, and logs
// "is unable to consistently start tasks successfully"; it never gives up.
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-throttle-logic.html
func TestServiceThrottleBacksOffUpToAbout27Minutes(t *testing.T) {
	w := newWorld(t, 31)
	w.cluster("c")
	w.instances("c", "m5.large", "us-east-1a")
	w.taskdef(`{"family":"bad","containerDefinitions":[{"name":"a","image":"x","memory":64,"command":["exit","1"]}]}`)
	sv := w.service(ServiceInput{Cluster: "c", ServiceName: "bad", TaskDefinition: "bad", DesiredCount: intp(1)})
	w.advance(6 * time.Hour)
	var starts []time.Duration
	throttled := false
	for _, e := range sv.Events {
		if strings.Contains(e.Message, "has started 1 tasks") {
			starts = append(starts, e.CreatedAt)
		}
		if e.Message == "(service bad) is unable to consistently start tasks successfully. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide." {
			throttled = true
		}
	}
	if !throttled {
		t.Error("no \"unable to consistently start tasks successfully\" event")
	}
	var longest time.Duration
	for i := 1; i < len(starts); i++ {
		longest = max(longest, starts[i]-starts[i-1])
	}
	// The gap between attempts is the delay plus the seconds a task takes
	// to fail (pull, start).
	if longest < 27*time.Minute || longest > 28*time.Minute {
		t.Errorf("longest wait between attempts %v, want about 27 minutes (%d attempts)", longest, len(starts))
	}
	if last := starts[len(starts)-1]; last < 5*time.Hour {
		t.Errorf("last attempt at %v: the scheduler must keep trying", last)
	}
}
