package endpoint

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/cloudlab/cloudlab/internal/awsshape"
	"github.com/cloudlab/cloudlab/internal/cloud"
	"github.com/cloudlab/cloudlab/internal/ecs"
)

// Amazon ECS over JSON 1.1, on the World's simulated account: the same
// internal/ecs calls the lab shell's `aws ecs ...` commands make, and the
// same API objects (internal/awsshape).
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Operations.html

// ecsInput holds the members of every ECS request this endpoint serves
// (the API's member names; each operation reads its own).
type ecsInput struct {
	Cluster                         string                     `json:"cluster"`
	Clusters                        []string                   `json:"clusters"`
	ClusterName                     string                     `json:"clusterName"`
	Include                         []string                   `json:"include"`
	Tags                            []ecs.Tag                  `json:"tags"`
	Settings                        []ecs.ClusterSetting       `json:"settings"`
	Family                          string                     `json:"family"`
	FamilyPrefix                    string                     `json:"familyPrefix"`
	Status                          string                     `json:"status"`
	Sort                            string                     `json:"sort"`
	TaskDefinition                  string                     `json:"taskDefinition"`
	Count                           *int                       `json:"count"`
	LaunchType                      string                     `json:"launchType"`
	Group                           string                     `json:"group"`
	StartedBy                       string                     `json:"startedBy"`
	PlacementStrategy               []placementItem            `json:"placementStrategy"`
	PlacementConstraints            []placementItem            `json:"placementConstraints"`
	ContainerInstances              []string                   `json:"containerInstances"`
	ContainerInstance               string                     `json:"containerInstance"`
	Task                            string                     `json:"task"`
	Tasks                           []string                   `json:"tasks"`
	Reason                          string                     `json:"reason"`
	ServiceName                     string                     `json:"serviceName"`
	Service                         string                     `json:"service"`
	Services                        []string                   `json:"services"`
	DesiredCount                    *int                       `json:"desiredCount"`
	DesiredStatus                   string                     `json:"desiredStatus"`
	SchedulingStrategy              string                     `json:"schedulingStrategy"`
	DeploymentConfiguration         *deploymentConfig          `json:"deploymentConfiguration"`
	ForceNewDeployment              bool                       `json:"forceNewDeployment"`
	Force                           bool                       `json:"force"`
	Filter                          string                     `json:"filter"`
	ResourceArn                     string                     `json:"resourceArn"`
	MaxResults                      int                        `json:"maxResults"`
	NextToken                       string                     `json:"nextToken"`
	ClientToken                     string                     `json:"clientToken"`
	CapacityProviders               []string                   `json:"capacityProviders"`
	DefaultCapacityProviderStrategy []ecs.CapacityProviderItem `json:"defaultCapacityProviderStrategy"`
}

type placementItem struct {
	Type       string `json:"type"`
	Field      string `json:"field"`
	Expression string `json:"expression"`
}

type deploymentConfig struct {
	MaximumPercent           *int `json:"maximumPercent"`
	MinimumHealthyPercent    *int `json:"minimumHealthyPercent"`
	DeploymentCircuitBreaker *struct {
		Enable   bool `json:"enable"`
		Rollback bool `json:"rollback"`
	} `json:"deploymentCircuitBreaker"`
}

// ECSOperations are the ECS operations the endpoint serves.
var ECSOperations = []string{"CreateCluster", "DeleteCluster", "DescribeClusters", "ListClusters",
	"RegisterTaskDefinition", "DeregisterTaskDefinition", "DescribeTaskDefinition", "ListTaskDefinitions",
	"ListTaskDefinitionFamilies", "RunTask", "StartTask", "StopTask", "DescribeTasks", "ListTasks",
	"CreateService", "UpdateService", "DeleteService", "DescribeServices", "ListServices",
	"ListContainerInstances", "DescribeContainerInstances", "UpdateContainerInstancesState",
	"PutClusterCapacityProviders", "TagResource", "ListTagsForResource"}

// wireTime is a timestamp as JSON 1.1 carries it: epoch seconds.
func (s *Server) wireTime(d time.Duration) any {
	return float64(s.world.Time(d).UnixMilli()) / 1000
}

func (s *Server) serveECS(w http.ResponseWriter, r *http.Request, c *call, op string) {
	c.op = "ECS." + op
	if !containsStr(ECSOperations, op) {
		writeError(w, &apiError{Status: 400, Code: "UnknownOperationException", Message: "The cloudlab endpoint does not serve the ECS operation " + strings.Trim(Sanitize(trunc(op, 60)), " ") + " (see docs/endpoint.md).", JSON11: true})
		return
	}
	var in ecsInput
	var raw map[string]any
	if e := json11Check(r, c.body, &in); e != nil {
		writeError(w, e)
		return
	}
	if op == "RegisterTaskDefinition" {
		_ = json.Unmarshal(c.body, &raw)
	}
	c.function = firstNonEmpty(in.ServiceName, in.Service, in.Family, in.ClusterName, in.Cluster)
	var out any
	err := s.world.Do(func(a *cloud.Account) error {
		var err error
		out, err = s.ecsOp(a.ECS, op, &in, raw)
		return err
	})
	if err != nil {
		writeError(w, domainError(err, true))
		return
	}
	writeJSON11(w, out)
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

func ecsInvalid(msg string) *apiError {
	return &apiError{Status: 400, Code: "InvalidParameterException", Message: msg, JSON11: true}
}

func placement(in *ecsInput) ([]ecs.Strategy, []ecs.Constraint, error) {
	var strat []ecs.Strategy
	for _, p := range in.PlacementStrategy {
		st, err := ecs.NewStrategy(p.Type, p.Field)
		if err != nil {
			return nil, nil, err
		}
		strat = append(strat, st)
	}
	var cons []ecs.Constraint
	for _, p := range in.PlacementConstraints {
		c, err := ecs.NewConstraint(p.Type, p.Expression)
		if err != nil {
			return nil, nil, err
		}
		cons = append(cons, c)
	}
	return strat, cons, nil
}

func (s *Server) ecsOp(e *ecs.Sim, op string, in *ecsInput, raw map[string]any) (any, error) {
	ts := s.wireTime
	tasksOut := func(ts2 []*ecs.Task) []any {
		out := []any{}
		for _, t := range ts2 {
			out = append(out, awsshape.Task(t, ts))
		}
		return out
	}
	failures := func(f []ecs.Failure) []ecs.Failure {
		if f == nil {
			return []ecs.Failure{}
		}
		return f
	}
	switch op {
	case "CreateCluster":
		name := in.ClusterName
		if name == "" {
			name = "default"
		}
		c, err := e.CreateClusterWith(ecs.ClusterInput{Name: name, Tags: in.Tags, Settings: in.Settings})
		if err != nil {
			return nil, err
		}
		return map[string]any{"cluster": awsshape.Cluster(c, ts, "SETTINGS", "TAGS")}, nil
	case "DeleteCluster":
		c, err := e.DeleteCluster(in.Cluster)
		if err != nil {
			return nil, err
		}
		return map[string]any{"cluster": awsshape.Cluster(c, ts, "SETTINGS", "TAGS")}, nil
	case "DescribeClusters":
		refs := in.Clusters
		if len(refs) == 0 {
			refs = []string{"default"}
		}
		out, fails := []any{}, []ecs.Failure{}
		for _, ref := range refs {
			if c, ok := e.ClusterAny(ref); ok {
				out = append(out, awsshape.Cluster(c, ts, in.Include...))
			} else {
				arn := ref
				if !strings.HasPrefix(ref, "arn:") {
					arn = "arn:aws:ecs:" + ecs.Region + ":" + ecs.AccountID + ":cluster/" + ref
				}
				fails = append(fails, ecs.Failure{Arn: arn, Reason: "MISSING"})
			}
		}
		return map[string]any{"clusters": out, "failures": fails}, nil
	case "ListClusters":
		arns := []string{}
		for _, c := range e.Clusters() {
			arns = append(arns, c.Arn)
		}
		return pageOut("clusterArns", arns, in, 100)
	case "RegisterTaskDefinition":
		if raw == nil {
			return nil, &apiError{Status: 400, Code: "ClientException", Message: "The request body must be a JSON object.", JSON11: true}
		}
		tags := in.Tags
		delete(raw, "tags")
		td, err := ecs.TaskDefinitionFromMap(raw)
		if err != nil {
			return nil, err
		}
		td, err = e.RegisterTaskDefinition(td)
		if err != nil {
			return nil, err
		}
		if len(tags) > 0 {
			if err := e.TagResource(td.Arn, tags); err != nil {
				return nil, err
			}
		}
		return map[string]any{"taskDefinition": s.taskDefJSON(td), "tags": tagsOut(e.ResourceTagsOrNil(td.Arn))}, nil
	case "DeregisterTaskDefinition":
		td, err := e.DeregisterTaskDefinition(in.TaskDefinition)
		if err != nil {
			return nil, err
		}
		return map[string]any{"taskDefinition": s.taskDefJSON(td)}, nil
	case "DescribeTaskDefinition":
		if in.TaskDefinition == "" {
			return nil, ecsInvalid("taskDefinition can not be blank.")
		}
		td, err := e.TaskDefinition(in.TaskDefinition)
		if err != nil {
			return nil, err
		}
		out := map[string]any{"taskDefinition": s.taskDefJSON(td)}
		if containsStr(in.Include, "TAGS") {
			out["tags"] = tagsOut(e.ResourceTagsOrNil(td.Arn))
		}
		return out, nil
	case "ListTaskDefinitions":
		arns, err := e.ListTaskDefinitions(in.FamilyPrefix, in.Status, in.Sort)
		if err != nil {
			return nil, err
		}
		return pageOut("taskDefinitionArns", nonNilStrs(arns), in, 100)
	case "ListTaskDefinitionFamilies":
		var fams []string
		for _, f := range e.ListTaskDefinitionFamilies() {
			if strings.HasPrefix(f, in.FamilyPrefix) {
				fams = append(fams, f)
			}
		}
		return pageOut("families", nonNilStrs(fams), in, 100)
	case "RunTask", "StartTask":
		if in.TaskDefinition == "" {
			return nil, ecsInvalid("taskDefinition can not be blank.")
		}
		strat, cons, err := placement(in)
		if err != nil {
			return nil, err
		}
		ri := ecs.RunInput{Cluster: in.Cluster, TaskDefinition: in.TaskDefinition, Count: 1, LaunchType: in.LaunchType,
			Group: in.Group, StartedBy: in.StartedBy, Strategies: strat, Constraints: cons, ClientToken: in.ClientToken}
		if in.Count != nil {
			ri.Count = *in.Count
		}
		var res *ecs.RunResult
		if op == "StartTask" {
			ri.ContainerInstances = in.ContainerInstances
			res, err = e.StartTask(ri)
		} else {
			res, err = e.RunTask(ri)
		}
		if err != nil {
			return nil, err
		}
		return map[string]any{"tasks": tasksOut(res.Tasks), "failures": failures(res.Failures)}, nil
	case "StopTask":
		if in.Task == "" {
			return nil, ecsInvalid("task can not be blank.")
		}
		t, err := e.StopTask(in.Cluster, in.Task, in.Reason)
		if err != nil {
			return nil, err
		}
		return map[string]any{"task": awsshape.Task(t, ts)}, nil
	case "DescribeTasks":
		tasks, fails, err := e.DescribeTasks(in.Cluster, in.Tasks)
		if err != nil {
			return nil, err
		}
		return map[string]any{"tasks": tasksOut(tasks), "failures": failures(fails)}, nil
	case "ListTasks":
		tasks, err := e.ListTasks(ecs.ListTasksInput{Cluster: in.Cluster, ContainerInstance: in.ContainerInstance, Family: in.Family,
			ServiceName: in.ServiceName, StartedBy: in.StartedBy, DesiredStatus: in.DesiredStatus, LaunchType: in.LaunchType})
		if err != nil {
			return nil, err
		}
		arns := []string{}
		for _, t := range tasks {
			arns = append(arns, t.Arn)
		}
		return pageOut("taskArns", arns, in, 100)
	case "CreateService", "UpdateService":
		si := ecs.ServiceInput{Cluster: in.Cluster, ServiceName: in.ServiceName, TaskDefinition: in.TaskDefinition,
			DesiredCount: in.DesiredCount, LaunchType: in.LaunchType, SchedulingStrategy: in.SchedulingStrategy,
			ForceNewDeployment: in.ForceNewDeployment, ClientToken: in.ClientToken}
		if op == "UpdateService" {
			si.ServiceName = in.Service
		}
		strat, cons, err := placement(in)
		if err != nil {
			return nil, err
		}
		si.Strategies, si.StrategiesSet = strat, in.PlacementStrategy != nil
		si.Constraints, si.ConstraintsSet = cons, in.PlacementConstraints != nil
		if dc := in.DeploymentConfiguration; dc != nil {
			si.MaximumPercent, si.MinimumHealthy = dc.MaximumPercent, dc.MinimumHealthyPercent
			if cb := dc.DeploymentCircuitBreaker; cb != nil {
				si.CircuitBreaker, si.Rollback = &cb.Enable, &cb.Rollback
			}
		}
		var sv *ecs.Service
		if op == "CreateService" {
			if si.ServiceName == "" {
				return nil, ecsInvalid("serviceName can not be blank.")
			}
			sv, err = e.CreateService(si)
		} else {
			if si.ServiceName == "" {
				return nil, ecsInvalid("service can not be blank.")
			}
			sv, err = e.UpdateService(si)
		}
		if err != nil {
			return nil, err
		}
		if op == "CreateService" && len(in.Tags) > 0 {
			if err := e.TagResource(sv.Arn, in.Tags); err != nil {
				return nil, err
			}
		}
		return map[string]any{"service": awsshape.Service(sv, ts)}, nil
	case "DeleteService":
		sv, err := e.DeleteService(in.Cluster, in.Service, in.Force)
		if err != nil {
			return nil, err
		}
		return map[string]any{"service": awsshape.Service(sv, ts)}, nil
	case "DescribeServices":
		svcs, fails, err := e.DescribeServices(in.Cluster, in.Services)
		if err != nil {
			return nil, err
		}
		out := []any{}
		for _, sv := range svcs {
			m := awsshape.Service(sv, ts)
			if containsStr(in.Include, "TAGS") {
				m["tags"] = tagsOut(e.ResourceTagsOrNil(sv.Arn))
			}
			out = append(out, m)
		}
		return map[string]any{"services": out, "failures": failures(fails)}, nil
	case "ListServices":
		svcs, err := e.ListServices(in.Cluster, in.LaunchType, in.SchedulingStrategy)
		if err != nil {
			return nil, err
		}
		arns := []string{}
		for _, sv := range svcs {
			arns = append(arns, sv.Arn)
		}
		return pageOut("serviceArns", arns, in, 100)
	case "ListContainerInstances":
		cis, err := e.ListContainerInstances(in.Cluster, in.Filter, in.Status)
		if err != nil {
			return nil, err
		}
		arns := []string{}
		for _, ci := range cis {
			arns = append(arns, ci.Arn)
		}
		return pageOut("containerInstanceArns", arns, in, 100)
	case "DescribeContainerInstances":
		cis, fails, err := e.DescribeContainerInstances(in.Cluster, in.ContainerInstances)
		if err != nil {
			return nil, err
		}
		return map[string]any{"containerInstances": awsshape.ContainerInstances(cis, ts), "failures": failures(fails)}, nil
	case "UpdateContainerInstancesState":
		cis, fails, err := e.UpdateContainerInstancesState(in.Cluster, in.ContainerInstances, in.Status)
		if err != nil {
			return nil, err
		}
		return map[string]any{"containerInstances": awsshape.ContainerInstances(cis, ts), "failures": failures(fails)}, nil
	case "PutClusterCapacityProviders":
		if in.CapacityProviders == nil || in.DefaultCapacityProviderStrategy == nil {
			return nil, ecsInvalid("capacityProviders and defaultCapacityProviderStrategy are required.")
		}
		c, err := e.PutClusterCapacityProviders(in.Cluster, in.CapacityProviders, in.DefaultCapacityProviderStrategy)
		if err != nil {
			return nil, err
		}
		return map[string]any{"cluster": awsshape.Cluster(c, ts, "SETTINGS", "TAGS")}, nil
	case "TagResource":
		if err := e.TagResource(in.ResourceArn, in.Tags); err != nil {
			return nil, err
		}
		return map[string]any{}, nil
	case "ListTagsForResource":
		tags, err := e.ResourceTags(in.ResourceArn)
		if err != nil {
			return nil, err
		}
		return map[string]any{"tags": tagsOut(tags)}, nil
	}
	return nil, &apiError{Status: 400, Code: "UnknownOperationException", Message: "unknown operation", JSON11: true}
}

func pageOut(key string, items []string, in *ecsInput, limit int) (any, error) {
	p, next, e := page(items, in.MaxResults, in.NextToken, limit)
	if e != nil {
		return nil, e
	}
	out := map[string]any{key: p}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}

func nonNilStrs(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func tagsOut(t []ecs.Tag) []ecs.Tag {
	if t == nil {
		return []ecs.Tag{}
	}
	return t
}

// taskDefJSON is the TaskDefinition object with wire timestamps.
func (s *Server) taskDefJSON(td *ecs.TaskDefinition) map[string]any {
	m := td.Describe()
	m["registeredAt"] = s.wireTime(td.RegisteredAt)
	if _, ok := m["deregisteredAt"]; ok {
		m["deregisteredAt"] = s.wireTime(td.DeregisteredAt)
	}
	return m
}
