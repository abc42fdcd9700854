#!/usr/bin/env bash
# A real single-node Kubernetes for the tests: etcd, its own containerd, kube-apiserver,
# kube-controller-manager, kube-scheduler and a kubelet, on non-default ports, state under .sentinel/kube.
#   kube.sh up       build the binaries once (kube-build.sh, cached), start everything, apply infra/k8s/
#   kube.sh images   import the step images the DAGs name (docker save | ctr import); `make test` runs it
#   kube.sh status   what runs
#   kube.sh down     stop it and undo every side effect on the host (processes, mounts, netns, bridge,
#                    iptables chains, cgroups, sysctls), leaving the machine as `up` found it
# Why each setting: docs/decisions.md 47. Writes .sentinel/kube.env (kubeconfigs, the pods' host address).
# Needs root (iptables, cgroups, mounts). One cluster per machine (ports, bridge): its state lives outside
# the clone, so every clone's `kube.sh up` finds and reuses it, and `make clean` cannot pull it away.
source "$(dirname "$0")/lib.sh"
dir=$(cd "$(dirname "$0")" && pwd)

KUBE_VERSION=${KUBE_VERSION:-v1.32.3}
K=${SENTINEL_KUBE_DIR:-/var/lib/log-sentinel-kube}
RUN="$K/run"                          # pid files
LOGS="$K/log"
PKI="$K/pki"
SOCK="$K/containerd/containerd.sock"
NODE=sentinel-node
ETCD_PORT=23790 ETCD_PEER_PORT=23800
API_PORT=16443
KUBELET_PORT=10350 KUBELET_HEALTHZ_PORT=10348
CM_PORT=10357 SCHED_PORT=10359
POD_CIDR=${SENTINEL_KUBE_POD_CIDR:-10.244.0.0/24}
BRIDGE=sentinel0
GATEWAY=${POD_CIDR%.*}.1              # the host, seen from the pods
CNI_NETWORK=sentinel-pods
SERVICE_CIDR=10.96.0.0/24
PAUSE_IMAGE=localhost/pause:3.10
ADMIN="$K/admin.kubeconfig"
# The kubelet (protectKernelDefaults: false) and the CNI bridge change these: recorded at `up`, restored at `down`.
SYSCTLS=(vm.overcommit_memory kernel.panic kernel.panic_on_oops net.ipv4.ip_forward net.ipv4.conf.all.route_localnet)
HOST_DIRS=(/var/lib/cni /var/log/containers /var/log/pods /var/run/netns /opt/cni)

kubectl_admin() { kubectl --kubeconfig "$ADMIN" "$@"; }
ctr_k8s() { ctr --address "$SOCK" --namespace k8s.io "$@"; }
alive() { pid_from_file "$RUN/$1.pid" >/dev/null; }
# wait_for_started <name> <seconds> <description> <command...>: wait_for_process for what `start` started.
wait_for_started() {
  local name=$1; shift
  local recorded; recorded=$(cat "$RUN/$name.pid")
  wait_for_process "${recorded%% *}" "$LOGS/$name.log" "$@"
}

# start <name> <command...>: in its own session, log in $LOGS/<name>.log, pid in $RUN/<name>.pid.
start() {
  local name=$1; shift
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  write_pid_file "$RUN/$name.pid" $!
}

node_ip() {
  local ip
  ip=$(ip -4 -o route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p')
  [[ -n $ip ]] || ip=$(ip -4 -o addr show scope global | awk '{print $4}' | cut -d/ -f1 | head -1)
  [[ -n $ip ]] || die "no global IPv4 address for the node"
  echo "$ip"
}

# ---------------------------------------------------------------------------------------------------
# Certificates (openssl): a CA, then one key pair per identity. Short-lived (30 days): test clusters only.
leaf() { # leaf <file> <CN> <O or ""> <subjectAltName or "">
  local f=$1 cn=$2 org=$3 san=$4 subj="/CN=$2"
  [[ -n $org ]] && subj="/O=$org/CN=$cn"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$PKI/$f.key" \
    -out "$PKI/$f.csr" -subj "$subj" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=serverAuth,clientAuth"
    if [[ -n $san ]]; then echo "subjectAltName=$san"; fi
  } >"$PKI/$f.ext"
  openssl x509 -req -in "$PKI/$f.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial -days 30 \
    -extfile "$PKI/$f.ext" -out "$PKI/$f.crt" 2>/dev/null
  rm -f "$PKI/$f.csr" "$PKI/$f.ext"
}

make_pki() {
  local ip=$1
  mkdir -p "$PKI" && chmod 700 "$PKI"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$PKI/ca.key" \
    -out "$PKI/ca.crt" -days 30 -subj "/CN=log-sentinel-test-ca" 2>/dev/null
  leaf apiserver kube-apiserver "" \
    "IP:127.0.0.1,IP:${SERVICE_CIDR%.*}.1,IP:$ip,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  leaf admin sentinel-admin system:masters ""
  leaf apiserver-kubelet-client kube-apiserver-kubelet-client system:masters ""
  leaf controller-manager system:kube-controller-manager "" ""
  leaf scheduler system:kube-scheduler "" ""
  leaf kubelet "system:node:$NODE" system:nodes "IP:$ip,DNS:$NODE"
  openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
  openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
}

kubeconfig() { # kubeconfig <file> <user> (--client-certificate=.. --client-key=.. | --token=..)
  local file=$1 user=$2; shift 2
  kubectl config --kubeconfig "$file" set-cluster sentinel --server "https://127.0.0.1:$API_PORT" \
    --certificate-authority "$PKI/ca.crt" --embed-certs >/dev/null
  local embed=()
  [[ $* == *--client-certificate* ]] && embed=(--embed-certs)
  kubectl config --kubeconfig "$file" set-credentials "$user" "$@" "${embed[@]}" >/dev/null
  kubectl config --kubeconfig "$file" set-context sentinel --cluster sentinel --user "$user" >/dev/null
  kubectl config --kubeconfig "$file" use-context sentinel >/dev/null
  chmod 600 "$file"
}

# ---------------------------------------------------------------------------------------------------
# The pause image without a registry: a static Go program that waits for SIGTERM and reaps children.
pause_image() {
  ctr_k8s images ls -q | grep -qx "$PAUSE_IMAGE" && return
  local bin="$CACHE_DIR/kube-pause/pause"
  if [[ ! -x $bin ]]; then
    local src; src=$(mktemp -d)
    cat >"$src/main.go" <<'GO'
// pause: the sandbox process of every pod. Holds the namespaces, reaps orphans, exits on SIGTERM/SIGINT.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	child := make(chan os.Signal, 16)
	signal.Notify(child, syscall.SIGCHLD)
	for {
		select {
		case <-stop:
			os.Exit(0)
		case <-child:
			for {
				var ws syscall.WaitStatus
				if pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil); pid <= 0 || err != nil {
					break
				}
			}
		}
	}
}
GO
    printf 'module pause\n\ngo 1.21\n' >"$src/go.mod"
    mkdir -p "$(dirname "$bin")"
    (cd "$src" && CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-buildvcs=false go build -trimpath -ldflags "-s -w" -o "$bin" .)
    rm -rf "$src"
  fi
  # A docker-archive tarball made by hand (one layer: /pause), so the cluster needs no Docker engine.
  local ctx; ctx=$(mktemp -d)
  mkdir -p "$ctx/rootfs" "$ctx/image"
  cp "$bin" "$ctx/rootfs/pause"
  tar -C "$ctx/rootfs" --owner 0 --group 0 --numeric-owner --mtime @0 -cf "$ctx/image/layer.tar" pause
  local diff_id; diff_id=$(sha256sum "$ctx/image/layer.tar" | cut -d' ' -f1)
  printf '{"architecture":"amd64","os":"linux","config":{"Entrypoint":["/pause"],"User":"65535:65535"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
    "$diff_id" >"$ctx/image/config.json"
  printf '[{"Config":"config.json","RepoTags":["%s"],"Layers":["layer.tar"]}]' "$PAUSE_IMAGE" >"$ctx/image/manifest.json"
  tar -C "$ctx/image" -cf - manifest.json config.json layer.tar | ctr_k8s images import - >/dev/null
  rm -rf "$ctx"
}

# The step images the DAGs run (dags/sentinel_infra/images.py: image_tag.txt, else the checkout's tag).
step_tag() {
  if [[ -n ${SENTINEL_IMAGE_TAG:-} ]]; then echo "$SENTINEL_IMAGE_TAG"
  elif [[ -f $REPO_ROOT/dags/sentinel_infra/image_tag.txt ]]; then cat "$REPO_ROOT/dags/sentinel_infra/image_tag.txt"
  else "$REPO_ROOT/images/tag.sh"; fi
}

# "image docker-id" per line: what `images` imported, so a tag rebuilt with other content is imported again.
IMPORTED="$K/imported-images"

images() {
  alive containerd || die "the cluster is not up: infra/scripts/kube.sh up"
  local tag present want=() ids=() step
  tag=$(step_tag)
  present=$(ctr_k8s images ls -q)
  for step in generate ingest parse features train score monitor alert report; do
    local image="log-sentinel/$step:$tag" id
    id=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
    # Skip what the cluster holds with the same content (or holds, when Docker no longer has the image):
    # the tag names a commit, but `make images` on uncommitted changes rebuilds it with other content.
    if grep -qx "docker.io/$image" <<<"$present"; then
      [[ -z $id ]] || grep -qxF "$image $id" "$IMPORTED" 2>/dev/null && continue
    fi
    [[ -n $id ]] || die "image $image missing: run \`make images\`"
    want+=("$image")
    ids+=("$image $id")
  done
  if ((${#want[@]})); then
    local t=$SECONDS
    docker save "${want[@]}" | ctr_k8s images import - >/dev/null
    # The record: its lines for other images, then these images with their new ids.
    {
      [[ -f $IMPORTED ]] && awk -v drop="${want[*]}" 'BEGIN { n = split(drop, d, " "); for (i = 1; i <= n; i++) gone[d[i]] = 1 } !($1 in gone)' "$IMPORTED"
      printf '%s\n' "${ids[@]}"
    } >"$IMPORTED.new"
    mv "$IMPORTED.new" "$IMPORTED"
    log "imported ${#want[@]} step images :$tag in $((SECONDS - t)) s"
  else
    log "step images :$tag already imported"
  fi
}

# ---------------------------------------------------------------------------------------------------
write_configs() {
  local ip=$1
  mkdir -p "$K/containerd" "$K/cni/net.d" "$K/kubelet"
  cat >"$K/containerd/config.toml" <<TOML
# Its own containerd: own socket, root and state, so the Docker engine's containerd is left alone.
version = 2
root = "$K/containerd/root"
state = "$K/containerd/state"
[grpc]
  address = "$SOCK"
[ttrpc]
  address = "$SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$K/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$PAUSE_IMAGE"
  # This VM lacks CAP_SYS_RESOURCE: without this, runc fails to lower the sandbox's oom_score_adj to -998.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
        BinaryName = "/usr/sbin/runc"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$K/cni/net.d"
TOML
  cat >"$K/cni/net.d/10-$CNI_NETWORK.conflist" <<JSON
{
  "cniVersion": "0.4.0",
  "name": "$CNI_NETWORK",
  "plugins": [
    {
      "type": "bridge", "bridge": "$BRIDGE", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": {
        "type": "host-local", "dataDir": "$K/cni/ipam",
        "ranges": [[{ "subnet": "$POD_CIDR", "gateway": "$GATEWAY" }]],
        "routes": [{ "dst": "0.0.0.0/0" }]
      }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
JSON
  cat >"$K/kubelet/config.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $ip
port: $KUBELET_PORT
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: $KUBELET_HEALTHZ_PORT
cgroupDriver: cgroupfs
containerRuntimeEndpoint: unix://$SOCK
failSwapOn: false
podLogsDir: $K/pod-logs
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: true }
  x509: { clientCAFile: $PKI/ca.crt }
authorization:
  mode: Webhook
tlsCertFile: $PKI/kubelet.crt
tlsPrivateKeyFile: $PKI/kubelet.key
# A test machine's disk and memory are shared: evict late, never garbage-collect the imported images.
evictionHard: { memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1% }
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
maxPods: 30
serializeImagePulls: false
YAML
}

record_host_state() {
  [[ -f $K/host-state ]] && return # recorded by the first `up`; a second one must not overwrite it
  local s
  {
    for s in "${SYSCTLS[@]}"; do echo "sysctl $s=$(sysctl -n "$s")"; done
    for s in /var/run/netns/*; do if [[ -e $s ]]; then echo "netns $(basename "$s")"; fi; done
    for s in "${HOST_DIRS[@]}"; do if [[ -d $s ]]; then echo "dir $s"; fi; done
  } >"$K/host-state"
}

# Pods reach the host at the bridge's gateway address, not at 127.0.0.1 where MinIO and PostgreSQL
# listen (shared with the other tests): socat relays GATEWAY:9000 and GATEWAY:5432 to them. The
# bridge exists before the first pod so the relays can bind; only the host and the pods can reach it.
start_relays() {
  ip link show "$BRIDGE" >/dev/null 2>&1 || {
    ip link add "$BRIDGE" type bridge
    ip addr add "$GATEWAY/${POD_CIDR#*/}" dev "$BRIDGE"
    ip link set "$BRIDGE" up
  }
  local port
  for port in 9000 5432; do
    alive "relay-$port" || start "relay-$port" socat "TCP-LISTEN:$port,bind=$GATEWAY,reuseaddr,fork" "TCP:127.0.0.1:$port"
  done
}

up() {
  if alive kubelet && kubectl_admin get --raw /readyz >/dev/null 2>&1; then
    start_relays # back if the bridge or a relay went away
    apply_project_manifests
    write_env
    log "cluster already up ($(status_line))"
    return
  fi
  [[ -d $RUN ]] && { log "stale state from an earlier run: cleaning up first"; down; }
  local t0=$SECONDS bin ip
  bin=$("$dir/kube-build.sh")
  log "binaries: $bin ($((SECONDS - t0)) s)"
  for b in etcd containerd runc socat iptables openssl; do command -v "$b" >/dev/null || die "$b missing: infra/scripts/install-system.sh"; done
  ip=$(node_ip)
  mkdir -p "$RUN" "$LOGS" "$K/pod-logs"
  record_host_state
  make_pki "$ip"
  write_configs "$ip"
  kubeconfig "$ADMIN" admin --client-certificate "$PKI/admin.crt" --client-key "$PKI/admin.key"
  kubeconfig "$K/controller-manager.kubeconfig" cm --client-certificate "$PKI/controller-manager.crt" --client-key "$PKI/controller-manager.key"
  kubeconfig "$K/scheduler.kubeconfig" scheduler --client-certificate "$PKI/scheduler.crt" --client-key "$PKI/scheduler.key"
  kubeconfig "$K/kubelet.kubeconfig" kubelet --client-certificate "$PKI/kubelet.crt" --client-key "$PKI/kubelet.key"

  local t=$SECONDS
  start etcd etcd --name sentinel --data-dir "$K/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "sentinel=http://127.0.0.1:$ETCD_PEER_PORT"
  start containerd containerd --config "$K/containerd/config.toml"
  start_relays
  wait_for_started etcd 30 etcd curl -fsS "http://127.0.0.1:$ETCD_PORT/health"
  start kube-apiserver "$bin/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
    --bind-address 127.0.0.1 --secure-port "$API_PORT" --advertise-address "$ip" \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --client-ca-file "$PKI/ca.crt" --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" \
    --kubelet-preferred-address-types InternalIP,Hostname \
    --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction \
    --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$PKI/sa.pub" \
    --service-account-signing-key-file "$PKI/sa.key" \
    --anonymous-auth=false --profiling=false
  wait_for_started kube-apiserver 60 kube-apiserver kubectl_admin get --raw /readyz
  log "API ready in $((SECONDS - t)) s"
  start kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$K/controller-manager.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$CM_PORT" --leader-elect=false --use-service-account-credentials \
    --service-account-private-key-file "$PKI/sa.key" --root-ca-file "$PKI/ca.crt" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" --profiling=false
  start kube-scheduler "$bin/kube-scheduler" --kubeconfig "$K/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$SCHED_PORT" --leader-elect=false --profiling=false
  wait_for_started containerd 30 containerd ctr --address "$SOCK" version
  pause_image
  start kubelet "$bin/kubelet" --config "$K/kubelet/config.yaml" --kubeconfig "$K/kubelet.kubeconfig" \
    --root-dir "$K/kubelet/root" --hostname-override "$NODE" --node-ip "$ip"
  wait_for_started kubelet 90 "node $NODE" kubectl_admin wait "node/$NODE" --for condition=Ready --timeout 5s
  log "node Ready in $((SECONDS - t)) s"
  wait_for 60 "default service account" kubectl_admin -n default get serviceaccount default
  apply_project_manifests
  write_env
  log "cluster up in $((SECONDS - t0)) s ($(status_line))"
}

# The project's own manifests, unchanged, plus what the official Airflow chart would create: the
# `airflow` namespace and the `airflow-worker` service account that rbac.yaml grants pod rights to.
# Airflow talks to this cluster as that service account (a token kubeconfig), not as an admin.
apply_project_manifests() {
  local m=$REPO_ROOT/infra/k8s
  kubectl_admin apply -f "$m/namespace.yaml" -f "$m/rbac.yaml" -f "$m/networkpolicy.yaml" >/dev/null
  kubectl_admin create namespace airflow --dry-run=client -o yaml | kubectl_admin apply -f - >/dev/null
  kubectl_admin -n airflow create serviceaccount airflow-worker --dry-run=client -o yaml | kubectl_admin apply -f - >/dev/null
  kubeconfig "$K/airflow-worker.kubeconfig" airflow-worker \
    --token "$(kubectl_admin -n airflow create token airflow-worker --duration 24h)"
  # The Secret with secret.example.yaml's keys, pointed at the host's MinIO and PostgreSQL through the
  # relays. The Airflow tests replace it with their own database and lake prefix.
  secret_from_example "postgres://sentinel:$PG_PASSWORD@$GATEWAY:5432/sentinel_test" "s3://sentinel-test/kube" |
    kubectl_admin apply -f - >/dev/null
}

# secret_from_example <DATABASE_URL> <SENTINEL_LAKE>: the Secret of infra/k8s/secret.example.yaml with
# test values; fails if the example gains a key this does not fill.
secret_from_example() {
  local -A values=(
    [SENTINEL_LAKE]=$2 [DATABASE_URL]=$1 [AWS_REGION]=us-east-1 [AWS_ACCESS_KEY_ID]=$MINIO_USER
    [AWS_SECRET_ACCESS_KEY]=$MINIO_PASSWORD [AWS_ENDPOINT_URL_S3]="http://$GATEWAY:9000"
  )
  local args=() key
  for key in $(sed -n 's/^  \([A-Z0-9_]*\): .*/\1/p' "$REPO_ROOT/infra/k8s/secret.example.yaml") AWS_ENDPOINT_URL_S3; do
    [[ -n ${values[$key]+x} ]] || die "secret.example.yaml key $key has no test value in kube.sh"
    args+=(--from-literal "$key=${values[$key]}")
  done
  kubectl_admin -n log-sentinel create secret generic log-sentinel-env "${args[@]}" --dry-run=client -o yaml
}

write_env() {
  cat >"$STATE_DIR/kube.env" <<ENV
SENTINEL_TEST_KUBECONFIG=$ADMIN
SENTINEL_TEST_KUBE_AIRFLOW_KUBECONFIG=$K/airflow-worker.kubeconfig
SENTINEL_TEST_KUBE_HOST=$GATEWAY
SENTINEL_TEST_KUBE_CONTAINERD=$SOCK
SENTINEL_TEST_KUBE_NODE=$NODE
ENV
}

status_line() {
  local parts=() p
  for p in etcd containerd kube-apiserver kube-controller-manager kube-scheduler kubelet; do
    alive "$p" && parts+=("$p") || parts+=("$p:DOWN")
  done
  echo "${parts[*]}"
}

status() {
  [[ -d $RUN ]] || { echo "kube: not up"; return 1; }
  echo "kube: $(status_line)"
  kubectl_admin get nodes -o wide 2>/dev/null || true
  kubectl_admin get pods -A 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------------
stop_pid() { stop_pid_file "$RUN/$1.pid"; } # stop_pid <name>: TERM, wait up to 10 s, then KILL

remove_iptables_chains() { # the KUBE-* chains of the kubelet and the CNI-* chains of the bridge/portmap plugins
  local cmd table rule chain
  for cmd in iptables ip6tables; do
    command -v "$cmd" >/dev/null || continue
    for table in filter nat mangle; do
      "$cmd" -t "$table" -S >/dev/null 2>&1 || continue
      # Jumps into those chains from the built-in (or Docker's) chains first, then the chains themselves.
      while read -r rule; do
        # shellcheck disable=SC2086
        eval "$cmd -t $table -D ${rule#-A }" 2>/dev/null || true
      done < <("$cmd" -t "$table" -S | grep -E '^-A ' | grep -E -- '-j (KUBE|CNI)-' | grep -vE '^-A (KUBE|CNI)-')
      for chain in $("$cmd" -t "$table" -S | sed -n 's/^-N \(\(KUBE\|CNI\)-[^ ]*\)$/\1/p'); do
        "$cmd" -t "$table" -F "$chain" 2>/dev/null || true
      done
      for chain in $("$cmd" -t "$table" -S | sed -n 's/^-N \(\(KUBE\|CNI\)-[^ ]*\)$/\1/p'); do
        "$cmd" -t "$table" -X "$chain" 2>/dev/null || true
      done
    done
  done
}

down() {
  [[ -d $K ]] || { log "not up"; return 0; }
  local t=$SECONDS pid
  # Pods first, while the kubelet and containerd still run, so their sandboxes, netns and veths go cleanly.
  if alive kube-apiserver && alive kubelet; then
    kubectl_admin delete pods --all --all-namespaces --wait=true --timeout=60s >/dev/null 2>&1 || true
  fi
  for p in kubelet kube-scheduler kube-controller-manager kube-apiserver; do stop_pid "$p"; done
  # Whatever sandboxes are left (a kubelet that died), through our containerd only.
  if alive containerd; then
    local ids
    ids=$(ctr_k8s tasks ls -q 2>/dev/null || true)
    for id in $ids; do ctr_k8s tasks kill -s KILL "$id" >/dev/null 2>&1 || true; done
    sleep 1
    for id in $ids; do ctr_k8s tasks delete -f "$id" >/dev/null 2>&1 || true; done
  fi
  stop_pid containerd
  # Shims of our containerd socket only (never the Docker engine's), by pid.
  for pid in $(pgrep -f "containerd-shim.*-address $SOCK" || true); do kill -KILL "$pid" 2>/dev/null || true; done
  for p in etcd relay-9000 relay-5432; do stop_pid "$p"; done
  # Processes still in the kubepods cgroups are our containers' (the kubelet made those cgroups).
  local cg
  for cg in $(find /sys/fs/cgroup -maxdepth 3 -type d -name kubepods 2>/dev/null); do
    find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
  done
  sleep 0.5
  for cg in $(find /sys/fs/cgroup -maxdepth 3 -type d -name kubepods 2>/dev/null); do
    find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
  # Mounts under our state (overlay rootfs, shm, emptyDirs, projected volumes), deepest first.
  { findmnt -rn -o TARGET | grep -F "$K/" | sort -r || true; } | while read -r m; do umount -l "$m" 2>/dev/null || true; done
  # Network namespaces made by our CRI (those that did not exist at `up`), the bridge, the CNI caches.
  local ns
  for ns in /var/run/netns/cni-*; do
    [[ -e $ns ]] || continue
    grep -qx "netns $(basename "$ns")" "$K/host-state" 2>/dev/null && continue
    umount "$ns" 2>/dev/null || true
    rm -f "$ns"
  done
  if ip link show "$BRIDGE" >/dev/null 2>&1; then ip link del "$BRIDGE"; fi
  rm -f /var/lib/cni/results/"$CNI_NETWORK"-* 2>/dev/null || true
  # The kubelet links every container's log into /var/log/containers (a fixed path): our links only.
  local link
  for link in /var/log/containers/*.log; do
    [[ -L $link && $(readlink "$link") == "$K/"* ]] && rm -f "$link"
  done
  # Fixed host directories the kubelet, CNI or containerd create: removed when `up` found none and they are empty.
  local d
  for d in "${HOST_DIRS[@]}"; do
    if [[ -d $d ]] && ! grep -qx "dir $d" "$K/host-state" 2>/dev/null; then
      find "$d" -depth -type d -empty -delete 2>/dev/null || true
    fi
  done
  remove_iptables_chains
  if [[ -f $K/host-state ]]; then
    local name value
    while IFS='= ' read -r kind name value; do
      [[ $kind == sysctl ]] && sysctl -qw "$name=$value" >/dev/null 2>&1 || true
    done <"$K/host-state"
  fi
  # The logs of the last run stay for a post-mortem, in the clone (.sentinel is git-ignored); all else goes.
  rm -rf "$STATE_DIR/kube-last-logs"
  if [[ -d $LOGS ]]; then mv "$LOGS" "$STATE_DIR/kube-last-logs"; fi
  rm -rf "$K" "$STATE_DIR/kube.env"
  log "down in $((SECONDS - t)) s"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) status ;;
  images) images ;;
  *) die "usage: kube.sh up|images|status|down" ;;
esac
