package archtest

import (
	"strings"
	"testing"
)

// TestRealInvokerRules: the real data plane sits under the simulators'
// policy, never beside it. internal/invoker drives internal/lambda (the one
// policy) and knows nothing of the wire protocols; internal/endpoint maps
// the wire to the same policy packages the lab shell uses (lambda, ecs,
// ec2 on one cloud.Account, their API objects from awsshape, the lab verbs
// of the watch prompt from shell); neither imports the UI; the runtime
// interface clients are plain embedded files; no simulator imports them.
func TestRealInvokerRules(t *testing.T) {
	pkgs := listPackages(t)
	for name, p := range pkgs {
		var allowed func(rel string) bool
		switch {
		case name == "internal/invoker/ric":
			for _, d := range p.Deps {
				if !isStd(d) {
					t.Errorf("%s must import only the standard library, but depends on %s", name, d)
				}
			}
			continue
		case name == "internal/invoker" || strings.HasPrefix(name, "internal/invoker/"):
			allowed = func(rel string) bool {
				return rel == "internal/lambda" || rel == "internal/sim" || strings.HasPrefix(rel, "internal/invoker")
			}
		case name == "internal/endpoint":
			allowed = func(rel string) bool {
				switch rel {
				case "internal/lambda", "internal/ecs", "internal/ec2", "internal/docker", "internal/cloud", "internal/awsshape",
					"internal/shell", "internal/termtext":
					return true
				}
				return strings.HasPrefix(rel, "internal/sim") || strings.HasPrefix(rel, "internal/invoker")
			}
		default:
			continue
		}
		for _, d := range p.Deps {
			if rel, ok := strings.CutPrefix(d, module+"/"); ok && !allowed(rel) {
				t.Errorf("%s may not depend on %s (see the rule above)", name, rel)
			}
			if isUI(d) {
				t.Errorf("%s depends on the UI library %s", name, d)
			}
		}
	}
	for name, p := range pkgs {
		switch {
		case name == "internal/lambda", name == "internal/ecs", name == "internal/ec2", name == "internal/cloud",
			name == "internal/shell", strings.HasPrefix(name, "internal/sim"):
		default:
			continue
		}
		for _, d := range p.Deps {
			if strings.HasPrefix(d, module+"/internal/invoker") || strings.HasPrefix(d, module+"/internal/endpoint") {
				t.Errorf("%s depends on %s: the policy must not know its data planes", name, d)
			}
		}
	}
}
