package docker

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Registry is the account's simulated Amazon ECR private registry
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html):
// repositories, the images pushed to them and their settings.
//
// Sizes: ECR's describe-images reports imageSizeInBytes, the COMPRESSED
// size of the image's layers, while `docker images` shows the uncompressed
// size, so the registry's figure is smaller
// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html).
// The simulator compresses nothing: CompressedSize is a SIMULATED fixed
// ratio.
type Registry struct {
	now     func() time.Duration
	Account string // 12-digit account ID
	Region  string
	repos   []*Repository
	tokens  map[string]time.Duration // get-login-password tokens -> when issued
}

// Repository is one ECR repository.
type Repository struct {
	Name            string
	Created         time.Duration
	ScanOnPush      bool
	TagMutability   string // MUTABLE (the default) or IMMUTABLE
	LifecyclePolicy string // the policy JSON as given; "" when none
	images          []*RepoImage
	layers          map[string]bool // layer digests already in the repository

	lifecycle     []lcRule      // the parsed policy, by rulePriority
	lcEvaluated   time.Duration // the last scheduled evaluation (or when the policy was put)
	LastEvaluated time.Duration // when the policy last ran (0: not yet)
	Expired       int           // images the policy has expired
}

// RepoImage is one image (one manifest) in a repository.
type RepoImage struct {
	Digest   string // sha256 of the manifest
	Tags     []string
	Size     int64 // compressed: the sum of the layers' compressed sizes
	PushedAt time.Duration
	Layers   []PushLayer
	ImageID  string // the local image it was pushed from
	image    Image  // a copy of it, for a pull after `docker rmi`
}

// PushLayer is one filesystem layer as a registry stores it.
type PushLayer struct {
	Digest string // sha256:<64 hex>
	Size   int64  // compressed bytes
}

// CompressedSize is the SIMULATED compressed size of an uncompressed
// layer: 40% of it. Real ratios depend on the content (text compresses
// well, already-compressed files hardly at all); the rule only makes the
// registry's size smaller than `docker images`' size, as it is on AWS.
func CompressedSize(n int64) int64 { return n * 2 / 5 }

// TokenLifetime is how long a get-login-password token works: 12 hours
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry_auth.html).
const TokenLifetime = 12 * time.Hour

// RegistryError is an ECR error with its AWS error code.
type RegistryError struct{ Code, Msg string }

func (e *RegistryError) Error() string        { return e.Msg }
func (e *RegistryError) ErrorCode() string    { return e.Code }
func (e *RegistryError) ErrorMessage() string { return e.Msg }
func (e *RegistryError) ErrorReason() string  { return "" }
func (e *RegistryError) HTTPStatus() int      { return 400 }

// NewRegistry returns an empty registry for account in region.
func NewRegistry(now func() time.Duration, account, region string) *Registry {
	return &Registry{now: now, Account: account, Region: region, tokens: map[string]time.Duration{}}
}

// Host is the registry's address: ACCOUNT.dkr.ecr.REGION.amazonaws.com.
func (r *Registry) Host() string { return r.Account + ".dkr.ecr." + r.Region + ".amazonaws.com" }

// URI is a repository's URI: HOST/NAME.
func (r *Registry) URI(repo *Repository) string { return r.Host() + "/" + repo.Name }

// ARN is a repository's ARN.
func (r *Registry) ARN(repo *Repository) string {
	return "arn:aws:ecr:" + r.Region + ":" + r.Account + ":repository/" + repo.Name
}

// repoNameRE is the repository name pattern of the CreateRepository API.
var repoNameRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$`)
})

// CreateRepository creates a repository
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-create.html).
func (r *Registry) CreateRepository(name string, scanOnPush bool, mutability string) (*Repository, error) {
	if len(name) < 2 || len(name) > 256 || !repoNameRE().MatchString(name) {
		return nil, &RegistryError{"InvalidParameterException", fmt.Sprintf("Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*''")}
	}
	if r.repo(name) != nil {
		return nil, &RegistryError{"RepositoryAlreadyExistsException", fmt.Sprintf("The repository with name '%s' already exists in the registry with id '%s'", name, r.Account)}
	}
	if mutability == "" {
		mutability = "MUTABLE"
	}
	repo := &Repository{Name: name, Created: r.now(), ScanOnPush: scanOnPush, TagMutability: mutability, layers: map[string]bool{}}
	r.repos = append(r.repos, repo)
	return repo, nil
}

func (r *Registry) repo(name string) *Repository {
	r.applyLifecycle()
	for _, x := range r.repos {
		if x.Name == name {
			return x
		}
	}
	return nil
}

func (r *Registry) notFound(name string) error {
	return &RegistryError{"RepositoryNotFoundException", fmt.Sprintf("The repository with name '%s' does not exist in the registry with id '%s'", name, r.Account)}
}

// Repository returns the named repository or RepositoryNotFoundException.
func (r *Registry) Repository(name string) (*Repository, error) {
	if x := r.repo(name); x != nil {
		return x, nil
	}
	return nil, r.notFound(name)
}

// Repositories returns the named repositories (all when names is empty),
// in creation order.
func (r *Registry) Repositories(names []string) ([]*Repository, error) {
	r.applyLifecycle()
	if len(names) == 0 {
		return append([]*Repository(nil), r.repos...), nil
	}
	var out []*Repository
	for _, n := range names {
		x, err := r.Repository(n)
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, nil
}

// Names lists the repository names for tab completion.
func (r *Registry) Names() []string {
	var out []string
	for _, x := range r.repos {
		out = append(out, x.Name)
	}
	return out
}

// Images returns the repository's images, oldest push first.
func (repo *Repository) Images() []*RepoImage { return append([]*RepoImage(nil), repo.images...) }

// ImageID names an image by tag or digest, as the ECR API's ImageIdentifier.
type ImageID struct{ Tag, Digest string }

func (id ImageID) String() string {
	if id.Digest != "" {
		return "imageDigest=" + id.Digest
	}
	return "imageTag=" + id.Tag
}

func (repo *Repository) find(id ImageID) *RepoImage {
	for _, im := range repo.images {
		if id.Digest != "" && im.Digest == id.Digest || id.Digest == "" && contains(im.Tags, id.Tag) {
			return im
		}
	}
	return nil
}

// Find returns the images named by ids (all when ids is empty), or
// ImageNotFoundException for the first id that names none.
func (r *Registry) Find(name string, ids []ImageID) ([]*RepoImage, error) {
	repo, err := r.Repository(name)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return repo.Images(), nil
	}
	var out []*RepoImage
	for _, id := range ids {
		im := repo.find(id)
		if im == nil {
			return nil, &RegistryError{"ImageNotFoundException", fmt.Sprintf("The image with imageId {%s} does not exist within the repository with name '%s' in the registry with id '%s'", id, name, r.Account)}
		}
		out = append(out, im)
	}
	return out, nil
}

// Failure is one image batch-delete-image could not delete.
type Failure struct {
	ID     ImageID
	Code   string
	Reason string
}

// BatchDelete deletes images by tag or digest. A tag removes that tag and
// deletes the image when no tag is left; a digest deletes the image with
// all its tags
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/delete_image.html).
func (r *Registry) BatchDelete(name string, ids []ImageID) (deleted []ImageID, failures []Failure, err error) {
	repo, err := r.Repository(name)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range ids {
		im := repo.find(id)
		if im == nil {
			failures = append(failures, Failure{ID: id, Code: "ImageNotFound", Reason: "Requested image not found"})
			continue
		}
		if id.Digest == "" && len(im.Tags) > 1 {
			im.Tags = remove(im.Tags, id.Tag)
			deleted = append(deleted, ImageID{Tag: id.Tag, Digest: im.Digest})
			continue
		}
		for _, t := range im.Tags {
			deleted = append(deleted, ImageID{Tag: t, Digest: im.Digest})
		}
		if len(im.Tags) == 0 {
			deleted = append(deleted, ImageID{Digest: im.Digest})
		}
		repo.delete(im)
	}
	return deleted, failures, nil
}

func (repo *Repository) delete(im *RepoImage) {
	for i, x := range repo.images {
		if x == im {
			repo.images = append(repo.images[:i], repo.images[i+1:]...)
			break
		}
	}
	repo.layers = map[string]bool{}
	for _, x := range repo.images {
		for _, l := range x.Layers {
			repo.layers[l.Digest] = true
		}
	}
}

// PutScanOnPush sets the repository's scan-on-push setting
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html).
// Scans themselves are not simulated.
func (r *Registry) PutScanOnPush(name string, on bool) (*Repository, error) {
	repo, err := r.Repository(name)
	if err != nil {
		return nil, err
	}
	repo.ScanOnPush = on
	return repo, nil
}

// PutLifecyclePolicy checks and sets a lifecycle policy
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/LifecyclePolicies.html).
// The registry applies it every LifecycleInterval from now (lifecycle.go).
func (r *Registry) PutLifecyclePolicy(name, text string) (*Repository, error) {
	repo, err := r.Repository(name)
	if err != nil {
		return nil, err
	}
	rules, err := parseLifecycle(text)
	if err != nil {
		return nil, err
	}
	repo.LifecyclePolicy, repo.lifecycle, repo.lcEvaluated = text, rules, r.now()
	return repo, nil
}

// Token issues a get-login-password token: the password `docker login`
// takes with the user name AWS, valid for TokenLifetime.
func (r *Registry) Token() string {
	n := len(r.tokens) + 1
	raw := fmt.Sprintf(`{"payload":"%s","datakey":"simulated-%d","version":"2","type":"DATA_KEY","expiration":%d}`,
		hashKey("ecr-token", r.Account, fmt.Sprint(n)), n, int64((r.now()+TokenLifetime)/time.Second))
	pw := base64.StdEncoding.EncodeToString([]byte(raw))
	r.tokens[pw] = r.now()
	return pw
}

// ValidToken reports whether password is a token this registry issued
// less than TokenLifetime ago.
func (r *Registry) ValidToken(password string) bool {
	at, ok := r.tokens[password]
	return ok && r.now()-at < TokenLifetime
}

// SplitURI splits HOST/NAME[:TAG] into the repository name and tag when
// HOST is this registry; ok is false for any other reference.
func (r *Registry) SplitURI(ref string) (name, tag string, ok bool) {
	rest, found := strings.CutPrefix(ref, r.Host()+"/")
	if !found {
		return "", "", false
	}
	if i := strings.Index(rest, "@"); i >= 0 {
		return rest[:i], "", true
	}
	name, tag = splitRef(rest)
	return name, tag, true
}

// PushLayers is the image's filesystem layers as a push sends them: the
// base image's layers (its size shared equally among them) then one per
// RUN, COPY and ADD, each with its compressed size. A layer's digest comes
// from the build-cache key that made it, so a layer the cache reused has
// the same digest as before.
func (im *Image) PushLayers() []PushLayer {
	var out []PushLayer
	for _, l := range im.History {
		switch {
		case l.Base:
			for i := 0; i < im.Base.Layers; i++ {
				size := l.Size / int64(im.Base.Layers)
				if i == 0 {
					size += l.Size % int64(im.Base.Layers)
				}
				out = append(out, PushLayer{Digest: "sha256:" + hashKey("layer", l.Key, fmt.Sprint(i)), Size: CompressedSize(size)})
			}
		case l.FS:
			out = append(out, PushLayer{Digest: "sha256:" + hashKey("layer", l.Key), Size: CompressedSize(l.Size)})
		}
	}
	return out
}

// manifest is the image manifest a push uploads (the Docker image
// manifest V2, schema 2 shape).
func manifest(im *Image, layers []PushLayer) []byte {
	type desc struct {
		MediaType string `json:"mediaType"`
		Size      int64  `json:"size"`
		Digest    string `json:"digest"`
	}
	m := struct {
		SchemaVersion int    `json:"schemaVersion"`
		MediaType     string `json:"mediaType"`
		Config        desc   `json:"config"`
		Layers        []desc `json:"layers"`
	}{SchemaVersion: 2, MediaType: "application/vnd.docker.distribution.manifest.v2+json",
		Config: desc{"application/vnd.docker.container.image.v1+json", 1500, im.ID}}
	for _, l := range layers {
		m.Layers = append(m.Layers, desc{"application/vnd.docker.image.rootfs.diff.tar.gzip", l.Size, l.Digest})
	}
	b, _ := json.MarshalIndent(m, "", "   ")
	return b
}

// ErrNoAuth is a push or pull to a registry `docker login` has not
// succeeded for; Docker prints "no basic auth credentials".
var ErrNoAuth = fmt.Errorf("no basic auth credentials")

// Login records a successful `docker login` to host.
func (e *Engine) Login(host string) { e.logins[host] = true }

// Logins lists the registries `docker login` succeeded for, sorted.
func (e *Engine) Logins() []string {
	var out []string
	for h := range e.logins {
		out = append(out, h)
	}
	sort.Strings(out)
	return out
}

// LoggedIn reports whether `docker login` succeeded for host.
func (e *Engine) LoggedIn(host string) bool { return e.logins[host] }

// Push is `docker push HOST/NAME[:TAG]` of a local image to the registry.
// It needs a login to the registry and an existing repository (ECR does
// not create one on push:
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/docker-push-ecr-image.html).
// Layers the repository already has are reported "Layer already exists",
// the others "Pushed"; the output is the Docker CLI's.
func (e *Engine) Push(r *Registry, ref string) (string, *RepoImage, error) {
	name, tag, ok := r.SplitURI(ref)
	if !ok {
		return "", nil, fmt.Errorf("push to %s: only the simulated ECR registry %s is simulated", ref, r.Host())
	}
	local, err := e.Find(ref)
	if err != nil {
		return "", nil, fmt.Errorf("An image does not exist locally with the tag: %s", strings.TrimSuffix(ref, ":"+tag))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The push refers to repository [%s/%s]\n", r.Host(), name)
	if !e.LoggedIn(r.Host()) {
		return b.String(), nil, ErrNoAuth
	}
	repo := r.repo(name)
	if repo == nil {
		return b.String(), nil, fmt.Errorf("name unknown: The repository with name '%s' does not exist in the registry with id '%s'", name, r.Account)
	}
	layers := local.PushLayers()
	if err := checkQuotas(repo, layers); err != nil {
		return b.String(), nil, err
	}
	for i := len(layers) - 1; i >= 0; i-- {
		l := layers[i]
		short := strings.TrimPrefix(l.Digest, "sha256:")[:12]
		if repo.layers[l.Digest] {
			fmt.Fprintf(&b, "%s: Layer already exists\n", short)
		} else {
			fmt.Fprintf(&b, "%s: Pushed\n", short)
		}
	}
	man := manifest(local, layers)
	digest := "sha256:" + hashKey(string(man))
	im := repo.find(ImageID{Digest: digest})
	if im == nil {
		if old := repo.find(ImageID{Tag: tag}); old != nil && repo.TagMutability == "IMMUTABLE" {
			return b.String(), nil, fmt.Errorf("tag invalid: The image tag '%s' already exists in the '%s' repository and cannot be overwritten because the repository is immutable.", tag, name)
		}
		im = &RepoImage{Digest: digest, Layers: layers, ImageID: local.ID, image: *local}
		im.image.Tags = nil
		for _, l := range layers {
			im.Size += l.Size
		}
		repo.images = append(repo.images, im)
	}
	im.PushedAt = r.now()
	for _, x := range repo.images {
		if x != im {
			x.Tags = remove(x.Tags, tag)
		}
	}
	if !contains(im.Tags, tag) {
		im.Tags = append(im.Tags, tag)
		sort.Strings(im.Tags)
	}
	for _, l := range layers {
		repo.layers[l.Digest] = true
	}
	fmt.Fprintf(&b, "%s: digest: %s size: %d\n", tag, digest, len(man))
	return b.String(), im, nil
}

// Amazon ECR service quotas a push can meet (defaults, us-east-1): a layer
// of at most 52,000 MiB (not adjustable), and 100,000 images per
// repository (adjustable)
// (https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html).
// The layer size is what is uploaded: the compressed size.
const (
	MaxLayerBytes   = 52000 << 20
	MaxRepoImages   = 100000
	ecrQuotasSource = "Amazon ECR service quotas"
)

// checkQuotas refuses a push over a quota before any layer is sent.
func checkQuotas(repo *Repository, layers []PushLayer) error {
	for _, l := range layers {
		if l.Size > MaxLayerBytes {
			return &RegistryError{Code: "LayerTooLarge", Msg: fmt.Sprintf(
				"layer %s is %s compressed: Amazon ECR's maximum layer size is 52,000 MiB (%s, not adjustable); split the work into smaller layers or keep big data out of the image",
				strings.TrimPrefix(l.Digest, "sha256:")[:12], HumanSize(l.Size), ecrQuotasSource)}
		}
	}
	if len(repo.images) >= MaxRepoImages {
		return &RegistryError{Code: "LimitExceededException", Msg: fmt.Sprintf(
			"repository %s already holds %d images, the default quota of images per repository (%s); delete images or set a lifecycle policy",
			repo.Name, len(repo.images), ecrQuotasSource)}
	}
	return nil
}

// Pull is `docker pull HOST/NAME[:TAG]` from the registry: the image gets
// the name locally. It needs a login, like a push.
func (e *Engine) Pull(r *Registry, ref string) (string, error) {
	name, tag, ok := r.SplitURI(ref)
	if !ok {
		return "", fmt.Errorf("pull %s: only images in the simulated ECR registry %s can be pulled (FROM uses the base image catalog)", ref, r.Host())
	}
	if !e.LoggedIn(r.Host()) {
		return "", fmt.Errorf("Error response from daemon: Head \"https://%s/v2/%s/manifests/%s\": no basic auth credentials", r.Host(), name, tag)
	}
	repo := r.repo(name)
	var im *RepoImage
	if repo != nil {
		im = repo.find(ImageID{Tag: tag})
	}
	if im == nil {
		return "", fmt.Errorf("Error response from daemon: manifest for %s/%s:%s not found: manifest unknown: Requested image not found", r.Host(), name, tag)
	}
	local := e.image(im.ImageID)
	var b strings.Builder
	fmt.Fprintf(&b, "%s: Pulling from %s\n", tag, name)
	for _, l := range im.Layers {
		if local == nil { // an image already here prints no layer lines
			fmt.Fprintf(&b, "%s: Pull complete\n", strings.TrimPrefix(l.Digest, "sha256:")[:12])
		}
	}
	fmt.Fprintf(&b, "Digest: %s\n", im.Digest)
	full := r.Host() + "/" + name + ":" + tag
	status := "Image is up to date for"
	if local == nil {
		cp := im.image
		local = &cp
		e.images = append(e.images, local)
		status = "Downloaded newer image for"
	}
	e.setTag(full, local)
	fmt.Fprintf(&b, "Status: %s %s\n%s", status, full, full)
	return b.String(), nil
}

// Resolve looks an image reference up for a task's pull: inRegistry is
// false for a reference to any other registry; found is false when the
// repository or the tag (or digest, NAME@sha256:...) is not there.
func (r *Registry) Resolve(ref string) (im *RepoImage, inRegistry, found bool) {
	name, tag, ok := r.SplitURI(ref)
	if !ok {
		return nil, false, false
	}
	repo := r.repo(name)
	if repo == nil {
		return nil, true, false
	}
	id := ImageID{Tag: tag}
	if _, dig, ok := strings.Cut(ref, "@"); ok {
		id = ImageID{Digest: dig}
	}
	if im = repo.find(id); im == nil {
		return nil, true, false
	}
	return im, true, true
}
