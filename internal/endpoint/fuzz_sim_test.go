package endpoint

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// FuzzSimRequests sends arbitrary ECS, Application Auto Scaling (JSON 1.1)
// and EC2 (Query) requests to an endpoint with a simulated account: each
// gets an AWS-shaped answer, never a panic or a hang.
func FuzzSimRequests(f *testing.F) {
	w := NewWorld(WorldOptions{Seed: 3, Speed: 600})
	f.Cleanup(w.Close)
	srv := New(Options{World: w})
	const j = "application/x-amz-json-1.1"
	const form = "application/x-www-form-urlencoded; charset=utf-8"
	seeds := []struct{ ctype, target, body string }{
		{j, ecsPrefix + "CreateCluster", `{"clusterName":"a","tags":[{"key":"k","value":"v"}]}`},
		{j, ecsPrefix + "RegisterTaskDefinition", `{"family":"f","containerDefinitions":[{"name":"c","image":"i","memory":128,"portMappings":[{"containerPort":80}]}]}`},
		{j, ecsPrefix + "CreateService", `{"cluster":"a","serviceName":"s","taskDefinition":"f","desiredCount":2,"placementStrategy":[{"type":"binpack","field":"memory"}]}`},
		{j, ecsPrefix + "RunTask", `{"cluster":"a","taskDefinition":"f:1","count":3,"placementConstraints":[{"type":"memberOf","expression":"attribute:ecs.instance-type =~ t3.*"}]}`},
		{j, ecsPrefix + "ListTasks", `{"cluster":"a","nextToken":"-1"}`},
		{j, ecsPrefix + "UpdateService", `{"cluster":"a","service":"s","deploymentConfiguration":{"maximumPercent":150,"minimumHealthyPercent":50}}`},
		{j, ecsPrefix + "TagResource", `{"resourceArn":"arn:aws:ecs:us-east-1:123456789012:cluster/a","tags":[]}`},
		{j, aasPrefix + "RegisterScalableTarget", `{"ServiceNamespace":"ecs","ResourceId":"service/a/s","ScalableDimension":"ecs:service:DesiredCount","MinCapacity":1,"MaxCapacity":3}`},
		{j, aasPrefix + "PutScalingPolicy", `{"ServiceNamespace":"ecs","ResourceId":"service/a/s","ScalableDimension":"ecs:service:DesiredCount","PolicyName":"p","PolicyType":"StepScaling","StepScalingPolicyConfiguration":{"StepAdjustments":[]}}`},
		{form, "", "Action=RunInstances&Version=2016-11-15&ImageId=ami-1&MinCount=1&MaxCount=2&UserData=RUNTX0NMVVNURVI9YQ%3D%3D&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=k"},
		{form, "", "Action=DescribeInstances&Filter.1.Name=tag:k&Filter.1.Value.1="},
		{form, "", "Action=StopInstances&InstanceId.1=i-1"},
		{"", "", "Action=DescribeInstanceTypes&InstanceType.1=t3.micro"},
	}
	for _, s := range seeds {
		f.Add(s.ctype, s.target, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, ctype, target string, body []byte) {
		req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1/", bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", ctype)
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		rec := httptest.NewRecorder()
		done := make(chan struct{})
		go func() { srv.ServeHTTP(rec, req); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Fatalf("%s %q hung", target, body)
		}
		if rec.Code == 500 && strings.Contains(rec.Body.String(), "internal error") {
			t.Fatalf("%s %q panicked", target, body)
		}
		if rec.Code >= 400 && rec.Header().Get("X-Amzn-ErrorType") == "" {
			t.Fatalf("%s: error %d without X-Amzn-ErrorType", target, rec.Code)
		}
	})
}
