package endpointui

import (
	"fmt"
	"sort"
	"strings"

	"github.com/mattn/go-runewidth"

	"github.com/cloudlab/cloudlab/internal/cloud"
	"github.com/cloudlab/cloudlab/internal/ec2"
	"github.com/cloudlab/cloudlab/internal/endpoint"
	"github.com/cloudlab/cloudlab/internal/sim"
)

// InstRow is one EC2 instance (with its container instance, if any).
type InstRow struct {
	ID, Type, State, Cluster string
	CPUUsed, CPUReg          int
	MemUsed, MemReg          int
	ENIUsed, ENILimit        int
	Tasks                    int
}

// SvcRow is one ECS service.
type SvcRow struct {
	Cluster, Name             string
	Desired, Running, Pending int
	Deployments               []string // "PRIMARY web:2 IN_PROGRESS 1/3", newest first
	LastEvent                 string
	CPU                       float64
}

// ECSView is the simulated account's part of the view.
type ECSView struct {
	Clock     string
	Speed     float64
	Instances []InstRow
	Tasks     map[string]int // tasks by last status, all clusters
	Services  []SvcRow
}

// TakeWorld reads the ECS and EC2 state of the endpoint's simulated account.
func TakeWorld(w *endpoint.World) *ECSView {
	v := &ECSView{Speed: w.Speed(), Tasks: map[string]int{}}
	_ = w.Do(func(a *cloud.Account) error {
		v.Clock = sim.FormatClock(a.Kernel.Now())
		snap := a.ECS.Snapshot()
		byID := map[string]InstRow{}
		for _, c := range snap.Clusters {
			for st, n := range c.TasksByStatus {
				v.Tasks[st] += n
			}
			for _, is := range c.Instances {
				byID[is.EC2InstanceID] = InstRow{Cluster: c.Name, CPUUsed: is.UsedCPU, CPUReg: is.RegisteredCPU, MemUsed: is.UsedMemory,
					MemReg: is.RegisteredMemory, ENIUsed: is.ENIUsed, ENILimit: is.ENILimit, Tasks: len(is.Tasks)}
			}
			for _, sv := range c.Services {
				row := SvcRow{Cluster: c.Name, Name: sv.Name, Desired: sv.Desired, Running: sv.Running, Pending: sv.Pending, CPU: sv.CPUUtilization}
				for _, d := range sv.Deployments {
					row.Deployments = append(row.Deployments, fmt.Sprintf("%s %s %s %d/%d", d.Status, d.Revision, d.RolloutState, d.Running, sv.Desired))
				}
				if len(sv.Events) > 0 {
					row.LastEvent = sv.Events[0]
				}
				v.Services = append(v.Services, row)
			}
		}
		for _, inst := range a.EC2.Instances() {
			if inst.State == ec2.StateTerminated {
				continue
			}
			r := byID[inst.ID]
			r.ID, r.Type, r.State = inst.ID, inst.Type.Name, inst.State
			if r.Cluster == "" {
				r.Cluster = inst.ECSCluster
			}
			v.Instances = append(v.Instances, r)
		}
		return nil
	})
	return v
}

var taskOrder = []string{"PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"}

func (v *ECSView) taskLine() string {
	var parts []string
	seen := map[string]bool{}
	for _, st := range taskOrder {
		if n := v.Tasks[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", st, n))
		}
		seen[st] = true
	}
	var rest []string
	for st := range v.Tasks {
		if !seen[st] && v.Tasks[st] > 0 {
			rest = append(rest, st)
		}
	}
	sort.Strings(rest)
	for _, st := range rest {
		parts = append(parts, fmt.Sprintf("%s %d", st, v.Tasks[st]))
	}
	if len(parts) == 0 {
		return "no tasks"
	}
	return strings.Join(parts, "  ")
}

func cut(s string, n int) string { return runewidth.Truncate(endpoint.SanitizeLine(s), n, "…") }

// ecsLines renders the ECS pane within rows lines.
func (m Model) ecsLines(rows int) []string {
	v := m.snap.ECS
	var out []string
	if v == nil {
		return []string{m.fit("  the simulated ECS and EC2 are not served by this endpoint")}
	}
	out = append(out, m.fit(fmt.Sprintf(" sim clock %s  x%g   tasks: %s", v.Clock, v.Speed, v.taskLine())))
	// Instances: up to a third of the rows.
	out = append(out, m.bold.Render(m.fit(fmt.Sprintf(" %-19s %-9s %-8s %-8s %9s %10s %4s %5s", "instance", "type", "state", "cluster", "cpu", "memory", "eni", "tasks"))))
	maxInst := max(1, rows/3-1)
	if len(v.Instances) == 0 {
		out = append(out, m.fit("  no instances: aws ec2 run-instances ... --user-data file://ecs.sh"))
	}
	for i, r := range v.Instances {
		if i == maxInst {
			out = append(out, m.fit(fmt.Sprintf("  … %d more", len(v.Instances)-i)))
			break
		}
		eni := "-"
		if r.ENILimit > 0 {
			eni = fmt.Sprintf("%d/%d", r.ENIUsed, r.ENILimit)
		}
		cpu, mem := "-", "-"
		if r.CPUReg > 0 {
			cpu, mem = fmt.Sprintf("%d/%d", r.CPUUsed, r.CPUReg), fmt.Sprintf("%d/%d", r.MemUsed, r.MemReg)
		}
		out = append(out, m.fit(fmt.Sprintf(" %-19s %-9s %-8s %-8s %9s %10s %4s %5d", r.ID, r.Type, r.State, cut(r.Cluster, 8), cpu, mem, eni, r.Tasks)))
	}
	// Services with their deployments and last event.
	out = append(out, m.bold.Render(m.fit(fmt.Sprintf(" %-22s %4s %4s %4s %5s  %s", "service", "want", "run", "pend", "cpu%", "deployments"))))
	left := rows - len(out)
	if len(v.Services) == 0 {
		out = append(out, m.fit("  no services: aws ecs create-service ..."))
	}
	for i, s := range v.Services {
		need := 1
		if s.LastEvent != "" {
			need = 2
		}
		if left < need+1 && i > 0 {
			out = append(out, m.fit(fmt.Sprintf("  … %d more", len(v.Services)-i)))
			break
		}
		out = append(out, m.fit(fmt.Sprintf(" %-22s %4d %4d %4d %5.0f  %s", cut(s.Cluster+"/"+s.Name, 22), s.Desired, s.Running, s.Pending, s.CPU,
			strings.Join(s.Deployments, ", "))))
		left--
		if s.LastEvent != "" {
			out = append(out, m.fit("   "+s.LastEvent))
			left--
		}
	}
	return out
}
