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
	ecs *Service
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

func (w *world) advance(d time.Duration) {
	w.t.Helper()
	if err := w.k.RunFor(d); err != nil {
		w.t.Fatal(err)
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

func (w *world) service(in ServiceInput) *Svc {
	w.t.Helper()
	sv, err := w.ecs.CreateService(in)
	if err != nil {
		w.t.Fatal(err)
	}
	return sv
}

func azCounts(sv *Svc) map[string]int {
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
