package docker

import (
	"slices"
	"strings"
)

// BaseImage is a base image the simulator can pull.
type BaseImage struct {
	Ref    string // repository:tag as typed in FROM
	Size   int64  // approximate uncompressed size in bytes (what `docker images` shows), linux/amd64
	Layers int    // filesystem layers the base brings, approximate
	Source string // the Docker Hub page the image is described on
}

// catalog lists the base images FROM can use. Sizes are APPROXIMATE:
// rounded uncompressed sizes of the linux/amd64 images as `docker images`
// reports them after a pull, in decimal units as the Docker CLI prints
// them. Docker Hub's tag pages list the compressed (download) size, which
// is smaller; both change with every rebuild of the official image. They
// are here so the lab can compare a full base with a slim one, not to
// predict a real image's size to the megabyte.
var catalog = []BaseImage{
	{Ref: "python:3.12", Size: 1_020_000_000, Layers: 7, Source: "https://hub.docker.com/_/python"},
	{Ref: "python:3.12-slim", Size: 125_000_000, Layers: 4, Source: "https://hub.docker.com/_/python"},
	{Ref: "python:3.12-alpine", Size: 57_000_000, Layers: 5, Source: "https://hub.docker.com/_/python"},
	{Ref: "node:22", Size: 1_120_000_000, Layers: 8, Source: "https://hub.docker.com/_/node"},
	{Ref: "node:22-slim", Size: 220_000_000, Layers: 5, Source: "https://hub.docker.com/_/node"},
	{Ref: "node:22-alpine", Size: 160_000_000, Layers: 4, Source: "https://hub.docker.com/_/node"},
	{Ref: "alpine:3.20", Size: 7_800_000, Layers: 1, Source: "https://hub.docker.com/_/alpine"},
	{Ref: "amazonlinux:2023", Size: 145_000_000, Layers: 1, Source: "https://hub.docker.com/_/amazonlinux"},
	{Ref: "nginx:latest", Size: 192_000_000, Layers: 7, Source: "https://hub.docker.com/_/nginx"},
	{Ref: "nginx:alpine", Size: 48_000_000, Layers: 8, Source: "https://hub.docker.com/_/nginx"},
}

// Catalog returns the base images FROM can use.
func Catalog() []BaseImage { return slices.Clone(catalog) }

// lookupBase finds a base image by reference ("python:3.12",
// "docker.io/library/python:3.12", "nginx" = "nginx:latest").
func lookupBase(ref string) (BaseImage, bool) {
	r := normalizeRef(ref)
	for _, b := range catalog {
		if b.Ref == r {
			return b, true
		}
	}
	return BaseImage{}, false
}

// knownRepo reports whether the catalog has any tag of ref's repository.
func knownRepo(ref string) bool {
	repo, _ := splitRef(normalizeRef(ref))
	for _, b := range catalog {
		if r, _ := splitRef(b.Ref); r == repo {
			return true
		}
	}
	return false
}

func normalizeRef(ref string) string {
	ref = strings.TrimPrefix(ref, "docker.io/")
	ref = strings.TrimPrefix(ref, "library/")
	repo, tag := splitRef(ref)
	return repo + ":" + tag
}

// splitRef splits NAME[:TAG]; the tag defaults to latest. A colon inside a
// registry host (host:5000/name) is not a tag.
func splitRef(ref string) (repo, tag string) {
	i := strings.LastIndex(ref, ":")
	if i < 0 || strings.Contains(ref[i:], "/") {
		return ref, "latest"
	}
	return ref[:i], ref[i+1:]
}

func fullName(ref string) string {
	repo, tag := splitRef(ref)
	if !strings.Contains(repo, "/") {
		repo = "library/" + repo
	}
	if first, _, _ := strings.Cut(repo, "/"); !strings.ContainsAny(first, ".:") && first != "localhost" {
		repo = "docker.io/" + repo
	}
	return repo + ":" + tag
}
