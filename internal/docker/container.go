package docker

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Containers: `docker run`, `ps`, `logs`, `stop`, `kill` and `rm` on the
// simulated engine. A container is a record with a state; no process
// runs. What is simulated, and labelled so in doc.go and `help`:
//   - The app's memory use is a SIMULATION DEVICE: the environment
//     variable SIM_MEMORY (e.g. 300m), from `docker run -e SIM_MEMORY=300m`
//     or the image's `ENV SIM_MEMORY=300m`; 0 when neither sets it.
//   - The app's output (`docker logs`) is one SIMULATED line saying what
//     the container runs.
//   - Default names are SIMULATED: adjective_name pairs taken in order
//     from a fixed list, not at random.

// MaxContainers is the simulator's cap on containers per engine (running
// or stopped). Docker has no such limit; it keeps the simulation small.
const MaxContainers = 100

// MaxLayers is the most filesystem layers an image may have: "Historic
// layer limit for Docker images is 127"
// (https://github.com/moby/buildkit/pull/4815); overlay2 enforces a hard
// upper limit of 128 lower layers
// (https://docs.docker.com/engine/storage/drivers/overlayfs-driver/).
const MaxLayers = 127

// StopTimeout is `docker stop`'s default grace period between SIGTERM and
// SIGKILL (https://docs.docker.com/reference/cli/docker/container/stop/).
const StopTimeout = 10 * time.Second

// MinMemory is the smallest --memory Docker accepts: 6 MB
// (https://docs.docker.com/engine/containers/resource_constraints/).
const MinMemory = 6 * 1024 * 1024

// Port is one published port: -p HOST:CONTAINER.
type Port struct{ Host, Container int }

// Container is one container.
type Container struct {
	ID         string // 64 hex digits
	Name       string
	Image      string // the reference given to docker run
	ImageID    string
	Command    string
	Created    time.Duration
	Finished   time.Duration
	Running    bool
	ExitCode   int
	OOMKilled  bool
	Ports      []Port
	Memory     int64 // --memory, 0 = no limit
	MemoryUse  int64 // SIMULATED: SIM_MEMORY
	AutoRemove bool
	Env        []string
	Logs       []string
}

// ShortID is the 12-hex-digit ID `docker ps` prints.
func (c *Container) ShortID() string { return c.ID[:12] }

// RunOptions are `docker run`'s options.
type RunOptions struct {
	Image  string
	Cmd    []string
	Detach bool
	Name   string
	Ports  []string // HOST:CONTAINER
	Memory string   // e.g. 256m
	Env    []string // KEY=VALUE
	Remove bool     // --rm
}

// ParseBytes parses a Docker memory size: a number with an optional unit
// b, k, m or g (https://docs.docker.com/engine/containers/resource_constraints/).
func ParseBytes(s string) (int64, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimSuffix(t, "b")
	mult := int64(1)
	if t != "" {
		switch t[len(t)-1] {
		case 'k':
			mult, t = 1024, t[:len(t)-1]
		case 'm':
			mult, t = 1024*1024, t[:len(t)-1]
		case 'g':
			mult, t = 1024*1024*1024, t[:len(t)-1]
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > (1<<50)/mult {
		return 0, fmt.Errorf("invalid size: '%s'", s)
	}
	return n * mult, nil
}

var adjectives = []string{"brave", "calm", "eager", "fervent", "gallant", "happy", "jolly", "keen", "lucid", "nifty"}
var surnames = []string{"turing", "hopper", "lovelace", "ritchie", "thompson", "torvalds", "liskov", "knuth", "hamilton", "kay"}

// Containers returns the containers, newest first; all=false keeps the
// running ones only (`docker ps` without -a).
func (e *Engine) Containers(all bool) []*Container {
	var out []*Container
	for i := len(e.containers) - 1; i >= 0; i-- {
		if c := e.containers[i]; all || c.Running {
			out = append(out, c)
		}
	}
	return out
}

// ContainerNames lists container names for tab completion.
func (e *Engine) ContainerNames() []string {
	var out []string
	for _, c := range e.containers {
		out = append(out, c.Name)
	}
	sort.Strings(out)
	return out
}

// Container finds a container by name or by an ID prefix.
func (e *Engine) Container(ref string) (*Container, error) {
	for _, c := range e.containers {
		if c.Name == strings.TrimPrefix(ref, "/") {
			return c, nil
		}
	}
	var found *Container
	if ref != "" && isHex(ref) {
		for _, c := range e.containers {
			if strings.HasPrefix(c.ID, ref) {
				if found != nil {
					return nil, fmt.Errorf("Error response from daemon: multiple IDs found with provided prefix: %s", ref)
				}
				found = c
			}
		}
	}
	if found == nil {
		return nil, fmt.Errorf("Error response from daemon: No such container: %s", ref)
	}
	return found, nil
}

// imageEnv is the image's ENV KEY=VALUE pairs from its Dockerfile.
func imageEnv(im *Image) []string {
	var out []string
	for _, l := range im.History {
		rest, ok := strings.CutPrefix(l.CreatedBy, "ENV ")
		if !ok {
			continue
		}
		if k, v, ok := strings.Cut(rest, "="); ok {
			out = append(out, strings.TrimSpace(k)+"="+strings.Trim(strings.TrimSpace(v), `"`))
		} else if f := strings.Fields(rest); len(f) >= 2 { // ENV KEY VALUE
			out = append(out, f[0]+"="+strings.Join(f[1:], " "))
		}
	}
	return out
}

// imageCmd is the image's CMD (the last one), as `docker ps` shows it.
func imageCmd(im *Image) string {
	cmd := ""
	for _, l := range im.History {
		if rest, ok := strings.CutPrefix(l.CreatedBy, "CMD "); ok {
			cmd = strings.TrimSpace(rest)
			var words []string
			if strings.HasPrefix(cmd, "[") && jsonWords(cmd, &words) == nil {
				cmd = strings.Join(words, " ")
			}
		}
	}
	return cmd
}

// Run is `docker run`: it creates and starts a container
// (https://docs.docker.com/reference/cli/docker/container/run/). The
// image must be local, or in the simulated ECR registry r (pulled first,
// as Docker does; out then has the pull's lines). Refusals follow
// Docker's messages: a name in use, a host port a running container has
// published, an unknown image, a --memory under 6 MB. A container whose
// SIMULATED memory use (SIM_MEMORY) exceeds --memory is killed by the OOM
// killer at once: exit code 137, OOMKilled
// (https://docs.docker.com/engine/containers/resource_constraints/).
func (e *Engine) Run(r *Registry, opt RunOptions) (out string, c *Container, err error) {
	ref := opt.Image
	var mem int64
	if opt.Memory != "" {
		if mem, err = ParseBytes(opt.Memory); err != nil {
			return "", nil, fmt.Errorf("invalid argument %q for \"-m, --memory\" flag: %v", opt.Memory, err)
		}
		if mem < MinMemory {
			return "", nil, fmt.Errorf("docker: Error response from daemon: Minimum memory limit allowed is 6MB.")
		}
	}
	var ports []Port
	for _, p := range opt.Ports {
		h, ct, ok := strings.Cut(strings.TrimSuffix(p, "/tcp"), ":")
		hp, err1 := strconv.Atoi(h)
		cp, err2 := strconv.Atoi(ct)
		if !ok || err1 != nil || err2 != nil || hp < 1 || hp > 65535 || cp < 1 || cp > 65535 {
			return "", nil, fmt.Errorf("docker: invalid port format %q: publish as HOST:CONTAINER, both 1-65535 (the simulator does not model IP addresses, ranges or UDP)", p)
		}
		ports = append(ports, Port{hp, cp})
	}
	if opt.Name != "" && !containerNameRE().MatchString(opt.Name) {
		return "", nil, fmt.Errorf("docker: Error response from daemon: Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed.", opt.Name)
	}
	if opt.Name != "" {
		if o, _ := e.Container(opt.Name); o != nil && o.Name == opt.Name {
			return "", nil, fmt.Errorf("docker: Error response from daemon: Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to remove (or rename) that container to be able to reuse that name.", opt.Name, o.ID)
		}
	}
	if len(e.containers) >= MaxContainers {
		return "", nil, fmt.Errorf("docker: the simulated engine holds at most %d containers (a simulator limit, not Docker's): remove some with docker rm", MaxContainers)
	}
	im, err := e.Find(ref)
	if err != nil {
		full, cerr := CheckRef(ref)
		if cerr != nil {
			return "", nil, fmt.Errorf("docker: %v", cerr)
		}
		out = fmt.Sprintf("Unable to find image '%s' locally\n", full)
		if _, _, ok := r.SplitURI(full); !ok {
			repo, _ := splitRef(full)
			return out, nil, fmt.Errorf("docker: Error response from daemon: pull access denied for %s, repository does not exist or may require 'docker login': denied: requested access to the resource is denied (the simulator runs images you built or pulled from its ECR registry)", repo)
		}
		pulled, perr := e.Pull(r, full)
		if perr != nil {
			return out, nil, fmt.Errorf("docker: %v", perr)
		}
		out += pulled + "\n"
		if im, err = e.Find(full); err != nil {
			return out, nil, err
		}
	}
	name := opt.Name
	if name == "" {
		for k := e.seq; ; k++ {
			name = adjectives[k%len(adjectives)] + "_" + surnames[(k/len(adjectives))%len(surnames)]
			if k >= len(adjectives)*len(surnames) {
				name += strconv.Itoa(k / (len(adjectives) * len(surnames)))
			}
			if o, _ := e.Container(name); o == nil {
				break
			}
		}
	}
	for _, p := range ports {
		for _, o := range e.containers {
			if !o.Running {
				continue
			}
			for _, op := range o.Ports {
				if op.Host == p.Host {
					return out, nil, fmt.Errorf("docker: Error response from daemon: driver failed programming external connectivity on endpoint %s: Bind for 0.0.0.0:%d failed: port is already allocated.", name, p.Host)
				}
			}
		}
	}
	env := append(imageEnv(im), opt.Env...)
	var use int64
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "SIM_MEMORY="); ok {
			if use, err = ParseBytes(v); err != nil {
				return out, nil, fmt.Errorf("docker: SIM_MEMORY (the simulated app's memory use): %v", err)
			}
		}
	}
	cmd := imageCmd(im)
	if len(opt.Cmd) > 0 {
		cmd = strings.Join(opt.Cmd, " ")
	}
	e.seq++
	now := e.now()
	c = &Container{ID: hashKey("container", strconv.Itoa(e.seq), name, im.ID, now.String()), Name: name, Image: ref, ImageID: im.ID,
		Command: cmd, Created: now, Running: true, Ports: ports, Memory: mem, MemoryUse: use, AutoRemove: opt.Remove, Env: env}
	c.Logs = []string{fmt.Sprintf("[simulated app] %s started", cmd)}
	if mem > 0 && use > mem {
		c.Running, c.ExitCode, c.OOMKilled, c.Finished = false, 137, true, now
		c.Logs = append(c.Logs, fmt.Sprintf("[simulated app] using %s, over the %s limit: killed by the OOM killer", memText(use), memText(mem)))
	}
	if !(c.AutoRemove && !c.Running) {
		e.containers = append(e.containers, c)
	}
	if opt.Detach {
		out += c.ID
	} else {
		out += strings.Join(c.Logs, "\n")
	}
	return out, c, nil
}

var containerNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`) })

// finish ends a running container with code; --rm containers go away.
func (e *Engine) finish(c *Container, code int) {
	c.Running, c.ExitCode, c.Finished = false, code, e.now()
	if c.AutoRemove {
		e.drop(c)
	}
}

func (e *Engine) drop(c *Container) {
	for i, x := range e.containers {
		if x == c {
			e.containers = append(e.containers[:i], e.containers[i+1:]...)
			return
		}
	}
}

// Stop is `docker stop`: SIGTERM, then SIGKILL after StopTimeout
// (https://docs.docker.com/reference/cli/docker/container/stop/). The
// app runs as PID 1, and Linux gives PID 1 no default signal actions: an
// app that does not handle SIGTERM ignores it, waits out the grace period
// and is killed, exit code 137 (128 + 9)
// (https://docs.docker.com/reference/cli/docker/container/run/#init).
// SIMULATION DEVICE: SIM_SIGTERM=exit in the container's environment
// (`-e` or the image's ENV) stands for an app that handles SIGTERM and
// exits at once: 143 (128 + 15). It returns how long the stop took. A
// stopped container stays stopped.
func (e *Engine) Stop(ref string) (time.Duration, error) {
	c, err := e.Container(ref)
	if err != nil {
		return 0, err
	}
	if !c.Running {
		return 0, nil
	}
	if slices.Contains(c.Env, "SIM_SIGTERM=exit") {
		c.Logs = append(c.Logs, "[simulated app] SIGTERM received: exiting")
		e.finish(c, 143)
		return 0, nil
	}
	c.Logs = append(c.Logs, fmt.Sprintf("[simulated app] SIGTERM ignored (PID 1 without a handler): killed after %s", StopTimeout))
	e.finish(c, 137)
	return StopTimeout, nil
}

// Kill is `docker kill`: SIGKILL, exit code 137 (128 + 9)
// (https://docs.docker.com/reference/cli/docker/container/kill/). A
// container that is not running is refused, as Docker does.
func (e *Engine) Kill(ref string) error {
	c, err := e.Container(ref)
	if err != nil {
		return err
	}
	if !c.Running {
		return fmt.Errorf("Error response from daemon: cannot kill container: %s: container %s is not running", ref, c.ID)
	}
	e.finish(c, 137)
	return nil
}

// RemoveContainer is `docker rm [-f]`: a running container is refused
// without force; with force it is killed (SIGKILL) and removed
// (https://docs.docker.com/reference/cli/docker/container/rm/).
func (e *Engine) RemoveContainer(ref string, force bool) error {
	c, err := e.Container(ref)
	if err != nil {
		return err
	}
	if c.Running && !force {
		return fmt.Errorf("Error response from daemon: cannot remove container \"/%s\": container is running: stop the container before removing or force remove", c.Name)
	}
	e.drop(c)
	return nil
}

// Status is `docker ps`' STATUS column at simulated time now: "Up 2
// minutes" or "Exited (137) 5 seconds ago"
// (https://docs.docker.com/reference/cli/docker/container/ps/).
func (c *Container) Status(now time.Duration) string {
	if c.Running {
		return "Up " + HumanDuration(now-c.Created)
	}
	return fmt.Sprintf("Exited (%d) %s ago", c.ExitCode, HumanDuration(now-c.Finished))
}

// humanDuration is go-units' HumanDuration, which the Docker CLI uses.
func HumanDuration(d time.Duration) string {
	s := int(d.Seconds())
	switch {
	case s < 1:
		return "Less than a second"
	case s == 1:
		return "1 second"
	case s < 60:
		return fmt.Sprintf("%d seconds", s)
	}
	m := int(d.Minutes())
	switch {
	case m == 1:
		return "About a minute"
	case m < 60:
		return fmt.Sprintf("%d minutes", m)
	}
	h := int(d.Hours())
	switch {
	case h == 1:
		return "About an hour"
	case h < 48:
		return fmt.Sprintf("%d hours", h)
	case h < 24*7*2:
		return fmt.Sprintf("%d days", h/24)
	case h < 24*30*2:
		return fmt.Sprintf("%d weeks", h/24/7)
	case h < 24*365*2:
		return fmt.Sprintf("%d months", h/24/30)
	}
	return fmt.Sprintf("%d years", h/24/365)
}

// PortsText is `docker ps`' PORTS column.
func (c *Container) PortsText() string {
	if !c.Running {
		return ""
	}
	var out []string
	for _, p := range c.Ports {
		out = append(out, fmt.Sprintf("0.0.0.0:%d->%d/tcp", p.Host, p.Container))
	}
	return strings.Join(out, ", ")
}

// memText shows a memory size in the binary units --memory uses.
func memText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%dGiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
