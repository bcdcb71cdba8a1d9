package shell

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/cloudlab/cloudlab/internal/docker"
	"github.com/cloudlab/cloudlab/internal/termtext"
)

// The container verbs: docker run/ps/logs/stop/kill/rm/inspect on the
// simulated engine (internal/docker/container.go). A container is a record
// with a state; no process runs. The app's memory use is the simulation
// device SIM_MEMORY (docker run -e SIM_MEMORY=300m, or ENV in the
// Dockerfile), compared with --memory: over it, the OOM killer ends the
// container with exit code 137.

func containerCommands() []Command {
	container := ArgSpec{Name: "container", Required: true, Complete: "container", Help: "A container's NAME or ID (a prefix of the ID is enough)."}
	containers := ArgSpec{Name: "container", Rest: true, Required: true, Complete: "container", Help: "Container NAMEs or IDs."}
	return []Command{
		{
			Lab: true, Service: "docker", Operation: "run",
			Summary: "Create and start a container from an image (simulated: no process runs; memory use is SIM_MEMORY)",
			Options: []OptSpec{
				{Name: "detach", Short: "d", Type: Bool, Help: "Run in the background and print the container ID."},
				{Name: "publish", Short: "p", Repeat: true, Help: "Publish a port HOST:CONTAINER (repeat -p for several)."},
				{Name: "memory", Short: "m", Help: "Memory limit, e.g. 256m (b, k, m, g; at least 6m). Over it, the OOM killer ends the container: exit 137."},
				{Name: "name", Help: "The container's name (unique); default: a simulated adjective_name."},
				{Name: "rm", Type: Bool, Help: "Remove the container when it exits."},
				{Name: "env", Short: "e", Repeat: true, Help: "Set KEY=VALUE (repeat -e for several). SIMULATION DEVICE: SIM_MEMORY=300m is the app's memory use (also read from the image's ENV)."},
			},
			Args: []ArgSpec{
				{Name: "image", Required: true, Complete: "image", Help: "NAME[:TAG], an image ID, or an ECR image URI (pulled when not local)."},
				{Name: "command", Rest: true, Help: "The command, replacing the image's CMD (its words may not start with -)."},
			},
			Run: dockerRunCmd,
		},
		{
			Lab: true, Service: "docker", Operation: "ps",
			Summary: "List running containers (-a: all): CONTAINER ID, IMAGE, COMMAND, CREATED, STATUS, PORTS, NAMES",
			Options: []OptSpec{{Name: "all", Short: "a", Type: Bool, Help: "Show stopped containers too."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				now := ctx.Now()
				var b strings.Builder
				w := tabwriter.NewWriter(&b, 10, 1, 3, ' ', 0)
				fmt.Fprintln(w, "CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tPORTS\tNAMES")
				var list []map[string]any
				for _, c := range ctx.Acct.Docker.Containers(a.Bool("all")) {
					cmd := `"` + truncRunes(c.Command, 20) + `"`
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", c.ShortID(), c.Image, cmd, humanAgo(now-c.Created), c.Status(now), c.PortsText(), c.Name)
					list = append(list, map[string]any{"ID": c.ShortID(), "Names": c.Name, "Image": c.Image, "State": state(c), "Status": c.Status(now)})
				}
				w.Flush()
				return Result{Text: termtext.Sanitize(b.String()), Output: map[string]any{"Containers": list}}, nil
			},
		},
		{
			Lab: true, Service: "docker", Operation: "logs",
			Summary: "Show a container's output (the simulated app's lines)",
			Args:    []ArgSpec{container},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				c, err := ctx.Acct.Docker.Container(a.Str("container"))
				if err != nil {
					return Result{}, err
				}
				return Result{Text: termtext.Sanitize(strings.Join(c.Logs, "\n"))}, nil
			},
		},
		{
			Lab: true, Service: "docker", Operation: "stop",
			Summary: "Stop containers: SIGTERM, SIGKILL after 10 s (an app as PID 1 without a SIGTERM handler exits 137; SIM_SIGTERM=exit: it handles it, 143)",
			Args:    []ArgSpec{containers},
			Run: eachContainer(func(e *docker.Engine, ref string) error {
				_, err := e.Stop(ref)
				return err
			}),
		},
		{
			Lab: true, Service: "docker", Operation: "kill",
			Summary: "Kill running containers with SIGKILL (exit code 137)",
			Args:    []ArgSpec{containers},
			Run:     eachContainer(func(e *docker.Engine, ref string) error { return e.Kill(ref) }),
		},
		{
			Lab: true, Service: "docker", Operation: "rm",
			Summary: "Remove containers (a running one only with -f, which kills it first)",
			Options: []OptSpec{{Name: "force", Short: "f", Type: Bool, Help: "Kill and remove a running container."}},
			Args:    []ArgSpec{containers},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				return eachContainer(func(e *docker.Engine, ref string) error { return e.RemoveContainer(ref, a.Bool("force")) })(ctx, a)
			},
		},
		{
			Lab: true, Service: "docker", Operation: "inspect",
			Summary: "Show a container's state: Status, Running, OOMKilled, ExitCode, memory limit and ports",
			Args:    []ArgSpec{container},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				c, err := ctx.Acct.Docker.Container(a.Str("container"))
				if err != nil {
					return Result{}, err
				}
				ports := map[string]any{}
				for _, p := range c.Ports {
					ports[fmt.Sprintf("%d/tcp", p.Container)] = []map[string]any{{"HostIp": "0.0.0.0", "HostPort": fmt.Sprint(p.Host)}}
				}
				return Result{Output: map[string]any{
					"Id": c.ID, "Name": "/" + c.Name, "Image": c.ImageID,
					"State":           map[string]any{"Status": state(c), "Running": c.Running, "OOMKilled": c.OOMKilled, "ExitCode": c.ExitCode},
					"Config":          map[string]any{"Image": c.Image, "Cmd": c.Command, "Env": c.Env},
					"HostConfig":      map[string]any{"Memory": c.Memory, "AutoRemove": c.AutoRemove},
					"NetworkSettings": map[string]any{"Ports": ports},
				}}, nil
			},
		},
	}
}

func state(c *docker.Container) string {
	if c.Running {
		return "running"
	}
	return "exited"
}

// eachContainer runs op on every named container and prints each name
// back, as the Docker CLI does; it stops at the first error.
func eachContainer(op func(e *docker.Engine, ref string) error) func(*Ctx, Args) (Result, error) {
	return func(ctx *Ctx, a Args) (Result, error) {
		var out []string
		for _, ref := range a.List("container") {
			if err := op(ctx.Acct.Docker, ref); err != nil {
				return Result{Text: strings.Join(out, "\n")}, err
			}
			out = append(out, ref)
		}
		return Result{Text: termtext.Sanitize(strings.Join(out, "\n"))}, nil
	}
}

func dockerRunCmd(ctx *Ctx, a Args) (Result, error) {
	opt := docker.RunOptions{Image: a.Str("image"), Cmd: a.List("command"), Detach: a.Bool("detach"),
		Name: a.Str("name"), Memory: a.Str("memory"), Remove: a.Bool("rm")}
	if a.Has("publish") {
		opt.Ports = a.All("publish")
	}
	if a.Has("env") {
		opt.Env = a.All("env")
	}
	out, c, err := ctx.Acct.Docker.Run(ctx.Acct.ECR, opt)
	out = termtext.Sanitize(out)
	if err != nil {
		if out != "" { // "Unable to find image ... locally" comes before the error
			return Result{}, fmt.Errorf("%s%w", out, err)
		}
		return Result{}, err
	}
	return Result{Text: out, Output: map[string]any{"Id": c.ID, "Name": c.Name, "ExitCode": c.ExitCode, "OOMKilled": c.OOMKilled}}, nil
}
