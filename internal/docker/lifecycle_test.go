package docker

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// pushN builds and pushes n different images to repository "app" as
// tags prefix1..prefixN, one simulated minute apart.
func pushN(t *testing.T, e *Engine, r *Registry, now *time.Duration, prefix string, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		tag := fmt.Sprintf("%s%d", prefix, i)
		ctx := mapCtx{"requirements.txt": "flask\n", "app.py": "print(" + tag + ")\n"}
		build(t, e, appDockerfile, ctx, "app:"+tag)
		if err := e.Tag("app:"+tag, host+"/app:"+tag); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.Push(r, host+"/app:"+tag); err != nil {
			t.Fatal(err)
		}
		*now += time.Minute
	}
}

func tagsOf(t *testing.T, r *Registry) string {
	t.Helper()
	imgs, err := r.Find("app", nil)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, im := range imgs {
		out = append(out, strings.Join(im.Tags, "+"))
	}
	return strings.Join(out, ",")
}

// imageCountMoreThan keeps the newest countNumber images and expires the
// rest, at the next evaluation (the simulator's 24 h teaching figure for
// ECR's "within 24 hours")
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html,
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_examples.html).
func TestLifecycleExpiresByCount(t *testing.T) {
	e, now := newEngine()
	r := newRegistry(now)
	r.CreateRepository("app", false, "")
	e.Login(host)
	pushN(t, e, r, now, "v", 5)
	pol := `{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":3},"action":{"type":"expire"}}]}`
	repo, err := r.PutLifecyclePolicy("app", pol)
	if err != nil {
		t.Fatal(err)
	}
	*now += LifecycleInterval - time.Second
	if got := tagsOf(t, r); got != "v1,v2,v3,v4,v5" {
		t.Fatalf("before the evaluation: %s", got)
	}
	*now += time.Second
	if got := tagsOf(t, r); got != "v3,v4,v5" {
		t.Fatalf("after: %s", got)
	}
	if repo.Expired != 2 || repo.LastEvaluated != *now {
		t.Errorf("expired %d, evaluated at %v", repo.Expired, repo.LastEvaluated)
	}
	// A pull of an expired tag fails like any missing tag.
	if _, err := e.Pull(r, host+"/app:v1"); err == nil || !strings.Contains(err.Error(), "manifest unknown") {
		t.Errorf("pull expired: %v", err)
	}
}

// Rules apply in rulePriority order; an image a rule's tag selection
// matches is not considered by a later rule; tagPrefixList selects
// tagged images; untagged rules see images whose tag moved; any must be
// last (https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html).
func TestLifecyclePriorityAndTagStatus(t *testing.T) {
	e, now := newEngine()
	r := newRegistry(now)
	r.CreateRepository("app", false, "")
	e.Login(host)
	pushN(t, e, r, now, "prod", 3)
	pushN(t, e, r, now, "dev", 3)
	// Re-pushing a new image as dev3 leaves the old dev3 untagged.
	build(t, e, appDockerfile, mapCtx{"requirements.txt": "flask\n", "app.py": "new\n"}, host+"/app:dev3")
	if _, _, err := e.Push(r, host+"/app:dev3"); err != nil {
		t.Fatal(err)
	}
	if got := tagsOf(t, r); got != "prod1,prod2,prod3,dev1,dev2,,dev3" {
		t.Fatalf("setup: %s", got)
	}
	pol := `{"rules":[
	 {"rulePriority":1,"selection":{"tagStatus":"tagged","tagPrefixList":["prod"],"countType":"imageCountMoreThan","countNumber":100},"action":{"type":"expire"}},
	 {"rulePriority":2,"selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":2},"action":{"type":"expire"}},
	 {"rulePriority":3,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}`
	if _, err := r.PutLifecyclePolicy("app", pol); err != nil {
		t.Fatal(err)
	}
	*now += LifecycleInterval
	// prod images are protected by rule 1 (kept: fewer than 100); the
	// untagged image is matched by rule 2 but not 2 days old yet, so rule
	// 3 does not see it either; rule 3 keeps the newest of dev1, dev2,
	// dev3.
	if got := tagsOf(t, r); got != "prod1,prod2,prod3,,dev3" {
		t.Fatalf("first evaluation: %s", got)
	}
	*now += LifecycleInterval // now more than 2 days after its push
	if got := tagsOf(t, r); got != "prod1,prod2,prod3,dev3" {
		t.Fatalf("second evaluation: %s", got)
	}
}

func TestLifecycleValidation(t *testing.T) {
	var now time.Duration
	r := newRegistry(&now)
	r.CreateRepository("app", false, "")
	for _, c := range []struct{ pol, want string }{
		{`{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},{"rulePriority":2,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}`, "tagStatus any must have the highest rulePriority"},
		{`{"rules":[{"rulePriority":1,"selection":{"tagStatus":"tagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}`, "must have a tagPrefixList"},
		{`{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"sinceImagePushed","countNumber":1},"action":{"type":"expire"}}]}`, "countUnit days"},
		{`{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}},{"rulePriority":1,"selection":{"tagStatus":"untagged","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}`, "unique rulePriority"},
	} {
		_, err := r.PutLifecyclePolicy("app", c.pol)
		if code(err) != "InvalidParameterException" || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v", c.want, err)
		}
	}
}
