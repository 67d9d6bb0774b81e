#!/usr/bin/env bash
# The local aifabric network: a host cluster and two member clusters (real kube-apiserver, etcd,
# controller-manager and scheduler each, 20 KWOK-simulated GPU nodes per member), the aifabric API
# installed on the host, the members' kubeconfig Secrets created, the operator running, and
# examples/ applied: the AIJobs are placed, dispatched to the members and run.
#
#   ./run-local.sh          start (or restart) it and show the network's state
#   ./run-local.sh status   show the state again
#   ./run-local.sh down     stop it
set -euo pipefail
cd "$(dirname "$0")"
dir="$PWD/target/local-network"
members=(member-a member-b)

operator_jar=operator/target/quarkus-app/quarkus-run.jar
operator_pid="$PWD/target/local-network-operator.pid"
operator_log="$PWD/target/local-network-operator.log"
broker_pid="$PWD/target/local-network-mosquitto.pid"
broker_port="${AIFABRIC_BROKER_PORT:-18830}"

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
  echo "== node agents (the chart's DaemonSet; on KWOK nodes their pods are simulated)"
  for m in "${members[@]}"; do
    k --context "$m" -n aifabric-system get daemonset aifabric-node-agent --no-headers \
      -o custom-columns=DESIRED:.status.desiredNumberScheduled,READY:.status.numberReady \
      | awk -v m="$m" '{printf "  %-9s %s of %s GPU nodes run the node agent\n", m, $2, $1}'
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
  k --context host get storagevolumes -A -o jsonpath='{range .items[*]}{.metadata.name}: {range .status.claims[*]}claimed in {.cluster} as {.namespace}/{.claimName}, {.phase} to {.volumeName}{end}{"\n"}{end}'
  echo
  echo "== why needs-b200 waits"
  k --context host get aijob -n ml-team needs-b200 -o jsonpath='{.status.conditions[?(@.type=="Placed")].message}'
  echo
  echo
  echo "== why summarize-reports (sealed outputs) waits: this local network's members have no object store"
  k --context host get aijob -n ml-team summarize-reports -o jsonpath='{.status.conditions[?(@.type=="Placed")].message}'
  echo
  echo
  echo "Operator log: $operator_log"
  echo "Use it: export KUBECONFIG=$dir/kubeconfig   (contexts: host, ${members[*]})"
  echo "        kubectl --context host get aijobs -A -w"
  echo "Stop:   ./run-local.sh down"
}

stop_operator() {
  for pidfile in "$operator_pid" "$broker_pid"; do
    if [[ -f "$pidfile" ]]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
    fi
  done
}

case "${1:-up}" in
  down)
    stop_operator
    "$bin/testbed" down --dir "$dir"
    exit 0
    ;;
  status)
    echo "waiting for the members to join and the jobs to run"
k --context host wait --for=condition=Ready membercluster/member-a membercluster/member-b --timeout=60s >/dev/null
k --context host wait --for=jsonpath='{.status.phase}'=Succeeded -n ml-team aijob/llama-inference aijob/gpt-finetune aijob/eu-embeddings --timeout=90s >/dev/null || true
show
    exit 0
    ;;
  up) ;;
  *)
    echo "usage: $0 [up|status|down]" >&2
    exit 2
    ;;
esac

stop_operator
"$bin/testbed" down --dir "$dir" >/dev/null 2>&1 || true
if [[ ! -f "$operator_jar" || -n "$(find operator/src crds/src -newer "$operator_jar" -type f | head -1)" ]]; then
  echo "building the operator"
  ./mvnw -q -B -ntp -pl operator -am install -DskipTests
fi
"$bin/testbed" up --dir "$dir" --detach --members "${#members[@]}" --gpu-nodes 20

# The network broker's authority (P-256, openssl): the broker's certificate, the operator's
# (CN aifabric-operator), and the CA the members' agents check both by. The operator issues each
# registered node its own certificate from the same authority.
pki="$dir/broker-pki"
command -v openssl >/dev/null || { echo "openssl is needed for the broker's certificates (apt-get install openssl)" >&2; exit 1; }
if [[ ! -f "$pki/operator.crt" ]]; then
  echo "making the broker's authority and certificates ($pki)"
  mkdir -p "$pki" && chmod 700 "$pki"
  newkey() { openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out "$1"; chmod 600 "$1"; }
  newkey "$pki/ca.key"
  openssl req -x509 -new -key "$pki/ca.key" -subj "/O=aifabric/CN=aifabric local broker CA" -days 30 \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$pki/ca.crt" 2>/dev/null
  issue() { # name, CN, extendedKeyUsage[, subjectAltName]
    newkey "$pki/$1.key"
    printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
      "extendedKeyUsage=$3" ${4:+"subjectAltName=$4"} >"$pki/$1.ext"
    openssl req -new -key "$pki/$1.key" -subj "/O=aifabric/CN=$2" 2>/dev/null |
      openssl x509 -req -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial -days 30 \
        -extfile "$pki/$1.ext" -out "$pki/$1.crt" 2>/dev/null
  }
  issue server localhost serverAuth "IP:127.0.0.1,DNS:localhost"
  issue operator aifabric-operator clientAuth
fi

echo "joining the members: the aifabric chart (node agent DaemonSet, RBAC, admission policy)"
for m in "${members[@]}"; do
  k --context "$m" create namespace aifabric-system --dry-run=client -o yaml | k --context "$m" apply -f - >/dev/null
  k --context "$m" label --overwrite namespace aifabric-system pod-security.kubernetes.io/enforce=privileged \
    pod-security.kubernetes.io/warn=baseline >/dev/null
  HELM_CACHE_HOME="$dir/helm/cache" HELM_CONFIG_HOME="$dir/helm/config" HELM_DATA_HOME="$dir/helm/data" \
    "$bin/helm" upgrade --install aifabric charts/aifabric --kube-context "$m" --kubeconfig "$dir/kubeconfig" \
    -n aifabric-system --set cluster.name="$m" --set broker.host=127.0.0.1 --set broker.port="$broker_port" \
    --set-file broker.tls.caCertificate="$pki/ca.crt" \
    --wait --timeout 120s >/dev/null 2>&1 || { echo "helm install into $m failed" >&2; exit 1; }
done

# A provider's storage: member-a offers a PersistentVolume the example's training-data StorageVolume
# (examples/30) binds to when a job that mounts it is placed there (its claim is the operator's,
# the binding the member's own controller's).
k --context member-a apply -f - >/dev/null <<'PV'
apiVersion: v1
kind: PersistentVolume
metadata: {name: dc-eu-training-data}
spec:
  capacity: {storage: 1000Gi}
  accessModes: [ReadOnlyMany]
  persistentVolumeReclaimPolicy: Retain
  storageClassName: ""
  hostPath: {path: /srv/training-data}
PV

echo "installing the aifabric API on the host"
k --context host apply -f crds/generated/ >/dev/null
k --context host wait --for=condition=Established crd/aijobs.aifabric.io crd/memberclusters.aifabric.io \
  crd/computenodes.aifabric.io crd/storagevolumes.aifabric.io --timeout=60s >/dev/null

# Not the members' admin kubeconfigs: a token of the chart's least-privilege aifabric-host
# ServiceAccount, with the member's server and CA inline, is what a provider hands over.
echo "handing the host each member's aifabric-host token (Secrets in aifabric-system)"
k --context host create namespace aifabric-system --dry-run=client -o yaml | k --context host apply -f - >/dev/null
for m in "${members[@]}"; do
  token=$(k --context "$m" -n aifabric-system create token aifabric-host --duration=24h)
  server=$("$bin/k8s-bundle" kubectl --kubeconfig "$dir/$m/kubeconfig" config view --raw -o jsonpath='{.clusters[0].cluster.server}')
  ca=$("$bin/k8s-bundle" kubectl --kubeconfig "$dir/$m/kubeconfig" config view --raw -o jsonpath='{.clusters[0].cluster.certificate-authority-data}')
  printf '%s\n' "apiVersion: v1" "kind: Config" "clusters:" "- name: $m" "  cluster:" \
    "    server: $server" "    certificate-authority-data: $ca" "users:" "- name: aifabric-host" \
    "  user:" "    token: $token" "contexts:" "- name: aifabric-host" \
    "  context: {cluster: $m, user: aifabric-host}" "current-context: aifabric-host" \
    >"$dir/$m/host-access.kubeconfig"
  k --context host -n aifabric-system create secret generic "$m-kubeconfig" \
    --from-file=kubeconfig="$dir/$m/host-access.kubeconfig" --dry-run=client -o yaml | k --context host apply -f - >/dev/null
done

# The network's MQTT broker, where node agents publish heartbeats (Debian's mosquitto), as the
# network's brokers are configured (config/mosquitto): TLS only, a client certificate required, its
# CN the username the ACL grants topics to. Its authority (made above) issues the operator's.
mosquitto_bin=$(command -v mosquitto || ls /usr/sbin/mosquitto 2>/dev/null || true)
if [[ -n "$mosquitto_bin" ]]; then
  echo "starting the MQTT broker on 127.0.0.1:$broker_port (TLS, client certificates, the network's ACL)"
  {
    # As root, mosquitto would drop to the "mosquitto" user, who cannot read the owner-only keys.
    [[ $EUID -eq 0 ]] && echo "user root"
    printf '%s\n' "listener $broker_port 127.0.0.1" "cafile $pki/ca.crt" "certfile $pki/server.crt" \
      "keyfile $pki/server.key" "tls_version tlsv1.2" "require_certificate true" \
      "use_identity_as_username true" "allow_anonymous false" "acl_file $PWD/config/mosquitto/aifabric.acl" \
      "persistence false" "max_packet_size 65536" "max_queued_messages 1000"
  } >"$dir/mosquitto.conf"
  nohup "$mosquitto_bin" -c "$dir/mosquitto.conf" >"$dir/mosquitto.log" 2>&1 &
  echo $! >"$broker_pid"
else
  echo "no mosquitto (apt-get install mosquitto): the operator runs without node agents' heartbeats"
fi

echo "starting the operator (log: $operator_log)"
port="${AIFABRIC_OPERATOR_PORT:-8080}"
KUBECONFIG="$dir/host/kubeconfig" QUARKUS_HTTP_PORT="$port" AIFABRIC_MEMBER_PROBE_INTERVAL=5s \
  AIFABRIC_DISPATCH_SCHEDULER_NAME=default-scheduler AIFABRIC_PLACEMENT_UNVERIFIED_NODES=true \
  AIFABRIC_DISPATCH_PENDING_RETRY=5s AIFABRIC_BROKER_HOST=127.0.0.1 AIFABRIC_BROKER_PORT="$broker_port" \
  AIFABRIC_BROKER_TLS_CERTIFICATE="$pki/operator.crt" AIFABRIC_BROKER_TLS_KEY="$pki/operator.key" \
  AIFABRIC_BROKER_TLS_CA="$pki/ca.crt" AIFABRIC_BROKER_AUTHORITY_CERTIFICATE="$pki/ca.crt" \
  AIFABRIC_BROKER_AUTHORITY_KEY="$pki/ca.key" \
  nohup java -jar "$operator_jar" >"$operator_log" 2>&1 &
echo $! >"$operator_pid"
for _ in $(seq 60); do
  curl -sf "localhost:$port/q/health/ready" >/dev/null 2>&1 && break
  sleep 1
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
echo "waiting for the members to join and the jobs to run"
k --context host wait --for=condition=Ready membercluster/member-a membercluster/member-b --timeout=60s >/dev/null
k --context host wait --for=jsonpath='{.status.phase}'=Succeeded -n ml-team aijob/llama-inference aijob/gpt-finetune aijob/eu-embeddings --timeout=90s >/dev/null || true
show
