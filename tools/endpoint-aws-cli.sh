#!/usr/bin/env bash
# Runs the real AWS CLI against `cloudlab endpoint` through the scenario of
# the endpoint's Go tests: create, cold then warm invoke, a reserved
# concurrency throttle, a timeout, a crash, keep-alive expiry, an Event
# invoke retried as configured, qualified names, logs, delete.
#
# Needs: the Go toolchain (to build cloudlab and the test handler) and the
# AWS CLI (v1 or v2) on PATH. Without the AWS CLI it says so and exits 0.
#
#   tools/endpoint-aws-cli.sh            # the whole scenario (about 2 minutes:
#                                        # the async retry comes a minute later)
#   SKIP_SLOW=1 tools/endpoint-aws-cli.sh   # without the async retry step
set -u

if ! command -v aws >/dev/null 2>&1; then
	echo "endpoint-aws-cli: the AWS CLI (aws) is not installed; install it (pip install awscli, or AWS CLI v2) to run this scenario."
	exit 0
fi
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
port=${PORT:-45666}
ep="http://127.0.0.1:$port"
pass=0
fail=0
endpoint_pid=""

cleanup() {
	if [ -n "$endpoint_pid" ]; then
		kill -TERM "$endpoint_pid" 2>/dev/null
		wait "$endpoint_pid" 2>/dev/null
	fi
	rm -rf "$work"
}
trap cleanup EXIT

ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
check() { # check "description" command...
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}

export AWS_ACCESS_KEY_ID=cloudlab AWS_SECRET_ACCESS_KEY=cloudlab AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=""
awsl() { aws --endpoint-url "$ep" "$@"; }

# v2 needs this for a JSON --payload; v1 does not know the option.
payload_opt=()
if aws --version 2>&1 | grep -q '^aws-cli/2'; then payload_opt=(--cli-binary-format raw-in-base64-out); fi

invoke() { # invoke FUNCTION PAYLOAD OUTFILE [more options]: prints the decoded log tail
	local fn=$1 payload=$2 out=$3
	shift 3
	awsl lambda invoke --function-name "$fn" "${payload_opt[@]}" --payload "$payload" --log-type Tail \
		--query LogResult --output text "$@" "$out" | base64 -d
}

echo "building cloudlab and the test handler..."
(cd "$root" && go build -o "$work/cloudlab" ./cmd/cloudlab) || exit 1
"$work/cloudlab" endpoint package "$root/internal/invoker/testdata/gohandler" -o "$work/fn.zip" >/dev/null || exit 1

"$work/cloudlab" endpoint --addr "127.0.0.1:$port" --keep-alive 3s --data "$work/data" >"$work/endpoint.log" 2>&1 &
endpoint_pid=$!
for _ in $(seq 100); do
	awsl lambda list-functions >/dev/null 2>&1 && break
	sleep 0.1
done

envs() { ps -o pid= --ppid "$endpoint_pid" | wc -l; }
create() { # create NAME TIMEOUT
	awsl lambda create-function --function-name "$1" --runtime provided.al2023 --handler bootstrap \
		--role arn:aws:iam::123456789012:role/lambda-role --zip-file "fileb://$work/fn.zip" --timeout "$2" >/dev/null
}

# 1. create, cold then warm
check "create-function" create hello 30
tail1=$(invoke hello '{"print":"hello from a real process"}' "$work/out1.json")
check "first invoke is cold (Init Duration in REPORT)" grep -q "Init Duration" <<<"$tail1"
check "the handler's output is in the log tail" grep -q "hello from a real process" <<<"$tail1"
tail2=$(invoke hello '{}' "$work/out2.json")
check "second invoke is warm (no Init Duration)" bash -c '! grep -q "Init Duration" <<<"$1" && grep -q "^REPORT" <<<"$1"' _ "$tail2"
check "same process served both" bash -c '[ "$(grep -o "\"pid\":[0-9]*" "$1")" = "$(grep -o "\"pid\":[0-9]*" "$2")" ]' _ "$work/out1.json" "$work/out2.json"

# 2. reserved concurrency 1: a second concurrent invoke gets a 429
awsl lambda put-function-concurrency --function-name hello --reserved-concurrent-executions 1 >/dev/null
release="$work/release"
invoke hello "{\"wait_file\":\"$release\"}" "$work/slow.json" >/dev/null &
slow=$!
starts() { awsl logs filter-log-events --log-group-name /aws/lambda/hello --filter-pattern START --query 'length(events)' --output text 2>/dev/null; }
for _ in $(seq 100); do # until the first invocation is running (its START is logged)
	[ "$(starts)" = 3 ] && break
	sleep 0.1
done
err=$(AWS_MAX_ATTEMPTS=1 awsl lambda invoke --function-name hello "$work/throttled.json" 2>&1 >/dev/null)
check "second concurrent invoke is throttled (TooManyRequestsException)" grep -q "TooManyRequestsException" <<<"$err"
touch "$release"
wait "$slow"
awsl lambda delete-function-concurrency --function-name hello

# 3. timeout kills the process; 4. a crash resets the environment
check "create-function (1 s timeout)" create slow 1
invoke slow '{}' "$work/s1.json" >/dev/null
tailt=$(invoke slow '{"sleep_ms":600000}' "$work/s2.json")
check "timeout logged" grep -q "Task timed out after 1.00 seconds" <<<"$tailt"
tailn=$(invoke slow '{}' "$work/s3.json")
check "after a timeout the next invoke is cold" grep -q "Init Duration" <<<"$tailn"
invoke slow '{"crash":true}' "$work/c1.json" >/dev/null
check "a crash is a Runtime.ExitError" grep -q "Runtime.ExitError" "$work/c1.json"
tailc=$(invoke slow '{}' "$work/c2.json")
check "after a crash the next invoke is cold" grep -q "Init Duration" <<<"$tailc"

# 5. keep-alive expiry (the endpoint runs with --keep-alive 3s)
before=$(envs)
sleep 5
check "idle environments expired after the keep-alive ($before -> $(envs))" test "$(envs)" -eq 0

# 6. qualified names
awsl lambda publish-version --function-name hello >/dev/null
awsl lambda create-alias --function-name hello --name live --function-version 1 >/dev/null
awsl lambda invoke --function-name hello:live "$work/q.json" >"$work/q.meta"
check "hello:live runs version 1" grep -q '"ExecutedVersion": "1"' "$work/q.meta"
awsl lambda invoke --function-name arn:aws:lambda:us-east-1:123456789012:function:hello --qualifier 1 "$work/q2.json" >"$work/q2.meta"
check "an ARN with --qualifier 1 runs version 1" grep -q '"ExecutedVersion": "1"' "$work/q2.meta"

# 7. Event invoke retried as configured (MaximumRetryAttempts 1: two attempts, a minute apart)
if [ -z "${SKIP_SLOW:-}" ]; then
	create async 3
	awsl lambda put-function-event-invoke-config --function-name async --maximum-retry-attempts 1 >/dev/null
	awsl lambda invoke --function-name async --invocation-type Event "${payload_opt[@]}" --payload '{"fail":"boom","print":"attempt"}' "$work/e.json" >"$work/e.meta"
	check "Event invoke answers 202" grep -q '"StatusCode": 202' "$work/e.meta"
	attempts() { awsl logs filter-log-events --log-group-name /aws/lambda/async --filter-pattern attempt --query 'length(events)' --output text 2>/dev/null; }
	for _ in $(seq 100); do [ "$(attempts)" = 1 ] && break; sleep 0.1; done
	check "first attempt ran" test "$(attempts)" = 1
	echo "     waiting for the retry (about a minute)..."
	for _ in $(seq 90); do [ "$(attempts)" = 2 ] && break; sleep 1; done
	check "the failed event was retried once" test "$(attempts)" = 2
fi

# 8. logs through CloudWatch Logs
streams=$(awsl logs describe-log-streams --log-group-name /aws/lambda/hello --query 'length(logStreams)' --output text)
check "describe-log-streams lists the environments' streams ($streams)" test "$streams" -ge 1
check "filter-log-events finds the REPORT lines" bash -c '[ "$(aws --endpoint-url "$1" logs filter-log-events --log-group-name /aws/lambda/hello --filter-pattern REPORT --query "length(events)" --output text)" -ge 2 ]' _ "$ep"
if aws --version 2>&1 | grep -q '^aws-cli/2'; then
	check "aws logs tail" bash -c 'aws --endpoint-url "$1" logs tail /aws/lambda/hello | grep -q REPORT' _ "$ep"
fi

# 9. delete removes every process
invoke hello '{}' "$work/d.json" >/dev/null
awsl lambda delete-function --function-name hello >/dev/null
awsl lambda delete-function --function-name slow >/dev/null
[ -z "${SKIP_SLOW:-}" ] && awsl lambda delete-function --function-name async >/dev/null
for _ in $(seq 100); do [ "$(envs)" -eq 0 ] && break; sleep 0.05; done
check "no environment process left after delete-function" test "$(envs)" -eq 0

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
