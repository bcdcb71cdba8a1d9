package ecs

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/ec2"
	"github.com/cloudlab/cloudlab/internal/sim"
)

type world struct {
	t   testing.TB
	k   *sim.Kernel
	ec2 *ec2.Service
	ecs *Sim
}

func newWorld(t testing.TB, seed uint64) *world {
	k := sim.New(seed)
	e := ec2.New(k)
	return &world{t: t, k: k, ec2: e, ecs: New(k, e)}
}

func (w *world) cluster(name string) *Cluster {
	w.t.Helper()
	c, err := w.ecs.CreateCluster(name)
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// instances launches n instances of typ into cluster, in the given zones
// round-robin, and runs the clock until they registered.
func (w *world) instances(cluster, typ string, zones ...string) []*ec2.Instance {
	w.t.Helper()
	var out []*ec2.Instance
	for _, z := range zones {
		is, err := w.ec2.RunInstances(ec2.RunInput{InstanceType: typ, Count: 1, AZ: z,
			UserData: "#!/bin/bash\necho ECS_CLUSTER=" + cluster + " >> /etc/ecs/ecs.config"})
		if err != nil {
			w.t.Fatal(err)
		}
		out = append(out, is...)
	}
	w.advance(time.Minute)
	return out
}

// advance runs the clock; in tests (not benchmarks) it then checks the
// placement invariants.
func (w *world) advance(d time.Duration) {
	w.t.Helper()
	if err := w.k.RunFor(d); err != nil {
		w.t.Fatal(err)
	}
	if _, ok := w.t.(*testing.T); ok {
		w.checkInvariants()
	}
}

func (w *world) taskdef(js string) *TaskDefinition {
	w.t.Helper()
	td, err := w.ecs.RegisterTaskDefinitionJSON([]byte(js))
	if err != nil {
		w.t.Fatal(err)
	}
	return td
}

func webTD(family string, cpu, mem int, extra string) string {
	return fmt.Sprintf(`{"family": %q, "containerDefinitions": [{"name": "web", "image": "nginx", "cpu": %d, "memory": %d%s}]}`, family, cpu, mem, extra)
}

func intp(n int) *int    { return &n }
func boolp(b bool) *bool { return &b }

func (w *world) service(in ServiceInput) *Service {
	w.t.Helper()
	sv, err := w.ecs.CreateService(in)
	if err != nil {
		w.t.Fatal(err)
	}
	return sv
}

func azCounts(sv *Service) map[string]int {
	m := map[string]int{}
	for _, t := range sv.Tasks() {
		if t.DesiredStatus == StRunning {
			m[t.AZ]++
		}
	}
	return m
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkInvariants verifies the live placement views against the tasks.
func (w *world) checkInvariants() {
	w.t.Helper()
	for _, c := range w.ecs.Clusters() {
		for _, ci := range c.instances {
			cpu, mem, running, enis := 0, 0, 0, 0
			groups := map[string]int{}
			for _, t := range ci.Tasks() {
				cpu += t.CPU
				mem += t.Memory
				if t.TaskDef.NetworkMode == "awsvpc" {
					enis++
				}
				if t.LastStatus == StRunning {
					running++
				}
				if t.DesiredStatus == StRunning {
					groups[t.Group]++
				}
			}
			cd := ci.Cand
			if cd.RemainingCPU != ci.RegisteredCPU-cpu || cd.RemainingMemory != ci.RegisteredMemory-mem {
				w.t.Errorf("%s: remaining %d CPU %d MiB, tasks reserve %d %d of %d %d", ci.EC2.ID, cd.RemainingCPU, cd.RemainingMemory, cpu, mem, ci.RegisteredCPU, ci.RegisteredMemory)
			}
			if cd.RemainingENI != cd.ENILimit-enis || cd.RemainingENI < 0 {
				w.t.Errorf("%s: %d of %d network interfaces free, %d awsvpc tasks", ci.EC2.ID, cd.RemainingENI, cd.ENILimit, enis)
			}
			if cd.Running != running {
				w.t.Errorf("%s: runningTasksCount %d, %d tasks RUNNING", ci.EC2.ID, cd.Running, running)
			}
			for g, n := range groups {
				if cd.Groups[g] != n {
					w.t.Errorf("%s: group %s count %d, want %d", ci.EC2.ID, g, cd.Groups[g], n)
				}
			}
			for g, n := range cd.Groups {
				if groups[g] != n {
					w.t.Errorf("%s: stale group %s count %d", ci.EC2.ID, g, n)
				}
			}
		}
	}
}
