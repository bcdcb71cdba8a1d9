package ecs

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/ec2"
)

// BenchmarkPlace10kTasksOn1kInstances places 10,000 tasks (one service
// group) on 1,000 instances in 3 zones with spread(AZ) then binpack(memory).
func BenchmarkPlace10kTasksOn1kInstances(b *testing.B) {
	zones := []string{"us-east-1a", "us-east-1b", "us-east-1c"}
	strategies := []Strategy{{"spread", "attribute:ecs.availability-zone"}, {"binpack", "memory"}}
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		cands := make([]*Candidate, 1000)
		for j := range cands {
			cands[j] = cand(fmt.Sprintf("i-%04d", j), zones[j%3], "m5.2xlarge", 8192, 31940, nil)
		}
		req := Request{CPU: 256, Memory: 512, Group: "service:web", Strategies: strategies}
		var p Placer
		r := rand.New(rand.NewPCG(1, 2))
		b.StartTimer()
		for n := 0; n < 10000; n++ {
			e := p.Place(&req, cands, r)
			if !e.Placed() {
				b.Fatalf("task %d not placed: %s", n, e.FailureReason)
			}
			cands[e.ChosenIndex()].Take(&req)
		}
	}
}

// BenchmarkReconcile1000Services creates 1,000 services of 3 tasks on 300
// instances and runs the simulation until all are steady.
func BenchmarkReconcile1000Services(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w := newWorld(b, 1)
		w.cluster("c")
		if _, err := w.ec2.RunInstances(ec2.RunInput{InstanceType: "m5.4xlarge", Count: 300, UserData: "ECS_CLUSTER=c"}); err != nil {
			b.Fatal(err)
		}
		w.advance(time.Minute)
		w.taskdef(webTD("web", 128, 256, ""))
		b.StartTimer()
		var svcs []*Service
		for n := 0; n < 1000; n++ {
			sv, err := w.ecs.CreateService(ServiceInput{Cluster: "c", ServiceName: fmt.Sprintf("s%d", n), TaskDefinition: "web", DesiredCount: intp(3)})
			if err != nil {
				b.Fatal(err)
			}
			svcs = append(svcs, sv)
		}
		w.advance(time.Minute)
		b.StopTimer()
		for _, sv := range svcs {
			if !sv.Steady() {
				b.Fatalf("service %s not steady", sv.Name)
			}
		}
	}
}

// BenchmarkPlanReconcile1000Services times the pure policy alone.
func BenchmarkPlanReconcile1000Services(b *testing.B) {
	v := ServiceView{Desired: 10, MaximumPercent: 200, MinimumHealthy: 100, Strategies: DefaultServiceStrategies, Tasks: views("R R R R R r r r r r d d")}
	for i := 0; i < b.N; i++ {
		for n := 0; n < 1000; n++ {
			PlanReconcile(v)
		}
	}
}

// BenchmarkService5000 is the largest service the default quota allows: a
// 5,000-task service on 1,000 instances is placed, scaled in to 2,500,
// loses an instance and heals. The cost must follow what changed, not
// what exists.
func BenchmarkService5000(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		w := newWorld(b, 1)
		w.cluster("c")
		insts, err := w.ec2.RunInstances(ec2.RunInput{InstanceType: "m5.4xlarge", Count: 1000, UserData: "ECS_CLUSTER=c"})
		if err != nil {
			b.Fatal(err)
		}
		w.advance(time.Minute)
		w.taskdef(webTD("web", 128, 256, ""))
		b.StartTimer()
		sv, err := w.ecs.CreateService(ServiceInput{Cluster: "c", ServiceName: "web", TaskDefinition: "web", DesiredCount: intp(MaxTasksPerService)})
		if err != nil {
			b.Fatal(err)
		}
		w.advance(5 * time.Minute)
		if _, err := w.ecs.UpdateService(ServiceInput{Cluster: "c", ServiceName: "web", DesiredCount: intp(MaxTasksPerService / 2)}); err != nil {
			b.Fatal(err)
		}
		w.advance(5 * time.Minute)
		if _, err := w.ec2.TerminateInstances([]string{insts[0].ID}); err != nil {
			b.Fatal(err)
		}
		w.advance(5 * time.Minute)
		b.StopTimer()
		if running, _ := sv.Counts(); !sv.Steady() || running != MaxTasksPerService/2 {
			b.Fatalf("service not steady at %d: %d running", MaxTasksPerService/2, running)
		}
	}
}
