package ecs

import (
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/ec2"
)

// spotInstance launches one Spot container instance into cluster, with or
// without ECS_ENABLE_SPOT_INSTANCE_DRAINING=true.
func (w *world) spotInstance(cluster, az string, drain bool) *ec2.Instance {
	w.t.Helper()
	ud := "#!/bin/bash\necho ECS_CLUSTER=" + cluster + " >> /etc/ecs/ecs.config\n"
	if drain {
		ud += "echo ECS_ENABLE_SPOT_INSTANCE_DRAINING=true >> /etc/ecs/ecs.config\n"
	}
	is, err := w.ec2.RunInstances(ec2.RunInput{InstanceType: "m5.large", AZ: az, UserData: ud, Spot: true})
	if err != nil {
		w.t.Fatal(err)
	}
	w.advance(time.Minute)
	return is[0]
}

// With Spot draining on, the agent drains its container instance when the
// two-minute notice arrives, and the service has its tasks running
// elsewhere before EC2 terminates the instance
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/spot-instance-draining.html,
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-instance-termination-notices.html).
func TestSpotNoticeDrainsWhenEnabled(t *testing.T) {
	for _, drain := range []bool{true, false} {
		w := newWorld(t, 3)
		w.cluster("c")
		w.instances("c", "m5.large", "us-east-1a")
		spot := w.spotInstance("c", "us-east-1b", drain)
		w.taskdef(webTD("web", 256, 512, ""))
		sv := w.service(ServiceInput{Cluster: "c", ServiceName: "web", TaskDefinition: "web", DesiredCount: intp(4)})
		w.advance(time.Minute)
		onSpot := 0
		for _, task := range sv.Tasks() {
			if task.Instance != nil && task.Instance.EC2 == spot && task.LastStatus == StRunning {
				onSpot++
			}
		}
		if onSpot == 0 {
			t.Fatalf("drain=%v: no service task on the Spot instance to begin with", drain)
		}
		if err := w.ec2.InterruptSpot(spot.ID); err != nil {
			t.Fatal(err)
		}
		ci := w.ecs.byEC2[spot.ID]
		w.advance(90 * time.Second) // before the two minutes are up
		if spot.State != ec2.StateRunning {
			t.Fatalf("drain=%v: the instance is %s before its two minutes", drain, spot.State)
		}
		still := 0
		for _, task := range sv.Tasks() {
			if task.Instance != nil && task.Instance.EC2 == spot && task.DesiredStatus == StRunning {
				still++
			}
		}
		if drain && (ci.Status != "DRAINING" || still != 0) {
			t.Errorf("drain on: container instance %s, %d service tasks still on the Spot instance after 90 s", ci.Status, still)
		}
		if !drain && (ci.Status != "ACTIVE" || still != onSpot) {
			t.Errorf("drain off: container instance %s, %d of %d tasks still there (want ACTIVE, all)", ci.Status, still, onSpot)
		}
		w.advance(time.Minute)
		if spot.State != ec2.StateTerminated && spot.State != ec2.StateShuttingDown {
			t.Errorf("drain=%v: the instance is %s after the notice's two minutes", drain, spot.State)
		}
		if spot.StateReason != "Server.SpotInstanceTermination: Spot instance termination" {
			t.Errorf("state reason %q", spot.StateReason)
		}
	}
}
