package ecs

import "fmt"

// A rolling deployment of 4 tasks with minimumHealthyPercent 50 and
// maximumPercent 100: ECS may stop 2 old tasks at once and start 2 new ones.
func ExamplePlanReconcile() {
	upper, lower := Bounds(4, 100, 50)
	fmt.Printf("at most %d tasks, at least %d healthy\n", upper, lower)
	old := []TaskView{
		{ID: "old-1", AZ: "us-east-1a", Instance: "i1", Running: true, Outdated: true},
		{ID: "old-2", AZ: "us-east-1b", Instance: "i2", Running: true, Outdated: true},
		{ID: "old-3", AZ: "us-east-1a", Instance: "i3", Running: true, Outdated: true},
		{ID: "old-4", AZ: "us-east-1b", Instance: "i4", Running: true, Outdated: true},
	}
	p := PlanReconcile(ServiceView{Desired: 4, MaximumPercent: 100, MinimumHealthy: 50, Tasks: old})
	fmt.Printf("stop %d, start %d\n", len(p.Stop), p.Start)
	// Output:
	// at most 4 tasks, at least 2 healthy
	// stop 2, start 2
}

func ExampleParseQuery() {
	q, err := ParseQuery("attribute:ecs.instance-type =~ t3.* and attribute:ecs.availability-zone != us-east-1d")
	if err != nil {
		fmt.Println(err)
		return
	}
	small := cand("i-1", "us-east-1a", "t3.medium", 2048, 3993, nil)
	big := cand("i-2", "us-east-1a", "m5.large", 2048, 7985, nil)
	fmt.Println(q.Match(small), q.Match(big))

	_, err = ParseQuery("attribute:ecs.instance-type === t3.micro")
	fmt.Println(err)
	fmt.Println(err.(*QueryError).Caret())
	// Output:
	// true false
	// invalid expression at position 31: unexpected "=" (operators: == != > >= < <= exists !exists in !in =~ !~)
	// attribute:ecs.instance-type === t3.micro
	//                               ^
}
