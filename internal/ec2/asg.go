package ec2

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/sim"
)

// Launch templates and EC2 Auto Scaling groups: horizontal scaling of
// instances. A group keeps its desired number of healthy instances between
// its minimum and maximum, balanced across its Availability Zones, and
// replaces an instance that stops being healthy.
//
//   - Launch templates: https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-launch-templates.html
//   - Groups, desired/min/max: https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-capacity-limits.html
//   - Health checks and replacement: an instance that is not running
//     (stopped, terminated, impaired) is marked unhealthy and replaced:
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-health-checks.html
//   - Balancing across zones and the default termination policy (the zone
//     with the most instances first):
//     https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-termination-policies.html
//
// Simplifications, said where they show: the health check runs every
// Settings.HealthCheckInterval (a teaching figure, 30 s); within the zone
// that loses an instance, the oldest instance goes first (AWS next looks at
// the oldest launch template and the billing hour, then picks at random).

// LaunchTemplate is a named instance configuration (version 1 only).
type LaunchTemplate struct {
	ID, Name     string
	ImageID      string
	InstanceType string
	UserData     string
	Spot         bool
	CreatedAt    time.Duration
}

// Group is an EC2 Auto Scaling group.
type Group struct {
	Name               string
	Template           *LaunchTemplate
	Min, Max, Desired  int
	AZs                []string
	Instances          []*Instance // current members (terminated ones leave)
	Launched, Replaced int         // instances launched in all; unhealthy ones replaced
	Activities         []string    // what the group did, newest last
	deleting           bool
	checkPending       bool
}

func (s *Service) groupsInit() {
	if s.groups == nil {
		s.groups = map[string]*Group{}
		s.templates = map[string]*LaunchTemplate{}
	}
}

// CreateLaunchTemplate stores a template (its ImageID already resolved).
func (s *Service) CreateLaunchTemplate(name string, lt LaunchTemplate) (*LaunchTemplate, error) {
	s.groupsInit()
	if name == "" || len(name) > 128 || strings.ContainsAny(name, " /\\") {
		return nil, &Error{"InvalidLaunchTemplateName.MalformedException", fmt.Sprintf("The launch template name '%s' is not valid: 3 to 128 letters, numbers and ()./_-.", name)}
	}
	if _, dup := s.templates[name]; dup {
		return nil, &Error{"InvalidLaunchTemplateName.AlreadyExistsException", fmt.Sprintf("Launch template name already in use: %s.", name)}
	}
	if lt.InstanceType != "" {
		if _, ok := LookupType(lt.InstanceType); !ok {
			return nil, &Error{"InvalidParameterValue", fmt.Sprintf("Invalid value '%s' for InstanceType.", lt.InstanceType)}
		}
	}
	lt.Name, lt.ID, lt.CreatedAt = name, "lt-0"+s.hex(16), s.k.Now()
	s.templates[name] = &lt
	return &lt, nil
}

// LaunchTemplates lists the templates by name.
func (s *Service) LaunchTemplates() []*LaunchTemplate {
	var out []*LaunchTemplate
	for _, t := range s.templates {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// GroupInput creates a group.
type GroupInput struct {
	Name, Template    string // the launch template's name or id
	Min, Max, Desired int    // Desired < 0: Min
	AZs               []string
}

func validationError(format string, a ...any) error {
	return &Error{"ValidationError", fmt.Sprintf(format, a...)}
}

// CreateAutoScalingGroup creates a group and launches its instances.
func (s *Service) CreateAutoScalingGroup(in GroupInput) (*Group, error) {
	s.groupsInit()
	if in.Name == "" {
		return nil, validationError("The AutoScalingGroupName is required.")
	}
	if _, dup := s.groups[in.Name]; dup {
		return nil, &Error{"AlreadyExists", fmt.Sprintf("AutoScalingGroup by this name already exists - A group with the name %s already exists", in.Name)}
	}
	var lt *LaunchTemplate
	for _, t := range s.templates {
		if t.Name == in.Template || t.ID == in.Template {
			lt = t
		}
	}
	if lt == nil {
		return nil, validationError("You must use a valid fully-formed launch template. The specified launch template, with template name %s, does not exist.", in.Template)
	}
	if in.Desired < 0 {
		in.Desired = in.Min
	}
	if err := checkSizes(in.Min, in.Max, in.Desired); err != nil {
		return nil, err
	}
	if len(in.AZs) == 0 {
		return nil, validationError("At least one Availability Zone or VPC Subnet is required.")
	}
	for _, z := range in.AZs {
		if !ValidAZ(z) {
			return nil, validationError("Invalid Availability Zone: %s", z)
		}
	}
	g := &Group{Name: in.Name, Template: lt, Min: in.Min, Max: in.Max, Desired: in.Desired, AZs: append([]string(nil), in.AZs...)}
	s.groups[in.Name] = g
	s.groupOrder = append(s.groupOrder, g)
	s.reconcileGroup(g)
	return g, nil
}

func checkSizes(lo, hi, desired int) error {
	if lo < 0 || hi < 0 || hi > 1000 {
		return validationError("MinSize and MaxSize must be between 0 and 1000.")
	}
	if lo > hi {
		return validationError("Max bound, %d, must be greater than or equal to min bound, %d", hi, lo)
	}
	if desired < lo || desired > hi {
		return validationError("Desired capacity:%d must be between the specified min size:%d and max size:%d", desired, lo, hi)
	}
	return nil
}

// Group returns a group by name.
func (s *Service) Group(name string) (*Group, error) {
	if g, ok := s.groups[name]; ok && !g.deleting {
		return g, nil
	}
	return nil, validationError("AutoScalingGroup name not found - AutoScalingGroup %s not found", name)
}

// Groups lists the groups in creation order.
func (s *Service) Groups() []*Group {
	var out []*Group
	for _, g := range s.groupOrder {
		if !g.deleting {
			out = append(out, g)
		}
	}
	return out
}

// SetDesiredCapacity changes a group's desired capacity within min..max.
func (s *Service) SetDesiredCapacity(name string, desired int) error {
	g, err := s.Group(name)
	if err != nil {
		return err
	}
	if desired < g.Min {
		return validationError("New SetDesiredCapacity value %d is below min value %d for the AutoScalingGroup.", desired, g.Min)
	}
	if desired > g.Max {
		return validationError("New SetDesiredCapacity value %d is above max value %d for the AutoScalingGroup.", desired, g.Max)
	}
	g.Desired = desired
	s.reconcileGroup(g)
	return nil
}

// UpdateAutoScalingGroup changes min, max and desired (nil: unchanged).
func (s *Service) UpdateAutoScalingGroup(name string, lo, hi, desired *int) error {
	g, err := s.Group(name)
	if err != nil {
		return err
	}
	nlo, nhi, nd := g.Min, g.Max, g.Desired
	if lo != nil {
		nlo = *lo
	}
	if hi != nil {
		nhi = *hi
	}
	if desired != nil {
		nd = *desired
	} else {
		nd = min(max(nd, nlo), nhi)
	}
	if err := checkSizes(nlo, nhi, nd); err != nil {
		return err
	}
	g.Min, g.Max, g.Desired = nlo, nhi, nd
	s.reconcileGroup(g)
	return nil
}

// DeleteAutoScalingGroup deletes a group; with force its instances are
// terminated, without it the group must be empty (desired 0, no instances).
func (s *Service) DeleteAutoScalingGroup(name string, force bool) error {
	g, err := s.Group(name)
	if err != nil {
		return err
	}
	if !force && len(g.Instances) > 0 {
		return &Error{"ResourceInUse", "You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group."}
	}
	g.deleting = true
	for _, inst := range append([]*Instance(nil), g.Instances...) {
		s.stop(inst, "Client.UserInitiatedShutdown: the Auto Scaling group was deleted", false)
	}
	g.Instances = nil
	delete(s.groups, name)
	return nil
}

// healthy reports whether a member counts toward the desired capacity.
func healthy(i *Instance) bool { return i.State == StatePending || i.State == StateRunning }

// InService counts the group's running members.
func (g *Group) InService() int {
	n := 0
	for _, i := range g.Instances {
		if i.State == StateRunning {
			n++
		}
	}
	return n
}

func (s *Service) groupActivity(g *Group, format string, a ...any) {
	g.Activities = append(g.Activities, fmt.Sprintf("%s %s", sim.FormatClock(s.k.Now()), fmt.Sprintf(format, a...)))
	if len(g.Activities) > 200 {
		g.Activities = g.Activities[len(g.Activities)-200:]
	}
}

// reconcileGroup replaces unhealthy members, then launches or terminates
// to reach the desired capacity, keeping the zones balanced.
func (s *Service) reconcileGroup(g *Group) {
	if g.deleting {
		return
	}
	var keep []*Instance
	for _, i := range g.Instances {
		switch {
		case healthy(i):
			keep = append(keep, i)
		case i.State == StateStopping || i.State == StateStopped:
			// Unhealthy: EC2 Auto Scaling terminates and replaces it.
			s.stop(i, "Client.UserInitiatedShutdown: terminated by the Auto Scaling group: the instance failed its health check", false)
			g.Replaced++
			s.groupActivity(g, "terminating %s: unhealthy (%s)", i.ID, i.State)
		default: // shutting-down or terminated: it left the group
			g.Replaced++
			s.groupActivity(g, "%s left the group (%s): replacing it", i.ID, i.State)
		}
	}
	g.Instances = keep
	for len(g.Instances) < g.Desired {
		az := s.groupZone(g, true)
		insts, err := s.RunInstances(RunInput{ImageID: g.Template.ImageID, InstanceType: g.Template.InstanceType,
			Count: 1, AZ: az, UserData: g.Template.UserData, Spot: g.Template.Spot})
		if err != nil {
			s.groupActivity(g, "could not launch an instance: %v", err)
			return
		}
		insts[0].Group = g.Name
		g.Instances = append(g.Instances, insts[0])
		g.Launched++
		s.groupActivity(g, "launching %s in %s (desired %d)", insts[0].ID, az, g.Desired)
	}
	for len(g.Instances) > g.Desired {
		az := s.groupZone(g, false)
		for i, inst := range g.Instances {
			if inst.AZ == az {
				g.Instances = append(g.Instances[:i], g.Instances[i+1:]...)
				s.stop(inst, "Client.UserInitiatedShutdown: terminated by the Auto Scaling group to reach the desired capacity", false)
				s.groupActivity(g, "terminating %s in %s (desired %d)", inst.ID, az, g.Desired)
				break
			}
		}
	}
}

// groupZone is the zone with the fewest members (launch) or the most
// (terminate), ties to the first zone listed.
func (s *Service) groupZone(g *Group, fewest bool) string {
	count := map[string]int{}
	for _, i := range g.Instances {
		count[i.AZ]++
	}
	best := ""
	for _, z := range g.AZs {
		if best == "" || (fewest && count[z] < count[best]) || (!fewest && count[z] > count[best]) {
			best = z
		}
	}
	return best
}

// onGroupEvent schedules a health check when a member leaves the running
// state.
func (s *Service) onGroupEvent(e Event) {
	inst := e.Instance
	if inst.Group == "" || e.Kind == StatePending || e.Kind == StateRunning {
		return
	}
	g, ok := s.groups[inst.Group]
	if !ok || g.deleting || g.checkPending {
		return
	}
	member := false
	for _, i := range g.Instances {
		member = member || i == inst
	}
	if !member {
		return
	}
	g.checkPending = true
	s.k.After(s.Settings.HealthCheckInterval, func() {
		g.checkPending = false
		s.reconcileGroup(g)
	})
}
