package lab

import (
	"fmt"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/course"
)

// solutionsBefore joins the solutions of steps 0..n-1 of a lab: the script
// of a learner who did everything right up to step n.
func solutionsBefore(l *Lab, n int) string {
	var b strings.Builder
	for _, s := range l.Steps[:n] {
		for _, line := range s.Solution {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

// TestWeakChecksRejectWrongAttempts runs, for each check that was once too
// weak, the cheapest wrong attempt headless: the attempt must fool the old
// check (so the case tests something) and must not pass the step now. The
// lab's full solution must still pass.
func TestWeakChecksRejectWrongAttempts(t *testing.T) {
	cases := []struct {
		name string
		lab  string
		step int // 0-based step the wrong attempt aims at
		// wrong runs after the solutions of the steps before step.
		wrong string
		// old is the check the step had before it was tightened.
		old string
	}{
		{
			name: "async: throttled event released by removing the cap, not aged out",
			lab:  "lab-async",
			step: 3,
			wrong: "aws lambda put-function-concurrency --function-name worker --reserved-concurrent-executions 0\n" +
				"aws lambda invoke --function-name worker --invocation-type Event --payload '{\"order\": 3}' out.json\nclock advance 30s\n" +
				"aws lambda delete-function-concurrency --function-name worker\nclock advance 3m\n",
			old: `fn("worker").DeadLetters >= 2 && fn("worker").Throttles >= 1`,
		},
		{
			name:  "keep-alive: two invokes back to back, then the clock",
			lab:   "lab-keep-alive",
			step:  0,
			wrong: "aws lambda invoke --function-name hello --log-type Tail out.json\naws lambda invoke --function-name hello --log-type Tail out.json\nclock advance 5m\n",
			old:   `fn("hello").Invocations >= 2 && fn("hello").ColdStarts == 1 && now >= seconds("5m")`,
		},
		{
			name:  "keep-alive: a configuration change drops the environment, no waiting",
			lab:   "lab-keep-alive",
			step:  1,
			wrong: "aws lambda update-function-configuration --function-name hello --memory-size 256\nclock advance 5s\n",
			old:   `fn("hello").Environments == 0 && fn("hello").Invocations >= 2`,
		},
		{
			name:  "ecs-first-steps: web registered with a fixed host port 80",
			lab:   "lab-ecs-first-steps",
			step:  2,
			wrong: "aws ecs register-task-definition --family web --network-mode bridge --container-definitions '[{\"name\": \"web\", \"image\": \"nginx\", \"cpu\": 256, \"memory\": 512, \"essential\": true, \"portMappings\": [{\"containerPort\": 80, \"hostPort\": 80}]}]'\n",
			old:   `last.ok && last.output.taskDefinition.family == "web"`,
		},
		{
			name:  "choosing-compute: 200 requests spread over 10 s, not at once",
			lab:   "lab-choosing-compute",
			step:  0,
			wrong: "traffic --function-name thumbs --rate 20 --for 10s\nclock advance 20s\n",
			old:   `fn("thumbs").Invocations >= 200 && fn("thumbs").Throttles == 0`,
		},
		{
			name: "choosing-compute: t3.medium instead of c5.xlarge",
			lab:  "lab-choosing-compute",
			step: 2,
			wrong: "aws ec2 run-instances --instance-type t3.medium --count 2 --user-data \"ECS_CLUSTER=lab\"\nclock advance 2m\n" +
				"aws ecs run-task --cluster lab --task-definition thumbs-ec2 --count 10 --launch-type EC2\nclock advance 1m\n",
			old: `len(filter(cluster("lab").Instances, .Status == "ACTIVE")) >= 2 && len(filter(cluster("lab").Tasks, .LastStatus == "RUNNING" && .LaunchType == "EC2")) >= 10`,
		},
		{
			name:  "choosing-compute: scale to 0 without reading the bills (the report of step 1 counted)",
			lab:   "lab-choosing-compute",
			step:  3,
			wrong: "aws ecs update-service --cluster lab --service thumbs --desired-count 0\n",
			old:   `ran("report") >= 1 && fn("thumbs").CostUSD > 0 && cluster("lab").CostUSD > 0 && service("lab", "thumbs").DesiredCount == 0`,
		},
		{
			name: "concurrency: a trickle instead of the burst after removing the cap",
			lab:  "lab-concurrency",
			step: 3,
			wrong: "aws lambda delete-function-concurrency --function-name api\nclock advance 1m\n" +
				"traffic --function-name api --rate 5 --for 30s\nclock advance 30s\n",
			old: `fn("api").ReservedConcurrency == -1 && fn("api").Recent("1m").Requests >= 100 && fn("api").Recent("1m").Throttles == 0`,
		},
		{
			name: "provisioned: create-alias failed, a later command succeeded",
			lab:  "lab-provisioned",
			step: 0,
			wrong: "aws lambda publish-version --function-name shop\n" +
				"aws lambda create-alias --function-name shop --name live --function-version 7\nreport\n",
			old: `ran("aws lambda publish-version") >= 1 && ran("aws lambda create-alias") >= 1 && last.ok`,
		},
		{
			name: "provisioned: the alias points at $LATEST, not the published version",
			lab:  "lab-provisioned",
			step: 0,
			wrong: "aws lambda publish-version --function-name shop\n" +
				"aws lambda create-alias --function-name shop --name live --function-version '$LATEST'\n",
			old: `ran("aws lambda publish-version") >= 1 && ran("aws lambda create-alias") >= 1 && last.ok`,
		},
		{
			name: "provisioned: an alias with another name",
			lab:  "lab-provisioned",
			step: 0,
			wrong: "aws lambda publish-version --function-name shop\n" +
				"aws lambda create-alias --function-name shop --name prod --function-version 1\n",
			old: `ran("aws lambda publish-version") >= 1 && ran("aws lambda create-alias") >= 1 && last.ok`,
		},
		{
			name:  "provisioned: ten invokes one after another, not at once",
			lab:   "lab-provisioned",
			step:  2,
			wrong: strings.Repeat("aws lambda invoke --function-name shop --qualifier live out.json\n", 10) + "clock advance 5s\n",
			old:   `fn("shop").ProvisionedConcurrencyInvocations >= 10 && fn("shop").ProvisionedConcurrencySpilloverInvocations == 0`,
		},
		{
			name: "provisioned: delete failed, then the whole function deleted",
			lab:  "lab-provisioned",
			step: 4,
			wrong: "aws lambda delete-provisioned-concurrency-config --function-name shop --qualifier nope\n" +
				"aws lambda delete-function --function-name shop\nclock advance 10s\n",
			old: `ran("aws lambda delete-provisioned-concurrency-config") >= 1 && fn("shop").Provisioned == 0`,
		},
		{
			name: "services-heal: fault with a wrong id failed, an instance drained instead",
			lab:  "lab-services-heal",
			step: 1,
			wrong: "fault instance --instance-id i-0000000000000000\n" +
				"aws ecs update-container-instances-state --cluster lab --container-instances ${instanceIn(\"lab\", \"us-east-1a\")} --status DRAINING\nclock advance 1m\n",
			old: `ran("fault instance") >= 1 && len(filter(cluster("lab").Instances, .Status == "ACTIVE")) == 2 && service("lab", "web").RunningCount == 6`,
		},
		{
			name: "services-heal: hostPort 0 instead of adding capacity",
			lab:  "lab-services-heal",
			step: 3,
			wrong: "aws ecs register-task-definition --family api --network-mode bridge --container-definitions '[{\"name\": \"api\", \"image\": \"example/api\", \"cpu\": 256, \"memory\": 256, \"essential\": true, \"portMappings\": [{\"containerPort\": 8080, \"hostPort\": 0}]}]'\n" +
				"aws ecs update-service --cluster lab --service api --task-definition api:2\nclock advance 2m\n",
			old: `service("lab", "api").RunningCount == 3`,
		},
		{
			name: "deploy-and-scale: rolling update with the default 200/100",
			lab:  "lab-deploy-and-scale",
			step: 1,
			wrong: "aws ecs register-task-definition --family web --requires-compatibilities FARGATE --network-mode awsvpc --cpu 256 --memory 512 --container-definitions '[{\"name\": \"web\", \"image\": \"nginx:1.27\", \"essential\": true, \"portMappings\": [{\"containerPort\": 80}]}]'\n" +
				"aws ecs update-service --cluster lab --service web --task-definition web:2\nclock advance 5m\n",
			old: `service("lab", "web").TaskDefinition endsWith "web:2" && service("lab", "web").RunningCount == 4 && service("lab", "web").Deployments == 1 && all(filter(cluster("lab").Tasks, .LastStatus == "RUNNING"), .TaskDefinition endsWith "web:2")`,
		},
		{
			name: "deploy-and-scale: target tracking at 90% instead of 50%",
			lab:  "lab-deploy-and-scale",
			step: 2,
			wrong: "aws application-autoscaling register-scalable-target --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/lab/web --min-capacity 2 --max-capacity 10\n" +
				"aws application-autoscaling put-scaling-policy --service-namespace ecs --scalable-dimension ecs:service:DesiredCount --resource-id service/lab/web --policy-name cpu90 --policy-type TargetTrackingScaling --target-tracking-scaling-policy-configuration '{\"TargetValue\": 90.0, \"PredefinedMetricSpecification\": {\"PredefinedMetricType\": \"ECSServiceAverageCPUUtilization\"}}'\n",
			old: `ran("aws application-autoscaling register-scalable-target") >= 1 && ran("aws application-autoscaling put-scaling-policy") >= 1 && last.ok`,
		},
		{
			name:  "deploy-and-scale: desired count raised by hand, no load",
			lab:   "lab-deploy-and-scale",
			step:  3,
			wrong: "aws ecs update-service --cluster lab --service web --desired-count 6\nclock advance 1m\n",
			old:   `service("lab", "web").DesiredCount > 4 && service("lab", "web").RunningCount > 4`,
		},
		{
			name:  "deploy-and-scale: desired count lowered by hand under load",
			lab:   "lab-deploy-and-scale",
			step:  4,
			wrong: "aws ecs update-service --cluster lab --service web --desired-count 2\nclock advance 20s\n",
			old:   `service("lab", "web").DesiredCount == 2 && service("lab", "web").RunningCount == 2`,
		},
	}
	c := embeddedCourse(t)
	labs := map[string]*Lab{}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := labs[tc.lab]
			if l == nil {
				lf := c.Lab(tc.lab)
				if lf == nil {
					t.Fatalf("lab %s missing", tc.lab)
				}
				var probs []course.Problem
				l, probs = FromFile(lf)
				if len(probs) > 0 {
					t.Fatalf("problems: %v", probs)
				}
				labs[tc.lab] = l
			}
			r, err := newTestRunner(t, l)
			if err != nil {
				t.Fatal(err)
			}
			res := runScript(r, solutionsBefore(l, tc.step)+tc.wrong)
			for i := 0; i < tc.step; i++ {
				if !res.Steps[i].Passed {
					t.Fatalf("step %d should pass on its solution before the wrong attempt\n%s", i+1, describe(res))
				}
			}
			fooled, err := EvalCheck(tc.old, r.Env())
			if err != nil {
				t.Fatalf("old check: %v", err)
			}
			if !fooled {
				t.Errorf("the wrong attempt does not even pass the old check: the case tests nothing\n%s", describe(res))
			}
			if res.Steps[tc.step].Passed {
				t.Errorf("step %d %q passed on a wrong attempt: its check is too weak\n%s", tc.step+1, l.Steps[tc.step].Title, describe(res))
			}

			r2, err := newTestRunner(t, l)
			if err != nil {
				t.Fatal(err)
			}
			if full := runScript(r2, solutionScript(l, -1)); !full.Passed {
				t.Errorf("the full solution no longer passes\n%s", describe(full))
			}
		})
	}
}

// TestEveryStepFairly runs fairCases: every step of every lab has at least
// two other valid answers that pass and a cheap wrong attempt that does not
// pass; after a wrong attempt the step is not locked: either its fix (by
// default the step's own solution) passes it, or its stuck block says so
// (the learner is offered reset step).
func TestEveryStepFairly(t *testing.T) {
	c := embeddedCourse(t)
	labs := map[string]*Lab{}
	for _, lf := range c.Labs {
		l, probs := FromFile(lf)
		if len(probs) > 0 {
			t.Fatalf("problems: %v", probs)
		}
		labs[l.ID] = l
	}
	type count struct{ valid, wrong int }
	seen := map[string]map[int]*count{}
	for _, tc := range fairCases {
		l := labs[tc.lab]
		if l == nil {
			t.Fatalf("lab %s missing", tc.lab)
		}
		if seen[tc.lab] == nil {
			seen[tc.lab] = map[int]*count{}
		}
		if seen[tc.lab][tc.step] == nil {
			seen[tc.lab][tc.step] = &count{}
		}
		if tc.valid {
			seen[tc.lab][tc.step].valid++
		} else {
			seen[tc.lab][tc.step].wrong++
		}
		kind := "wrong"
		if tc.valid {
			kind = "valid"
		}
		t.Run(fmt.Sprintf("%s/%d/%s/%s", tc.lab, tc.step+1, kind, tc.name), func(t *testing.T) {
			if l.World == WorldReal {
				// Real handlers mostly wait on go build and on their own
				// processes: these cases overlap.
				t.Parallel()
			}
			r, err := newTestRunner(t, l)
			if err != nil {
				t.Fatal(err)
			}
			before := tc.before
			if before == "" {
				before = solutionsBefore(l, tc.step)
			}
			res := runScript(r, before)
			if r.Current() != tc.step {
				t.Fatalf("the script before the attempt should leave the lab at step %d\n%s", tc.step+1, describe(res))
			}
			res = runScript(r, tc.script)
			passed := res.Steps[tc.step].Passed
			if tc.valid {
				if !passed {
					t.Errorf("a valid answer does not pass step %d %q\n%s", tc.step+1, l.Steps[tc.step].Title, describe(res))
				}
				return
			}
			if passed {
				t.Fatalf("a wrong attempt passes step %d %q\n%s", tc.step+1, l.Steps[tc.step].Title, describe(res))
			}
			why, stuck := r.Stuck()
			if tc.stuck {
				if !stuck {
					t.Errorf("after this wrong attempt the step cannot pass, but Stuck() does not say so")
				} else if why == "" || !strings.Contains(why, "reset step") {
					t.Errorf("Stuck() gives no reason offering reset step: %q", why)
				}
				return
			}
			if stuck {
				t.Errorf("Stuck() says %q after a wrong attempt the step can recover from", why)
			}
			fix := tc.fix
			if fix == "" {
				fix = strings.Join(l.Steps[tc.step].Solution, "\n") + "\n"
			}
			if res = runScript(r, fix); !res.Steps[tc.step].Passed {
				t.Errorf("the step is locked: after the wrong attempt, %q does not pass it\n%s", fix, describe(res))
			}
		})
	}
	for id, l := range labs {
		for i := range l.Steps {
			n := seen[id][i]
			if n == nil || n.valid < 2 || n.wrong < 1 {
				t.Errorf("%s step %d %q: want at least 2 other valid answers and 1 wrong attempt in fairCases, have %+v", id, i+1, l.Steps[i].Title, n)
			}
		}
	}
}
