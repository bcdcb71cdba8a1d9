package lab

import "testing"

// Checks see the engine's containers: state, exit code, OOMKilled and
// published ports (docs/lab-checks.md, `containers`).
func TestEnvSeesContainers(t *testing.T) {
	l, probs := FromFile(embeddedCourse(t).Lab("lab-docker-layers"))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	r, err := NewRunner(l)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{
		"docker build -t shop:1 .",
		"docker run -d -p 8080:80 --name web shop:1",
		"docker run -d -m 64m -e SIM_MEMORY=100m --name hog shop:1",
	} {
		if out := r.Exec(line); out.Err != nil {
			t.Fatalf("%s: %v", line, out.Err)
		}
	}
	env := r.Env()
	for _, c := range []string{
		`any(containers, .Name == "web" && .State == "running" && "8080:80" in .Ports)`,
		`any(containers, .Name == "hog" && .State == "exited" && .ExitCode == 137 && .OOMKilled && .MemoryBytes == 64 * 1024 * 1024)`,
		`len(containers) == 2`,
	} {
		if ok, err := EvalCheck(c, env); err != nil || !ok {
			t.Errorf("%s: %v %v", c, ok, err)
		}
	}
}
