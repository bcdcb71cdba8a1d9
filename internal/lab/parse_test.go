package lab

import (
	"os"
	"strings"
	"testing"
)

const goodLab = "Intro text.\n" +
	"\n" +
	"## Create the function\n" +
	"\n" +
	"Create `hello`.\n" +
	"\n" +
	"```check\n# Passes when the goal is met.\n" +
	"fn(\"hello\").Exists\n" +
	"```\n" +
	"\n" +
	"```hint\n" +
	"Use create-function.\n" +
	"```\n" +
	"\n" +
	"```hint\n" +
	"Second hint.\n" +
	"```\n" +
	"\n" +
	"```solution\n" +
	"# make it\n" +
	"aws lambda create-function --function-name hello\n" +
	"\n" +
	"```\n" +
	"\n" +
	"## Invoke twice\n" +
	"\n" +
	"```bash\n" +
	"aws lambda invoke --function-name hello out.json\n" +
	"```\n" +
	"\n" +
	"```check\n# Passes when the goal is met.\n" +
	"fn(\"hello\").Invocations >= 2 &&\n" +
	"  fn(\"hello\").ColdStarts == 1\n" +
	"```\n" +
	"\n" +
	"```solution\n" +
	"aws lambda invoke --function-name hello out.json\n" +
	"aws lambda invoke --function-name hello out.json\n" +
	"```\n"

func TestParseGood(t *testing.T) {
	l, probs := Parse([]byte(goodLab), 10)
	if len(probs) != 0 {
		t.Fatalf("problems: %v", probs)
	}
	if l.Intro != "Intro text." {
		t.Errorf("intro = %q", l.Intro)
	}
	if len(l.Steps) != 2 {
		t.Fatalf("steps = %d, want 2", len(l.Steps))
	}
	s := l.Steps[0]
	if s.Title != "Create the function" || s.Line != 12 {
		t.Errorf("step 1 = %q at %d, want 'Create the function' at 12", s.Title, s.Line)
	}
	if s.Body != "Create `hello`." {
		t.Errorf("step 1 body = %q", s.Body)
	}
	if len(s.Hints) != 2 || s.Hints[1] != "Second hint." {
		t.Errorf("hints = %q", s.Hints)
	}
	if len(s.Solution) != 1 || s.Solution[0] != "aws lambda create-function --function-name hello" {
		t.Errorf("solution = %q", s.Solution)
	}
	if s.CheckLine != 17 || !s.Compiled() {
		t.Errorf("check line = %d compiled=%v", s.CheckLine, s.Compiled())
	}
	s2 := l.Steps[1]
	if !strings.Contains(s2.Body, "```bash") || strings.Contains(s2.Body, "check") {
		t.Errorf("step 2 body keeps ordinary code and drops the check: %q", s2.Body)
	}
	if len(s2.Solution) != 2 {
		t.Errorf("step 2 solution = %q", s2.Solution)
	}
}

func TestParseProblems(t *testing.T) {
	tests := []struct {
		name     string
		body     string
		wantLine int
		wantMsg  string
	}{
		{"no steps", "Just text.\n", 1, "no steps"},
		{"missing check", "## A\n\n```solution\nclock now\n```\n", 1, "no check block"},
		{"missing solution", "## A\n\n```check\n# Passes when the goal is met.\ntrue\n```\n", 1, "no solution block"},
		{"bad check syntax", "## A\n\n```check\n# Passes when the goal is met.\ntrue &&\n  fn(\"x\").Nope > 1\n```\n```solution\nclock now\n```\n", 6, "check does not compile"},
		{"check not boolean", "## A\n\n```check\n# Passes when the goal is met.\n1 + 2\n```\n```solution\nclock now\n```\n", 4, "check does not compile"},
		{"two checks", "## A\n```check\n# Passes when the goal is met.\ntrue\n```\n```check\n# Passes when the goal is met.\ntrue\n```\n```solution\nclock now\n```\n", 6, "more than one check"},
		{"empty hint", "## A\n```check\n# Passes when the goal is met.\ntrue\n```\n```hint\n```\n```solution\nx\n```\n", 6, "hint block is empty"},
		{"check before steps", "```check\n# Passes when the goal is met.\ntrue\n```\n## A\n```check\n# Passes when the goal is met.\ntrue\n```\n```solution\nx\n```\n", 1, "before the first step"},
		{"nested check", "## A\n- item\n\n  ```check\n# Passes when the goal is met.\n  true\n  ```\n```check\n# Passes when the goal is met.\ntrue\n```\n```solution\nx\n```\n", 4, "nested"},
		{"unclosed", "## A\n```solution\nx\n```\n```check\n# Passes when the goal is met.\ntrue\n", 5, "not closed"},
		{"info extra words", "## A\n```check extra\ntrue\n```\n```solution\nx\n```\n", 2, "unexpected text"},
		{"unknown function", "## A\n```check\n# Passes when the goal is met.\nfunc_that_is_not(1)\n```\n```solution\nx\n```\n", 4, "check does not compile"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, probs := Parse([]byte(tc.body), 1)
			for _, p := range probs {
				if strings.Contains(p.Msg, tc.wantMsg) {
					if p.Line != tc.wantLine {
						t.Errorf("problem %q at line %d, want line %d", p.Msg, p.Line, tc.wantLine)
					}
					return
				}
			}
			t.Errorf("no problem containing %q; got %v", tc.wantMsg, probs)
		})
	}
}

func TestBodyLineOffset(t *testing.T) {
	_, probs := Parse([]byte("## A\n```check\n# Passes when the goal is met.\n1\n```\n```solution\nx\n```\n"), 8)
	if len(probs) != 1 || probs[0].Line != 10 {
		t.Fatalf("problems = %v, want one at line 10", probs)
	}
}

func TestEvalCheckEnv(t *testing.T) {
	env := &Env{Now: 75, Functions: []*Function{{FunctionName: "hello", Exists: true, Invocations: 3, ColdStarts: 1,
		ThrottlesByReason: map[string]int{"ReservedFunctionConcurrentInvocationLimitExceeded": 4}}},
		History: []Command{{Line: "aws  lambda invoke --function-name hello x"}, {Line: "clock advance 1m"}}}
	tests := []struct {
		name string
		src  string
		want bool
	}{
		{"field", `fn("hello").Invocations == 3`, true},
		{"missing fn", `fn("nope").Exists`, false},
		{"missing fn zero", `fn("nope").Invocations == 0`, true},
		{"reason map", `fn("hello").ThrottlesByReason["ReservedFunctionConcurrentInvocationLimitExceeded"] == 4`, true},
		{"ran", `ran("aws lambda invoke") == 1`, true},
		{"now", `now >= seconds("1m")`, true},
		{"recent without series", `fn("hello").Recent("1m").Throttles == 0`, true},
		{"throttles fn", `throttles("hello", "5m") == 0`, true},
		{"service missing", `service("c", "web").RunningCount == 0 && !cluster("c").Exists`, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EvalCheck(tc.src, env)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s = %v, want %v", tc.src, got, tc.want)
			}
		})
	}
}

func FuzzParseLab(f *testing.F) {
	f.Add([]byte(goodLab))
	f.Add([]byte("## A\n```check\n# Passes when the goal is met.\n1\n```\n"))
	f.Add([]byte("Title\n---\n```check\n# Passes when the goal is met.\n"))
	f.Add([]byte("## \n```solution\n```\n~~~check\n# Passes when the goal is met.\nfn(\"a\").Recent(\"1m\").Throttles == 0\n~~~\n"))
	f.Add([]byte("- a\n  ```hint\n  x\n  ```\n## B\n> ```check\n# Passes when the goal is met.\n> true\n> ```\n"))
	f.Fuzz(func(t *testing.T, body []byte) {
		l, probs := Parse(body, 3)
		if l == nil {
			t.Fatal("nil lab")
		}
		for _, p := range probs {
			if p.Line < 3 {
				t.Fatalf("problem line %d before the body", p.Line)
			}
		}
		for _, s := range l.Steps {
			if s.Line < 3 {
				t.Fatalf("step line %d before the body", s.Line)
			}
		}
	})
}

func TestCheckSolutions(t *testing.T) {
	body := "## Wait\n\n```check\n# Passes when the goal is met.\nnow >= 60\n```\n\n```solution\n# wait\nclock advance 30s\naws lambda nosuch-operation\n```\n\n## Never\n\n```check\n# Passes when the goal is met.\nfalse\n```\n```solution\nclock now\n```\n"
	l, probs := Parse([]byte(body), 1)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	l.ID, l.Path = "lab-bad", "labs/lab-bad.md"
	got := CheckSolutions(l)
	if len(got) != 2 {
		t.Fatalf("problems = %v, want 2", got)
	}
	if got[0].Line != 11 || !strings.Contains(got[0].Msg, "solution command fails") {
		t.Errorf("first problem %v, want the failing command at line 11", got[0])
	}
	if got[1].Line != 1 || !strings.Contains(got[1].Msg, "does not hold") {
		t.Errorf("second problem %v, want the unpassed step at line 1", got[1])
	}
}

func TestExpand(t *testing.T) {
	env := &Env{Now: 90, Clusters: []*Cluster{{ClusterName: "lab", Exists: true, Instances: []*ContainerInstance{
		{Ec2InstanceId: "i-0b", AvailabilityZone: "us-east-1b", Status: "ACTIVE"},
		{Ec2InstanceId: "i-0a", AvailabilityZone: "us-east-1a", Status: "ACTIVE"}}}}}
	tests := []struct {
		name, line, want string
		wantErr          bool
	}{
		{"no expansion", "clock now", "clock now", false},
		{"instance id", `fault instance --instance-id ${instanceIn("lab", "us-east-1a")}`, "fault instance --instance-id i-0a", false},
		{"two", `x ${now} ${1+1}`, "x 90 2", false},
		{"unclosed", "x ${now", "", true},
		{"bad expr", "x ${nosuch(1)}", "", true},
		{"nil deref", "x ${cluster(\"none\").Instances[3].Ec2InstanceId}", "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Expand(tc.line, env)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Errorf("Expand(%q) = %q, %v; want %q (error %v)", tc.line, got, err, tc.want, tc.wantErr)
			}
		})
	}
}

// TestReferenceExamplesCompile keeps docs/lab-checks.md honest: every
// example check in its Examples block compiles against the environment.
func TestReferenceExamplesCompile(t *testing.T) {
	b, err := os.ReadFile("../../docs/lab-checks.md")
	if err != nil {
		t.Skipf("reference page not found: %v", err)
	}
	doc := string(b)
	i := strings.Index(doc, "## Examples")
	if i < 0 {
		t.Fatal("no Examples section")
	}
	block := doc[i:]
	start := strings.Index(block, "```text\n")
	end := strings.Index(block[start+8:], "```")
	if start < 0 || end < 0 {
		t.Fatal("no example block")
	}
	n := 0
	for _, l := range strings.Split(block[start+8:start+8+end], "\n") {
		if c, _, _ := strings.Cut(l, "  #"); strings.TrimSpace(c) != "" {
			n++
			if _, cerr := compileCheck(strings.TrimSpace(c)); cerr != nil {
				t.Errorf("example %q does not compile: %s", c, cerr.msg)
			}
		}
	}
	if n < 5 {
		t.Errorf("only %d examples", n)
	}
}

// Every check has a sentence for the learner: the # lines that open the
// block. They are not part of the expression, and a check without them is a
// problem `cloudlab check` reports.
func TestCheckGoalSentence(t *testing.T) {
	l, probs := Parse([]byte("## A\n```check\n# Passes when a minute\n# has passed.\nnow >= 60\n```\n```solution\nclock advance 1m\n```\n```passed\nA minute went by.\n```\n"), 1)
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	st := l.Steps[0]
	if st.Goal != "Passes when a minute has passed." || st.Check != "now >= 60" || st.Passed != "A minute went by." {
		t.Errorf("goal %q, check %q, passed %q", st.Goal, st.Check, st.Passed)
	}
	_, probs = Parse([]byte("## A\n```check\nnow >= 60\n```\n```solution\nclock advance 1m\n```\n"), 1)
	if len(probs) != 1 || !strings.Contains(probs[0].Msg, "no sentence for the learner") || probs[0].Line != 2 {
		t.Errorf("problems = %v, want the missing sentence at line 2", probs)
	}
}
