// Package docker is cloudlab's simulated Docker engine: a Dockerfile
// parser, a BuildKit-like builder with a build cache, and an image store
// with tags and history, and containers (container.go) that are records
// with a state: no process and no command runs. It models what the course
// teaches: layers, the build cache, and a container's life (run, ps,
// logs, stop, kill, rm).
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
//   - Lifecycle policies (lifecycle.go) expire images: imageCountMoreThan
//     and sinceImagePushed (days) rules, by rulePriority, tagStatus
//     tagged (tagPrefixList) / untagged / any. ECR evaluates policies
//     periodically ("within 24 hours"); the simulator evaluates every
//     LifecycleInterval (24 h of simulated time from when the policy was
//     put), a TEACHING FIGURE. Scan-on-push is stored and shown; no image
//     is scanned.
//
// Containers (container.go;
// https://docs.docker.com/reference/cli/docker/container/run/ and the
// ps, stop, kill and rm pages):
//   - IDs are 64 hex digits (12 shown); names are unique ("Conflict. The
//     container name "/web" is already in use ..."); a default name is a
//     SIMULATED adjective_name taken in order from a fixed list.
//   - -p HOST:CONTAINER: a host port a running container publishes cannot
//     be published again ("Bind for 0.0.0.0:8080 failed: port is already
//     allocated"). Docker leaves the refused container in the Created
//     state; the simulator creates none.
//   - An image that is not local: "Unable to find image 'x:latest'
//     locally", then a pull: from the simulated ECR registry, or Docker
//     Hub's "pull access denied" for any other name.
//   - SIMULATION DEVICE: the app's memory use is the environment variable
//     SIM_MEMORY (docker run -e SIM_MEMORY=300m, or ENV SIM_MEMORY=300m in
//     the Dockerfile). Over --memory, the OOM killer ends the container at
//     start: exit code 137, OOMKilled true
//     (https://docs.docker.com/engine/containers/resource_constraints/).
//     --memory under 6 MB is refused, as Docker does.
//   - docker stop sends SIGTERM and SIGKILL 10 s later. The app is PID 1,
//     which Linux gives no default signal actions: without a handler it
//     ignores SIGTERM and is killed after the 10 s, exit 137 (128+9)
//     (https://docs.docker.com/reference/cli/docker/container/run/#init).
//     SIMULATION DEVICE: SIM_SIGTERM=exit (-e or ENV) is an app that
//     handles SIGTERM: it exits at once with 143 (128+15).
//     docker kill is SIGKILL: 137 (128+9). docker rm refuses a running
//     container without -f. docker rmi refuses to delete an image a
//     container (running or stopped) uses.
//   - The app's output (docker logs) is SIMULATED: a line saying what runs,
//     and the OOM kill. Without -d, docker run prints it and returns; the
//     container keeps running.
//   - Limits: MaxContainers (100) per engine, a simulator limit; MaxLayers
//     (127) filesystem layers per image, Docker's historic limit
//     (https://github.com/moby/buildkit/pull/4815; overlay2's hard limit
//     is 128 lower layers,
//     https://docs.docker.com/engine/storage/drivers/overlayfs-driver/):
//     a build over it fails "max depth exceeded". A push meets Amazon
//     ECR's quotas: a layer of at most 52,000 MiB compressed
//     (MaxLayerBytes, not adjustable) and 100,000 images per repository
//     (MaxRepoImages), refused before any layer is sent
//     (https://docs.aws.amazon.com/AmazonECR/latest/userguide/service-quotas.html).
//
// Time comes from the simulation clock (New's now); nothing is random.
package docker
