package simrun

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestSimFaaSResultsUnchanged runs the SimFaaS README scenario of
// tools/bench/simfaas.sim (Poisson 0.9/s, exp init 253 ms, exp duration
// 1,991 ms, keep-alive 10 min) with seed 1, as `cloudlab sim run` does, and
// compares the report with the values the simulator gave before the hot
// path was optimised (issue 22): optimisations must not change a single
// result. The default run is the first 100,000 s (about 90,000
// invocations); CLOUDLAB_FULL_SIMFAAS=1 runs the full 1,000,000 s.
func TestSimFaaSResultsUnchanged(t *testing.T) {
	src, err := os.ReadFile("../../tools/bench/simfaas.sim")
	if err != nil {
		t.Fatal(err)
	}
	script := string(src)
	want := []string{
		`"Invocations": 900095,`,
		`"ColdStarts": 1212,`,
		`"Environments": 7,`,
		`"AvgEnvironments": 7.6915,`,
		`"AvgBusyEnvironments": 1.7922,`,
		`"DurationP50Ms": 1375.88,`,
		`"DurationP99Ms": 9208.69,`,
		`"DurationAvgMs": 1991.02,`,
		`"DurationMaxMs": 27120.76,`,
		`"InitDurationAvgMs": 250.56,`,
		`"BilledDurationMs": 1792861717,`,
		`"GBSeconds": 224107.714625,`,
		`"CostUSD": 3.9151550473,`,
	}
	if os.Getenv("CLOUDLAB_FULL_SIMFAAS") == "" {
		script = strings.NewReplacer("--for 1000000s", "--for 100000s", "clock advance 1000100s", "clock advance 100100s").Replace(script)
		want = []string{
			`"Invocations": 90482,`,
			`"ColdStarts": 124,`,
			`"AvgEnvironments": 7.6805,`,
			`"AvgBusyEnvironments": 1.7962,`,
			`"DurationP50Ms": 1375.88,`,
			`"DurationP99Ms": 9208.69,`,
			`"InitDurationAvgMs": 238.34,`,
			`"BilledDurationMs": 179847839,`,
			`"GBSeconds": 22480.979875,`,
			`"CostUSD": 0.3927801473,`,
		}
	}
	var out bytes.Buffer
	if err := Run(strings.NewReader(script), &out, Options{Seed: 1}); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("report lacks %s", w)
		}
	}
	if t.Failed() {
		t.Logf("report:\n%s", got)
	}
}
