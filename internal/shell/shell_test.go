package shell

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/cloudlab/cloudlab/internal/cloud"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
		err      bool
	}{
		{"plain", "aws lambda invoke --function-name f out.json", []string{"aws", "lambda", "invoke", "--function-name", "f", "out.json"}, false},
		{"single quoted json", `aws lambda invoke --payload '{"a": "b c"}' out`, []string{"aws", "lambda", "invoke", "--payload", `{"a": "b c"}`, "out"}, false},
		{"double quoted escapes", `x "a \"q\" \\ \n"`, []string{"x", `a "q" \ \n`}, false},
		{"backslash", `a\ b c`, []string{"a b", "c"}, false},
		{"comment", "clock now # what time is it", []string{"clock", "now"}, false},
		{"hash inside word", "a#b", []string{"a#b"}, false},
		{"only comment", "   # nothing", nil, false},
		{"empty quotes", `a '' ""`, []string{"a", "", ""}, false},
		{"adjacent quotes", `--payload='{"k":1}'x`, []string{`--payload={"k":1}x`}, false},
		{"unterminated single", "a 'b", nil, true},
		{"unterminated double", `a "b`, nil, true},
		{"trailing backslash", `a \`, nil, true},
		{"tabs and newlines", "a\tb\nc", []string{"a", "b", "c"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Split(tc.in)
			if (err != nil) != tc.err {
				t.Fatalf("Split(%q) error = %v, want error %v", tc.in, err, tc.err)
			}
			if !tc.err && !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Split(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestClosest(t *testing.T) {
	ops := []string{"invoke", "create-function", "get-function", "list-functions", "delete-function"}
	tests := []struct{ in, want string }{
		{"invok", "invoke"},
		{"ivnoke", "invoke"},
		{"create-fucntion", "create-function"},
		{"list-function", "list-functions"},
		{"zzzzzz", ""},
		{"invoke", ""},
	}
	for _, tc := range tests {
		if got := Closest(tc.in, ops); got != tc.want {
			t.Errorf("Closest(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// testCommand exercises every option type.
func testShell(t *testing.T) *Shell {
	t.Helper()
	var got Args
	cmd := Command{
		Service: "test", Operation: "do-thing", Summary: "Test command",
		Options: []OptSpec{
			{Name: "name", Required: true, Complete: "function"},
			{Name: "count", Type: Int},
			{Name: "ratio", Type: Float},
			{Name: "flag", Type: Bool},
			{Name: "wait", Type: Duration},
			{Name: "dist", Type: Dist},
			{Name: "items", Type: List},
			{Name: "doc", Type: JSON},
			{Name: "mode", Enum: []string{"Event", "RequestResponse"}},
		},
		Args: []ArgSpec{{Name: "outfile"}},
		Run: func(ctx *Ctx, a Args) (Result, error) {
			got = a
			if a.Str("name") == "boom" {
				return Result{}, &AWSError{Code: "ResourceNotFoundException", Message: "Function not found: boom"}
			}
			return Result{Output: map[string]any{"ok": true}}, ctx.WriteFile(a.Str("outfile"), []byte(a.JSON("doc")))
		},
	}
	_ = got
	return New(cloud.New(1), WithCommands(cmd), WithFiles(map[string][]byte{"ev.json": []byte(`{"from":"file"}`)}))
}

func TestParseOptions(t *testing.T) {
	sh := testShell(t)
	tests := []struct {
		name, line, errHas string
	}{
		{"all types", `aws test do-thing --name f --count 3 --ratio 0.5 --flag --wait 2s --dist exp(100ms) --items a b c --doc '{"x":1}' --mode Event out.json`, ""},
		{"equals form", `aws test do-thing --name=f --count=3`, ""},
		{"file json", `aws test do-thing --name f --doc file://ev.json`, ""},
		{"fileb ignored", `aws test do-thing --name fileb://x.zip`, ""},
		{"global options ignored", `aws test do-thing --name f --profile dev --region us-east-1 --no-cli-pager`, ""},
		{"missing required", `aws test do-thing`, "the following arguments are required: --name"},
		{"unknown option suggests", `aws test do-thing --name f --cuont 3`, "did you mean '--count'"},
		{"bad int", `aws test do-thing --name f --count x`, "invalid int value"},
		{"bad enum", `aws test do-thing --name f --mode Evnt`, "did you mean 'Event'"},
		{"bad json", `aws test do-thing --name f --doc '{x'`, "Invalid JSON"},
		{"missing file", `aws test do-thing --name f --doc file://nope.json`, "Unable to load paramfile file://nope.json: cannot read nope.json"},
		{"missing value", `aws test do-thing --name`, "expected one argument"},
		{"duplicate", `aws test do-thing --name a --name b`, "more than once"},
		{"extra positional", `aws test do-thing --name a x y`, "unexpected argument 'y'"},
		{"bad op suggests", `aws test do-thng`, "did you mean 'do-thing'"},
		{"bad service suggests", `aws tset do-thing`, "did you mean 'test'"},
		{"bad verb suggests", `clokc now`, "did you mean 'clock'"},
		{"bad subverb", `clock nwo`, "did you mean 'now'"},
		{"aws error", `aws test do-thing --name boom`, "An error occurred (ResourceNotFoundException) when calling the DoThing operation: Function not found: boom"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sh.Run(tc.line)
			if tc.errHas == "" {
				if err != nil {
					t.Fatalf("Run(%q): %v", tc.line, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.errHas) {
				t.Fatalf("Run(%q) error = %v, want it to contain %q", tc.line, err, tc.errHas)
			}
		})
	}
	if b, ok := sh.File("out.json"); !ok || string(b) != `{"x":1}` {
		t.Errorf("outfile = %q, %v", b, ok)
	}
}

func TestArgsTyped(t *testing.T) {
	var got Args
	cmd := Command{Service: "t", Operation: "o", Options: []OptSpec{
		{Name: "n", Type: Int}, {Name: "d", Type: Duration}, {Name: "l", Type: List}, {Name: "b", Type: Bool}, {Name: "x", Type: Dist},
	}, Run: func(ctx *Ctx, a Args) (Result, error) { got = a; return Result{}, nil }}
	sh := New(cloud.New(1), WithCommands(cmd))
	if _, err := sh.Run("aws t o --n -5 --d 1.5s --l a b --no-b --x normal(200ms,30ms)"); err != nil {
		t.Fatal(err)
	}
	if got.Int("n") != -5 || got.Duration("d") != 1500*time.Millisecond || !reflect.DeepEqual(got.List("l"), []string{"a", "b"}) ||
		got.Bool("b") || !got.Has("b") || got.Dist("x").Kind != "normal" {
		t.Fatalf("args = %+v", got.vals)
	}
}

func TestAWSErrorConversion(t *testing.T) {
	err := toAWS(&AWSError{Code: "TooManyRequestsException", Message: "Rate Exceeded.", Reason: "ConcurrentInvocationLimitExceeded"}, "Invoke")
	var ae *AWSError
	if !errors.As(err, &ae) || ae.Operation != "Invoke" || ae.Reason != "ConcurrentInvocationLimitExceeded" {
		t.Fatalf("got %#v", err)
	}
	want := "An error occurred (TooManyRequestsException) when calling the Invoke operation: Rate Exceeded."
	if err.Error() != want {
		t.Fatalf("got %q want %q", err.Error(), want)
	}
}

func TestHelpAndComplete(t *testing.T) {
	sh := testShell(t)
	h, err := sh.Run("help aws test do-thing")
	if err != nil || !strings.Contains(h.Text, "--name <string>") || !strings.Contains(h.Text, "(required)") {
		t.Fatalf("help = %q, %v", h.Text, err)
	}
	if h, _ := sh.Run("aws test help"); !strings.Contains(h.Text, "do-thing") {
		t.Fatalf("service help = %q", h.Text)
	}
	if h, _ := sh.Run("help"); !strings.Contains(h.Text, "clock advance") {
		t.Fatalf("overview = %q", h.Text)
	}
	tests := []struct {
		in   string
		want []string
	}{
		{"cl", []string{"clock"}},
		{"clock ", []string{"clock advance", "clock now"}},
		{"aws te", []string{"aws test"}},
		{"aws test do", []string{"aws test do-thing"}},
		{"aws test do-thing --co", []string{"aws test do-thing --count"}},
		{"aws test do-thing --mode ", []string{"aws test do-thing --mode Event", "aws test do-thing --mode RequestResponse"}},
		{"aws test do-thing --mode R", []string{"aws test do-thing --mode RequestResponse"}},
		{"help aws te", []string{"help aws test"}},
		{"zzz", nil},
		{"a 'b", nil},
	}
	for _, tc := range tests {
		if got := sh.Complete(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Complete(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzRun(f *testing.F) {
	for _, s := range []string{
		"aws lambda invoke --function-name f --payload '{\"a\":1}' out.json",
		"traffic --function-name f --poisson 100 --for 1m",
		"traffic --function-name f --ramp 1..5 --for 10s",
		"clock advance 5m",
		`a "b \" c" 'd' e\ f # g`,
		"aws test do-thing --name=f --items a b --doc '{}'",
		"aws lambda put-function-concurrency --function-name f --reserved-concurrent-executions 0",
		"aws lambda put-provisioned-concurrency-config --function-name f --qualifier 1 --provisioned-concurrent-executions 2",
		"aws lambda update-function-configuration --function-name f --memory-size 1024 --duration lognormal(10ms,0.5)",
		"aws lambda create-function --function-name g --role r --zip-file fileb://x --environment Variables={A=1}",
		"help aws lambda",
		"report --json",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		acct := cloud.New(1)
		acct.Kernel.SetBudget(20000) // keep every input cheap
		sh := New(acct, WithMaxArrivals(1000))
		if _, err := sh.Run("aws lambda create-function --function-name f --role r --zip-file fileb://f.zip --duration 10ms --publish"); err != nil {
			t.Fatal(err)
		}
		_, _ = sh.Run(line) // must not panic
		_, _ = sh.Run("clock advance 1m")
		_, _ = sh.Run("report --json")
		_ = sh.Complete(line)
		if words, err := Split(line); err == nil {
			for _, w := range words {
				if strings.ContainsRune(w, 0) && !strings.ContainsRune(line, 0) {
					t.Fatalf("Split invented a NUL in %q", w)
				}
			}
		}
	})
}
