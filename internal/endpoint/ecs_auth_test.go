package endpoint

import (
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// With --access-key, ECS (JSON 1.1) and EC2 (Query) requests are verified
// like Lambda's: the right key passes, a wrong one gets an error in the
// request's protocol.
func TestSignedECSAndEC2Requests(t *testing.T) {
	w := NewWorld(WorldOptions{Seed: 1, Speed: 1})
	srv := httptest.NewServer(New(Options{World: w, AccessKey: "AKIDCLOUDLAB", SecretKey: "s3cret"}))
	defer func() { srv.Close(); w.Close() }()
	clients := func(id, secret string) (*ecs.Client, *ec2.Client) {
		creds := credentials.NewStaticCredentialsProvider(id, secret, "")
		return ecs.New(ecs.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: creds, Retryer: aws.NopRetryer{}}),
			ec2.New(ec2.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Credentials: creds, Retryer: aws.NopRetryer{}})
	}
	ec, xc := clients("AKIDCLOUDLAB", "s3cret")
	if _, err := ec.ListClusters(ctx(t), &ecs.ListClustersInput{}); err != nil {
		t.Fatalf("signed ECS request: %v", err)
	}
	if _, err := xc.DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{}); err != nil {
		t.Fatalf("signed EC2 request: %v", err)
	}
	ec, xc = clients("AKIDCLOUDLAB", "wrong")
	if _, err := ec.ListClusters(ctx(t), &ecs.ListClustersInput{}); apiCode(err) != "InvalidSignatureException" {
		t.Fatalf("ECS with a wrong secret: %v", err)
	}
	if _, err := xc.DescribeInstances(ctx(t), &ec2.DescribeInstancesInput{}); apiCode(err) == "" {
		t.Fatalf("EC2 with a wrong secret: %T %v", err, err)
	}
}
