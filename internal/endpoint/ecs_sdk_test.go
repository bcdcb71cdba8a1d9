package endpoint

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	aas "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// simEnv is an endpoint with a World at a high speed and the three SDK
// clients pointed at it.
type simEnv struct {
	w   *World
	srv *httptest.Server
	ecs *ecs.Client
	ec2 *ec2.Client
	aas *aas.Client
}

func newSimEnv(t *testing.T, speed float64) *simEnv {
	t.Helper()
	w := NewWorld(WorldOptions{Seed: 7, Speed: speed})
	srv := httptest.NewServer(New(Options{World: w}))
	t.Cleanup(func() { srv.Close(); w.Close() })
	creds := credentials.NewStaticCredentialsProvider("test", "test", "")
	base := aws.String(srv.URL)
	return &simEnv{w: w, srv: srv,
		ecs: ecs.New(ecs.Options{Region: "us-east-1", BaseEndpoint: base, Credentials: creds, Retryer: aws.NopRetryer{}}),
		ec2: ec2.New(ec2.Options{Region: "us-east-1", BaseEndpoint: base, Credentials: creds, Retryer: aws.NopRetryer{}}),
		aas: aas.New(aas.Options{Region: "us-east-1", BaseEndpoint: base, Credentials: creds, Retryer: aws.NopRetryer{}}),
	}
}

// waitFor polls cond until it holds; the deadline is a hang guard only.
func waitFor(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	last := ""
	for time.Now().Before(deadline) {
		ok, state := cond()
		if ok {
			return
		}
		last = state
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s; last state: %s", what, last)
}

// must returns v or panics (the test fails with the SDK's error).
func must[T any](v T, err error) T {
	if err != nil {
		panic(fmt.Sprintf("%T: %v", err, err))
	}
	return v
}

const containerDefs = `[{"name":"web","image":"public.ecr.aws/nginx/nginx:latest","cpu":256,"memory":256,"essential":true,"portMappings":[{"containerPort":80,"hostPort":0}]}]`

func (e *simEnv) registerTD(t *testing.T, image string) string {
	t.Helper()
	out := must(e.ecs.RegisterTaskDefinition(ctx(t), &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("web"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("web"), Image: aws.String(image), Cpu: 256,
			Memory: aws.Int32(256), Essential: aws.Bool(true), PortMappings: []ecstypes.PortMapping{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(0)}}}},
	}))
	return *out.TaskDefinition.TaskDefinitionArn
}

// runningByInstance maps container instance ARN -> RUNNING tasks of the service.
func (e *simEnv) serviceTasks(t *testing.T, cluster, service string) []ecstypes.Task {
	t.Helper()
	l := must(e.ecs.ListTasks(ctx(t), &ecs.ListTasksInput{Cluster: aws.String(cluster), ServiceName: aws.String(service)}))
	if len(l.TaskArns) == 0 {
		return nil
	}
	d := must(e.ecs.DescribeTasks(ctx(t), &ecs.DescribeTasksInput{Cluster: aws.String(cluster), Tasks: l.TaskArns}))
	return d.Tasks
}

func (e *simEnv) service(t *testing.T, cluster, service string) ecstypes.Service {
	t.Helper()
	d := must(e.ecs.DescribeServices(ctx(t), &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: []string{service}}))
	if len(d.Services) != 1 {
		t.Fatalf("describe-services: %+v", d.Failures)
	}
	return d.Services[0]
}

// The walk-through of docs/endpoint.md with the real SDK clients: a
// cluster, two instances from user data, a task definition, a service of 3
// spread over the instances, an instance stopped and its task replaced, a
// rolling deployment reaching COMPLETED, and target tracking raising the
// desired count under load.
func TestECSWalkThroughWithTheSDK(t *testing.T) {
	e := newSimEnv(t, 600)
	c := ctx(t)
	cl := must(e.ecs.CreateCluster(c, &ecs.CreateClusterInput{ClusterName: aws.String("lab")}))
	if *cl.Cluster.Status != "ACTIVE" || *cl.Cluster.ClusterName != "lab" {
		t.Fatalf("cluster: %+v", cl.Cluster)
	}
	ud := base64.StdEncoding.EncodeToString([]byte("#!/bin/bash\necho ECS_CLUSTER=lab >> /etc/ecs/ecs.config\n"))
	run := must(e.ec2.RunInstances(c, &ec2.RunInstancesInput{ImageId: aws.String("ami-0ecs5imu1a7ed0001"), InstanceType: ec2types.InstanceTypeT3Medium,
		MinCount: aws.Int32(2), MaxCount: aws.Int32(2), UserData: aws.String(ud),
		TagSpecifications: []ec2types.TagSpecification{{ResourceType: ec2types.ResourceTypeInstance, Tags: []ec2types.Tag{{Key: aws.String("lab"), Value: aws.String("ecs")}}}}}))
	if len(run.Instances) != 2 || run.Instances[0].State.Name != ec2types.InstanceStateNamePending {
		t.Fatalf("run-instances: %+v", run.Instances)
	}
	ids := []string{*run.Instances[0].InstanceId, *run.Instances[1].InstanceId}
	waitFor(t, "both instances running and registered", func() (bool, string) {
		d := must(e.ec2.DescribeInstances(c, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
			{Name: aws.String("instance-state-name"), Values: []string{"running"}}, {Name: aws.String("tag:lab"), Values: []string{"ecs"}}}}))
		n := 0
		for _, r := range d.Reservations {
			n += len(r.Instances)
		}
		l := must(e.ecs.ListContainerInstances(c, &ecs.ListContainerInstancesInput{Cluster: aws.String("lab")}))
		return n == 2 && len(l.ContainerInstanceArns) == 2, ""
	})
	cis := must(e.ecs.ListContainerInstances(c, &ecs.ListContainerInstancesInput{Cluster: aws.String("lab")}))
	dci := must(e.ecs.DescribeContainerInstances(c, &ecs.DescribeContainerInstancesInput{Cluster: aws.String("lab"), ContainerInstances: cis.ContainerInstanceArns}))
	ciToEC2 := map[string]string{}
	for _, ci := range dci.ContainerInstances {
		ciToEC2[*ci.ContainerInstanceArn] = *ci.Ec2InstanceId
		if !ci.AgentConnected || *ci.Status != "ACTIVE" {
			t.Fatalf("container instance: %+v", ci)
		}
	}

	// Unplaceable: more memory than any instance has.
	must(e.ecs.RegisterTaskDefinition(c, &ecs.RegisterTaskDefinitionInput{Family: aws.String("huge"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("big"), Image: aws.String("nginx"), Memory: aws.Int32(30000)}}}))
	rt := must(e.ecs.RunTask(c, &ecs.RunTaskInput{Cluster: aws.String("lab"), TaskDefinition: aws.String("huge")}))
	if len(rt.Tasks) != 0 || len(rt.Failures) == 0 || !strings.Contains(*rt.Failures[0].Reason, "MEMORY") {
		t.Fatalf("unplaceable run-task: %+v", rt)
	}

	td1 := e.registerTD(t, "public.ecr.aws/nginx/nginx:1.27")
	if !strings.HasSuffix(td1, ":task-definition/web:1") {
		t.Fatalf("task definition arn %s", td1)
	}
	must(e.ecs.CreateService(c, &ecs.CreateServiceInput{Cluster: aws.String("lab"), ServiceName: aws.String("web"),
		TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(3), LaunchType: ecstypes.LaunchTypeEc2}))
	var tasks []ecstypes.Task
	waitFor(t, "3 tasks RUNNING", func() (bool, string) {
		tasks = e.serviceTasks(t, "lab", "web")
		n := 0
		for _, tk := range tasks {
			if *tk.LastStatus == "RUNNING" {
				n++
			}
		}
		return n == 3, ""
	})
	// The default service strategy spreads over zones, then instances: the
	// two instances (in two zones) hold 2 and 1 tasks.
	per := map[string]int{}
	for _, tk := range tasks {
		per[ciToEC2[*tk.ContainerInstanceArn]]++
	}
	counts := []int{per[ids[0]], per[ids[1]]}
	sort.Ints(counts)
	if counts[0] != 1 || counts[1] != 2 {
		t.Fatalf("placement: tasks per instance %v, want spread 2/1", per)
	}
	waitFor(t, "the deployment to complete", func() (bool, string) {
		sv := e.service(t, "lab", "web")
		return sv.RunningCount == 3 && len(sv.Deployments) == 1 && sv.Deployments[0].RolloutState == ecstypes.DeploymentRolloutStateCompleted,
			string(sv.Deployments[0].RolloutState)
	})

	// Stop the instance with one task: the service replaces it on the other.
	victim := ids[0]
	if per[ids[1]] == 1 {
		victim = ids[1]
	}
	other := ids[0]
	if victim == ids[0] {
		other = ids[1]
	}
	st := must(e.ec2.StopInstances(c, &ec2.StopInstancesInput{InstanceIds: []string{victim}}))
	if st.StoppingInstances[0].CurrentState.Name != ec2types.InstanceStateNameStopping {
		t.Fatalf("stop-instances: %+v", st.StoppingInstances[0].CurrentState)
	}
	waitFor(t, "a replacement task on the other instance", func() (bool, string) {
		n := 0
		for _, tk := range e.serviceTasks(t, "lab", "web") {
			if *tk.LastStatus == "RUNNING" && ciToEC2[*tk.ContainerInstanceArn] == other {
				n++
			}
		}
		return n == 3, ""
	})
	stopped := must(e.ecs.ListTasks(c, &ecs.ListTasksInput{Cluster: aws.String("lab"), DesiredStatus: ecstypes.DesiredStatusStopped}))
	if len(stopped.TaskArns) == 0 {
		t.Fatal("no stopped task after the instance stopped")
	}
	// As `aws ec2 wait instance-stopped` would: EC2 refuses to start an
	// instance that is still stopping, and how far the wall-driven clock
	// has run by now depends on the machine's load.
	waitFor(t, "the stopped instance", func() (bool, string) {
		d := must(e.ec2.DescribeInstances(c, &ec2.DescribeInstancesInput{InstanceIds: []string{victim}}))
		st := d.Reservations[0].Instances[0].State.Name
		return st == ec2types.InstanceStateNameStopped, string(st)
	})
	must(e.ec2.StartInstances(c, &ec2.StartInstancesInput{InstanceIds: []string{victim}}))

	// A rolling deployment to revision 2.
	td2 := e.registerTD(t, "public.ecr.aws/nginx/nginx:1.28")
	up := must(e.ecs.UpdateService(c, &ecs.UpdateServiceInput{Cluster: aws.String("lab"), Service: aws.String("web"), TaskDefinition: aws.String(td2)}))
	if len(up.Service.Deployments) != 2 || *up.Service.Deployments[0].Status != "PRIMARY" {
		t.Fatalf("update-service deployments: %+v", up.Service.Deployments)
	}
	waitFor(t, "the rolling deployment to reach COMPLETED", func() (bool, string) {
		sv := e.service(t, "lab", "web")
		d := sv.Deployments[0]
		return len(sv.Deployments) == 1 && *d.TaskDefinition == td2 && d.RolloutState == ecstypes.DeploymentRolloutStateCompleted && sv.RunningCount == 3,
			string(d.RolloutState)
	})

	// Target tracking under load.
	rid := "service/lab/web"
	must(e.aas.RegisterScalableTarget(c, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ResourceId: aws.String(rid), ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, MinCapacity: aws.Int32(3), MaxCapacity: aws.Int32(8)}))
	pol := must(e.aas.PutScalingPolicy(c, &aas.PutScalingPolicyInput{PolicyName: aws.String("cpu50"), ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ResourceId: aws.String(rid), ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, PolicyType: aastypes.PolicyTypeTargetTrackingScaling,
		TargetTrackingScalingPolicyConfiguration: &aastypes.TargetTrackingScalingPolicyConfiguration{TargetValue: aws.Float64(50),
			PredefinedMetricSpecification: &aastypes.PredefinedMetricSpecification{PredefinedMetricType: aastypes.MetricTypeECSServiceAverageCPUUtilization},
			ScaleOutCooldown:              aws.Int32(60), ScaleInCooldown: aws.Int32(300)}}))
	if pol.PolicyARN == nil || len(pol.Alarms) != 2 {
		t.Fatalf("put-scaling-policy: %+v", pol)
	}
	if _, err := e.w.Shell("traffic --cluster lab --service web --rate 500 --for 2h"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the desired count to rise under load", func() (bool, string) {
		sv := e.service(t, "lab", "web")
		return sv.DesiredCount > 3, ""
	})
	acts := must(e.aas.DescribeScalingActivities(c, &aas.DescribeScalingActivitiesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs, ResourceId: aws.String(rid)}))
	if len(acts.ScalingActivities) == 0 || !strings.Contains(*acts.ScalingActivities[0].Description, "desired count") {
		t.Fatalf("scaling activities: %+v", acts.ScalingActivities)
	}
	tg := must(e.aas.DescribeScalableTargets(c, &aas.DescribeScalableTargetsInput{ServiceNamespace: aastypes.ServiceNamespaceEcs}))
	if len(tg.ScalableTargets) != 1 || *tg.ScalableTargets[0].MaxCapacity != 8 {
		t.Fatalf("scalable targets: %+v", tg.ScalableTargets)
	}
	pols := must(e.aas.DescribeScalingPolicies(c, &aas.DescribeScalingPoliciesInput{ServiceNamespace: aastypes.ServiceNamespaceEcs}))
	if len(pols.ScalingPolicies) != 1 || *pols.ScalingPolicies[0].TargetTrackingScalingPolicyConfiguration.TargetValue != 50 {
		t.Fatalf("scaling policies: %+v", pols.ScalingPolicies)
	}
	must(e.aas.DeleteScalingPolicy(c, &aas.DeleteScalingPolicyInput{PolicyName: aws.String("cpu50"), ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ResourceId: aws.String(rid), ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount}))
	// The lab verbs see the same account: explain the service's last
	// placement, report the cluster.
	if res, err := e.w.Shell("explain --cluster lab --service web"); err != nil || !strings.Contains(res.String(), "candidate") {
		t.Fatalf("explain: %v %s", err, res.String())
	}
	if res, err := e.w.Shell("report"); err != nil || !strings.Contains(res.String(), "web") {
		t.Fatalf("report: %v %s", err, res.String())
	}
	// The lab shell sees the same service.
	res, err := e.w.Shell("aws ecs describe-services --cluster lab --services web")
	if err != nil || !strings.Contains(res.String(), td2) {
		t.Fatalf("shell describe-services: %v %s", err, res.String())
	}
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// Every error path the SDKs can hit comes back as the SDK's typed error.
func TestECSErrorsAreTyped(t *testing.T) {
	e := newSimEnv(t, 1)
	c := ctx(t)
	_, err := e.ecs.DescribeServices(c, &ecs.DescribeServicesInput{Cluster: aws.String("nope"), Services: []string{"x"}})
	var cnf *ecstypes.ClusterNotFoundException
	if !errors.As(err, &cnf) {
		t.Fatalf("missing cluster: %T %v", err, err)
	}
	must(e.ecs.CreateCluster(c, &ecs.CreateClusterInput{ClusterName: aws.String("lab")}))
	_, err = e.ecs.UpdateService(c, &ecs.UpdateServiceInput{Cluster: aws.String("lab"), Service: aws.String("ghost"), DesiredCount: aws.Int32(2)})
	var snf *ecstypes.ServiceNotFoundException
	if !errors.As(err, &snf) {
		t.Fatalf("missing service: %T %v", err, err)
	}
	_, err = e.ecs.RegisterTaskDefinition(c, &ecs.RegisterTaskDefinitionInput{Family: aws.String("bad family!"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("a"), Image: aws.String("x"), Memory: aws.Int32(128)}}})
	var cex *ecstypes.ClientException
	var ipe *ecstypes.InvalidParameterException
	if !errors.As(err, &cex) && !errors.As(err, &ipe) {
		t.Fatalf("bad task definition: %T %v", err, err)
	}
	_, err = e.ecs.RegisterTaskDefinition(c, &ecs.RegisterTaskDefinitionInput{Family: aws.String("nomem"),
		ContainerDefinitions: []ecstypes.ContainerDefinition{{Name: aws.String("a"), Image: aws.String("x")}}})
	if !errors.As(err, &cex) && !errors.As(err, &ipe) {
		t.Fatalf("task definition without memory: %T %v", err, err)
	}
	_, err = e.ecs.RunTask(c, &ecs.RunTaskInput{Cluster: aws.String("lab"), TaskDefinition: aws.String("nothing:1")})
	if !errors.As(err, &cex) && !errors.As(err, &ipe) {
		t.Fatalf("run-task of a missing task definition: %T %v", err, err)
	}
	// No container instance in the cluster: InvalidParameterException, as
	// ECS answers (an unplaceable task on a cluster with instances is a
	// failure in the answer: see the walk-through).
	e.registerTD(t, "nginx")
	_, err = e.ecs.RunTask(c, &ecs.RunTaskInput{Cluster: aws.String("lab"), TaskDefinition: aws.String("web"), LaunchType: ecstypes.LaunchTypeEc2})
	if !errors.As(err, &ipe) {
		t.Fatalf("run-task without instances: %T %v", err, err)
	}
	_, err = e.ecs.CreateService(c, &ecs.CreateServiceInput{Cluster: aws.String("lab"), ServiceName: aws.String("s"), TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(1_000_000)})
	if !errors.As(err, &cex) && !errors.As(err, &ipe) {
		var le *ecstypes.LimitExceededException
		if !errors.As(err, &le) {
			t.Fatalf("huge desired count: %T %v", err, err)
		}
	}
	_, err = e.ecs.ListTagsForResource(c, &ecs.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:ecs:us-east-1:123456789012:service/lab/none")})
	if !errors.As(err, &ipe) {
		t.Fatalf("tags of a missing resource: %T %v", err, err)
	}
	// Tags and capacity providers round trip.
	arn := "arn:aws:ecs:us-east-1:123456789012:cluster/lab"
	must(e.ecs.TagResource(c, &ecs.TagResourceInput{ResourceArn: aws.String(arn), Tags: []ecstypes.Tag{{Key: aws.String("team"), Value: aws.String("a")}}}))
	tags := must(e.ecs.ListTagsForResource(c, &ecs.ListTagsForResourceInput{ResourceArn: aws.String(arn)}))
	if len(tags.Tags) != 1 || *tags.Tags[0].Key != "team" {
		t.Fatalf("tags: %+v", tags.Tags)
	}
	cp := must(e.ecs.PutClusterCapacityProviders(c, &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("lab"), CapacityProviders: []string{"FARGATE"},
		DefaultCapacityProviderStrategy: []ecstypes.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE"), Weight: 1}}}))
	if len(cp.Cluster.CapacityProviders) != 1 {
		t.Fatalf("capacity providers: %+v", cp.Cluster)
	}

	// EC2 errors.
	_, err = e.ec2.StopInstances(c, &ec2.StopInstancesInput{InstanceIds: []string{"i-0123456789abcdef0"}})
	if apiCode(err) != "InvalidInstanceID.NotFound" {
		t.Fatalf("stop of a missing instance: %T %v", err, err)
	}
	_, err = e.ec2.RunInstances(c, &ec2.RunInstancesInput{ImageId: aws.String("ami-1"), InstanceType: "z9.huge", MinCount: aws.Int32(1), MaxCount: aws.Int32(1)})
	if apiCode(err) != "InvalidParameterValue" {
		t.Fatalf("bad instance type: %T %v", err, err)
	}
	_, err = e.ec2.DescribeInstances(c, &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{{Name: aws.String("vpc-id"), Values: []string{"v"}}}})
	if apiCode(err) != "InvalidParameterValue" {
		t.Fatalf("unsupported filter: %T %v", err, err)
	}
	it := must(e.ec2.DescribeInstanceTypes(c, &ec2.DescribeInstanceTypesInput{InstanceTypes: []ec2types.InstanceType{ec2types.InstanceTypeT3Micro}}))
	if len(it.InstanceTypes) != 1 || *it.InstanceTypes[0].VCpuInfo.DefaultVCpus != 2 || *it.InstanceTypes[0].MemoryInfo.SizeInMiB != 1024 ||
		*it.InstanceTypes[0].NetworkInfo.MaximumNetworkInterfaces < 2 {
		t.Fatalf("describe-instance-types: %+v", it.InstanceTypes)
	}

	// Application Auto Scaling errors.
	_, err = e.aas.RegisterScalableTarget(c, &aas.RegisterScalableTargetInput{ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ResourceId: aws.String("service/lab/none"), ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount, MinCapacity: aws.Int32(1), MaxCapacity: aws.Int32(2)})
	var ve *aastypes.ValidationException
	if !errors.As(err, &ve) {
		t.Fatalf("register for a missing service: %T %v", err, err)
	}
	_, err = e.aas.DeleteScalingPolicy(c, &aas.DeleteScalingPolicyInput{PolicyName: aws.String("p"), ServiceNamespace: aastypes.ServiceNamespaceEcs,
		ResourceId: aws.String("service/lab/none"), ScalableDimension: aastypes.ScalableDimensionECSServiceDesiredCount})
	var onf *aastypes.ObjectNotFoundException
	if !errors.As(err, &onf) {
		t.Fatalf("delete a missing policy: %T %v", err, err)
	}
}

var _ = context.Background
