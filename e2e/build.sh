#!/usr/bin/env bash
# Builds the test bed's binaries with the Go toolchain from their Go modules, and caches them:
#   k8s-bundle  kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd and KWOK,
#               at the versions pinned in go.mod, linked into one binary (cold build ~7 min on 2 cores)
#   testbed     the harness that starts the clusters
#   helm        the Helm CLI (tools/helm), for the chart tests
#   weed        SeaweedFS (tools/seaweedfs), each member's S3-compatible object store
# Each is cached under ${AIFABRIC_CACHE:-~/.cache/aifabric}, keyed by a hash of everything that
# goes into it (go.mod, go.sum, sources, Go version), so a warm run rebuilds nothing. The binaries
# are linked into e2e/bin/. Prints the bin directory.
set -euo pipefail
cd "$(dirname "$0")"
cache="${AIFABRIC_CACHE:-$HOME/.cache/aifabric}"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"

key_of() { # key_of <paths...>: hash of go.mod, go.sum, the Go version and the given sources
  { go version; cat go.mod go.sum; find "$@" -type f -name '*.go' -o -type f -name '*.yaml' | sort | xargs cat; } \
    | sha256sum | cut -c1-16
}

k8s_version=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
kwok_version=$(go list -m -f '{{.Version}}' sigs.k8s.io/kwok)
minor=$(echo "$k8s_version" | cut -d. -f2)
# Stamp the versions a `go build` cannot know, so `kubectl version` and /version tell the truth.
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
ldflags+=" -X sigs.k8s.io/kwok/pkg/consts.Version=$kwok_version"

build() { # build <name> <package> <key-sources...>
  local name=$1 pkg=$2; shift 2
  local key; key=$(key_of "$@")
  local out="$cache/$name/$key/$name"
  if [[ ! -x "$out" ]]; then
    echo "building $name ($k8s_version, key $key) ..." >&2
    local start=$SECONDS
    mkdir -p "$(dirname "$out")"
    go build -trimpath -ldflags "$ldflags" -o "$out.tmp" "$pkg"
    mv "$out.tmp" "$out"
    echo "built $name in $((SECONDS - start))s" >&2
  fi
  mkdir -p bin
  ln -sfn "$out" "bin/$name"
}

build k8s-bundle ./cmd/k8s-bundle cmd/k8s-bundle
build testbed ./cmd/testbed cmd/testbed internal

# The Helm CLI the chart tests install with, from its own module (tools/helm: Helm's dependency
# graph is not the test bed's), keyed by that module's go.mod and go.sum.
helm_version=$(cd tools/helm && go list -m -f '{{.Version}}' helm.sh/helm/v4)
helm_key=$({ go version; cat tools/helm/go.mod tools/helm/go.sum; } | sha256sum | cut -c1-16)
helm_out="$cache/helm/$helm_key/helm"
if [[ ! -x "$helm_out" ]]; then
  echo "building helm ($helm_version, key $helm_key) ..." >&2
  start=$SECONDS
  mkdir -p "$(dirname "$helm_out")"
  (cd tools/helm && go build -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$helm_version" \
    -o "$helm_out.tmp" helm.sh/helm/v4/cmd/helm)
  mv "$helm_out.tmp" "$helm_out"
  echo "built helm in $((SECONDS - start))s" >&2
fi
ln -sfn "$helm_out" bin/helm

# SeaweedFS, the members' S3-compatible object store, from its own module likewise (cold: the
# module downloads dominate, ~10 min here; then cached like the rest).
weed_key=$({ go version; cat tools/seaweedfs/go.mod tools/seaweedfs/go.sum; } | sha256sum | cut -c1-16)
weed_out="$cache/weed/$weed_key/weed"
if [[ ! -x "$weed_out" ]]; then
  echo "building weed (SeaweedFS, key $weed_key) ..." >&2
  start=$SECONDS
  mkdir -p "$(dirname "$weed_out")"
  (cd tools/seaweedfs && go build -trimpath -ldflags "-s -w" -o "$weed_out.tmp" \
    github.com/seaweedfs/seaweedfs/weed)
  mv "$weed_out.tmp" "$weed_out"
  echo "built weed in $((SECONDS - start))s" >&2
fi
ln -sfn "$weed_out" bin/weed
echo "$PWD/bin"
