package shell

import (
	"time"

	"github.com/cloudlab/cloudlab/internal/awsshape"
	"github.com/cloudlab/cloudlab/internal/ecs"
)

// The API objects come from internal/awsshape, which the endpoint uses
// too; the shell prints timestamps as the AWS CLI does (ISO 8601 text).

func cliTime(d time.Duration) any { return awsTime(d) }

func clusterJSON(_ *Ctx, c *ecs.Cluster, include ...string) map[string]any {
	return awsshape.Cluster(c, cliTime, include...)
}

func serviceJSON(_ *Ctx, sv *ecs.Service) map[string]any { return awsshape.Service(sv, cliTime) }

func taskJSON(t *ecs.Task) map[string]any { return awsshape.Task(t, cliTime) }

func containerInstancesJSON(cis []*ecs.ContainerInstance) []any {
	return awsshape.ContainerInstances(cis, cliTime)
}
