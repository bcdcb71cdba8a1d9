package shell

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cloudlab/cloudlab/internal/cloud"
)

// invokeLog invokes with --log-type Tail and returns the decoded log.
func invokeLog(t *testing.T, sh *Shell, args string) (map[string]any, string) {
	t.Helper()
	m := lambdaOutput(t, mustRun(t, sh, "aws lambda invoke "+args+" --log-type Tail out.json"))
	b, err := base64.StdEncoding.DecodeString(m["LogResult"].(string))
	if err != nil {
		t.Fatal(err)
	}
	return m, string(b)
}

// TestFunctionNameAcceptsQualifierAndARNs: --function-name takes
// name:qualifier (hello:live, hello:1), partial ARNs and full ARNs,
// qualified or not, wherever the API does; a qualifier in the name must
// agree with --qualifier; APIs without a qualifier refuse a qualified name.
// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html ("Name formats")
func TestFunctionNameAcceptsQualifierAndARNs(t *testing.T) {
	sh := New(cloud.New(1))
	mustRun(t, sh, strings.Replace(createF, "--function-name f", "--function-name hello", 1)+" --publish")
	mustRun(t, sh, "aws lambda update-function-configuration --function-name hello --memory-size 256")
	mustRun(t, sh, "aws lambda publish-version --function-name hello")
	mustRun(t, sh, "aws lambda create-alias --function-name hello --name live --function-version 1")
	const arn = "arn:aws:lambda:us-east-1:123456789012:function:hello"
	for ref, want := range map[string]string{
		"hello:live": "1", "hello:1": "1", "hello:2": "2", "hello": "$LATEST",
		arn: "$LATEST", arn + ":live": "1", arn + ":2": "2", "123456789012:function:hello:live": "1",
	} {
		m := lambdaOutput(t, mustRun(t, sh, "aws lambda invoke --function-name "+ref+" out.json"))
		if m["ExecutedVersion"] != want {
			t.Errorf("invoke %s ran version %v, want %s", ref, m["ExecutedVersion"], want)
		}
	}
	m := lambdaOutput(t, mustRun(t, sh, "aws lambda get-function-configuration --function-name "+arn+":1"))
	if m["Version"] != "1" || m["MemorySize"] != 128.0 {
		t.Errorf("get-function-configuration by qualified ARN: %v %v", m["Version"], m["MemorySize"])
	}
	mustRun(t, sh, "aws lambda put-function-event-invoke-config --function-name hello:live --maximum-retry-attempts 0")
	if _, err := sh.Run("aws lambda get-function-event-invoke-config --function-name hello --qualifier live"); err != nil {
		t.Errorf("config put through hello:live not found on --qualifier live: %v", err)
	}
	if _, err := sh.Run("aws lambda invoke --function-name hello:live --qualifier 2 out.json"); err == nil || !strings.Contains(err.Error(), "does not match the specified qualifier") {
		t.Errorf("conflicting qualifiers: %v", err)
	}
	if _, err := sh.Run("aws lambda put-function-concurrency --function-name hello:1 --reserved-concurrent-executions 5"); err == nil || !strings.Contains(err.Error(), "(ValidationException)") {
		t.Errorf("qualified name where the API takes none: %v", err)
	}
	mustRun(t, sh, "aws lambda put-function-concurrency --function-name "+arn+" --reserved-concurrent-executions 5")
	if _, err := sh.Run("traffic --function-name hello:live --rate 1 --for 2s"); err != nil {
		t.Errorf("traffic to hello:live: %v", err)
	}
}

// TestProvisionedConcurrencyOnAliasAndItsVersionConflicts: provisioned
// concurrency on an alias and on the version it points to at the same time
// is refused with ResourceConflictException, in either order.
// https://docs.aws.amazon.com/lambda/latest/dg/provisioned-concurrency.html
func TestProvisionedConcurrencyOnAliasAndItsVersionConflicts(t *testing.T) {
	sh := New(cloud.New(1))
	mustRun(t, sh, createF+" --publish")
	mustRun(t, sh, "aws lambda create-alias --function-name f --name live --function-version 1")
	mustRun(t, sh, "aws lambda put-provisioned-concurrency-config --function-name f --qualifier live --provisioned-concurrent-executions 2")
	_, err := sh.Run("aws lambda put-provisioned-concurrency-config --function-name f --qualifier 1 --provisioned-concurrent-executions 2")
	if awsCode(err) != "ResourceConflictException" {
		t.Errorf("version under a provisioned alias: %v", err)
	}
	sh = New(cloud.New(1))
	mustRun(t, sh, createF+" --publish")
	mustRun(t, sh, "aws lambda create-alias --function-name f --name live --function-version 1")
	mustRun(t, sh, "aws lambda put-provisioned-concurrency-config --function-name f --qualifier 1 --provisioned-concurrent-executions 2")
	_, err = sh.Run("aws lambda put-provisioned-concurrency-config --function-name f:live --qualifier live --provisioned-concurrent-executions 2")
	if awsCode(err) != "ResourceConflictException" {
		t.Errorf("alias over a provisioned version: %v", err)
	}
	// Changing the amount on the same qualifier is no conflict.
	mustRun(t, sh, "aws lambda put-provisioned-concurrency-config --function-name f --qualifier 1 --provisioned-concurrent-executions 3")
}

// TestGetEventInvokeConfigWithoutOneIsNotFound: a function with no
// asynchronous invocation configuration has none to show:
// ResourceNotFoundException (404), not the defaults.
// https://docs.aws.amazon.com/lambda/latest/api/API_GetFunctionEventInvokeConfig.html
func TestGetEventInvokeConfigWithoutOneIsNotFound(t *testing.T) {
	sh := New(cloud.New(1))
	mustRun(t, sh, createF)
	_, err := sh.Run("aws lambda get-function-event-invoke-config --function-name f")
	var ae *AWSError
	if awsCode(err) != "ResourceNotFoundException" || !errorsAs(err, &ae) || ae.StatusCode != 404 {
		t.Fatalf("got %v, want ResourceNotFoundException (404)", err)
	}
	mustRun(t, sh, "aws lambda put-function-event-invoke-config --function-name f --maximum-retry-attempts 1")
	m := lambdaOutput(t, mustRun(t, sh, "aws lambda get-function-event-invoke-config --function-name f"))
	if m["MaximumRetryAttempts"] != 1.0 {
		t.Errorf("after put: %v", m)
	}
}

// TestTimeoutReportCarriesStatusTimeout: a timed-out invocation's REPORT
// line ends with "Status: timeout", as Lambda prints it.
// https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html
func TestTimeoutReportCarriesStatusTimeout(t *testing.T) {
	sh := New(cloud.New(1))
	mustRun(t, sh, createF+" --timeout 1 --duration 5s")
	_, log := invokeLog(t, sh, "--function-name f")
	var report string
	for _, l := range strings.Split(log, "\n") {
		if strings.HasPrefix(l, "REPORT ") {
			report = l
		}
	}
	if !strings.HasSuffix(report, "\tStatus: timeout") || !strings.Contains(log, "Task timed out after 1.00 seconds") {
		t.Errorf("log:\n%s", log)
	}
	mustRun(t, sh, "aws lambda update-function-configuration --function-name f --timeout 10")
	if _, log := invokeLog(t, sh, "--function-name f"); strings.Contains(log, "Status: timeout") {
		t.Errorf("a finished invocation says timeout:\n%s", log)
	}
}

// TestOldFreeInitRuleNeverCoveredImagesOrCustomRuntimes: with the pre-August
// 2025 rule (settings lambda --init-billing free), Init was free only for
// .zip packages on managed runtimes; container images and custom runtimes
// always paid for it. Since August 2025 (the default) every on-demand Init
// is billed.
// https://aws.amazon.com/blogs/compute/aws-lambda-standardizes-billing-for-init-phase/
func TestOldFreeInitRuleNeverCoveredImagesOrCustomRuntimes(t *testing.T) {
	billed := func(t *testing.T, mode, create string) string {
		t.Helper()
		sh := New(cloud.New(1))
		mustRun(t, sh, "settings lambda --init-billing "+mode)
		mustRun(t, sh, create+" --init-duration 400ms --duration 100ms")
		_, log := invokeLog(t, sh, "--function-name f")
		i := strings.Index(log, "Billed Duration: ")
		return strings.Fields(log[i+len("Billed Duration: "):])[0]
	}
	image := "aws lambda create-function --function-name f --role arn:aws:iam::123456789012:role/r --package-type Image --code ImageUri=123456789012.dkr.ecr.us-east-1.amazonaws.com/f:1"
	custom := strings.Replace(createF, "python3.12", "provided.al2023", 1)
	cases := []struct {
		name, mode, create, want string
	}{
		{"zip, managed runtime, old rule", "free", createF, "100"},
		{"container image, old rule", "free", image, "500"},
		{"custom runtime, old rule", "free", custom, "500"},
		{"zip, managed runtime, since 2025", "billed", createF, "500"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := billed(t, tc.mode, tc.create); got != tc.want {
				t.Errorf("billed %s ms, want %s", got, tc.want)
			}
		})
	}
}

// TestCodeSizeAndSha256ComeFromThePackage: when the deployment package is
// on disk, CodeSize is its size and CodeSha256 the base64-encoded SHA-256 of
// its bytes, as Lambda reports them.
// https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html
func TestCodeSizeAndSha256ComeFromThePackage(t *testing.T) {
	dir := t.TempDir()
	pkg := []byte("PK\x03\x04 a tiny zip stand-in")
	pkg2 := []byte("PK\x03\x04 version two")
	if err := os.WriteFile(filepath.Join(dir, "f.zip"), pkg, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "f2.zip"), pkg2, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := func(b []byte) string { s := sha256.Sum256(b); return base64.StdEncoding.EncodeToString(s[:]) }
	sh := New(cloud.New(1), WithDir(dir))
	m := lambdaOutput(t, mustRun(t, sh, createF))
	if m["CodeSize"] != float64(len(pkg)) || m["CodeSha256"] != sum(pkg) {
		t.Errorf("create-function: CodeSize %v CodeSha256 %v, want %d %s", m["CodeSize"], m["CodeSha256"], len(pkg), sum(pkg))
	}
	m = lambdaOutput(t, mustRun(t, sh, "aws lambda update-function-code --function-name f --zip-file fileb://f2.zip"))
	if m["CodeSize"] != float64(len(pkg2)) || m["CodeSha256"] != sum(pkg2) {
		t.Errorf("update-function-code: CodeSize %v CodeSha256 %v", m["CodeSize"], m["CodeSha256"])
	}
	// No file on disk: a simulated package (the labs' fileb://hello.zip).
	sh = New(cloud.New(1))
	if m = lambdaOutput(t, mustRun(t, sh, createF)); m["CodeSha256"] == sum(pkg) || m["CodeSize"] == nil {
		t.Errorf("simulated package: %v", m)
	}
}

func errorsAs(err error, target **AWSError) bool { return errors.As(err, target) }
