package ecs

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
)

// Placement policy: plain functions of state, so the simulator and any other
// data plane share them. The order is
// ECS's (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement.html):
// (1) drop instances without enough CPU, memory, ports or network interfaces;
// (2) apply constraints; (3) score with the strategies in the order given;
// (4) pick the best (ties: the earlier-registered instance).

// PortKey is a host port and protocol.
type PortKey struct {
	Port  int
	Proto string
}

// Reserved ports on every container instance (API_PortMapping.html,
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html): SSH, the Docker
// daemon and the ECS agent.
var ReservedPorts = []int{22, 2375, 2376, 51678, 51679, 51680}

// Dynamic host ports for bridge mode hostPort 0 come from the instance's
// ephemeral port range, /proc/sys/net/ipv4/ip_local_port_range; ECS falls
// back to 49153-65535 only when it cannot read that setting
// (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html).
// The simulated instances run the Linux default, 32768-60999 (the kernel's
// ip_local_port_range default, kept by the Amazon Linux ECS-optimized AMIs).
const (
	DynamicPortMin = 32768
	DynamicPortMax = 60999
	// FallbackPortMin and FallbackPortMax are ECS's fallback range.
	FallbackPortMin = 49153
	FallbackPortMax = 65535
)

// AWS's RunTask failure reasons.
const (
	ReasonCPU              = "RESOURCE:CPU"
	ReasonMemory           = "RESOURCE:MEMORY"
	ReasonPorts            = "RESOURCE:PORTS"
	ReasonMemberOf         = "MemberOf placement constraint unsatisfied."
	ReasonDistinctInstance = "DistinctInstance placement constraint unsatisfied."
)

// Constraint is a placement constraint.
type Constraint struct {
	Type       string `json:"type"` // distinctInstance | memberOf
	Expression string `json:"expression,omitempty"`
	Query      *Query `json:"-"`
}

// NewConstraint validates a constraint and parses its expression.
func NewConstraint(typ, expr string) (Constraint, error) {
	switch typ {
	case "distinctInstance":
		if strings.TrimSpace(expr) != "" {
			return Constraint{}, &InvalidParam{"An expression cannot be specified for the distinctInstance placement constraint."}
		}
		return Constraint{Type: typ}, nil
	case "memberOf":
		if strings.TrimSpace(expr) == "" {
			return Constraint{}, &InvalidParam{"An expression must be specified for the memberOf placement constraint."}
		}
		q, err := ParseQuery(expr)
		if err != nil {
			return Constraint{}, &InvalidParam{fmt.Sprintf("Invalid placement constraint expression %q: %v", expr, err)}
		}
		return Constraint{Type: typ, Expression: expr, Query: q}, nil
	}
	return Constraint{}, &InvalidParam{fmt.Sprintf("Invalid placement constraint type %q: must be distinctInstance or memberOf.", typ)}
}

// Strategy is a placement strategy.
type Strategy struct {
	Type  string `json:"type"`            // binpack | spread | random
	Field string `json:"field,omitempty"` // cpu|memory; instanceId|host|attribute:<name>
}

func (s Strategy) String() string {
	if s.Field == "" {
		return s.Type
	}
	return s.Type + "(" + s.Field + ")"
}

// NewStrategy validates a strategy.
func NewStrategy(typ, field string) (Strategy, error) {
	switch typ {
	case "random":
		return Strategy{Type: typ}, nil
	case "binpack":
		f := strings.ToLower(field)
		if f != "cpu" && f != "memory" {
			return Strategy{}, &InvalidParam{fmt.Sprintf("Invalid field %q for the binpack placement strategy: must be cpu or memory.", field)}
		}
		return Strategy{Type: typ, Field: f}, nil
	case "spread":
		if field == "" {
			return Strategy{}, &InvalidParam{"The spread placement strategy needs a field: instanceId or attribute:<name>."}
		}
		if field == "host" {
			field = "instanceId"
		}
		if !strings.EqualFold(field, "instanceId") && !strings.HasPrefix(field, "attribute:") {
			return Strategy{}, &InvalidParam{fmt.Sprintf("Invalid field %q for the spread placement strategy: must be instanceId, host or attribute:<name>.", field)}
		}
		if strings.EqualFold(field, "instanceId") {
			field = "instanceId"
		}
		return Strategy{Type: typ, Field: field}, nil
	}
	return Strategy{}, &InvalidParam{fmt.Sprintf("Invalid placement strategy type %q: must be random, spread or binpack.", typ)}
}

// DefaultServiceStrategies: spread across Availability Zones, then across
// instances (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html).
var DefaultServiceStrategies = []Strategy{{"spread", "attribute:ecs.availability-zone"}, {"spread", "instanceId"}}

// DefaultRunTaskStrategies: AWS documents no default strategy for RunTask
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html);
// the simulator models the choice as random and its explanations say so.
var DefaultRunTaskStrategies = []Strategy{{"random", ""}}

// Candidate is one container instance as placement sees it.
type Candidate struct {
	Arn             string // container instance ARN
	InstanceID      string // EC2 instance id
	AZ              string // the ecs.availability-zone attribute (a fast path)
	Attrs           map[string]string
	RemainingCPU    int
	RemainingMemory int
	UsedPorts       map[PortKey]bool // fixed host ports in use (reserved ones are implicit)
	DynamicUsed     int              // dynamic ports in use
	Running         int              // runningTasksCount
	Groups          map[string]int   // active tasks per task group
	Connected       bool
	// ENILimit is how many awsvpc tasks the instance can hold (one network
	// interface each; see eni.go); RemainingENI how many more fit now.
	ENILimit     int
	RemainingENI int
	Trunked      bool               // registered with ENI trunking
	ci           *ContainerInstance // owner (nil in pure policy tests)
}

// Attribute implements Target.
func (c *Candidate) Attribute(name string) (string, bool) { v, ok := c.Attrs[name]; return v, ok }

// EC2InstanceID implements Target.
func (c *Candidate) EC2InstanceID() string { return c.InstanceID }

// RunningTasksCount implements Target.
func (c *Candidate) RunningTasksCount() int { return c.Running }

// TaskGroups implements Target.
func (c *Candidate) TaskGroups() map[string]int { return c.Groups }

// AgentConnected implements Target.
func (c *Candidate) AgentConnected() bool { return c.Connected }

// Request is what one task needs.
type Request struct {
	CPU, Memory  int
	Ports        []PortKey // fixed host ports
	DynamicPorts int
	ENIs         int // network interfaces (1 for an awsvpc task on EC2)
	Group        string
	Constraints  []Constraint
	Strategies   []Strategy
}

// Rejection says why an instance was dropped.
type Rejection struct {
	Instance      string `json:"containerInstanceArn"`
	EC2InstanceID string `json:"ec2InstanceId"`
	Reason        string `json:"reason"` // an AWS failure reason
	Detail        string `json:"detail"` // human explanation with numbers (filled by Clone and Text)
	need, have    int
	what          string
}

func (r Rejection) detail() string {
	if r.Detail != "" {
		return r.Detail
	}
	switch r.what {
	case "cpu":
		return fmt.Sprintf("needs %d CPU units, %d remaining", r.need, r.have)
	case "memory":
		return fmt.Sprintf("needs %d MiB, %d MiB remaining", r.need, r.have)
	case "reserved":
		return fmt.Sprintf("port %d is reserved on every container instance", r.need)
	case "port":
		return fmt.Sprintf("host port %d already in use", r.need)
	case "dynamic":
		return "no free dynamic host port"
	case "eni":
		return fmt.Sprintf("no free network interface for an awsvpc task: %d of %d in use", r.need, r.have)
	}
	return r.what
}

// Scored is a candidate that passed the filters, with one score per
// strategy (lower is better).
type Scored struct {
	Instance      string    `json:"containerInstanceArn"`
	EC2InstanceID string    `json:"ec2InstanceId"`
	AZ            string    `json:"availabilityZone"`
	Scores        []float64 `json:"scores"`
	index         int
}

// Explanation records one placement decision.
type Explanation struct {
	Group         string      `json:"group"`
	CPU           int         `json:"cpu"`
	Memory        int         `json:"memory"`
	Constraints   []string    `json:"constraints"`
	Strategies    []string    `json:"strategies"`
	Rejected      []Rejection `json:"rejected"`
	Candidates    []Scored    `json:"candidates"` // instance order
	Chosen        string      `json:"chosen"`     // container instance ARN ("" if none)
	ChosenEC2     string      `json:"chosenEc2InstanceId"`
	FailureReason string      `json:"failureReason,omitempty"`
	chosenIdx     int         // index of the chosen candidate in Place's input, -1 if none
}

// ChosenIndex is the index of the chosen instance in the candidates given
// to Place (-1 when none was chosen).
func (e *Explanation) ChosenIndex() int {
	if e.Chosen == "" {
		return -1
	}
	return e.chosenIdx
}

// Placed reports whether an instance was chosen.
func (e *Explanation) Placed() bool { return e.Chosen != "" }

// Clone returns a deep copy (Placer reuses its buffers).
func (e *Explanation) Clone() *Explanation {
	c := *e
	c.Constraints = append([]string(nil), e.Constraints...)
	c.Strategies = append([]string(nil), e.Strategies...)
	c.Rejected = append([]Rejection(nil), e.Rejected...)
	for i := range c.Rejected {
		c.Rejected[i].Detail = c.Rejected[i].detail()
	}
	c.Candidates = make([]Scored, len(e.Candidates))
	for i, s := range e.Candidates {
		s.Scores = append([]float64(nil), s.Scores...)
		c.Candidates[i] = s
	}
	return &c
}

// Ranked returns the candidates best first.
func (e *Explanation) Ranked() []Scored {
	out := append([]Scored(nil), e.Candidates...)
	sort.SliceStable(out, func(i, j int) bool { return lessScores(out[i].Scores, out[j].Scores) })
	return out
}

// Text renders the explanation for people.
func (e *Explanation) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "task group %s needs %d CPU units, %d MiB\n", e.Group, e.CPU, e.Memory)
	if len(e.Constraints) > 0 {
		fmt.Fprintf(&b, "constraints: %s\n", strings.Join(e.Constraints, "; "))
	}
	fmt.Fprintf(&b, "strategies: %s\n", strings.Join(e.Strategies, " then "))
	for _, r := range e.Rejected {
		fmt.Fprintf(&b, "  rejected %s: %s (%s)\n", r.EC2InstanceID, r.Reason, r.detail())
	}
	for _, s := range e.Ranked() {
		mark := " "
		if s.Instance == e.Chosen {
			mark = "*"
		}
		parts := make([]string, len(s.Scores))
		for i, v := range s.Scores {
			parts[i] = formatScore(v)
		}
		fmt.Fprintf(&b, "%s candidate %s (%s) scores [%s]\n", mark, s.EC2InstanceID, s.AZ, strings.Join(parts, " "))
	}
	if e.Chosen == "" {
		fmt.Fprintf(&b, "no instance chosen: %s\n", e.FailureReason)
	} else {
		fmt.Fprintf(&b, "chosen: %s\n", e.ChosenEC2)
	}
	return b.String()
}

func formatScore(v float64) string {
	if math.IsInf(v, 1) {
		return "inf"
	}
	if v == math.Trunc(v) {
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.3f", v)
}

func lessScores(a, b []float64) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

// Placer chooses instances; it keeps scratch buffers between decisions, so
// the Explanation it returns is valid until the next call (Clone it to keep).
type Placer struct {
	exp      Explanation
	scores   []float64
	spread   []valueCounts
	groupN   []int
	reasonsN map[string]int
}

// valueCounts counts tasks per attribute value; a short list searched
// linearly (zones, instance types), with a map once it grows.
type valueCounts struct {
	vals []string
	ns   []int
	m    map[string]int
}

func (vc *valueCounts) reset() {
	vc.vals, vc.ns = vc.vals[:0], vc.ns[:0]
	if vc.m != nil {
		clear(vc.m)
	}
}

func (vc *valueCounts) add(v string, n int) {
	if len(vc.m) > 0 {
		vc.m[v] += n
		return
	}
	for i, x := range vc.vals {
		if x == v {
			vc.ns[i] += n
			return
		}
	}
	if len(vc.vals) < 16 {
		vc.vals = append(vc.vals, v)
		vc.ns = append(vc.ns, n)
		return
	}
	if vc.m == nil {
		vc.m = map[string]int{}
	}
	for i, x := range vc.vals {
		vc.m[x] = vc.ns[i]
	}
	vc.vals, vc.ns = vc.vals[:0], vc.ns[:0]
	vc.m[v] += n
}

func (vc *valueCounts) get(v string) int {
	if len(vc.m) > 0 {
		return vc.m[v]
	}
	for i, x := range vc.vals {
		if x == v {
			return vc.ns[i]
		}
	}
	return 0
}

// attr reads an attribute, with the zone as a field.
func (c *Candidate) attr(name string) (string, bool) {
	if name == "ecs.availability-zone" && c.AZ != "" {
		return c.AZ, true
	}
	v, ok := c.Attrs[name]
	return v, ok
}

// Place runs filter -> constraints -> strategies -> select for one task.
func (p *Placer) Place(req *Request, cands []*Candidate, rng *rand.Rand) *Explanation {
	e := &p.exp
	e.Group, e.CPU, e.Memory = req.Group, req.CPU, req.Memory
	e.Constraints = e.Constraints[:0]
	for _, c := range req.Constraints {
		if c.Type == "memberOf" {
			e.Constraints = append(e.Constraints, "memberOf("+c.Expression+")")
		} else {
			e.Constraints = append(e.Constraints, c.Type)
		}
	}
	e.Strategies = e.Strategies[:0]
	for _, s := range req.Strategies {
		e.Strategies = append(e.Strategies, s.String())
	}
	if len(e.Strategies) == 0 {
		e.Strategies = append(e.Strategies, "first registered")
	}
	e.Rejected = e.Rejected[:0]
	e.Candidates = e.Candidates[:0]
	e.Chosen, e.ChosenEC2, e.FailureReason = "", "", ""
	if p.reasonsN == nil {
		p.reasonsN = map[string]int{}
	}
	clear(p.reasonsN)

	// The task group's count on every instance, then spread counts per
	// strategy (over every instance, not only candidates).
	p.groupN = p.groupN[:0]
	for _, c := range cands {
		p.groupN = append(p.groupN, c.Groups[req.Group])
	}
	for len(p.spread) < len(req.Strategies) {
		p.spread = append(p.spread, valueCounts{})
	}
	for i, s := range req.Strategies {
		if s.Type != "spread" || s.Field == "instanceId" {
			continue
		}
		vc := &p.spread[i]
		vc.reset()
		name := strings.TrimPrefix(s.Field, "attribute:")
		for idx, c := range cands {
			if n := p.groupN[idx]; n > 0 {
				if v, ok := c.attr(name); ok {
					vc.add(v, n)
				}
			}
		}
	}

	ns := len(req.Strategies)
	if cap(p.scores) < ns*len(cands) {
		p.scores = make([]float64, ns*len(cands))
	}
	scores := p.scores[:0]
	best := -1
	for idx, c := range cands {
		if r, w, need, have := filterResources(req, c); r != "" {
			rej := Rejection{Reason: r, what: w, need: need, have: have}
			if r == ReasonENI && c.Attrs["ecs.instance-type"] != "" {
				rej.Detail = eniDetail(c)
			}
			p.reject(c, rej)
			continue
		}
		if r, d := filterConstraints(req, c, p.groupN[idx]); r != "" {
			p.reject(c, Rejection{Reason: r, what: d})
			continue
		}
		start := len(scores)
		for i, s := range req.Strategies {
			scores = append(scores, strategyScore(s, req, c, p.groupN[idx], &p.spread[i], rng))
		}
		e.Candidates = append(e.Candidates, Scored{Instance: c.Arn, EC2InstanceID: c.InstanceID, AZ: c.AZ,
			Scores: scores[start:len(scores):len(scores)], index: idx})
		if best < 0 || lessScores(scores[start:], e.Candidates[best].Scores) {
			best = len(e.Candidates) - 1
		}
	}
	if best >= 0 {
		e.Chosen = e.Candidates[best].Instance
		e.ChosenEC2 = e.Candidates[best].EC2InstanceID
		e.chosenIdx = e.Candidates[best].index
		return e
	}
	e.chosenIdx = -1
	e.FailureReason = p.failureReason()
	return e
}

func (p *Placer) reject(c *Candidate, r Rejection) {
	r.Instance, r.EC2InstanceID = c.Arn, c.InstanceID
	p.exp.Rejected = append(p.exp.Rejected, r)
	p.reasonsN[r.Reason]++
}

// failureReason: constraint failures win (those instances had the
// resources); otherwise the most common resource shortage.
func (p *Placer) failureReason() string {
	for _, r := range []string{ReasonDistinctInstance, ReasonMemberOf} {
		if p.reasonsN[r] > 0 {
			return r
		}
	}
	best, n := "", 0
	for _, r := range []string{ReasonCPU, ReasonMemory, ReasonPorts, ReasonENI} {
		if p.reasonsN[r] > n {
			best, n = r, p.reasonsN[r]
		}
	}
	return best
}

// filterResources checks CPU, then memory, then ports, then network
// interfaces. It returns the AWS reason, what was short, and the numbers.
func filterResources(req *Request, c *Candidate) (string, string, int, int) {
	if req.CPU > c.RemainingCPU {
		return ReasonCPU, "cpu", req.CPU, c.RemainingCPU
	}
	if req.Memory > c.RemainingMemory {
		return ReasonMemory, "memory", req.Memory, c.RemainingMemory
	}
	for _, pk := range req.Ports {
		if isReserved(pk.Port) {
			return ReasonPorts, "reserved", pk.Port, 0
		}
		if c.UsedPorts[pk] {
			return ReasonPorts, "port", pk.Port, 0
		}
	}
	if req.DynamicPorts > 0 && c.DynamicUsed+req.DynamicPorts > DynamicPortMax-DynamicPortMin+1 {
		return ReasonPorts, "dynamic", 0, 0
	}
	if req.ENIs > 0 && c.RemainingENI < req.ENIs {
		return ReasonENI, "eni", c.ENILimit - c.RemainingENI, c.ENILimit
	}
	return "", "", 0, 0
}

func isReserved(port int) bool {
	for _, r := range ReservedPorts {
		if r == port {
			return true
		}
	}
	return false
}

func filterConstraints(req *Request, c *Candidate, groupN int) (string, string) {
	for _, k := range req.Constraints {
		switch k.Type {
		case "distinctInstance":
			if groupN > 0 {
				return ReasonDistinctInstance, fmt.Sprintf("already runs a task of group %s", req.Group)
			}
		case "memberOf":
			if k.Query != nil && !k.Query.Match(c) {
				return ReasonMemberOf, fmt.Sprintf("does not match %s", k.Expression)
			}
		}
	}
	return "", ""
}

func strategyScore(s Strategy, req *Request, c *Candidate, groupN int, counts *valueCounts, rng *rand.Rand) float64 {
	switch s.Type {
	case "binpack":
		if s.Field == "cpu" {
			return float64(c.RemainingCPU - req.CPU)
		}
		return float64(c.RemainingMemory - req.Memory)
	case "spread":
		if s.Field == "instanceId" {
			return float64(groupN)
		}
		v, ok := c.attr(strings.TrimPrefix(s.Field, "attribute:"))
		if !ok {
			return math.Inf(1)
		}
		return float64(counts.get(v))
	case "random":
		if rng == nil {
			return 0
		}
		return rng.Float64()
	}
	return 0
}

// Take records a placed task on the candidate (resources, ports, group) and
// returns the dynamic host ports it was given (lowest free first). Running
// counts only change when the task reaches RUNNING.
func (c *Candidate) Take(req *Request) []int {
	c.RemainingCPU -= req.CPU
	c.RemainingMemory -= req.Memory
	c.RemainingENI -= req.ENIs
	if c.UsedPorts == nil {
		c.UsedPorts = map[PortKey]bool{}
	}
	for _, p := range req.Ports {
		c.UsedPorts[p] = true
	}
	var dyn []int
	for n := 0; n < req.DynamicPorts; n++ {
		for port := DynamicPortMin; port <= DynamicPortMax; port++ {
			k := PortKey{port, "tcp"}
			if !c.UsedPorts[k] {
				c.UsedPorts[k] = true
				dyn = append(dyn, port)
				break
			}
		}
	}
	c.DynamicUsed += len(dyn)
	if c.Groups == nil {
		c.Groups = map[string]int{}
	}
	c.Groups[req.Group]++
	return dyn
}

// PickFargateAZ chooses the zone with the fewest tasks of the group among
// the zones offered (Fargate ignores strategies and spreads across AZs).
func PickFargateAZ(counts map[string]int, zones []string) string {
	best := ""
	for _, z := range zones {
		if best == "" || counts[z] < counts[best] {
			best = z
		}
	}
	return best
}

// TaskView is one active task as reconcile and scale-in see it.
type TaskView struct {
	ID         string
	Instance   string // container instance ARN ("" on Fargate)
	AZ         string
	Running    bool // lastStatus RUNNING
	Outdated   bool // belongs to a non-primary deployment
	Draining   bool // its instance is DRAINING
	RemainCPU  int  // its instance's remaining CPU (for binpack scale-in)
	RemainMem  int
	CreatedSeq int // creation order
}

// ChooseToStop picks n tasks to stop for scale-in (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_services.html,
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html): for binpack
// services from the instance that will have the most free resources;
// otherwise from the AZ with the most tasks, then the instance with the
// most; ties: a task not yet running, then the newest.
func ChooseToStop(tasks []TaskView, n int, strategies []Strategy) []string {
	if n <= 0 {
		return nil
	}
	binpack := ""
	for _, s := range strategies {
		if s.Type == "binpack" {
			binpack = s.Field
			break
		}
	}
	// Index the AZs and instances once: the choice below compares counts
	// in slices, and each stop updates two counters, so scaling a service
	// in by k of n tasks costs O(k x n) comparisons without map lookups.
	azIdx, instIdx := map[string]int{}, map[string]int{}
	type cand struct {
		t           TaskView
		az, inst    int
		free, freeM int
	}
	freeCPU, freeMem := map[string]int{}, map[string]int{}
	for _, t := range tasks {
		freeCPU[t.Instance] = t.RemainCPU
		freeMem[t.Instance] = t.RemainMem
	}
	left := make([]cand, 0, len(tasks))
	for _, t := range tasks {
		az, ok := azIdx[t.AZ]
		if !ok {
			az = len(azIdx)
			azIdx[t.AZ] = az
		}
		in, ok := instIdx[t.Instance]
		if !ok {
			in = len(instIdx)
			instIdx[t.Instance] = in
		}
		left = append(left, cand{t: t, az: az, inst: in, free: freeCPU[t.Instance], freeM: freeMem[t.Instance]})
	}
	perAZ, perInst := make([]int, len(azIdx)), make([]int, len(instIdx))
	for _, c := range left {
		perAZ[c.az]++
		perInst[c.inst]++
	}
	better := func(a, b *cand) bool {
		if binpack == "cpu" && a.free != b.free {
			return a.free > b.free
		}
		if binpack == "memory" && a.freeM != b.freeM {
			return a.freeM > b.freeM
		}
		if perAZ[a.az] != perAZ[b.az] {
			return perAZ[a.az] > perAZ[b.az]
		}
		if perInst[a.inst] != perInst[b.inst] {
			return perInst[a.inst] > perInst[b.inst]
		}
		if a.t.Running != b.t.Running {
			return !a.t.Running
		}
		return a.t.CreatedSeq > b.t.CreatedSeq
	}
	var out []string
	for len(out) < n && len(left) > 0 {
		best := 0
		for i := 1; i < len(left); i++ {
			if better(&left[i], &left[best]) {
				best = i
			}
		}
		c := left[best]
		out = append(out, c.t.ID)
		perAZ[c.az]--
		perInst[c.inst]--
		left = append(left[:best], left[best+1:]...)
	}
	return out
}
