package simrun

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

const script = `# A small script
aws lambda create-function --function-name f --runtime python3.12 --role arn:aws:iam::123456789012:role/r \
    --handler app.handler --zip-file fileb://f.zip --duration exp(200ms) --error-rate 0.1
aws lambda invoke --function-name f --payload '{"hello": "world"}' out.json
traffic --function-name f --poisson 100 --for 1m

aws lambda invok --function-name f out.json
clock advance 2m
report --json
`

func TestJSONDeterministic(t *testing.T) {
	var a, b, c bytes.Buffer
	errA := Run(strings.NewReader(script), &a, Options{Seed: 7, JSON: true, Name: "s.sim"})
	_ = Run(strings.NewReader(script), &b, Options{Seed: 7, JSON: true, Name: "s.sim"})
	_ = Run(strings.NewReader(script), &c, Options{Seed: 8, JSON: true, Name: "s.sim"})
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same script and seed gave different output")
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("different seeds gave identical output (the seed is not used)")
	}
	var fe *FailedError
	if !errors.As(errA, &fe) || fe.Failed != 1 || fe.Total != 6 {
		t.Fatalf("err = %v, want 1 of 6 failed", errA)
	}
	lines := strings.Split(strings.TrimSpace(a.String()), "\n")
	if len(lines) != 6 {
		t.Fatalf("%d records:\n%s", len(lines), a.String())
	}
	type rec struct {
		Line    int             `json:"line"`
		Command string          `json:"command"`
		At      string          `json:"at"`
		Output  json.RawMessage `json:"output"`
		Error   *string         `json:"error"`
	}
	var recs []rec
	for _, l := range lines {
		var r rec
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%s: %v", l, err)
		}
		for _, k := range []string{`"line":`, `"command":`, `"at":`, `"output":`, `"error":`} {
			if !strings.Contains(l, k) {
				t.Fatalf("record lacks %s: %s", k, l)
			}
		}
		recs = append(recs, r)
	}
	if recs[0].Line != 2 || !strings.Contains(recs[0].Command, "--error-rate 0.1") || recs[0].Error != nil {
		t.Fatalf("continued line: %+v", recs[0])
	}
	if recs[3].Line != 7 || recs[3].Error == nil || !strings.HasPrefix(*recs[3].Error, "s.sim:7: ") || string(recs[3].Output) != "null" {
		t.Fatalf("bad line: %+v", recs[3])
	}
	if recs[4].At != "00:00:00.503" && !strings.HasPrefix(recs[4].At, "00:00:00.") {
		t.Fatalf("at %q", recs[4].At)
	}
	if !strings.Contains(string(recs[5].Output), `"functions"`) || recs[5].At != "00:02:00.503" && !strings.HasPrefix(recs[5].At, "00:02:00.") {
		t.Fatalf("report record: %+v", recs[5])
	}
}

func TestPlainOutput(t *testing.T) {
	var out, errs bytes.Buffer
	err := Run(strings.NewReader(script), &out, Options{Seed: 1, Name: "s.sim", Err: &errs})
	if err == nil {
		t.Fatal("want an error for the bad line")
	}
	if got := errs.String(); !strings.HasPrefix(got, "s.sim:7: aws: error: argument operation: Invalid choice 'invok' (did you mean 'invoke'?)") {
		t.Fatalf("errors: %q", got)
	}
	o := out.String()
	for _, want := range []string{"{\n    \"FunctionName\": \"f\",", "\"StatusCode\": 200", "traffic: Poisson 100/s for 1m0s to f", "00:02:00."} {
		if !strings.Contains(o, want) {
			t.Fatalf("output lacks %q:\n%s", want, o)
		}
	}
}

func TestScriptEdgeCases(t *testing.T) {
	tests := []struct {
		name, script string
		failed       int
		outHas       string
	}{
		{"empty", "", 0, ""},
		{"comments only", "# nothing\n   # more\n\n", 0, ""},
		{"unterminated quote", "aws lambda invoke --payload '{\n", 1, "unterminated single quote"},
		{"continuation at end of file", "clock \\", 0, "usage"},
		{"runaway traffic refused", "aws lambda create-function --function-name f --role r --zip-file fileb://x\ntraffic --function-name f --rate 1000000000 --for 365d\n", 1, "31 days"},
		{"file from FS", "aws lambda create-function --function-name f --role r --zip-file fileb://x\naws lambda invoke --function-name f --payload file://ev.json o\ncat o\n", 0, `"from": "file"`},
		{"CRLF", "clock now\r\nclock advance 1s\r\n", 0, "00:00:01.000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			fsys := fstest.MapFS{"ev.json": {Data: []byte(`{"from": "file"}`)}}
			err := Run(strings.NewReader(tc.script), &out, Options{Seed: 1, Name: "x", FS: fsys})
			var fe *FailedError
			failed := 0
			if errors.As(err, &fe) {
				failed = fe.Failed
			} else if err != nil {
				t.Fatal(err)
			}
			if tc.name == "continuation at end of file" {
				// "clock " then EOF: clock without a subcommand is a usage error.
				if failed != 1 {
					t.Fatalf("failed %d, output %q", failed, out.String())
				}
				return
			}
			if failed != tc.failed || !strings.Contains(out.String(), tc.outHas) {
				t.Fatalf("failed %d (want %d), output:\n%s", failed, tc.failed, out.String())
			}
		})
	}
}

// TestMillionScript runs the benchmark script's first lines at a smaller
// scale, so the file stays valid.
func TestMillionScriptIsValid(t *testing.T) {
	b, err := os.ReadFile("testdata/million.sim")
	if err != nil {
		t.Fatal(err)
	}
	small := strings.ReplaceAll(string(b), "--for 200s", "--for 2s")
	small = strings.ReplaceAll(small, "clock advance 201s", "clock advance 3s")
	var out bytes.Buffer
	if err := Run(strings.NewReader(small), &out, Options{Seed: 1, JSON: true}); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
}

// BenchmarkMillionInvocations runs testdata/million.sim (1,000,000 Poisson
// invocations) in-process; see testdata/simrun for whole-process timing.
func BenchmarkMillionInvocations(b *testing.B) {
	src, err := os.ReadFile("testdata/million.sim")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for range b.N {
		var out bytes.Buffer
		if err := Run(bytes.NewReader(src), &out, Options{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestScriptFilePathsResolveAgainstTheScriptFolder: in `sim run`, file://
// paths resolve against the script's folder; ../ and absolute paths work as
// with the AWS CLI on one's own machine; a missing file is named plainly.
func TestScriptFilePathsResolveAgainstTheScriptFolder(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "scripts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(base, "ev.json"), []byte(`{"from": "parent"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	script := "aws lambda create-function --function-name f --role r --zip-file fileb://x\n" +
		"aws lambda invoke --function-name f --payload file://../ev.json o\ncat o\n" +
		"aws lambda invoke --function-name f --payload file://" + filepath.Join(base, "ev.json") + " o2\ncat o2\n" +
		"aws lambda invoke --function-name f --payload file://" + filepath.Join(base, "missing.json") + " o3\n"
	var out bytes.Buffer
	err := Run(strings.NewReader(script), &out, Options{Seed: 1, Name: "x", Dir: dir})
	var fe *FailedError
	if !errors.As(err, &fe) || fe.Failed != 1 {
		t.Fatalf("err %v, want one failed command\n%s", err, out.String())
	}
	if strings.Count(out.String(), `"from": "parent"`) != 2 {
		t.Errorf("output:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "file not found: "+filepath.Join(base, "missing.json")) || strings.Contains(out.String(), "Errno") {
		t.Errorf("missing file message:\n%s", out.String())
	}
}
