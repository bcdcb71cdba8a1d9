// Package docker is cloudlab's simulated Docker engine: a Dockerfile
// parser, a BuildKit-like builder with a build cache, and an image store
// with tags and history. It runs no containers and no commands; it models
// what the course teaches about images: layers and the build cache.
//
// What is faithful to Docker's documentation:
//   - Only RUN, COPY and ADD create filesystem layers; FROM brings the base
//     image's layers; every other instruction is metadata with no size
//     (https://docs.docker.com/build/building/best-practices/,
//     https://docs.docker.com/get-started/docker-concepts/building-images/understanding-image-layers/).
//   - The build cache (https://docs.docker.com/build/cache/,
//     https://docs.docker.com/build/cache/invalidation/): a step is reused
//     when its parent is cached and its instruction is the same; for COPY
//     and ADD the checksums of the copied files' contents count too (not
//     their modification times); RUN is compared by its command text only;
//     once a step misses, every step after it rebuilds. Every instruction,
//     metadata ones included, is part of that chain, as the general rule
//     says ("each subsequent instruction is compared against the cached
//     layers"); BuildKit in practice keeps RUN steps cached across a
//     changed LABEL, EXPOSE or CMD, which the simulator does not model.
//   - Dockerfile syntax (https://docs.docker.com/reference/dockerfile/):
//     case-insensitive instructions, # comments, \ continuations, exec
//     (JSON) and shell forms, and BuildKit's errors for an unknown
//     instruction, an instruction before FROM and an empty file.
//
// What is approximate or simulated, and labelled so:
//   - COPY and ADD layers are the real byte size of the copied files.
//   - FROM uses a small catalog of base images (catalog.go) with
//     approximate uncompressed sizes from their Docker Hub pages; any other
//     base image fails like a pull of a name that does not exist.
//     `docker history` shows the base as one row commented "approximate
//     base size".
//   - RUN layers have a SIMULATED size (RunSize): 30 MB per package-manager
//     install in the command, 0 B otherwise; `docker history` comments
//     them "simulated size".
//   - One build stage only: a second FROM is refused as not simulated.
//     ADD from a URL is refused too.
//
// The registry (registry.go) is the account's Amazon ECR private registry:
// repositories, get-login-password tokens (12 hours), docker push/pull.
//   - ECR reports an image's size as its compressed size, smaller than the
//     uncompressed size `docker images` shows
//     (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ImageDetail.html).
//     The simulator compresses nothing: a layer's compressed size is a
//     SIMULATED 40% of its size (CompressedSize), the same for every kind
//     of layer.
//   - A layer's digest comes from its build-cache key, so a push reports
//     the layers the repository already has as "Layer already exists"
//     (https://docs.docker.com/reference/cli/docker/image/push/).
//   - Lifecycle policies and scan-on-push are stored and shown; no image
//     is expired or scanned.
//
// Time comes from the simulation clock (New's now); nothing is random.
package docker
