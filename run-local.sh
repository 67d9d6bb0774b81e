#!/usr/bin/env bash
# The local aifabric network: a host cluster and two member clusters (real kube-apiserver, etcd,
# controller-manager and scheduler each, 20 KWOK-simulated GPU nodes per member), the aifabric API
# installed on the host, the members' kubeconfig Secrets created, and examples/ applied.
#
#   ./run-local.sh          start (or restart) it and show the network's state
#   ./run-local.sh status   show the state again
#   ./run-local.sh down     stop it
set -euo pipefail
cd "$(dirname "$0")"
dir="$PWD/target/local-network"
members=(member-a member-b)

bin=$(e2e/build.sh)
k() { "$bin/k8s-bundle" kubectl --kubeconfig "$dir/kubeconfig" --cache-dir "$dir/kubectl-cache" "$@"; }

show() {
  echo
  echo "== GPU capacity of the members (KWOK nodes, GPU Feature Discovery labels)"
  for m in "${members[@]}"; do
    k --context "$m" get nodes -l nvidia.com/gpu.present=true --no-headers \
      -o custom-columns=MODEL:.metadata.labels.nvidia\\.com/gpu\\.product,GPUS:.status.capacity.nvidia\\.com/gpu \
      | awk -v m="$m" '{n[$1]++; g[$1]+=$2} END {for (x in n) printf "  %-9s %-26s %3d nodes %4d GPUs\n", m, x, n[x], g[x]}'
  done
  echo
  echo "== aifabric objects on the host (kubectl get aifabric -A)"
  k --context host get aifabric -A
  echo
  echo "Note: the operator that places and dispatches AIJobs is not built yet (issue #3), so the"
  echo "      AIJobs above have no phase; the clusters, GPU nodes and API are all real."
  echo
  echo "Use it: export KUBECONFIG=$dir/kubeconfig   (contexts: host, ${members[*]})"
  echo "        kubectl --context host get aijobs -A -w"
  echo "Stop:   ./run-local.sh down"
}

case "${1:-up}" in
  down)
    "$bin/testbed" down --dir "$dir"
    exit 0
    ;;
  status)
    show
    exit 0
    ;;
  up) ;;
  *)
    echo "usage: $0 [up|status|down]" >&2
    exit 2
    ;;
esac

"$bin/testbed" down --dir "$dir" >/dev/null 2>&1 || true
"$bin/testbed" up --dir "$dir" --detach --members "${#members[@]}" --gpu-nodes 20

echo "installing the aifabric API on the host"
k --context host apply -f crds/generated/ >/dev/null
k --context host wait --for=condition=Established crd/aijobs.aifabric.io crd/memberclusters.aifabric.io \
  crd/computenodes.aifabric.io crd/storagevolumes.aifabric.io --timeout=60s >/dev/null

echo "handing the members' kubeconfigs to the host (Secrets in aifabric-system)"
k --context host create namespace aifabric-system --dry-run=client -o yaml | k --context host apply -f - >/dev/null
for m in "${members[@]}"; do
  k --context host -n aifabric-system create secret generic "$m-kubeconfig" \
    --from-file=kubeconfig="$dir/$m/kubeconfig" --dry-run=client -o yaml | k --context host apply -f - >/dev/null
done

echo "applying examples/"
for f in examples/*.yaml; do
  # Discovery of freshly installed kinds can lag a moment behind Established.
  for attempt in 1 2 3 4 5; do
    if out=$(k --context host apply -f "$f" 2>&1); then
      sed 's/^/  /' <<<"$out"
      break
    elif ((attempt == 5)); then
      echo "$out" >&2
      exit 1
    fi
    sleep 1
  done
done
show
