package ec2

import (
	"fmt"
	"strings"
)

// ssmAMIs are the public SSM parameters for AMIs that run-instances
// resolves (`--image-id resolve:ssm:NAME`,
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-systems-manager-parameter-to-find-AMI.html).
// The ECS-optimized parameters
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/retrieve-ecs-optimized_AMI.html)
// resolve to the simulator's ECS-optimized AMI; the plain Amazon Linux ones
// to a simulated Amazon Linux AMI.
var ssmAMIPrefixes = []struct{ prefix, ami string }{
	{"/aws/service/ecs/optimized-ami/", DefaultImageID},
	{"/aws/service/ami-amazon-linux-latest/", "ami-0a1b2c3d4e5f60al2"},
}

// ResolveImageID resolves resolve:ssm:NAME (optionally NAME:VERSION) as EC2
// does at launch; any other value is returned as given.
func ResolveImageID(id string) (string, error) {
	name, ok := strings.CutPrefix(id, "resolve:ssm:")
	if !ok {
		return id, nil
	}
	for _, p := range ssmAMIPrefixes {
		if strings.HasPrefix(name, p.prefix) {
			return p.ami, nil
		}
	}
	return "", &Error{"InvalidParameterValue", fmt.Sprintf("Invalid value '%s' for parameter imageId: the SSM parameter could not be resolved (the simulator knows the public parameters under %s and %s)", id, ssmAMIPrefixes[0].prefix, ssmAMIPrefixes[1].prefix)}
}
