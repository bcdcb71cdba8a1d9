package ecs

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/ec2"
)

// ContainerInstance is an EC2 instance registered to a cluster by its agent.
type ContainerInstance struct {
	Arn              string
	ID               string // the ARN's last part
	Cluster          *Cluster
	EC2              *ec2.Instance
	Status           string // ACTIVE | DRAINING | INACTIVE
	StatusReason     string
	AgentConnected   bool
	RegisteredCPU    int
	RegisteredMemory int
	RegisteredAt     time.Duration
	// Cand is the live placement view: remaining resources, ports, groups.
	Cand   *Candidate
	images map[string]bool // images already pulled
	tasks  map[*Task]bool  // tasks not yet STOPPED
	custom []string        // custom attribute names, in put order
}

// RunningTasksCount counts RUNNING tasks.
func (ci *ContainerInstance) RunningTasksCount() int { return ci.Cand.Running }

// PendingTasksCount counts tasks placed but not yet RUNNING (nor stopped).
func (ci *ContainerInstance) PendingTasksCount() int {
	n := 0
	for t := range ci.tasks {
		if t.LastStatus != "RUNNING" && t.LastStatus != "STOPPED" && t.DesiredStatus == "RUNNING" {
			n++
		}
	}
	return n
}

// Tasks returns the instance's tasks not yet STOPPED, oldest first.
func (ci *ContainerInstance) Tasks() []*Task {
	out := make([]*Task, 0, len(ci.tasks))
	for t := range ci.tasks {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// Attribute is a name/value pair (value "" for a bare attribute).
type Attribute struct {
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
}

// Attributes returns the built-in and custom attributes, built-ins first.
func (ci *ContainerInstance) Attributes() []Attribute {
	var out []Attribute
	for _, n := range []string{"ecs.availability-zone", "ecs.instance-type", "ecs.os-type", "ecs.cpu-architecture", "ecs.ami-id"} {
		out = append(out, Attribute{n, ci.Cand.Attrs[n]})
	}
	for _, n := range ci.custom {
		if v, ok := ci.Cand.Attrs[n]; ok {
			out = append(out, Attribute{n, v})
		}
	}
	return out
}

// agentCluster is the cluster an instance's agent joins: ECS_CLUSTER from
// user data, else "default" (the agent's default).
func agentCluster(inst *ec2.Instance) string {
	if inst.ECSCluster != "" {
		return inst.ECSCluster
	}
	return "default"
}

func (s *Sim) onEC2(e ec2.Event) {
	switch e.Kind {
	case ec2.StateRunning:
		inst := e.Instance
		s.k.After(s.Settings.AgentRegisterDelay, func() {
			if inst.State != ec2.StateRunning {
				return
			}
			if ci := s.byEC2[inst.ID]; ci != nil {
				// A restarted instance: its agent reconnects with the same
				// container instance ARN.
				if ci.Status != "INACTIVE" && !ci.AgentConnected {
					ci.AgentConnected, ci.Cand.Connected = true, true
					ci.Cluster.candValid = false
					s.emit(Event{Kind: "instance", Cluster: ci.Cluster.Name, Instance: inst.ID, Message: "ECS agent on " + inst.ID + " reconnected"})
					s.capacityChanged(ci.Cluster)
				}
				return
			}
			if c, ok := s.clusters[agentCluster(inst)]; !ok || c.Status != "ACTIVE" {
				s.emit(Event{Kind: "instance", Instance: inst.ID, Message: fmt.Sprintf(
					"ECS agent on %s cannot register: cluster %s not found (it registers when the cluster is created)", inst.ID, agentCluster(inst))})
				return
			}
			s.register(inst)
		})
	case ec2.EventSpotNotice:
		// With Spot draining on, the agent drains its instance at the
		// notice; without it, the tasks run until the instance is gone.
		ci := s.byEC2[e.Instance.ID]
		if ci == nil || ci.Status != "ACTIVE" || !e.Instance.SpotDrain {
			return
		}
		s.emit(Event{Kind: "instance", Cluster: ci.Cluster.Name, Instance: ci.EC2.ID, Message: "ECS agent on " + ci.EC2.ID + " received a Spot interruption notice: draining"})
		_, _, _ = s.UpdateContainerInstancesState(ci.Cluster.Name, []string{ci.Arn}, "DRAINING")
	case ec2.StateShuttingDown, ec2.StateTerminated:
		ci := s.byEC2[e.Instance.ID]
		if ci == nil || ci.Status == "INACTIVE" {
			return
		}
		s.instanceGone(ci, fmt.Sprintf("Host EC2 (instance %s) terminated.", e.Instance.ID))
	case ec2.StateStopping:
		// A stopped instance stays registered (ACTIVE, agent disconnected);
		// its tasks stop and services place them elsewhere.
		ci := s.byEC2[e.Instance.ID]
		if ci == nil || ci.Status == "INACTIVE" || !ci.AgentConnected {
			return
		}
		reason := fmt.Sprintf("Host EC2 (instance %s) stopped.", e.Instance.ID)
		ci.AgentConnected, ci.Cand.Connected = false, false
		ci.Cluster.candValid = false
		s.emit(Event{Kind: "instance", Cluster: ci.Cluster.Name, Instance: ci.EC2.ID, Message: "ECS agent on " + ci.EC2.ID + " disconnected: " + reason})
		for _, t := range ci.Tasks() {
			s.lose(t, reason)
		}
		s.capacityChanged(ci.Cluster)
	}
}

func (s *Sim) register(inst *ec2.Instance) *ContainerInstance {
	c := s.clusters[agentCluster(inst)]
	if n := len(c.instances); n >= MaxInstancesPerCluster {
		s.emit(Event{Kind: "instance", Cluster: c.Name, Instance: inst.ID, Message: fmt.Sprintf(
			"ECS agent on %s cannot register: cluster %s has %d container instances, the quota per cluster", inst.ID, c.Name, n)})
		return nil
	}
	id := s.hexID(32)
	mem := int(float64(inst.Type.MemoryMiB())*s.Settings.RegisteredMemoryFraction) - s.Settings.ReservedMemory -
		ec2.ReservedMemoryFromUserData(inst.UserData)
	if mem < 0 {
		mem = 0
	}
	ci := &ContainerInstance{
		Arn: arn("container-instance", c.Name+"/"+id), ID: id, Cluster: c, EC2: inst,
		Status: "ACTIVE", AgentConnected: true,
		RegisteredCPU: inst.Type.VCPU * 1024, RegisteredMemory: mem, RegisteredAt: s.k.Now(),
		images: map[string]bool{}, tasks: map[*Task]bool{},
	}
	arch := "x86_64"
	if inst.Type.Arch == "arm64" {
		arch = "arm64"
	}
	ci.Cand = &Candidate{
		Arn: ci.Arn, InstanceID: inst.ID, AZ: inst.AZ, RemainingCPU: ci.RegisteredCPU, RemainingMemory: mem,
		UsedPorts: map[PortKey]bool{}, Groups: map[string]int{}, Connected: true,
		Attrs: map[string]string{
			"ecs.availability-zone": inst.AZ,
			"ecs.instance-type":     inst.Type.Name,
			"ecs.os-type":           "linux",
			"ecs.cpu-architecture":  arch,
			"ecs.ami-id":            inst.ImageID,
		},
	}
	ci.Cand.ci = ci
	// awsvpc tasks need one network interface each; ENI trunking applies
	// to instances registered after the account setting was turned on.
	ci.Cand.ENILimit, ci.Cand.Trunked = AwsvpcTaskLimit(inst.Type, s.Trunking())
	ci.Cand.RemainingENI = ci.Cand.ENILimit
	if ci.Cand.Trunked {
		ci.Cand.Attrs["ecs.awsvpc-trunk-id"] = "eni-" + s.hexID(17)
		ci.custom = append(ci.custom, "ecs.awsvpc-trunk-id")
	}
	for _, p := range ReservedPorts {
		ci.Cand.UsedPorts[PortKey{p, "tcp"}] = true
	}
	c.instances = append(c.instances, ci)
	c.candValid = false
	s.byEC2[inst.ID] = ci
	s.emit(Event{Kind: "instance", Cluster: c.Name, Instance: inst.ID, Message: fmt.Sprintf(
		"container instance %s (%s, %s) registered: %d CPU units, %d MiB", inst.ID, inst.Type.Name, inst.AZ, ci.RegisteredCPU, mem)})
	s.capacityChanged(c)
	return ci
}

// instanceGone: the EC2 instance stopped or failed; its tasks are lost.
func (s *Sim) instanceGone(ci *ContainerInstance, reason string) {
	ci.Status = "INACTIVE"
	ci.StatusReason = reason
	ci.AgentConnected = false
	ci.Cand.Connected = false
	ci.Cluster.candValid = false
	s.emit(Event{Kind: "instance", Cluster: ci.Cluster.Name, Instance: ci.EC2.ID, Message: "container instance " + ci.EC2.ID + " is gone: " + reason})
	for _, t := range ci.Tasks() {
		s.lose(t, reason)
	}
	s.capacityChanged(ci.Cluster)
}

// candidates returns the live placement views of the cluster's ACTIVE,
// connected instances.
func (c *Cluster) candidates() []*Candidate {
	if !c.candValid {
		c.candCache = c.candCache[:0]
		for _, ci := range c.instances {
			if ci.Status == "ACTIVE" && ci.AgentConnected {
				c.candCache = append(c.candCache, ci.Cand)
			}
		}
		c.candValid = true
	}
	return c.candCache
}

// ContainerInstance resolves an ARN or id within the cluster.
func (c *Cluster) ContainerInstance(ref string) (*ContainerInstance, bool) {
	for _, ci := range c.instances {
		if ci.Arn == ref || ci.ID == ref || ci.EC2.ID == ref {
			return ci, true
		}
	}
	return nil, false
}

// ListContainerInstances lists instance ARNs, optionally filtered by status
// and a cluster query language expression.
func (s *Sim) ListContainerInstances(cluster, filter, status string) ([]*ContainerInstance, error) {
	c, err := s.Cluster(cluster)
	if err != nil {
		return nil, err
	}
	var q *Query
	if strings.TrimSpace(filter) != "" {
		if q, err = ParseQuery(filter); err != nil {
			return nil, invalidf("%v", err)
		}
	}
	if status != "" && status != "ACTIVE" && status != "DRAINING" && status != "INACTIVE" && status != "REGISTERING" && status != "DEREGISTERING" && status != "REGISTRATION_FAILED" {
		return nil, invalidf("Invalid status %q: must be ACTIVE, DRAINING, REGISTERING, DEREGISTERING or REGISTRATION_FAILED.", status)
	}
	var out []*ContainerInstance
	for _, ci := range c.instances {
		if status == "" && ci.Status == "INACTIVE" {
			continue
		}
		if status != "" && ci.Status != status {
			continue
		}
		if q != nil && !q.Match(ci.Cand) {
			continue
		}
		out = append(out, ci)
	}
	return out, nil
}

// DescribeContainerInstances returns the instances and failures for
// unknown references ({arn, "MISSING"}).
func (s *Sim) DescribeContainerInstances(cluster string, refs []string) ([]*ContainerInstance, []Failure, error) {
	c, err := s.Cluster(cluster)
	if err != nil {
		return nil, nil, err
	}
	var out []*ContainerInstance
	var fails []Failure
	for _, r := range refs {
		if ci, ok := c.ContainerInstance(r); ok {
			out = append(out, ci)
		} else {
			fails = append(fails, Failure{Arn: r, Reason: "MISSING"})
		}
	}
	return out, fails, nil
}

// UpdateContainerInstancesState sets ACTIVE or DRAINING. Draining stops new
// placements; services replace their tasks on the instance elsewhere
// (within their deployment configuration); standalone tasks keep running.
func (s *Sim) UpdateContainerInstancesState(cluster string, refs []string, status string) ([]*ContainerInstance, []Failure, error) {
	c, err := s.Cluster(cluster)
	if err != nil {
		return nil, nil, err
	}
	if status != "ACTIVE" && status != "DRAINING" {
		return nil, nil, invalidf("Container instance status should be one of [ACTIVE, DRAINING].")
	}
	var out []*ContainerInstance
	var fails []Failure
	for _, r := range refs {
		ci, ok := c.ContainerInstance(r)
		if !ok || ci.Status == "INACTIVE" {
			fails = append(fails, Failure{Arn: r, Reason: "MISSING"})
			continue
		}
		if ci.Status != status {
			ci.Status = status
			c.candValid = false
			s.emit(Event{Kind: "instance", Cluster: c.Name, Instance: ci.EC2.ID, Message: fmt.Sprintf("container instance %s is now %s", ci.EC2.ID, status)})
		}
		out = append(out, ci)
	}
	s.capacityChanged(c)
	for _, sv := range c.svcOrder {
		if sv.Status == "ACTIVE" {
			s.requestReconcile(sv)
		}
	}
	return out, fails, nil
}

// PutAttribute sets a custom attribute on a container instance (value ""
// for a bare attribute). Names: up to 128 letters, numbers, hyphens,
// underscores, slashes and periods; "ecs." is reserved.
func (s *Sim) PutAttributes(cluster string, target string, attrs []Attribute) ([]Attribute, error) {
	c, err := s.Cluster(cluster)
	if err != nil {
		return nil, err
	}
	ci, ok := c.ContainerInstance(target)
	if !ok {
		return nil, &NotFound{"TargetNotFoundException", fmt.Sprintf("Could not find %s.", target)}
	}
	for _, a := range attrs {
		if a.Name == "" || len(a.Name) > 128 || strings.HasPrefix(a.Name, "ecs.") {
			return nil, invalidf("Invalid attribute name %q: custom attribute names can't be empty, longer than 128 characters or start with 'ecs.'.", a.Name)
		}
		if len(a.Value) > 128 {
			return nil, invalidf("Attribute value for %q is longer than 128 characters.", a.Name)
		}
	}
	for _, a := range attrs {
		if _, had := ci.Cand.Attrs[a.Name]; !had {
			ci.custom = append(ci.custom, a.Name)
		}
		ci.Cand.Attrs[a.Name] = a.Value
	}
	s.emit(Event{Kind: "instance", Cluster: c.Name, Instance: ci.EC2.ID, Message: fmt.Sprintf("attributes set on %s", ci.EC2.ID)})
	s.capacityChanged(c)
	return attrs, nil
}

// Failure is an entry of an API answer's failures list.
type Failure struct {
	Arn    string `json:"arn"`
	Reason string `json:"reason"`
	Detail string `json:"detail,omitempty"`
}
