// Package archtest enforces the architecture's import and determinism rules
// (docs/architecture.md): the kernel imports only the standard library,
// the simulators import no UI, and domain code reads neither the wall clock
// nor a global random source.
// It reads the module's package graph with `go list` and the domain packages'
// sources, so a package that breaks a rule fails the build's tests.
package archtest

import (
	"encoding/json"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const module = "github.com/cloudlab/cloudlab"

type pkg struct {
	ImportPath string
	Dir        string
	Imports    []string
	Deps       []string
	GoFiles    []string
}

func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go tool not on PATH; architecture rules not checked")
	}
	cmd := exec.Command("go", "list", "-e", "-deps=false", "-json", module+"/...")
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[strings.TrimPrefix(p.ImportPath, module+"/")] = p
	}
	return pkgs
}

func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".")
}

// uiModules are the terminal UI and CLI libraries.
var uiModules = []string{
	"github.com/charmbracelet/bubbletea",
	"github.com/charmbracelet/bubbles",
	"github.com/charmbracelet/lipgloss",
	"github.com/charmbracelet/glamour",
	"github.com/spf13/cobra",
}

func isUI(path string) bool {
	for _, m := range uiModules {
		if path == m || strings.HasPrefix(path, m+"/") {
			return true
		}
	}
	return false
}

func TestImportRules(t *testing.T) {
	pkgs := listPackages(t)
	for name, p := range pkgs {
		switch {
		case name == "internal/sim":
			for _, d := range p.Deps {
				if !isStd(d) {
					t.Errorf("%s must import only the standard library, but depends on %s", name, d)
				}
			}
		case name == "internal/lambda" || name == "internal/ec2" || name == "internal/ecs" ||
			strings.HasPrefix(name, "internal/lambda/") || strings.HasPrefix(name, "internal/ecs/") ||
			strings.HasPrefix(name, "internal/ec2/"):
			for _, d := range p.Deps {
				if strings.HasPrefix(d, module+"/") {
					rel := strings.TrimPrefix(d, module+"/")
					if rel != "internal/sim" && rel != "internal/ec2" && !strings.HasPrefix(rel, name) {
						t.Errorf("%s may import only internal/sim (and ecs: internal/ec2), but depends on %s", name, rel)
					}
				} else if !isStd(d) {
					t.Errorf("%s is simulation domain code and must not depend on %s", name, d)
				}
			}
		}
		if !strings.HasPrefix(name, "internal/") || strings.HasPrefix(name, "internal/tui") ||
			strings.HasPrefix(name, "internal/cli") || name == "internal/archtest" ||
			name == "internal/class" { // the SSH class server is a UI edge: one Bubble Tea program per session
			continue
		}
		for _, imp := range p.Imports {
			if !isUI(imp) {
				continue
			}
			if name == "internal/render" && (strings.HasPrefix(imp, "github.com/charmbracelet/glamour") ||
				strings.HasPrefix(imp, "github.com/charmbracelet/lipgloss")) {
				continue
			}
			t.Errorf("%s imports %s: only internal/tui and internal/cli may use UI libraries (render may use glamour)", name, imp)
		}
		for _, imp := range p.Imports {
			if rel, ok := strings.CutPrefix(imp, module+"/"); ok &&
				(strings.HasPrefix(rel, "internal/tui") || strings.HasPrefix(rel, "internal/cli")) {
				t.Errorf("%s imports %s: the UI depends on the domain, never the reverse", name, rel)
			}
		}
	}
}

// deterministic lists the packages whose non-test code must take time and
// randomness from the simulation kernel (or, for quiz and lab, from callers).
var deterministic = []string{"internal/sim", "internal/lambda", "internal/ec2", "internal/ecs", "internal/docker", "internal/quiz", "internal/lab"}

// banned are calls that read the wall clock or a global random source.
var banned = map[string]map[string]bool{
	"time": {"Now": true, "Since": true, "Until": true, "Sleep": true, "After": true, "Tick": true, "NewTimer": true, "NewTicker": true, "AfterFunc": true},
	"rand": {"Int": true, "Intn": true, "IntN": true, "Int63": true, "Int63n": true, "Int64": true, "Int64N": true, "Int32": true, "Int32N": true,
		"Uint32": true, "Uint64": true, "Float64": true, "Float32": true, "Perm": true, "Shuffle": true, "ExpFloat64": true, "NormFloat64": true, "N": true, "Seed": true, "Read": true},
}

func TestDomainCodeIsDeterministic(t *testing.T) {
	for _, dir := range deterministic {
		root := filepath.Join("..", "..", dir)
		if _, err := os.Stat(root); err != nil {
			continue // package not written yet
		}
		err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			// Front ends under a domain folder (such as quiz/plain) may read the clock.
			if rel, _ := filepath.Rel(root, filepath.Dir(path)); rel != "." && (dir == "internal/quiz" || dir == "internal/lab") {
				return nil
			}
			fset := token.NewFileSet()
			f, perr := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if perr != nil {
				return nil // a half-written file is the compiler's business
			}
			names := map[string]string{} // local name -> import path
			for _, imp := range f.Imports {
				p := strings.Trim(imp.Path.Value, `"`)
				local := filepath.Base(p)
				if p == "math/rand/v2" {
					local = "rand"
				}
				if imp.Name != nil {
					local = imp.Name.Name
				}
				names[local] = p
			}
			ast.Inspect(f, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				id, ok := sel.X.(*ast.Ident)
				if !ok {
					return true
				}
				p := names[id.Name]
				var set map[string]bool
				switch p {
				case "time":
					set = banned["time"]
				case "math/rand", "math/rand/v2":
					set = banned["rand"]
				}
				if set[sel.Sel.Name] {
					t.Errorf("%s: %s.%s reads the wall clock or a global random source; take time and randomness from the sim kernel or the caller",
						fset.Position(sel.Pos()), id.Name, sel.Sel.Name)
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
