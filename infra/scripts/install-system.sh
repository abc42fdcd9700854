#!/usr/bin/env bash
# Installs the Debian packages the tests need, only when something is missing (fast on reruns).
source "$(dirname "$0")/lib.sh"

need=()
have_pkg() { dpkg -s "$1" >/dev/null 2>&1; }
# chromium + chromium-driver: the anomaly explorer is tested in a real headless browser (test/support/browser.ts).
for pkg in postgresql docker.io python3-venv ca-certificates curl git time chromium chromium-driver; do
  have_pkg "$pkg" || need+=("$pkg")
done
command -v go >/dev/null || need+=(golang-go)
# The single-node Kubernetes of infra/scripts/kube.sh (the control plane itself is built from Go modules).
for pkg in etcd-server containerd runc containernetworking-plugins conntrack socat iptables openssl; do
  have_pkg "$pkg" || need+=("$pkg")
done
command -v kubectl >/dev/null || need+=(kubernetes-client)
# The Kafka broker of the stream tests: a JDK to run it, Maven to fetch its jars (infra/scripts/kafka.sh).
command -v java >/dev/null || need+=(default-jre-headless)
command -v mvn >/dev/null || need+=(maven)
if ((${#need[@]})); then
  log "installing: ${need[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
else
  log "system packages present"
fi
