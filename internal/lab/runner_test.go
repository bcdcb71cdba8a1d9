package lab

import (
	"strings"
	"testing"
)

const clockLab = "## Advance a minute\n\n```check\n# Passes when the goal is met.\nnow >= 60\n```\n```hint\nclock\n```\n```hint\nclock advance\n```\n```solution\nclock advance 1m\n```\n\n" +
	"## Ask the time\n\n```check\n# Passes when the goal is met.\nlast.ok && last.line == \"clock now\" && ran(\"clock now\") >= 1\n```\n```solution\nclock now\n```\n\n" +
	"## Make a mistake\n\n```check\n# Passes when the goal is met.\n!last.ok && last.error != \"\"\n```\n```solution\nclock advance soon\n```\n"

func mustParse(t *testing.T, body string) *Lab {
	t.Helper()
	l, probs := Parse([]byte(body), 1)
	if len(probs) > 0 {
		t.Fatalf("parse: %v", probs)
	}
	l.ID = "lab-test"
	return l
}

func TestRunnerStepsInOrder(t *testing.T) {
	tests := []struct {
		name       string
		script     string
		wantPassed []bool
		wantCmd    []int
	}{
		{"solutions", "clock advance 1m\nclock now\nclock advance soon\n", []bool{true, true, true}, []int{1, 2, 3}},
		{"order matters", "clock now\nclock advance 1m\nclock advance soon\n", []bool{true, false, false}, []int{2, 0, 0}},
		{"skip step 1", "clock now\nclock advance soon\n", []bool{false, false, false}, []int{0, 0, 0}},
		{"a step passes only after the previous one", "clock now\nclock advance 30s\nclock advance 30s\nclock now\nx\n", []bool{true, true, true}, []int{3, 4, 5}},
		{"comments and blanks ignored", "# start\n\nclock advance 2m\n  clock now  \nnope\n", []bool{true, true, true}, []int{1, 2, 3}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRunner(mustParse(t, clockLab))
			if err != nil {
				t.Fatal(err)
			}
			res := runScript(r, tc.script)
			all := true
			for i, s := range res.Steps {
				all = all && s.Passed
				if s.Passed != tc.wantPassed[i] || s.Command != tc.wantCmd[i] {
					t.Errorf("step %d: passed=%v at command %d, want %v at %d", i+1, s.Passed, s.Command, tc.wantPassed[i], tc.wantCmd[i])
				}
			}
			if res.Passed != all {
				t.Errorf("Passed = %v, steps all passed = %v", res.Passed, all)
			}
		})
	}
}

func TestRunnerHintsAndSolution(t *testing.T) {
	r, err := NewRunner(mustParse(t, clockLab))
	if err != nil {
		t.Fatal(err)
	}
	h, n, total, ok := r.NextHint()
	if !ok || h != "clock" || n != 1 || total != 2 {
		t.Fatalf("first hint = %q %d/%d %v", h, n, total, ok)
	}
	if h, _, _, _ = r.NextHint(); h != "clock advance" {
		t.Fatalf("second hint = %q", h)
	}
	if _, _, _, ok = r.NextHint(); ok {
		t.Fatal("a third hint was shown")
	}
	sol := r.ShowSolution()
	if len(sol) != 1 || sol[0] != "clock advance 1m" {
		t.Fatalf("solution = %q", sol)
	}
	res := r.Result()
	if res.Steps[0].HintsShown != 2 || !res.Steps[0].SolutionShown || res.Solutions != 1 {
		t.Errorf("recorded %+v", res.Steps[0])
	}
}

func TestRunnerAdvancePassesClockChecks(t *testing.T) {
	r, err := NewRunner(mustParse(t, clockLab))
	if err != nil {
		t.Fatal(err)
	}
	passed, err := r.Advance(61e9)
	if err != nil || len(passed) != 1 || passed[0] != 0 {
		t.Fatalf("Advance passed %v err %v", passed, err)
	}
}

func TestRunnerSetupError(t *testing.T) {
	l := mustParse(t, clockLab)
	l.Setup = []string{"clock advance 1s", "aws nosuch thing"}
	_, err := NewRunner(l)
	if err == nil || !strings.Contains(err.Error(), "setup line 2") {
		t.Fatalf("err = %v, want setup line 2", err)
	}
}

func TestRunnerDeterministic(t *testing.T) {
	var clocks []string
	for range 2 {
		r, err := NewRunner(mustParse(t, clockLab), WithSeed(7))
		if err != nil {
			t.Fatal(err)
		}
		clocks = append(clocks, runScript(r, "clock advance 90s\nclock now\n").Clock)
	}
	if clocks[0] != clocks[1] {
		t.Fatalf("clocks differ: %v", clocks)
	}
}

// FuzzRunScript feeds arbitrary scripts to a runner: commands may fail, but
// the runner never panics and results stay consistent.
func FuzzRunScript(f *testing.F) {
	f.Add("clock advance 1m\nclock now\nnope\n")
	f.Add("aws lambda create-function --function-name f --runtime python3.12 --handler a.h --role arn:aws:iam::123456789012:role/r --zip-file fileb://f.zip\ntraffic --function-name f --burst 3\nclock advance 2s\n")
	f.Add("fault instance --instance-id ${instanceIn(\"lab\", \"us-east-1a\")}\n${\n${1/0}\n")
	f.Add("aws ecs create-cluster --cluster-name c\naws ecs run-task --cluster c --task-definition x\n")
	f.Fuzz(func(t *testing.T, script string) {
		l, probs := Parse([]byte(clockLab), 1)
		if len(probs) > 0 {
			t.Fatal(probs)
		}
		r, err := NewRunner(l)
		if err != nil {
			t.Fatal(err)
		}
		res := runScript(r, script)
		passed := 0
		for i, s := range res.Steps {
			if s.Passed {
				passed++
				if s.Command < 1 || s.Command > res.Commands {
					t.Fatalf("step %d passed at command %d of %d", i+1, s.Command, res.Commands)
				}
			}
		}
		if passed != r.PassedCount() || res.Passed != (passed == len(res.Steps)) {
			t.Fatalf("inconsistent result %+v", res)
		}
	})
}

// runScript runs a script held in a string; a script that cannot be read
// is a test failure only where the caller says so (fuzzing tolerates it).
func runScript(r *Runner, script string) Result {
	res, _ := r.RunScript(strings.NewReader(script))
	return res
}

// A solution or script may continue a command over several lines with a
// trailing backslash, as `sim run` always allowed.
func TestRunScriptJoinsContinuedLines(t *testing.T) {
	l, probs := Parse([]byte(clockLab), 1)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	r, err := NewRunner(l)
	if err != nil {
		t.Fatal(err)
	}
	res := runScript(r, "clock \\\n  advance 90s\n")
	if res.Clock != "00:01:30" && !strings.HasPrefix(res.Clock, "00:01:30") {
		t.Fatalf("clock = %q after a continued `clock advance 90s`", res.Clock)
	}
}

// A stuck block says when a step's check can no longer pass; Stuck
// reports it with its sentence, and only for the current step.
func TestRunnerStuck(t *testing.T) {
	const body = "## Wait a minute, not more than two\n\n```check\n# Passes when a minute has passed in this step.\nstep.elapsed >= 60 && step.elapsed <= 120\n```\n" +
		"```stuck\n# More than two minutes went by. Type `reset step`.\nstep.elapsed > 120\n```\n```solution\nclock advance 1m\n```\n"
	l := mustParse(t, body)
	if l.Steps[0].StuckWhy != "More than two minutes went by. Type `reset step`." {
		t.Fatalf("StuckWhy = %q", l.Steps[0].StuckWhy)
	}
	r, err := NewRunner(l)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.Stuck(); ok {
		t.Fatal("stuck at the start")
	}
	r.Exec("clock advance 3m")
	why, ok := r.Stuck()
	if !ok || !strings.Contains(why, "reset step") {
		t.Fatalf("Stuck() = %q, %v after 3 minutes", why, ok)
	}
	r2, _ := NewRunner(l)
	r2.Exec("clock advance 1m")
	if !r2.Done() {
		t.Fatal("the solution does not pass")
	}
	if _, ok := r2.Stuck(); ok {
		t.Fatal("a finished lab is stuck")
	}
	if _, probs := Parse([]byte("## A\n```check\n# ok\nnow > 0\n```\n```stuck\nnow > 1\n```\n```solution\nclock advance 1s\n```\n"), 1); len(probs) != 1 || !strings.Contains(probs[0].Msg, "stuck block needs") {
		t.Errorf("a stuck block without a sentence: problems %v", probs)
	}
}

// Step counters start at zero when a step begins: what earlier steps did
// does not count for the current one.
func TestStepCountersStartAtZero(t *testing.T) {
	const body = "## Invoke\n\n```check\n# Passes when f ran.\nfn(\"f\").Step.Invocations >= 1\n```\n```solution\naws lambda invoke --function-name f out.json\n```\n\n" +
		"## Invoke again\n\n```check\n# Passes when f ran again in this step.\nfn(\"f\").Step.Invocations >= 1 && step.commands >= 1\n```\n```solution\naws lambda invoke --function-name f out.json\n```\n"
	l := mustParse(t, body)
	l.Setup = []string{"aws lambda create-function --function-name f --runtime python3.12 --role arn:aws:iam::123456789012:role/r --handler app.handler --zip-file fileb://f.zip"}
	r, err := NewRunner(l)
	if err != nil {
		t.Fatal(err)
	}
	r.Exec("aws lambda invoke --function-name f out.json")
	if r.Current() != 1 {
		t.Fatalf("step 1 did not pass")
	}
	env := r.Env()
	if n := env.fn("f").Step.Invocations; n != 0 || env.Step.Number != 2 || env.Step.Commands != 0 {
		t.Fatalf("at the start of step 2: Step.Invocations %d, step %+v", n, env.Step)
	}
	r.Exec("clock advance 30m")
	if r.Current() != 1 {
		t.Fatal("step 2 passed on a pause")
	}
	r.Exec("aws lambda invoke --function-name f out.json")
	if !r.Done() {
		t.Fatal("step 2 did not pass")
	}
}
