package lab

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/shell"
)

// A lab with its own folder (labs/lab-docker-layers/) reads that folder,
// also when graded headless with the script's folder as WithDir: a
// Dockerfile next to the script is not what `docker build .` sees.
func TestLabFolderOverridesScriptDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte("FROM alpine:3.20\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	lf := embeddedCourse(t).Lab("lab-docker-layers")
	l, probs := FromFile(lf)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	r, err := NewRunner(l, WithShellOptions(shell.WithDir(dir)))
	if err != nil {
		t.Fatal(err)
	}
	out := r.Exec("docker build -t shop:1 .")
	if out.Err != nil || !strings.Contains(out.Result.String(), "FROM docker.io/library/python:3.12") {
		t.Fatalf("built %v:\n%s", out.Err, out.Result.String())
	}
	env := r.Env()
	if len(env.Images) != 1 || env.Images[0].Repository != "shop" || env.Images[0].Base != "python:3.12" || len(env.Builds) != 1 || !env.Builds[0].InStep {
		t.Fatalf("env: %+v %+v", env.Images, env.Builds)
	}
}
