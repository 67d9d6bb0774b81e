#!/usr/bin/env bash
# The local aifabric network, the whole loop: a host cluster and two member clusters (real
# kube-apiserver, etcd, controller-manager and scheduler each, 20 KWOK-simulated GPU nodes per
# member), the aifabric API on the host, the members joined with their least-privilege kubeconfigs,
# the operator (safe defaults: verified nodes only) and the network's MQTT broker (TLS, client
# certificates, the topic ACL); on each member the aifabric scheduler and extender, an object store
# with the sealing sidecars and the packaged node agent on the GPU nodes the examples need; an anvil
# chain with the contracts, three oracle bridges (one also the relayer) run with their chart's
# credentials; then examples/ applied, the example payer's escrow deposit made, the paid job
# followed until it is settled on chain, and the sealed job's outputs fetched with the CLI
# (io.aifabric.e2e.LocalNetwork does all of that).
#
#   ./run-local.sh          start (or restart) it and show the network's state
#   ./run-local.sh status   show the state again
#   ./run-local.sh down     stop it
set -euo pipefail
cd "$(dirname "$0")"
dir="$PWD/target/local-network"
pid_file="$PWD/target/local-network.pid"
log="$PWD/target/local-network.log"
classpath_file="$PWD/e2e/target/local-network.classpath"

bin=$(e2e/build.sh)
k() { "$bin/k8s-bundle" kubectl --kubeconfig "$dir/kubeconfig" --cache-dir "$dir/kubectl-cache" "$@"; }

show() {
  echo
  echo "== GPU capacity of the members (KWOK nodes, GPU Feature Discovery labels)"
  for m in member-a member-b; do
    k --context "$m" get nodes -l nvidia.com/gpu.present=true --no-headers \
      -o custom-columns=MODEL:.metadata.labels.nvidia\\.com/gpu\\.product,GPUS:.status.capacity.nvidia\\.com/gpu \
      | awk -v m="$m" '{n[$1]++; g[$1]+=$2} END {for (x in n) printf "  %-9s %-26s %3d nodes %4d GPUs\n", m, x, n[x], g[x]}'
  done
  echo
  echo "== on the host: AIJobs, MemberClusters, ComputeNodes, StorageVolumes (all: kubectl get aifabric -A)"
  k --context host get aijobs -A
  echo
  k --context host get memberclusters
  echo
  k --context host get computenodes --no-headers | awk '{n[$2]++} END {for (c in n) printf "ComputeNodes of %s: %d\n", c, n[c]}'
  echo
  k --context host get storagevolumes -A
  echo
  echo "== the story: the escrow-paid job from deposit to settlement on chain, and sealed outputs back to their user"
  if [[ -s "$dir/story.txt" ]]; then sed 's/^/  /' "$dir/story.txt"; else echo "  (not settled yet: ./run-local.sh status)"; fi
  k --context host get aijob -n ml-team paid-inference \
    -o jsonpath='  status.settlement: batch {.status.settlement.batch}, tx {.status.settlement.txHash}, block {.status.settlement.blockNumber}{"\n"}'
  k --context host get settlementbatches -A
  echo
  echo "== why needs-b200 waits"
  k --context host get aijob -n ml-team needs-b200 -o jsonpath='{.status.conditions[?(@.type=="Placed")].message}'
  echo
  echo
  echo "== summarize-reports' outputs, as only the holder of $dir/user/key can read them"
  echo "   (cli/aifabric fetch summarize-reports -n ml-team --key $dir/user/key --kubeconfig $dir/kubeconfig --context host)"
  if [[ -d "$dir/user/summarize-reports" ]]; then
    for f in "$dir"/user/summarize-reports/replica-*/result.txt; do
      [[ -f "$f" ]] && echo "  ${f#"$dir/user/"}: $(cat "$f")"
    done
  else
    echo "  (not fetched yet: ./run-local.sh status)"
  fi
  echo
  if [[ -s "$dir/console-url" ]]; then
    echo "Explore: $(cat "$dir/console-url")   (the network explorer: members, nodes and their proofs, jobs, settlement)"
  fi
  echo "Logs:   $log (and under $dir)"
  echo "Use it: export KUBECONFIG=$dir/kubeconfig   (contexts: host, member-a, member-b)"
  echo "        kubectl --context host get aijobs -A -w"
  echo "Stop:   ./run-local.sh down"
}

stop() {
  if [[ -f "$pid_file" ]]; then
    pid=$(cat "$pid_file")
    if kill "$pid" 2>/dev/null; then
      # Its shutdown stops what it started: agents, bridges, anvil, operator, broker, the clusters.
      for _ in $(seq 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
    # Whatever outlived that: it runs in a process group of its own (setsid below).
    kill -9 -- "-$pid" 2>/dev/null || true
    rm -f "$pid_file"
  fi
  "$bin/testbed" down --dir "$dir" >/dev/null 2>&1 || true
}

case "${1:-up}" in
  down)
    stop
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

stop
# Build what is missing or older than its sources (the first run builds everything, ~3 min).
stamp="$PWD/target/local-network.built"
if [[ ! -f "$stamp" || ! -f "$classpath_file" \
  || -n "$(find pom.xml */pom.xml */src -newer "$stamp" -type f 2>/dev/null | head -1)" ]]; then
  echo "building aifabric (./mvnw install -DskipTests)"
  ./mvnw -q -B -ntp install -DskipTests
  ./mvnw -q -B -ntp -pl e2e dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$classpath_file" >/dev/null
  mkdir -p target && touch "$stamp"
fi

rm -rf "$dir" && mkdir -p "$dir"
echo "starting the network (log: $log)"
# About twenty JVMs (operator, node agents, bridges, extenders, sidecars) start at once and then
# mostly idle: the C1 compiler alone starts them with far less CPU (first settlement 125 s -> 87 s
# on a 2-CPU machine). The benchmarks measure the services with their default JIT, not this.
export JAVA_TOOL_OPTIONS="-XX:TieredStopAtLevel=1 -XX:+UseSerialGC ${JAVA_TOOL_OPTIONS:-}"
nohup setsid java -Xmx1g \
  -Daifabric.testbed.bin="$bin" -Daifabric.repo.root="$PWD" \
  -Daifabric.operator.jar="$PWD/operator/target/quarkus-app/quarkus-run.jar" \
  -Daifabric.bridge.jar="$PWD/escrow-bridge/target/quarkus-app/quarkus-run.jar" \
  -Daifabric.anvil="$PWD/escrow-bridge/node_modules/.bin/anvil" \
  -cp "$PWD/e2e/target/test-classes:$PWD/e2e/target/classes:$(cat "$classpath_file")" \
  io.aifabric.e2e.LocalNetwork "$dir" >"$log" 2>&1 </dev/null &
echo $! >"$pid_file"

# Tell the story as it happens, until the sealed outputs are back with their user (or it stops).
shown=0
for _ in $(seq 600); do
  if [[ -f "$log" ]]; then
    lines=$(wc -l <"$log")
    if ((lines > shown)); then
      sed -n "$((shown + 1)),${lines}p" "$log" | grep -v -E '^(SLF4J|WARNING|Picked up JAVA_TOOL_OPTIONS|\s+at )| WARN ' | sed 's/^/  /' || true
      shown=$lines
    fi
  fi
  grep -q "fetched and opened" "$dir/story.txt" 2>/dev/null && break
  if ! kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    echo "the network stopped: see $log" >&2
    exit 1
  fi
  sleep 0.5
done
k --context host wait --for=jsonpath='{.status.phase}'=Succeeded -n ml-team \
  aijob/llama-inference aijob/gpt-finetune aijob/eu-embeddings --timeout=60s >/dev/null || true
show
