package contenttest

// Accuracy tests: each one reads
// the lesson or quiz text and fails when the old, wrong or incomplete
// wording comes back. The AWS page each fact rests on is named in the
// test's comment and in the lesson's `sources:` front matter.

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/course"
	"github.com/cloudlab/cloudlab/internal/quiz"
)

// block is one paragraph, list item, option or explanation of a content
// file, with the file and line it starts at.
type block struct {
	file string
	line int
	text string
}

func loadCourse(t *testing.T) (*course.Course, []*quiz.Quiz) {
	t.Helper()
	c, probs := course.Load(course.Embedded())
	for _, p := range probs {
		t.Fatal(p.String())
	}
	quizzes, qprobs := quiz.Load(c)
	for _, p := range qprobs {
		t.Fatal(p.String())
	}
	return c, quizzes
}

func lessonText(t *testing.T, c *course.Course, id string) string {
	t.Helper()
	l := c.Lesson(id)
	if l == nil {
		t.Fatalf("no lesson %q", id)
	}
	return string(l.Body)
}

func question(t *testing.T, quizzes []*quiz.Quiz, id string) *quiz.Question {
	t.Helper()
	for _, qz := range quizzes {
		for _, q := range qz.Questions {
			if q.ID == id {
				return q
			}
		}
	}
	t.Fatalf("no question %q", id)
	return nil
}

// questionText is everything a learner reads for a question: title, body,
// options with their explanations, and the explanation.
func questionText(q *quiz.Question) string {
	var b strings.Builder
	b.WriteString(q.Title + "\n" + q.Text + "\n")
	for _, o := range q.Options {
		b.WriteString(o.Text + "\n" + o.Explanation + "\n")
	}
	b.WriteString(q.Explanation)
	return b.String()
}

// norm joins lines and squeezes spaces, so a phrase wrapped over two lines
// still matches.
func norm(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func mustContain(t *testing.T, where, text string, want ...string) {
	t.Helper()
	n := norm(text)
	for _, w := range want {
		if !strings.Contains(n, norm(w)) {
			t.Errorf("%s: does not say %q", where, w)
		}
	}
}

func mustNotMatch(t *testing.T, where, text string, re *regexp.Regexp, why string) {
	t.Helper()
	if m := re.FindString(norm(text)); m != "" {
		t.Errorf("%s: says %q: %s", where, m, why)
	}
}

// lessonBlocks splits every lesson body into paragraphs and list items.
func lessonBlocks(c *course.Course) []block {
	var out []block
	for _, l := range c.Lessons {
		out = append(out, splitBlocks(l.Path, l.BodyLine, string(l.Body))...)
	}
	return out
}

var listStart = regexp.MustCompile(`^\s*([-*+]|\d+\.)\s`)

func splitBlocks(file string, firstLine int, body string) []block {
	var out []block
	var cur []string
	start := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, block{file, start, strings.Join(cur, "\n")})
		}
		cur = nil
	}
	for i, line := range strings.Split(body, "\n") {
		if strings.TrimSpace(line) == "" {
			flush()
			continue
		}
		if listStart.MatchString(line) {
			flush()
		}
		if len(cur) == 0 {
			start = firstLine + i
		}
		cur = append(cur, line)
	}
	flush()
	return out
}

// quizBlocks makes one block of each question's title and text, each option
// with its explanation, and each explanation.
func quizBlocks(quizzes []*quiz.Quiz) []block {
	var out []block
	for _, qz := range quizzes {
		for _, q := range qz.Questions {
			out = append(out, block{q.File, q.Line, q.Title + "\n" + q.Text})
			for _, o := range q.Options {
				out = append(out, block{q.File, q.Line, o.Text + "\n" + o.Explanation})
			}
			out = append(out, block{q.File, q.Line, q.Explanation})
		}
	}
	return out
}

// TestLambdaFifteenMinuteLimitIsQualified: since Lambda Managed Instances
// (asynchronous and event-source invocations up to 90 minutes) and durable
// functions (executions up to one year), "Lambda runs at most 15 minutes" is
// false by omission. Every paragraph, list item, option or explanation that
// states the 15-minute (900 s) ceiling must say which functions it is about:
// standard functions, or synchronous invocations.
// Sources: https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html,
// https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html,
// https://docs.aws.amazon.com/lambda/latest/dg/durable-basic-concepts.html
func TestLambdaFifteenMinuteLimitIsQualified(t *testing.T) {
	c, quizzes := loadCourse(t)
	limit := regexp.MustCompile(`(?i)(at most|up to|longer than|more than|within|over|beyond|exceeds?|stops? at|limited to|maximum( timeout)?( of| is)?|max|ceiling of|limit of)\W+(\*\*)?(15|fifteen)[ -]min|(15|fifteen)[ -]minutes? (at most|limit|ceiling|maximum|max|timeout|cap)|(15|fifteen)-minute (limit|ceiling|maximum|timeout|cap|invocations?|functions?|runs?)|900 s(econds?)?\W+(max|\(15)|(max(imum)?|up to|raised to|limit( is|:)?)\W+(\*\*)?900\b|\b1 s to 900 s`)
	qualified := regexp.MustCompile(`(?i)\bstandard\b|\bsynchronous|managed instances|durable`)
	exempt := regexp.MustCompile(`(?i)delay|rate\(|idle|shutdown|visibility|every 15 minutes|backs? off|back-off`)
	blocks := append(lessonBlocks(c), quizBlocks(quizzes)...)
	for _, b := range blocks {
		text := norm(b.text)
		if !limit.MatchString(text) || exempt.MatchString(text) {
			continue
		}
		if !qualified.MatchString(text) {
			t.Errorf("%s:%d: states Lambda's 15-minute limit without saying it is for standard functions (or synchronous invocations): %q",
				b.file, b.line, limit.FindString(text))
		}
	}
}

// knownSources are the short names a lesson may list instead of a URL;
// docs/sources.md says what each stands for.
var knownSources = map[string]bool{
	"LDG": true, "EDG": true, "PRICE": true, "RIE": true, "ALG": true, "SIMFAAS": true,
}

// TestEveryLessonListsItsSources: every lesson names the pages its claims
// rest on, as https URLs (or the documented short names), and at least one
// of them is a URL a reader can open.
func TestEveryLessonListsItsSources(t *testing.T) {
	c, _ := loadCourse(t)
	for _, l := range c.Lessons {
		urls := 0
		for _, s := range l.Sources {
			if knownSources[s] {
				continue
			}
			u, err := url.Parse(s)
			if err != nil || u.Scheme != "https" || u.Host == "" {
				t.Errorf("%s: source %q is neither an https URL nor a known short name", l.Path, s)
				continue
			}
			urls++
		}
		if urls == 0 {
			t.Errorf("%s: lesson %s lists no source URL", l.Path, l.ID)
		}
	}
}

// TestShortSourceNamesAreDocumented: each short name used in `sources:` is
// explained in docs/sources.md of the repository (read from disk, since the
// docs folder is not embedded).
func TestShortSourceNamesAreDocumented(t *testing.T) {
	doc := readRepoFile(t, "docs/sources.md")
	for name := range knownSources {
		if !strings.Contains(doc, "`"+name+"`") {
			t.Errorf("docs/sources.md does not define the short source name %s", name)
		}
	}
}

// TestNoInternalFactSheetNamedInContent: the course cites AWS pages, never
// the team's internal fact sheet, which is not part of the repository.
func TestNoInternalFactSheetNamedInContent(t *testing.T) {
	c, _ := loadCourse(t)
	var docs []course.Doc
	for _, l := range c.Lessons {
		docs = append(docs, l.Doc)
	}
	for _, q := range c.Quizzes {
		docs = append(docs, q.Doc)
	}
	for _, d := range docs {
		if strings.Contains(strings.ToUpper(string(d.Source)), "FACTS"+".MD") {
			t.Errorf("%s: names an internal fact sheet; cite the AWS page instead", d.Path)
		}
	}
}

func where(path string, line int) string {
	return fmt.Sprintf("%s:%d", path, line)
}

// readRepoFile reads a file of the repository, relative to its root (this
// package is two folders below it).
func readRepoFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Point 1. The service scheduler throttles tasks that never reach RUNNING,
// up to about 27 minutes between attempts, with the event "(service ...) is
// unable to consistently start tasks successfully."
// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-throttle-logic.html
func TestServiceThrottleBacksOffUpTo27Minutes(t *testing.T) {
	c, quizzes := loadCourse(t)
	text := lessonText(t, c, "ecs-services")
	mustContain(t, "lesson ecs-services", text,
		"27 minutes", "is unable to consistently start tasks successfully", "without ever reaching RUNNING")
	mustNotMatch(t, "lesson ecs-services", text,
		regexp.MustCompile(`(?i)(about|up to|maximum of) 15 minutes between attempts`),
		"the documented ceiling is about 27 minutes")
	q := question(t, quizzes, "ecs-svc-throttle")
	for _, o := range q.Options {
		if o.Correct && !strings.Contains(o.Text, "27 minutes") {
			t.Errorf("%s:%d: the right option should give the 27-minute ceiling: %q", q.File, q.Line, o.Text)
		}
	}
}

// Point 2. Dynamic host ports come from the instance's ephemeral port
// range (ip_local_port_range); 49153-65535 is only the fallback.
// Source: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_PortMapping.html
func TestDynamicHostPortsComeFromTheKernelEphemeralRange(t *testing.T) {
	c, quizzes := loadCourse(t)
	text := lessonText(t, c, "ecs-concepts")
	mustContain(t, "lesson ecs-concepts", text, "ip_local_port_range", "fall back to 49153-65535")
	mustNotMatch(t, "lesson ecs-concepts", text, regexp.MustCompile(`dynamic port\*\* \(from 49153-65535\)`),
		"49153-65535 is only the fallback range")
	q := question(t, quizzes, "ecs-c-network-modes")
	mustContain(t, where(q.File, q.Line), questionText(q), "ip_local_port_range", "fallback")
}

// Point 3. Only RUN, COPY and ADD create filesystem layers; other
// instructions record metadata.
// Source: https://docs.docker.com/build/building/best-practices/
func TestOnlyRunCopyAndAddCreateLayers(t *testing.T) {
	c, quizzes := loadCourse(t)
	text := lessonText(t, c, "docker")
	mustContain(t, "lesson docker", text, "Only three of them create filesystem layers: `RUN`, `COPY` and `ADD`", "metadata")
	mustNotMatch(t, "lesson docker", text, regexp.MustCompile(`(?i)most instructions add a layer`),
		"only RUN, COPY and ADD add layers")
	q := question(t, quizzes, "dk-layer-count")
	if q.Answer != 7 {
		t.Errorf("%s:%d: 4 base layers + 2 COPY + 1 RUN = 7, question says %v", q.File, q.Line, q.Answer)
	}
}

// Point 4. ECS, Batch and EKS *can* run on EC2; they are not all EC2.
func TestServicesCanRunOnEC2RatherThanAreEC2(t *testing.T) {
	c, _ := loadCourse(t)
	text := lessonText(t, c, "ec2")
	mustNotMatch(t, "lesson ec2", text, regexp.MustCompile(`(?i)are all EC2 instances`),
		"these services can also run on Fargate or managed instances")
	mustContain(t, "lesson ec2", text, "*can* all run on EC2")
}

// Point 5. Standard RIs: largest discount, modifiable within the family,
// resellable in the Marketplace; Convertible RIs: smaller discount,
// exchangeable across families, not resellable.
// Sources: https://docs.aws.amazon.com/whitepapers/latest/cost-optimization-reservation-models/standard-vs.-convertible-offering-classes.html,
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateReservedInstancesListing.html
func TestStandardAndConvertibleReservedInstances(t *testing.T) {
	c, quizzes := loadCourse(t)
	text := lessonText(t, c, "ec2")
	mustContain(t, "lesson ec2", text, "Convertible", "Marketplace",
		"Only Standard RIs can be sold", "only Convertible RIs can change instance family")
	q := question(t, quizzes, "ec2-ri-classes")
	for _, o := range q.Options {
		sellable := strings.Contains(o.Text, "Only Standard Reserved Instances can be sold")
		exchange := strings.Contains(o.Text, "Convertible Reserved Instance can be exchanged")
		if o.Correct != (sellable || exchange) {
			t.Errorf("%s:%d: option %q is marked %v", q.File, q.Line, o.Text, o.Correct)
		}
	}
}

// Point 6. At one vCPU (1,769 MB) Lambda costs the same as a 1 vCPU, 2 GB
// Fargate task at about 48 % utilisation. The test recomputes the figures
// from the us-east-1 prices and checks that the lesson prints them.
// Sources: https://aws.amazon.com/lambda/pricing/, https://aws.amazon.com/fargate/pricing/,
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
func TestLambdaFargateCrossoverAtOneVCPU(t *testing.T) {
	const (
		lambdaGBs   = 0.0000166667
		fargateVCPU = 0.04048
		fargateGB   = 0.004445
	)
	gb := 1769.0 / 1024
	lambdaHour := 3600 * gb * lambdaGBs
	fargateHour := fargateVCPU + 2*fargateGB
	crossover := fargateHour / lambdaHour
	c, quizzes := loadCourse(t)
	text := lessonText(t, c, "choosing-compute")
	mustContain(t, "lesson choosing-compute", text,
		"1,769 MB",
		fmt.Sprintf("$%.5f per hour", fargateHour),
		fmt.Sprintf("$%.5f per hour", lambdaHour),
		fmt.Sprintf("about $%.2f", fargateHour*720),
		fmt.Sprintf("about $%.2f (+ requests)", lambdaHour*720),
		fmt.Sprintf("= %.3f, about %.0f %%", crossover, 100*crossover))
	mustNotMatch(t, "lesson choosing-compute", text, regexp.MustCompile(`(?i)around 80 ?% utilisation`),
		"the crossover at one vCPU is about 48 %")
	q := question(t, quizzes, "cc-crossover")
	if diff := q.Answer - 100*crossover; diff > q.Tolerance || -diff > q.Tolerance {
		t.Errorf("%s:%d: crossover answer %v, computed %.2f", q.File, q.Line, q.Answer, 100*crossover)
	}
	q = question(t, quizzes, "cc-lambda-always-busy")
	if diff := q.Answer - 2592000*gb*lambdaGBs; diff > q.Tolerance || -diff > q.Tolerance {
		t.Errorf("%s:%d: answer %v, computed %.2f", q.File, q.Line, q.Answer, 2592000*gb*lambdaGBs)
	}
}

// Point 7. Cold-start mitigation includes SnapStart (Java, Python, .NET),
// with its Restore phase and caveats.
// Sources: https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html,
// https://docs.aws.amazon.com/lambda/latest/dg/snapstart-troubleshooting.html
func TestSnapStartIsTaughtWithRestorePhaseAndCaveats(t *testing.T) {
	c, quizzes := loadCourse(t)
	text := lessonText(t, c, "lambda-concurrency")
	mustContain(t, "lesson lambda-concurrency", text,
		"SnapStart", "Java 11", "Python 3.12", ".NET 8", "Restore", "Restore Duration",
		"same state", "not together with provisioned concurrency", "SnapStartTimeoutException")
	question(t, quizzes, "lc-snapstart")
}

// Point 8. The 10-second Init limit is for on-demand environments;
// provisioned concurrency and SnapStart initialise under other rules.
// Source: https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html
func TestTenSecondInitLimitIsForOnDemandEnvironments(t *testing.T) {
	c, _ := loadCourse(t)
	anatomy := lessonText(t, c, "lambda-anatomy")
	mustContain(t, "lesson lambda-anatomy", anatomy, "**on-demand** environment, Init is limited to 10 seconds",
		"**provisioned concurrency** or **SnapStart**", "130 seconds")
	conc := lessonText(t, c, "lambda-concurrency")
	mustContain(t, "lesson lambda-concurrency", conc, "INIT (10 s on-demand)", "10-second limit of on-demand Init does not apply")
	for _, id := range []string{"lambda-anatomy", "lambda-concurrency"} {
		mustNotMatch(t, "lesson "+id, lessonText(t, c, id),
			regexp.MustCompile(`(?i)\)\. Init is limited to 10 seconds|INIT \(max 10 s\)`),
			"say that the 10-second limit is for on-demand Init")
	}
}

// Point 9. The circuit breaker watches a deployment only when the service
// enables it; the default threshold is 0.5 x desired within 3..200
// (BOUNDED_PERCENT, 50), and ThresholdConfiguration offers COUNT and
// UNBOUNDED_PERCENT.
// Sources: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentCircuitBreaker.html,
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ThresholdConfiguration.html
func TestCircuitBreakerOnlyWhenEnabledAndThresholdConfiguration(t *testing.T) {
	c, quizzes := loadCourse(t)
	text := lessonText(t, c, "ecs-services")
	mustContain(t, "lesson ecs-services", text,
		"It watches only services that turn it on", "`deploymentCircuitBreaker` with `\"enable\": true`",
		"BOUNDED_PERCENT", "UNBOUNDED_PERCENT", "COUNT", "kept within 3..200")
	mustNotMatch(t, "lesson ecs-services", text, regexp.MustCompile(`(?i)circuit breaker[^.]*(on|enabled) by default`),
		"the circuit breaker is not on by default in the API")
	if q := question(t, quizzes, "ecs-svc-cb-unbounded"); q.Answer != 300 {
		t.Errorf("%s:%d: UNBOUNDED_PERCENT 50 of 600 is 300, question says %v", q.File, q.Line, q.Answer)
	}
	for id, want := range map[string]float64{"ecs-svc-cb-small": 3, "ecs-svc-cb-large": 200} {
		if q := question(t, quizzes, id); q.Answer != want {
			t.Errorf("%s:%d: want %v, question says %v", q.File, q.Line, want, q.Answer)
		}
	}
}

// Point 10. SQS event sources: the default mode scales to 1,000 concurrent
// batches; provisioned mode (minimum and maximum pollers) exists.
// Source: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
func TestSQSDefaultModeAndProvisionedMode(t *testing.T) {
	c, quizzes := loadCourse(t)
	text := lessonText(t, c, "lambda-invocation")
	mustContain(t, "lesson lambda-invocation", text, "**default (standard) mode**", "up to **1,000**",
		"**provisioned mode**", "minimum and a maximum number of dedicated event pollers")
	if q := question(t, quizzes, "li-sqs-max-batches"); q.Answer != 1000 {
		t.Errorf("%s:%d: default-mode ceiling is 1,000, question says %v", q.File, q.Line, q.Answer)
	}
}

// Point 11. New accounts get reduced concurrency *and* memory quotas.
// Source: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
func TestNewAccountsHaveReducedConcurrencyAndMemoryQuotas(t *testing.T) {
	c, _ := loadCourse(t)
	mustContain(t, "lesson lambda-concurrency", lessonText(t, c, "lambda-concurrency"),
		"New accounts start with reduced quotas, both for concurrency and for function memory")
}

// Point 12. AWS documents no default placement strategy for standalone
// tasks (RunTask); the course must not say it is random.
// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-placement-strategies.html
func TestRunTaskDefaultPlacementIsNotClaimedRandom(t *testing.T) {
	c, quizzes := loadCourse(t)
	text := lessonText(t, c, "ecs-scheduling")
	mustNotMatch(t, "lesson ecs-scheduling", text,
		regexp.MustCompile(`(?i)RunTask\*?\*? with no strategy places \*?\*?randomly|RunTask is random`),
		"AWS documents no default strategy for standalone tasks")
	mustContain(t, "lesson ecs-scheduling", text, "names no default *strategy* for them")
	q := question(t, quizzes, "ecs-s-defaults")
	for _, o := range q.Options {
		if o.Correct && strings.Contains(strings.ToLower(o.Text), "random") {
			t.Errorf("%s:%d: right option claims random placement: %q", q.File, q.Line, o.Text)
		}
	}
}

// Point 13. AWS documents 1,769 MB = 1 vCPU and up to 6 vCPUs at 10,240 MB,
// not 3,538 MB = 2 vCPUs.
// Source: https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html
func TestNoUndocumentedTwoVCPUMemorySize(t *testing.T) {
	c, quizzes := loadCourse(t)
	q := question(t, quizzes, "lp-two-vcpu")
	if q.Kind == quiz.Numeric && q.Answer == 3538 {
		t.Errorf("%s:%d: 3,538 MB = 2 vCPU is not documented by AWS", q.File, q.Line)
	}
	for _, o := range q.Options {
		if o.Correct && !(strings.Contains(o.Text, "1,769 MB") && strings.Contains(o.Text, "6 vCPUs")) {
			t.Errorf("%s:%d: right option should give the documented points: %q", q.File, q.Line, o.Text)
		}
		if o.Correct && strings.Contains(o.Text, "3,538") {
			t.Errorf("%s:%d: right option relies on 3,538 MB: %q", q.File, q.Line, o.Text)
		}
	}
	for _, qz := range quizzes {
		for _, q := range qz.Questions {
			if q.Kind == quiz.Numeric && q.Answer == 3538 {
				t.Errorf("%s:%d: answer 3538 (2 vCPU) is not documented", q.File, q.Line)
			}
		}
	}
	for _, l := range c.Lessons {
		if strings.Contains(string(l.Body), "3,538") {
			t.Errorf("%s: mentions 3,538 MB", l.Path)
		}
	}
}

// Point 14. The steady-state question has one answer: with arrivals every
// T ms and each invocation occupying D ms (D not a multiple of T, so no
// tie), the average is D/T (Little's law) and the peak the next whole
// number up.
func TestSteadyStateConcurrencyAgreesWithLittlesLaw(t *testing.T) {
	_, quizzes := loadCourse(t)
	q := question(t, quizzes, "lc-steady-sim")
	m := regexp.MustCompile(`every (\d+) ms .* exactly (\d+) ms`).FindStringSubmatch(q.Title)
	if m == nil {
		t.Fatalf("%s:%d: title does not give the arrival interval and the duration: %q", q.File, q.Line, q.Title)
	}
	var interval, duration float64
	fmt.Sscan(m[1], &interval)
	fmt.Sscan(m[2], &duration)
	if int(duration)%int(interval) == 0 {
		t.Errorf("%s:%d: a duration that is a multiple of the interval makes the peak depend on event order", q.File, q.Line)
	}
	average := duration / interval
	peak := float64(int(average) + 1)
	if q.Answer != peak {
		t.Errorf("%s:%d: peak should be %v (average %v), question says %v", q.File, q.Line, peak, average, q.Answer)
	}
	avg := question(t, quizzes, "lc-steady-average")
	if avg.Answer != average {
		t.Errorf("%s:%d: Little's law gives %v, question says %v", avg.File, avg.Line, average, avg.Answer)
	}
	mustContain(t, where(q.File, q.Line), q.Explanation, "Little's law")
}

// Point 15 (lesson side). An invalid Fargate cpu/memory pair is refused
// at registration with a ClientException; the lesson quotes AWS's wording.
// Source: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html
func TestFargateInvalidSizeWording(t *testing.T) {
	c, _ := loadCourse(t)
	mustContain(t, "lesson fargate", lessonText(t, c, "fargate"),
		"No Fargate configuration exists for given values.", "Invalid 'cpu' setting for task.", "ClientException")
}

// Point 18 (lesson side). A service task that cannot be placed is never
// created: it is not PENDING, and the service logs "unable to place a task".
// Sources: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html (pendingCount),
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages-list.html
func TestUnplaceableServiceTaskIsNotPending(t *testing.T) {
	c, quizzes := loadCourse(t)
	pending := regexp.MustCompile(`(?i)(stays?|remains?|kept|keeps the task) PENDING`)
	for _, id := range []string{"ecs-scheduling", "ecs-services"} {
		mustNotMatch(t, "lesson "+id, lessonText(t, c, id), pending, "an unplaced task is never created")
	}
	for _, id := range []string{"ecs-s-port-conflict", "ecs-s-unplaceable", "ecs-s-runtask-failures"} {
		q := question(t, quizzes, id)
		mustNotMatch(t, where(q.File, q.Line), questionText(q), pending, "an unplaced task is never created")
	}
}

// Point 28. Lessons touched by the 2025-2026 launches carry a "Recent
// changes" paragraph that names them, and list the pages in `sources:`.
// Sources: https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances.html,
// https://docs.aws.amazon.com/lambda/latest/dg/durable-basic-concepts.html,
// https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html,
// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/capacity-launch-type-comparison.html,
// https://docs.aws.amazon.com/eks/latest/userguide/eks-provisioned-control-plane.html,
// https://docs.aws.amazon.com/eks/latest/userguide/view-upgrade-policy.html
func TestRecentChangesAreTaughtWithSources(t *testing.T) {
	c, _ := loadCourse(t)
	cases := []struct {
		lesson  string
		says    []string
		sources []string
	}{
		{"lightsail-and-batch", []string{"Lambda Managed Instances", "90 minutes", "durable functions"},
			[]string{"lambda-managed-instances.html", "durable-basic-concepts.html"}},
		{"containers-vs-vms", []string{"Lambda Managed Instances", "not a security boundary", "capacity provider"},
			[]string{"lambda-managed-instances-security.html"}},
		{"ecs-concepts", []string{"ECS Managed Instances"}, []string{"capacity-launch-type-comparison.html"}},
		{"fargate", []string{"Amazon ECS Managed Instances", "third option", "MANAGED_INSTANCES"},
			[]string{"capacity-launch-type-comparison.html"}},
		{"eks", []string{"EKS Provisioned Control Plane", "upgrade policy", "`EXTENDED`", "`STANDARD`", "tier-xl"},
			[]string{"view-upgrade-policy.html", "eks-provisioned-control-plane.html"}},
		{"what-is-serverless", []string{"Lambda Managed Instances", "several requests at once",
			"isolated by containers, not micro-VMs", "90 minutes", "GPU", "management fee", "not scale to zero",
			"Durable functions", "up to a year"},
			[]string{"lambda-managed-instances.html", "durable-basic-concepts.html", "configuration-timeout.html"}},
		{"lambda-anatomy", []string{"Lambda Managed Instances", "durable functions", "200 MB"},
			[]string{"configuration-response-streaming.html", "durable-basic-concepts.html"}},
		{"lambda-limits-pricing", []string{"200 MB", "Lambda Managed Instances", "Durable functions", "management fee"},
			[]string{"configuration-response-streaming.html", "lambda-managed-instances.html"}},
		{"serverless-architectures", []string{"durable function", "up to a year", "replays"},
			[]string{"durable-basic-concepts.html"}},
		{"choosing-compute", []string{"Lambda Managed Instances", "durable functions", "ECS Managed Instances"},
			[]string{"lambda-managed-instances.html"}},
	}
	for _, tc := range cases {
		l := c.Lesson(tc.lesson)
		if l == nil {
			t.Errorf("no lesson %s", tc.lesson)
			continue
		}
		body := string(l.Body)
		want := append([]string{"Recent changes"}, tc.says...)
		if tc.lesson == "ecs-concepts" {
			want = tc.says // it introduces the option in its launch-type list
		}
		mustContain(t, l.Path, body, want...)
		all := strings.Join(l.Sources, "\n")
		for _, s := range tc.sources {
			if !strings.Contains(all, s) {
				t.Errorf("%s: sources do not list %s", l.Path, s)
			}
		}
	}
}

// Point 28. "One request at a time" is true of standard functions only:
// Lambda Managed Instances serve several requests per environment.
// Source: https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-execution-environment.html
func TestOneRequestPerEnvironmentIsQualified(t *testing.T) {
	c, quizzes := loadCourse(t)
	claim := regexp.MustCompile(`(?i)(runs|serves|handles) (\*\*)?one (request|invocation) at a time`)
	for _, b := range append(lessonBlocks(c), quizBlocks(quizzes)...) {
		text := norm(b.text)
		if claim.MatchString(text) && !regexp.MustCompile(`(?i)\bstandard\b`).MatchString(text) {
			t.Errorf("%s:%d: %q without saying it is a standard function's environment", b.file, b.line, claim.FindString(text))
		}
	}
}

// Point 28. No quiz key may depend on the old absolute limits: the answers
// that rule Lambda out name the standard function or a duration beyond
// every Lambda option.
func TestQuizKeysDoNotDependOnOldAbsoluteLambdaLimits(t *testing.T) {
	_, quizzes := loadCourse(t)
	q := question(t, quizzes, "ws-poor-fit")
	for _, o := range q.Options {
		if o.Correct && strings.Contains(o.Text, "transcoding") && !strings.Contains(o.Text, "two hours") {
			t.Errorf("%s:%d: a transcoding job under 90 minutes could run on Managed Instances: %q", q.File, q.Line, o.Text)
		}
	}
	for _, id := range []string{"lb-batch-vs-lambda", "ws-timeout-max", "la-max-timeout"} {
		q := question(t, quizzes, id)
		if !strings.Contains(q.Title, "standard Lambda function") {
			t.Errorf("%s:%d: %q must ask about a standard Lambda function", q.File, q.Line, q.Title)
		}
	}
	q = question(t, quizzes, "lb-batch-when")
	for _, o := range q.Options {
		if o.Correct && strings.Contains(o.Text, "over an hour") {
			t.Errorf("%s:%d: over an hour fits within Managed Instances' 90 minutes: %q", q.File, q.Line, o.Text)
		}
	}
}

// Point 28. An AMI belongs to one Region and is copied to use elsewhere.
// Source: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CopyImage.html
func TestAMIIsRegional(t *testing.T) {
	c, quizzes := loadCourse(t)
	q := question(t, quizzes, "cv-vm-os")
	text := questionText(q)
	mustContain(t, where(q.File, q.Line), text, "belongs to one Region", "copy-image")
	mustNotMatch(t, where(q.File, q.Line), text, regexp.MustCompile(`(?i)\(AMIs on AWS\) and launched anywhere`),
		"an AMI is launched in its own Region, or copied first")
	mustContain(t, "lesson ec2", lessonText(t, c, "ec2"), "An AMI lives in one Region", "copy-image")
}
