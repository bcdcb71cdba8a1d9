package ecs

import (
	"testing"
	"time"
)

// scalingWorld: a service of 2 on roomy instances with a CPU 50% target
// tracking policy (default cooldowns, 300 s).
func scalingWorld(t *testing.T, seed uint64) (*world, *Service) {
	t.Helper()
	w := newWorld(t, seed)
	w.cluster("c")
	w.instances("c", "m5.4xlarge", "us-east-1a", "us-east-1b")
	w.taskdef(webTD("web", 256, 512, ""))
	sv := w.service(ServiceInput{Cluster: "c", ServiceName: "web", TaskDefinition: "web", DesiredCount: intp(2)})
	w.advance(time.Minute)
	if _, err := w.ecs.RegisterScalableTarget("ecs", "service/c/web", "ecs:service:DesiredCount", intp(1), intp(20)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.ecs.PutScalingPolicy(PolicyInput{PolicyName: "cpu50", ResourceID: "service/c/web", PolicyType: "TargetTrackingScaling",
		TargetValue: 50, MetricType: "ECSServiceAverageCPUUtilization"}); err != nil {
		t.Fatal(err)
	}
	return w, sv
}

// activities returns the scaling activities oldest first.
func activities(w *world) []*ScalingActivity {
	acts := w.ecs.ScalingActivities("service/c/web")
	for i, j := 0, len(acts)-1; i < j; i, j = i+1, j-1 {
		acts[i], acts[j] = acts[j], acts[i]
	}
	return acts
}

// TestTargetTrackingAllowsLargerScaleOutDuringCooldown: the scale-out
// cooldown does not stop a larger scale-out. While it runs, the capacity
// the first scale-out added counts as part of the desired capacity, and
// the policy "won't increase the desired capacity again unless either a
// larger scale out is triggered or the cooldown period ends".
// https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html
// https://docs.aws.amazon.com/autoscaling/application/userguide/target-tracking-scaling-policy-overview.html
func TestTargetTrackingAllowsLargerScaleOutDuringCooldown(t *testing.T) {
	w, sv := scalingWorld(t, 21)
	// 2 tasks x 100 rps at 100% CPU; 800 rps keeps every task at 100%.
	if err := w.ecs.OfferLoad("c", "web", 800, time.Hour); err != nil {
		t.Fatal(err)
	}
	w.advance(15 * time.Minute)
	acts := activities(w)
	if len(acts) < 2 {
		t.Fatalf("%d scaling activities, want a scale-out to 4 and a larger one", len(acts))
	}
	first, second := acts[0], acts[1]
	if first.Description != "Setting desired count to 4." || second.Description != "Setting desired count to 8." {
		t.Fatalf("activities %q, %q; want 4 then 8", first.Description, second.Description)
	}
	if gap := second.StartTime - first.StartTime; gap >= 300*time.Second {
		t.Errorf("the larger scale-out waited %v: the 300 s scale-out cooldown must not block it", gap)
	}
	if sv.DesiredCount < 8 {
		t.Errorf("desired %d", sv.DesiredCount)
	}
}

// TestTargetTrackingCooldownBlocksScaleInAndSmallerScaleOut: during the
// scale-out cooldown a scale-in waits, and so does a scale-out that is not
// larger than the one that started the cooldown.
// https://docs.aws.amazon.com/autoscaling/application/APIReference/API_TargetTrackingScalingPolicyConfiguration.html
func TestTargetTrackingCooldownBlocksScaleInAndSmallerScaleOut(t *testing.T) {
	t.Run("scale-in waits", func(t *testing.T) {
		w, sv := scalingWorld(t, 22)
		w.ecs.Settings.ScaleInDatapoints = 1
		// 400 rps for 4 minutes: one scale-out to 4, then no load at all.
		if err := w.ecs.OfferLoad("c", "web", 400, 4*time.Minute); err != nil {
			t.Fatal(err)
		}
		w.advance(20 * time.Minute)
		acts := activities(w)
		if len(acts) < 2 || acts[0].Description != "Setting desired count to 4." {
			t.Fatalf("activities %+v", acts)
		}
		if gap := acts[1].StartTime - acts[0].StartTime; gap < 300*time.Second {
			t.Errorf("scale-in %v after the scale-out, inside its 300 s cooldown", gap)
		}
		if sv.DesiredCount >= 4 {
			t.Errorf("desired %d: never scaled in", sv.DesiredCount)
		}
	})
	t.Run("smaller scale-out waits", func(t *testing.T) {
		w, sv := scalingWorld(t, 23)
		// 200 rps: 2 tasks at 100% -> 4; 3 tasks at 66.7% -> 4 again.
		if err := w.ecs.OfferLoad("c", "web", 200, time.Hour); err != nil {
			t.Fatal(err)
		}
		// Advance until the first scale-out (to 4).
		for i := 0; i < 10 && sv.DesiredCount == 2; i++ {
			w.advance(time.Minute)
		}
		if sv.DesiredCount != 4 {
			t.Fatalf("desired %d, want 4", sv.DesiredCount)
		}
		start := w.k.Now()
		// Someone lowers the desired count; the alarm asks for 4 again, not
		// more than the cooldown's scale-out: it waits for the cooldown.
		if _, err := w.ecs.UpdateService(ServiceInput{Cluster: "c", ServiceName: "web", DesiredCount: intp(3)}); err != nil {
			t.Fatal(err)
		}
		w.advance(4 * time.Minute)
		if sv.DesiredCount != 3 {
			t.Fatalf("desired %d %v after the first scale-out: a scale-out no larger than it must wait for the cooldown", sv.DesiredCount, w.k.Now()-start)
		}
		w.advance(5 * time.Minute)
		if sv.DesiredCount != 4 {
			t.Errorf("desired %d after the cooldown, want 4", sv.DesiredCount)
		}
	})
}
