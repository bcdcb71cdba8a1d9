// Package cloud is one simulated AWS account: the simulation clock plus the
// simulated services. The shell runs commands against an Account.
package cloud

import (
	"strings"

	"github.com/cloudlab/cloudlab/internal/docker"
	"github.com/cloudlab/cloudlab/internal/ec2"
	"github.com/cloudlab/cloudlab/internal/ecs"
	"github.com/cloudlab/cloudlab/internal/lambda"
	"github.com/cloudlab/cloudlab/internal/sim"
)

// Account is one simulated AWS account in one Region.
type Account struct {
	Kernel *sim.Kernel
	Lambda *lambda.Service
	EC2    *ec2.Service
	ECS    *ecs.Sim
	Docker *docker.Engine   // the learner's simulated Docker engine (images, build cache)
	ECR    *docker.Registry // the account's simulated ECR registry
}

// DefaultEventBudget caps the kernel events one account may ever process so a
// runaway script cannot hang a shared server (roughly a minute of CPU: one invocation costs about two events).
const DefaultEventBudget = 100_000_000

// New returns a fresh account whose simulation is seeded with seed.
func New(seed uint64) *Account {
	k := sim.New(seed)
	k.SetBudget(DefaultEventBudget)
	return NewOn(k, lambda.New(k))
}

// NewOn returns an account on an existing kernel whose Lambda is fn: the
// lab with real handlers passes the invoker's kernel and service
// (internal/invoker), so the shell's commands and the checks see the
// functions whose environments are real processes. The other services are
// new, on the same kernel.
func NewOn(k *sim.Kernel, fn *lambda.Service) *Account {
	e := ec2.New(k)
	a := &Account{Kernel: k, Lambda: fn, EC2: e, ECS: ecs.New(k, e), Docker: docker.New(k.Now), ECR: docker.NewRegistry(k.Now, ecs.AccountID, ecs.Region)}
	// Tasks pull images of the account's ECR registry by compressed size.
	a.ECS.SetRegistry(func(ref string) (ecs.RegistryImage, bool, bool) {
		im, in, found := a.ECR.Resolve(ref)
		if !found {
			return ecs.RegistryImage{}, in, false
		}
		return ecs.RegistryImage{Digest: im.Digest, Size: im.Size}, true, true
	})
	return a
}

// Names lists resource names of a kind for tab completion. Kinds: "function"
// (lambda); the ecs helper adds its kinds ("cluster", "service", ...).
func (a *Account) Names(kind string) []string {
	switch kind {
	case "function":
		return a.Lambda.Names(kind)
	case "cluster", "service", "task-definition", "family", "task", "container-instance":
		return a.ECS.Names(kind)
	case "instance", "asg":
		return a.EC2.Names(kind)
	case "image":
		return a.Docker.Names()
	case "repository":
		return a.ECR.Names()
	case "container":
		var out []string
		for _, c := range a.Docker.Containers(true) {
			out = append(out, c.Name)
		}
		return out
	case "instance-type":
		return ec2.TypeNames()
	}
	return nil
}

// Report is the `report --json` object: {"clock", "lambda", "ecs"}.
type Report struct {
	Clock  string        `json:"clock"`
	Lambda lambda.Report `json:"lambda"`
	ECS    ecs.Report    `json:"ecs"`
	EC2    ec2.Report    `json:"ec2"`
}

// Report summarizes every service over the whole run so far.
func (a *Account) Report() Report {
	return Report{
		Clock:  sim.FormatClock(a.Kernel.Now()),
		Lambda: a.Lambda.Report(),
		ECS:    a.ECS.Report(),
		EC2:    a.EC2.Report(),
	}
}

// ReportText is the plain-text report (`report` without --json).
func (a *Account) ReportText() string {
	var b strings.Builder
	b.WriteString("clock " + sim.FormatClock(a.Kernel.Now()) + "\n")
	for _, part := range []string{a.Lambda.ReportText(), a.ECS.ReportText(), a.EC2.ReportText()} {
		if part = strings.TrimRight(part, "\n"); part != "" {
			b.WriteString(part + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n")
}
