package ecs

// Reconcile policy: a plain function of a service's state that returns a
// plan (tasks to start, tasks to stop). The service scheduler applies it.

// ServiceView is what the reconcile policy sees of one service.
type ServiceView struct {
	Desired           int
	MaximumPercent    int // default 200
	MinimumHealthy    int // default 100
	Daemon            bool
	LaunchBlocked     bool       // circuit breaker tripped without rollback, or restart delay
	Tasks             []TaskView // the service's tasks with desiredStatus RUNNING
	Strategies        []Strategy
	DaemonInstances   []string // DAEMON: instances that should run one task
	DaemonOutdatedMin int      // DAEMON: unused, kept 0
}

// Plan is reconcile's output.
type Plan struct {
	Start   int      // replica tasks to place
	StartOn []string // DAEMON: instances to start a task on
	Stop    []string // task ids to stop
}

// Bounds returns the rolling-update bounds
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-ecs.html): at most
// floor(desired x max / 100) tasks RUNNING or PENDING, at least
// ceil(desired x min / 100) healthy.
func Bounds(desired, maxPercent, minHealthy int) (upper, lower int) {
	upper = desired * maxPercent / 100
	lower = (desired*minHealthy + 99) / 100
	return upper, lower
}

// CircuitBreakerThreshold is the failed-task count that fails a deployment:
// ceil(0.5 x desired), at least 3 and at most 200
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html).
func CircuitBreakerThreshold(desired int) int {
	n := (desired + 1) / 2
	if n < 3 {
		n = 3
	}
	if n > 200 {
		n = 200
	}
	return n
}

// PlanReconcile computes desired minus actual for one service.
//
// Replica services: tasks of an outdated deployment or on a DRAINING
// instance are "to replace"; the others are "kept". Steps:
//  1. more kept tasks than desired: stop the surplus (scale-in order);
//  2. to-replace tasks not yet RUNNING are stopped at once (they are not
//     healthy, so this never lowers the healthy count);
//  3. RUNNING to-replace tasks are stopped while the healthy count stays at
//     or above the lower bound;
//  4. start min(desired - kept, upper - remaining) new tasks.
func PlanReconcile(v ServiceView) Plan {
	if v.Daemon {
		return planDaemon(v)
	}
	upper, lower := Bounds(v.Desired, v.MaximumPercent, v.MinimumHealthy)
	var keep, replace []TaskView
	healthy := 0
	for _, t := range v.Tasks {
		if t.Outdated || t.Draining {
			replace = append(replace, t)
		} else {
			keep = append(keep, t)
		}
		if t.Running {
			healthy++
		}
	}
	var p Plan
	stopped := map[string]bool{}
	if len(keep) > v.Desired {
		for _, id := range ChooseToStop(keep, len(keep)-v.Desired, v.Strategies) {
			stopped[id] = true
			p.Stop = append(p.Stop, id)
		}
		for _, t := range keep {
			if stopped[t.ID] && t.Running {
				healthy--
			}
		}
	}
	var runningReplace []TaskView
	for _, t := range replace {
		if !t.Running {
			p.Stop = append(p.Stop, t.ID)
			stopped[t.ID] = true
		} else {
			runningReplace = append(runningReplace, t)
		}
	}
	if n := min(len(runningReplace), healthy-lower); n > 0 {
		for _, id := range ChooseToStop(runningReplace, n, v.Strategies) {
			p.Stop = append(p.Stop, id)
			stopped[id] = true
		}
	}
	keptLeft := len(keep)
	for _, t := range keep {
		if stopped[t.ID] {
			keptLeft--
		}
	}
	remaining := len(v.Tasks) - len(p.Stop)
	if !v.LaunchBlocked {
		p.Start = max(0, min(v.Desired-keptLeft, upper-remaining))
	}
	return p
}

// planDaemon: one task per eligible instance. Tasks on instances no longer
// eligible (drained, gone) and outdated tasks are stopped; an eligible
// instance without a kept task gets one once its old task is gone.
func planDaemon(v ServiceView) Plan {
	var p Plan
	want := map[string]bool{}
	for _, id := range v.DaemonInstances {
		want[id] = true
	}
	has := map[string]bool{}
	occupied := map[string]bool{}
	for _, t := range v.Tasks {
		occupied[t.Instance] = true
		switch {
		case !want[t.Instance] || t.Draining || t.Outdated:
			p.Stop = append(p.Stop, t.ID)
		case has[t.Instance]:
			p.Stop = append(p.Stop, t.ID) // a second copy on one instance
		default:
			has[t.Instance] = true
		}
	}
	if v.LaunchBlocked {
		return p
	}
	for _, id := range v.DaemonInstances {
		if !occupied[id] {
			p.StartOn = append(p.StartOn, id)
		}
	}
	return p
}
