#!/usr/bin/env bash
# Builds aifabric's container images without a container engine or a registry pull:
#   1. a Java 17 base image from Debian's packages (mmdebstrap: openjdk-17-jre-headless and
#      ca-certificates, docs and manuals left out), turned into an OCI image with umoci; cached by
#      what goes into it under ~/.cache/aifabric/images, so it is built once (~40 s);
#   2. per service, one layer on it: the packaged application under /deployments, owned by the
#      non-root user 10001 the image runs as, with the entry point the charts use;
#   3. each written as a Docker-format archive, target/images/<service>.tar, tagged
#      ghcr.io/aifabric/<service>:<version> (the charts' default repository and tag), ready for
#      `kind load image-archive`, `podman load` or `skopeo copy docker-archive:… docker://…`.
# Needs mmdebstrap, umoci and skopeo (Debian packages; mmdebstrap runs as root, or unshared), and the
# services built (./mvnw -B package -DskipTests).
#
#   images/build.sh                 every image
#   images/build.sh scheduler-extender escrow-bridge
set -euo pipefail
cd "$(dirname "$0")/.."

version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
tag=${AIFABRIC_IMAGE_TAG:-${version%-SNAPSHOT}}
registry=${AIFABRIC_IMAGE_REGISTRY:-ghcr.io/aifabric}
out=target/images
cache=${AIFABRIC_IMAGE_CACHE:-$HOME/.cache/aifabric/images}
suite=${AIFABRIC_IMAGE_SUITE:-bookworm}
packages=openjdk-17-jre-headless,ca-certificates
user=10001

# service → what its image runs (a Quarkus fast-jar directory, or one jar)
declare -A app=(
  [operator]=operator/target/quarkus-app
  [node-agent]=node-agent/target/quarkus-app
  [member-agent]=member-agent/target/quarkus-app
  [scheduler-extender]=scheduler-extender/target/quarkus-app
  [escrow-bridge]=escrow-bridge/target/quarkus-app
  [console]=console/target/quarkus-app
  [output-sealer]=output-sealer/target/aifabric-output-sealer.jar
)
services=("$@")
[[ ${#services[@]} -gt 0 ]] || services=(operator node-agent member-agent scheduler-extender escrow-bridge output-sealer console)

for tool in mmdebstrap umoci skopeo; do
  command -v "$tool" >/dev/null || { echo "$tool is needed: apt-get install mmdebstrap umoci skopeo" >&2; exit 1; }
done

# The base: rebuilt only when what goes into it changes (raise base_revision with its steps).
base_revision=1
key=$(echo "$base_revision $suite $packages $user" | sha256sum | cut -c1-16)
base="$cache/java17-base-$key"
if [[ ! -f "$base/index.json" ]]; then
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/build.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  echo "building the Java 17 base image from Debian $suite (once; cached in $base)" >&2
  mmdebstrap --quiet --mode=auto --variant=essential --include="$packages" \
    --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --customize-hook="echo 'aifabric:x:$user:$user::/deployments:/usr/sbin/nologin' >>\"\$1/etc/passwd\"" \
    --customize-hook="echo 'aifabric:x:$user:' >>\"\$1/etc/group\"" \
    --customize-hook='mkdir -p "$1/deployments" "$1/tmp" && chmod 1777 "$1/tmp"' \
    "$suite" "$work/rootfs.tar"
  umoci init --layout "$work/oci"
  umoci new --image "$work/oci:base"
  umoci raw add-layer --image "$work/oci:base" "$work/rootfs.tar"
  umoci config --image "$work/oci:base" --os linux --architecture amd64 \
    --config.user "$user:$user" --config.workingdir /deployments \
    --config.env JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64 --config.env LANG=C.UTF-8
  rm -rf "$base" && mv "$work/oci" "$base"
  find "$cache" -maxdepth 1 -name 'java17-base-*' ! -name "java17-base-$key" -exec rm -rf {} +
fi

mkdir -p "$out"
for service in "${services[@]}"; do
  src=${app[$service]:-}
  [[ -n "$src" ]] || { echo "no such service: $service" >&2; exit 1; }
  [[ -e "$src" ]] || { echo "$src is missing: build it first (./mvnw -B package -DskipTests)" >&2; exit 1; }
  stage=$(mktemp -d)
  layout=$(mktemp -d)
  mkdir -p "$stage/deployments"
  if [[ -d "$src" ]]; then
    cp -r "$src/." "$stage/deployments/"
    entry=/deployments/quarkus-run.jar
  else
    cp "$src" "$stage/deployments/"
    entry=/deployments/$(basename "$src")
  fi
  # One layer, reproducible: fixed owner and times, sorted names.
  tar --owner=$user --group=$user --numeric-owner --mtime=@0 --sort=name \
    -C "$stage" -cf "$stage/app.tar" deployments
  cp -r "$base/." "$layout/"
  umoci raw add-layer --image "$layout:base" --tag app "$stage/app.tar"
  umoci config --image "$layout:app" \
    --config.entrypoint java --config.entrypoint=-XX:MaxRAMPercentage=75 \
    --config.entrypoint=-jar --config.entrypoint "$entry" \
    --config.label "org.opencontainers.image.title=aifabric $service" \
    --config.label "org.opencontainers.image.version=$version"
  rm -f "$out/$service.tar"
  skopeo copy --quiet "oci:$layout:app" "docker-archive:$out/$service.tar:$registry/$service:$tag"
  rm -rf "$stage" "$layout"
  echo "$out/$service.tar  $registry/$service:$tag" >&2
done
