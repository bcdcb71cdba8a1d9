package endpoint

import (
	"context"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// benchEnvs keeps one endpoint per speed for the whole benchmark process:
// a benchmark function runs several rounds, and closing a round's server
// while the SDK's shared connection pool is in use made later rounds fail.
var (
	benchMu   sync.Mutex
	benchEnvs = map[float64]*ecs.Client{}
)

func benchECS(b *testing.B, speed float64) (*ecs.Client, *World) {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	if c, ok := benchEnvs[speed]; ok {
		return c, nil
	}
	w := NewWorld(WorldOptions{Seed: 9, Speed: speed})
	srv := httptest.NewServer(New(Options{World: w}))
	// The SDK's standard retryer, not NopRetryer: Go's transport can close
	// a kept-alive connection while a large answer is being read ("use of
	// closed network connection", 2 in 20,000 DescribeServices here, none
	// with keep-alives off); AWS's SDK retries net.ErrClosed for this
	// reason (aws/aws-sdk-go-v2#2737, fixed by #2949). It happens against
	// AWS itself, so the endpoint has nothing to fix.
	c := ecs.New(ecs.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	for _, line := range []string{
		"aws ecs create-cluster --cluster-name bench",
		`aws ecs register-task-definition --family f --requires-compatibilities FARGATE --network-mode awsvpc --cpu 256 --memory 512 --container-definitions '[{"name":"c","image":"nginx"}]'`,
		"aws ecs create-service --cluster bench --service-name big --task-definition f --desired-count 1000 --launch-type FARGATE --network-configuration awsvpcConfiguration={subnets=[subnet-1]}",
		"clock advance 10m",
	} {
		if _, err := w.Shell(line); err != nil {
			b.Fatalf("%s: %v", line, err)
		}
	}
	benchEnvs[speed] = c
	return c, w
}

// BenchmarkDescribeServices1000Tasks: the DescribeServices round trip
// through the SDK with 1,000 tasks in the cluster.
func BenchmarkDescribeServices1000Tasks(b *testing.B) {
	c, _ := benchECS(b, 1)
	ctx := context.Background()
	in := &ecs.DescribeServicesInput{Cluster: aws.String("bench"), Services: []string{"big"}}
	out, err := c.DescribeServices(ctx, in)
	if err != nil || out.Services[0].RunningCount != 1000 {
		b.Fatalf("setup: %v %+v", err, out)
	}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if _, err := c.DescribeServices(ctx, in); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.ReportMetric(float64(percentile(lat, 0.5).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(lat, 0.99).Microseconds())/1000, "p99-ms")
}

// BenchmarkRequestsAtSpeed60: requests per second the endpoint sustains
// (DescribeServices and ListTasks from parallel SDK clients) while the
// clock runs at --speed 60.
func BenchmarkRequestsAtSpeed60(b *testing.B) {
	c, _ := benchECS(b, 60)
	ctx := context.Background()
	var n atomic.Int64
	b.SetParallelism(4)
	t0 := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			var err error
			if i%2 == 0 {
				_, err = c.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("bench"), Services: []string{"big"}})
			} else {
				_, err = c.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String("bench"), MaxResults: aws.Int32(100)})
			}
			if err != nil {
				b.Error(err)
				return
			}
			i++
			n.Add(1)
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(t0).Seconds(), "req/s")
}
