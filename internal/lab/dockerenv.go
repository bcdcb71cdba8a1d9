package lab

import (
	"fmt"
	"strings"

	"github.com/cloudlab/cloudlab/internal/docker"
)

// Image is one row of `docker images`: an image under one of its names
// (an untagged image is Repository "<none>", Tag "<none>").
type Image struct {
	Repository, Tag string
	// ID is the image ID (sha256:...); Base the base image it was built
	// FROM ("python:3.12-slim").
	ID, Base string
	// SizeBytes is the image's size (the base's approximate size plus its
	// layers); Layers its filesystem layers (the base's plus one per RUN,
	// COPY and ADD).
	SizeBytes int64
	Layers    int
}

// DockerBuild is one finished `docker build`.
type DockerBuild struct {
	// Tag is repository:tag ("" without -t); Dockerfile the file built
	// ("Dockerfile", "Dockerfile.better"); ImageID the image it made.
	Tag, Dockerfile, ImageID string
	// Steps are the numbered steps ([1/5] FROM ...) in order.
	Steps []*BuildStep
	// Cached and Rebuilt count the steps reused from the build cache and
	// the steps built.
	Cached, Rebuilt int
	// InStep is true for a build run during the current lab step.
	InStep bool
}

// BuildStep is one numbered step of a build.
type BuildStep struct {
	// Cmd is FROM, WORKDIR, RUN, COPY or ADD; Instruction the whole line.
	Cmd, Instruction string
	Cached           bool
	SizeBytes        int64
}

// dockerImages lists the engine's images as `docker images` does.
func dockerImages(e *docker.Engine) []*Image {
	var out []*Image
	for _, im := range e.Images() {
		tags := im.Tags
		if len(tags) == 0 {
			tags = []string{"<none>:<none>"}
		}
		for _, t := range tags {
			i := strings.LastIndex(t, ":")
			out = append(out, &Image{Repository: t[:i], Tag: t[i+1:], ID: im.ID, Base: im.Base.Ref, SizeBytes: im.Size, Layers: im.Layers()})
		}
	}
	return out
}

// dockerBuilds lists the builds, oldest first; those from index stepFrom
// on ran during the current step.
func dockerBuilds(e *docker.Engine, stepFrom int) []*DockerBuild {
	var out []*DockerBuild
	for i, b := range e.Builds() {
		d := &DockerBuild{Tag: b.Tag, Dockerfile: b.Dockerfile, ImageID: b.ImageID, InStep: i >= stepFrom}
		for _, s := range b.Steps {
			d.Steps = append(d.Steps, &BuildStep{Cmd: s.Cmd, Instruction: s.Text, Cached: s.Cached, SizeBytes: s.Size})
			if s.Cached {
				d.Cached++
			} else {
				d.Rebuilt++
			}
		}
		out = append(out, d)
	}
	return out
}

// Repository is one repository of the simulated ECR registry.
type Repository struct {
	// RepositoryName and RepositoryUri (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME).
	RepositoryName, RepositoryUri string
	ScanOnPush                    bool
	// LifecyclePolicy is the policy JSON ("" when none is set).
	LifecyclePolicy string
	// Images are the pushed images, oldest push first.
	Images []*RepoImage
}

// RepoImage is one image in a repository.
type RepoImage struct {
	Tags   []string
	Digest string
	// SizeBytes is the compressed size, as describe-images reports it
	// (imageSizeInBytes); Layers its layer count.
	SizeBytes int64
	Layers    int
}

// ecrRepositories lists the registry's repositories.
func ecrRepositories(r *docker.Registry) []*Repository {
	var out []*Repository
	repos, _ := r.Repositories(nil)
	for _, x := range repos {
		rp := &Repository{RepositoryName: x.Name, RepositoryUri: r.URI(x), ScanOnPush: x.ScanOnPush, LifecyclePolicy: x.LifecyclePolicy}
		for _, im := range x.Images() {
			rp.Images = append(rp.Images, &RepoImage{Tags: append([]string(nil), im.Tags...), Digest: im.Digest, SizeBytes: im.Size, Layers: len(im.Layers)})
		}
		out = append(out, rp)
	}
	return out
}

// Container is one container as `docker ps -a` and `docker inspect` show
// it.
type Container struct {
	// ID is the 64-hex container ID; Name its name; Image the reference
	// given to docker run.
	ID, Name, Image string
	// State is "running" or "exited"; ExitCode 137 after an OOM kill or
	// docker kill, 143 after docker stop; OOMKilled true when the
	// simulated memory use (SIM_MEMORY) exceeded --memory.
	State     string
	ExitCode  int
	OOMKilled bool
	// Ports are the published ports, "HOST:CONTAINER" ("8080:80").
	Ports []string
	// MemoryBytes is the --memory limit (0: none).
	MemoryBytes int64
}

func dockerContainers(e *docker.Engine) []*Container {
	out := []*Container{}
	for _, c := range e.Containers(true) {
		x := &Container{ID: c.ID, Name: c.Name, Image: c.Image, State: "exited", ExitCode: c.ExitCode, OOMKilled: c.OOMKilled, Ports: []string{}, MemoryBytes: c.Memory}
		if c.Running {
			x.State = "running"
		}
		for _, p := range c.Ports {
			x.Ports = append(x.Ports, fmt.Sprintf("%d:%d", p.Host, p.Container))
		}
		out = append(out, x)
	}
	return out
}
