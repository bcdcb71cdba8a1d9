package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/course"
)

// runLabCLI runs cloudlab without a terminal, with stdin and a data folder.
func runLabCLI(t *testing.T, data, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	no := false
	a := &App{NoCache: true, In: strings.NewReader(stdin), Out: &out, Err: &errb, TTY: &no, Getenv: func(string) string { return "" }}
	defer a.Close()
	code = a.Run(append([]string{"--data", data}, args...))
	return code, out.String(), errb.String()
}

func TestLabsJSON(t *testing.T) {
	code, out, errs := runLabCLI(t, t.TempDir(), "", "labs", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []LabInfo
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	c, _ := course.Load(course.Embedded())
	if len(rows) != len(c.Labs) {
		t.Fatalf("%d labs, want the built-in course's %d", len(rows), len(c.Labs))
	}
	for i, r := range rows {
		if want := c.LabsInOrder()[i].ID; r.ID != want {
			t.Errorf("row %d is %s, want %s (course order)", i, r.ID, want)
		}
	}
	for _, r := range rows {
		if r.Steps == 0 || r.Lesson == "" || r.Status != "new" {
			t.Errorf("lab row %+v", r)
		}
	}
}

const firstInvocationScript = `# a learner's attempt
aws lambda create-function --function-name hello --runtime python3.12 --handler app.handler --role arn:aws:iam::123456789012:role/r --zip-file fileb://f.zip --init-duration 400ms
aws lambda invoke --function-name hello --log-type Tail out.json
aws lambda invoke --function-name hello --log-type Tail out.json
traffic --function-name hello --burst 2
clock advance 5s
`

func TestLabRunHeadless(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(good, []byte(firstInvocationScript), 0o644); err != nil {
		t.Fatal(err)
	}
	// Skipping the second invoke: the warm-start step cannot pass.
	wrong := strings.Replace(firstInvocationScript, "aws lambda invoke --function-name hello --log-type Tail out.json\n", "", 1)
	wrong = strings.Replace(wrong, "aws lambda invoke --function-name hello --log-type Tail out.json\n", "", 1)
	if err := os.WriteFile(bad, []byte(wrong), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		stdin    string
		wantCode int
		wantOut  string
	}{
		{"passes", []string{"lab", "lab-first-invocation", "--run", good}, "", 0, "4 of 4 steps passed"},
		{"stdin", []string{"lab", "lab-first-invocation", "--run", "-"}, firstInvocationScript, 0, "✓ 4."},
		{"wrong attempt fails", []string{"lab", "lab-first-invocation", "--run", bad}, "", 1, "✗ 3."},
		{"json", []string{"lab", "lab-first-invocation", "--run", good, "--json"}, "", 0, `"passed": true`},
		{"unknown lab", []string{"lab", "lab-nope", "--run", good}, "", 2, ""},
		{"missing file", []string{"lab", "lab-first-invocation", "--run", filepath.Join(dir, "nope.txt")}, "", 1, ""},
		{"json without run", []string{"lab", "lab-first-invocation", "--json"}, "", 2, ""},
		// Without a terminal the lab is line-based; the input ends at once.
		{"no terminal", []string{"lab", "lab-first-invocation"}, "", 0, "Step 1 of 4: Create the function"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runLabCLI(t, t.TempDir(), tc.stdin, tc.args...)
			if code != tc.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.wantCode, out, errs)
			}
			if !strings.Contains(out, tc.wantOut) {
				t.Errorf("stdout lacks %q:\n%s", tc.wantOut, out)
			}
			if code != 0 && strings.Count(strings.TrimSpace(errs), "\n") > 1 {
				t.Errorf("error is more than a line or two: %q", errs)
			}
		})
	}
}

func TestLabRunJSONShape(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "s.txt")
	if err := os.WriteFile(f, []byte(firstInvocationScript), 0o644); err != nil {
		t.Fatal(err)
	}
	_, out, _ := runLabCLI(t, dir, "", "lab", "lab-first-invocation", "--run", f, "--json")
	var res struct {
		Lab    string `json:"lab"`
		Passed bool   `json:"passed"`
		Steps  []struct {
			Title   string `json:"title"`
			Passed  bool   `json:"passed"`
			Command int    `json:"command"`
		} `json:"steps"`
		Commands int `json:"commands"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantCmd := []int{1, 2, 3, 5}
	if res.Lab != "lab-first-invocation" || !res.Passed || res.Commands != 5 || len(res.Steps) != 4 {
		t.Fatalf("result %+v", res)
	}
	for i, s := range res.Steps {
		if s.Command != wantCmd[i] {
			t.Errorf("step %d passed at command %d, want %d", i+1, s.Command, wantCmd[i])
		}
	}
}

// Placing tasks without the strategy a step asks for does not pass it, even
// when the random default happens to stack tasks on one instance.
func TestLabStrategyStepsNeedTheStrategy(t *testing.T) {
	script := `aws ecs create-cluster --cluster-name lab
aws ec2 run-instances --instance-type t3.medium --count 1 --placement AvailabilityZone=us-east-1a --user-data "ECS_CLUSTER=lab"
aws ec2 run-instances --instance-type t3.medium --count 1 --placement AvailabilityZone=us-east-1b --user-data "ECS_CLUSTER=lab"
aws ec2 run-instances --instance-type t3.medium --count 1 --placement AvailabilityZone=us-east-1c --user-data "ECS_CLUSTER=lab"
clock advance 2m
aws ecs register-task-definition --family web --network-mode bridge --container-definitions '[{"name": "web", "image": "nginx", "cpu": 256, "memory": 512, "essential": true, "portMappings": [{"containerPort": 80, "hostPort": 0}]}]'
aws ecs run-task --cluster lab --task-definition web --count 9
clock advance 30s
`
	code, out, _ := runLabCLI(t, t.TempDir(), script, "lab", "lab-ecs-first-steps", "--run", "-")
	if code != 1 || !strings.Contains(out, "✓ 3.") || !strings.Contains(out, "✗ 4.") || !strings.Contains(out, "✗ 5.") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}
