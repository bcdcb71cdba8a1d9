package shell

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/cloudlab/cloudlab/internal/docker"
)

// The `aws ecr` commands (the account's simulated ECR registry,
// internal/docker/registry.go) and the Docker client verbs that talk to it:
// docker login, docker push, docker pull.
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/getting-started-cli.html

func ecrCommands() []Command {
	repoOpt := OptSpec{Name: "repository-name", Required: true, Complete: "repository", Help: "The repository name."}
	return []Command{
		{
			Service: "ecr", Operation: "create-repository",
			Summary: "Create an image repository (URI ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME)",
			Options: []OptSpec{repoOpt,
				{Name: "image-scanning-configuration", Help: "scanOnPush=true|false (stored; scans are not simulated)."},
				{Name: "image-tag-mutability", Enum: []string{"MUTABLE", "IMMUTABLE"}, Default: "MUTABLE", Help: "IMMUTABLE refuses a push that moves an existing tag."},
				{Name: "tags", Type: List, Help: "Tags (accepted)."},
			},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				scan, err := scanOnPush(a.Str("image-scanning-configuration"))
				if err != nil {
					return Result{}, err
				}
				repo, err := ctx.Acct.ECR.CreateRepository(a.Str("repository-name"), scan, a.Str("image-tag-mutability"))
				if err != nil {
					return Result{}, err
				}
				return Result{Output: map[string]any{"repository": repoJSON(ctx, repo)}}, nil
			},
		},
		{
			Service: "ecr", Operation: "describe-repositories", Summary: "List repositories and their URIs",
			Options: []OptSpec{{Name: "repository-names", Type: List, Complete: "repository", Help: "Only these repositories."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				repos, err := ctx.Acct.ECR.Repositories(a.List("repository-names"))
				if err != nil {
					return Result{}, err
				}
				out := []any{}
				for _, r := range repos {
					out = append(out, repoJSON(ctx, r))
				}
				return Result{Output: map[string]any{"repositories": out}}, nil
			},
		},
		{
			Service: "ecr", Operation: "describe-images",
			Summary: "List a repository's images: tags, digest, imageSizeInBytes (compressed)",
			Options: []OptSpec{repoOpt, {Name: "image-ids", Type: List, Help: "imageTag=TAG or imageDigest=sha256:... (one or more)."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				ids, err := imageIDs(a.List("image-ids"))
				if err != nil {
					return Result{}, err
				}
				imgs, err := ctx.Acct.ECR.Find(a.Str("repository-name"), ids)
				if err != nil {
					return Result{}, err
				}
				out := []any{}
				for _, im := range imgs {
					m := map[string]any{
						"registryId": ctx.Acct.ECR.Account, "repositoryName": a.Str("repository-name"),
						"imageDigest": im.Digest, "imageSizeInBytes": im.Size, "imagePushedAt": cliTime(im.PushedAt),
						"imageManifestMediaType": "application/vnd.docker.distribution.manifest.v2+json",
						"artifactMediaType":      "application/vnd.docker.container.image.v1+json",
					}
					if len(im.Tags) > 0 {
						m["imageTags"] = im.Tags
					}
					out = append(out, m)
				}
				return Result{Output: map[string]any{"imageDetails": out}}, nil
			},
		},
		{
			Service: "ecr", Operation: "batch-delete-image", Summary: "Delete images by tag or digest",
			Options: []OptSpec{repoOpt, {Name: "image-ids", Type: List, Required: true, Help: "imageTag=TAG or imageDigest=sha256:... (one or more)."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				ids, err := imageIDs(a.List("image-ids"))
				if err != nil {
					return Result{}, err
				}
				del, fails, err := ctx.Acct.ECR.BatchDelete(a.Str("repository-name"), ids)
				if err != nil {
					return Result{}, err
				}
				d, f := []any{}, []any{}
				for _, id := range del {
					d = append(d, idJSON(id))
				}
				for _, x := range fails {
					f = append(f, map[string]any{"imageId": idJSON(x.ID), "failureCode": x.Code, "failureReason": x.Reason})
				}
				return Result{Output: map[string]any{"imageIds": d, "failures": f}}, nil
			},
		},
		{
			Service: "ecr", Operation: "get-login-password",
			Summary: "Print a registry password for docker login (user AWS, valid 12 hours)",
			Run: func(ctx *Ctx, a Args) (Result, error) {
				return Result{Text: ctx.Acct.ECR.Token()}, nil
			},
		},
		{
			Service: "ecr", Operation: "put-image-scanning-configuration", Summary: "Turn scan on push on or off (stored; scans are not simulated)",
			Options: []OptSpec{repoOpt, {Name: "image-scanning-configuration", Required: true, Help: "scanOnPush=true|false."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				scan, err := scanOnPush(a.Str("image-scanning-configuration"))
				if err != nil {
					return Result{}, err
				}
				repo, err := ctx.Acct.ECR.PutScanOnPush(a.Str("repository-name"), scan)
				if err != nil {
					return Result{}, err
				}
				return Result{Output: map[string]any{"registryId": ctx.Acct.ECR.Account, "repositoryName": repo.Name,
					"imageScanningConfiguration": map[string]any{"scanOnPush": repo.ScanOnPush}}}, nil
			},
		},
		{
			Service: "ecr", Operation: "put-lifecycle-policy", Summary: "Set a lifecycle policy: expire rules (imageCountMoreThan, sinceImagePushed days) applied every 24 h of simulated time",
			Options: []OptSpec{repoOpt, {Name: "lifecycle-policy-text", Type: JSON, Required: true, Help: "The policy JSON (or file://policy.json)."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				repo, err := ctx.Acct.ECR.PutLifecyclePolicy(a.Str("repository-name"), a.Str("lifecycle-policy-text"))
				if err != nil {
					return Result{}, err
				}
				return Result{Output: map[string]any{"registryId": ctx.Acct.ECR.Account, "repositoryName": repo.Name, "lifecyclePolicyText": repo.LifecyclePolicy}}, nil
			},
		},
		{
			Service: "ecr", Operation: "get-lifecycle-policy", Summary: "Show a repository's lifecycle policy",
			Options: []OptSpec{repoOpt},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				repo, err := ctx.Acct.ECR.Repository(a.Str("repository-name"))
				if err != nil {
					return Result{}, err
				}
				if repo.LifecyclePolicy == "" {
					return Result{}, &docker.RegistryError{Code: "LifecyclePolicyNotFoundException", Msg: fmt.Sprintf("Lifecycle policy does not exist for the repository with name '%s' in the registry with id '%s'", repo.Name, ctx.Acct.ECR.Account)}
				}
				out := map[string]any{"registryId": ctx.Acct.ECR.Account, "repositoryName": repo.Name, "lifecyclePolicyText": repo.LifecyclePolicy}
				if repo.LastEvaluated > 0 {
					out["lastEvaluatedAt"] = cliTime(repo.LastEvaluated) // the simulator evaluates every 24 h (docker.LifecycleInterval)
				}
				return Result{Output: out}, nil
			},
		},
		{
			Lab: true, Service: "docker", Operation: "login",
			Summary: "Log in to a registry: aws ecr get-login-password | docker login --username AWS --password-stdin HOST",
			Options: []OptSpec{
				{Name: "username", Short: "u", Help: "AWS for ECR."},
				{Name: "password-stdin", Type: Bool, Help: "Take the password from the pipe."},
				{Name: "password", Short: "p", Help: "The password (insecure: prefer --password-stdin)."},
			},
			Args: []ArgSpec{{Name: "server", Required: true, Help: "The registry: ACCOUNT.dkr.ecr.REGION.amazonaws.com."}},
			Run:  dockerLogin,
		},
		{
			Lab: true, Service: "docker", Operation: "push",
			Summary: "Upload an image to its registry (needs docker login; existing layers are skipped)",
			Args:    []ArgSpec{{Name: "image", Required: true, Complete: "image", Help: "HOST/NAME[:TAG]."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				out, _, err := ctx.Acct.Docker.Push(ctx.Acct.ECR, a.Str("image"))
				if errors.Is(err, docker.ErrNoAuth) {
					return Result{}, fmt.Errorf("%sno basic auth credentials", out)
				}
				if err != nil {
					return Result{}, fmt.Errorf("%s%v", out, err)
				}
				return Result{Text: strings.TrimRight(out, "\n")}, nil
			},
		},
		{
			Lab: true, Service: "docker", Operation: "pull",
			Summary: "Download an image from the simulated ECR registry",
			Args:    []ArgSpec{{Name: "image", Required: true, Help: "HOST/NAME[:TAG]."}},
			Run: func(ctx *Ctx, a Args) (Result, error) {
				out, err := ctx.Acct.Docker.Pull(ctx.Acct.ECR, a.Str("image"))
				if err != nil {
					return Result{}, err
				}
				return Result{Text: out}, nil
			},
		},
	}
}

func dockerLogin(ctx *Ctx, a Args) (Result, error) {
	server := strings.TrimSuffix(strings.TrimPrefix(a.Str("server"), "https://"), "/")
	pw := a.Str("password")
	if a.Bool("password-stdin") {
		if a.Has("password") {
			return Result{}, usagef("--password and --password-stdin are mutually exclusive")
		}
		if !a.Has("username") {
			return Result{}, usagef("Must provide --username with --password-stdin")
		}
		if !ctx.Shell.piped {
			return Result{}, usagef("--password-stdin needs the password piped in: aws ecr get-login-password --region %s | docker login --username AWS --password-stdin %s", ctx.Acct.ECR.Region, ctx.Acct.ECR.Host())
		}
		pw = strings.TrimSpace(ctx.Shell.stdin)
	}
	if pw == "" {
		return Result{}, usagef("docker login: give --password-stdin with the password piped in (cloudlab cannot prompt)")
	}
	if server != ctx.Acct.ECR.Host() {
		return Result{}, fmt.Errorf("Error response from daemon: Get \"https://%s/v2/\": only the simulated ECR registry %s is simulated", server, ctx.Acct.ECR.Host())
	}
	if a.Str("username") != "AWS" || !ctx.Acct.ECR.ValidToken(pw) {
		return Result{}, fmt.Errorf("Error response from daemon: login attempt to https://%s/v2/ failed with status: 400 Bad Request", server)
	}
	ctx.Acct.Docker.Login(server)
	return Result{Text: "Login Succeeded"}, nil
}

func scanOnPush(s string) (bool, error) {
	if s == "" {
		return false, nil
	}
	m, err := parseShorthand(s)
	if err != nil {
		return false, usagef("--image-scanning-configuration: %v", err)
	}
	switch v := fmt.Sprint(m["scanOnPush"]); v {
	case "true", "false":
		return v == "true", nil
	}
	return false, usagef("--image-scanning-configuration: write scanOnPush=true or scanOnPush=false")
}

// imageIDs parses --image-ids: shorthand values (imageTag=v1
// imageDigest=sha256:...) or one JSON list.
func imageIDs(vals []string) ([]docker.ImageID, error) {
	var ms []map[string]any
	if len(vals) == 1 && strings.HasPrefix(strings.TrimSpace(vals[0]), "[") {
		if err := json.Unmarshal([]byte(vals[0]), &ms); err != nil {
			return nil, usagef("--image-ids: Invalid JSON: %v", err)
		}
	} else {
		for _, v := range vals {
			m, err := parseShorthand(v)
			if err != nil {
				return nil, usagef("--image-ids: %v", err)
			}
			ms = append(ms, m)
		}
	}
	var out []docker.ImageID
	for _, m := range ms {
		tag, _ := m["imageTag"].(string)
		dig, _ := m["imageDigest"].(string)
		if tag == "" && dig == "" {
			return nil, usagef("--image-ids: give imageTag=TAG or imageDigest=sha256:...")
		}
		out = append(out, docker.ImageID{Tag: tag, Digest: dig})
	}
	return out, nil
}

func idJSON(id docker.ImageID) map[string]any {
	m := map[string]any{}
	if id.Digest != "" {
		m["imageDigest"] = id.Digest
	}
	if id.Tag != "" {
		m["imageTag"] = id.Tag
	}
	return m
}

func repoJSON(ctx *Ctx, r *docker.Repository) map[string]any {
	return map[string]any{
		"repositoryArn":              ctx.Acct.ECR.ARN(r),
		"registryId":                 ctx.Acct.ECR.Account,
		"repositoryName":             r.Name,
		"repositoryUri":              ctx.Acct.ECR.URI(r),
		"createdAt":                  cliTime(r.Created),
		"imageTagMutability":         r.TagMutability,
		"imageScanningConfiguration": map[string]any{"scanOnPush": r.ScanOnPush},
		"encryptionConfiguration":    map[string]any{"encryptionType": "AES256"},
	}
}
