package docker

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const host = "123456789012.dkr.ecr.us-east-1.amazonaws.com"

func newRegistry(now *time.Duration) *Registry {
	return NewRegistry(func() time.Duration { return *now }, "123456789012", "us-east-1")
}

func code(err error) string {
	var re *RegistryError
	if errors.As(err, &re) {
		return re.Code
	}
	return ""
}

// CreateRepository: the URI is ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME and
// a second repository with the same name is RepositoryAlreadyExistsException
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-create.html).
func TestCreateRepositoryURIAndDuplicate(t *testing.T) {
	var now time.Duration
	r := newRegistry(&now)
	repo, err := r.CreateRepository("hello", false, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.URI(repo); got != host+"/hello" {
		t.Errorf("URI = %s", got)
	}
	if _, err := r.CreateRepository("hello", false, ""); code(err) != "RepositoryAlreadyExistsException" {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := r.CreateRepository("Hello", false, ""); code(err) != "InvalidParameterException" {
		t.Errorf("uppercase name: %v", err)
	}
	if _, err := r.Find("nope", nil); code(err) != "RepositoryNotFoundException" {
		t.Errorf("missing repository: %v", err)
	}
}

// Pushing needs `docker login` ("no basic auth credentials"); the pushed
// image's size in the registry is the compressed size, smaller than the
// local (uncompressed) size
// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html);
// a second push of a rebuilt image reports unchanged layers as "Layer
// already exists" (https://docs.docker.com/reference/cli/docker/image/push/).
func TestPushNeedsLoginAndReusesLayers(t *testing.T) {
	e, now := newEngine()
	r := newRegistry(now)
	if _, err := r.CreateRepository("hello", false, ""); err != nil {
		t.Fatal(err)
	}
	build(t, e, appDockerfile, appCtx(), "hello")
	if err := e.Tag("hello", host+"/hello:v1"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.Push(r, host+"/hello:v1"); !errors.Is(err, ErrNoAuth) {
		t.Fatalf("push without login: %v", err)
	}
	pw := r.Token()
	if !r.ValidToken(pw) || r.ValidToken("x") {
		t.Fatal("token check")
	}
	e.Login(r.Host())
	out, im, err := e.Push(r, host+"/hello:v1")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "already exists") || !strings.Contains(out, ": Pushed") || !strings.Contains(out, "v1: digest: sha256:") {
		t.Errorf("first push:\n%s", out)
	}
	local, _ := e.Find("hello")
	if im.Size >= local.Size || im.Size < local.Size/3 { // 40% by the simulated rule
		t.Errorf("registry size %d, local %d", im.Size, local.Size)
	}
	if len(im.Layers) != local.Layers() {
		t.Errorf("%d layers pushed, image has %d", len(im.Layers), local.Layers())
	}

	*now += time.Minute
	ctx := appCtx()
	ctx["app.py"] = "print('hello again')\n"
	build(t, e, appDockerfile, ctx, host+"/hello:v2")
	out, im2, err := e.Push(r, host+"/hello:v2")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(out, ": Pushed") != 1 || strings.Count(out, "Layer already exists") != len(im2.Layers)-1 {
		t.Errorf("second push should push only the changed COPY app.py layer:\n%s", out)
	}
	if im2.Digest == im.Digest {
		t.Error("a changed image got the same digest")
	}
	imgs, err := r.Find("hello", []ImageID{{Tag: "v1"}, {Tag: "v2"}})
	if err != nil || len(imgs) != 2 {
		t.Fatalf("find: %v %d", err, len(imgs))
	}
	if _, err := r.Find("hello", []ImageID{{Tag: "v9"}}); code(err) != "ImageNotFoundException" {
		t.Errorf("missing tag: %v", err)
	}
}

// A push to a repository that does not exist fails: ECR does not create
// repositories on push
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-push-ecr-image.html).
func TestPushToMissingRepository(t *testing.T) {
	e, now := newEngine()
	r := newRegistry(now)
	build(t, e, appDockerfile, appCtx(), host+"/nope:latest")
	e.Login(r.Host())
	if _, _, err := e.Push(r, host+"/nope"); err == nil || !strings.Contains(err.Error(), "name unknown") {
		t.Errorf("push to a missing repository: %v", err)
	}
}

// batch-delete-image by tag removes the tag; the image goes when no tag is
// left (https://docs.aws.amazon.com/AmazonECR/latest/userguide/delete_image.html).
func TestBatchDeleteAndPull(t *testing.T) {
	e, now := newEngine()
	r := newRegistry(now)
	r.CreateRepository("hello", false, "")
	build(t, e, appDockerfile, appCtx(), host+"/hello:v1")
	e.Login(r.Host())
	if _, _, err := e.Push(r, host+"/hello:v1"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Remove(host + "/hello:v1"); err != nil {
		t.Fatal(err)
	}
	out, err := e.Pull(r, host+"/hello:v1")
	if err != nil || !strings.Contains(out, "Downloaded newer image") {
		t.Fatalf("pull: %v\n%s", err, out)
	}
	if _, err := e.Find(host + "/hello:v1"); err != nil {
		t.Errorf("pulled image not local: %v", err)
	}
	del, fails, err := r.BatchDelete("hello", []ImageID{{Tag: "v1"}, {Tag: "v2"}})
	if err != nil || len(del) != 1 || len(fails) != 1 || fails[0].Code != "ImageNotFound" {
		t.Errorf("delete: %v %v %v", del, fails, err)
	}
	if imgs, _ := r.Find("hello", nil); len(imgs) != 0 {
		t.Errorf("%d images left", len(imgs))
	}
	if _, err := e.Pull(r, host+"/hello:v1"); err == nil || !strings.Contains(err.Error(), "manifest unknown") {
		t.Errorf("pull of a deleted image: %v", err)
	}
}

// A token works for 12 hours
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry_auth.html).
func TestTokenExpires(t *testing.T) {
	var now time.Duration
	r := newRegistry(&now)
	pw := r.Token()
	now += 11 * time.Hour
	if !r.ValidToken(pw) {
		t.Error("expired early")
	}
	now += time.Hour
	if r.ValidToken(pw) {
		t.Error("valid after 12 hours")
	}
}

func TestLifecyclePolicyStored(t *testing.T) {
	var now time.Duration
	r := newRegistry(&now)
	r.CreateRepository("hello", false, "")
	if _, err := r.PutLifecyclePolicy("hello", `{}`); code(err) != "InvalidParameterException" {
		t.Errorf("empty policy: %v", err)
	}
	pol := `{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":3},"action":{"type":"expire"}}]}`
	repo, err := r.PutLifecyclePolicy("hello", pol)
	if err != nil || repo.LifecyclePolicy != pol {
		t.Errorf("policy: %v", err)
	}
	if repo, _ := r.PutScanOnPush("hello", true); !repo.ScanOnPush {
		t.Error("scan on push not stored")
	}
}

// Amazon ECR service quotas refuse a push before any layer is sent: a
// layer over 52,000 MiB (compressed, not adjustable) and a repository
// already holding 100,000 images
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html).
func TestPushQuotas(t *testing.T) {
	e, now := newEngine()
	r := newRegistry(now)
	repo, err := r.CreateRepository("big", false, "")
	if err != nil {
		t.Fatal(err)
	}
	build(t, e, appDockerfile, appCtx(), "big")
	if err := e.Tag("big", host+"/big:v1"); err != nil {
		t.Fatal(err)
	}
	e.Login(host)
	local, err := e.Find(host + "/big:v1")
	if err != nil {
		t.Fatal(err)
	}
	var last *Layer
	for i := range local.History {
		if local.History[i].FS && !local.History[i].Base {
			last = &local.History[i] // the last filesystem layer (COPY app.py)
		}
	}
	saved := last.Size
	last.Size = 140 << 30 // 56 GB compressed at the simulated 40%
	_, _, err = e.Push(r, host+"/big:v1")
	if code(err) != "LayerTooLarge" || !strings.Contains(err.Error(), "52,000 MiB") {
		t.Fatalf("a 56 GB layer: %v", err)
	}
	if len(repo.Images()) != 0 {
		t.Errorf("a refused push stored %d images", len(repo.Images()))
	}
	last.Size = saved
	repo.images = make([]*RepoImage, MaxRepoImages)
	if _, _, err := e.Push(r, host+"/big:v1"); code(err) != "LimitExceededException" {
		t.Errorf("a full repository: %v", err)
	}
	repo.images = nil
	if _, _, err := e.Push(r, host+"/big:v1"); err != nil {
		t.Errorf("within the quotas: %v", err)
	}
}
