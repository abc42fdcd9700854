#!/usr/bin/env bash
# Builds kube-apiserver, kubelet, kube-controller-manager and kube-scheduler from the Go module proxy
# (no GitHub or dl.k8s.io here) into $CACHE_DIR/kubernetes-$KUBE_VERSION/, once. The recipe and why each
# step is needed: /work/shared/K8S-NOTES.md, docs/decisions.md 47. Prints the cached bin dir.
source "$(dirname "$0")/lib.sh"
KUBE_VERSION=${KUBE_VERSION:-v1.32.3}
STAGING_VERSION=v0.${KUBE_VERSION#v1.}   # k8s.io/api etc. are published as v0.32.3 for v1.32.3
out="$CACHE_DIR/kubernetes-$KUBE_VERSION"
binaries=(kube-apiserver kubelet kube-controller-manager kube-scheduler)

have_all() { for b in "${binaries[@]}"; do [[ -x $out/$b ]] || return 1; done; }
if have_all; then echo "$out"; exit 0; fi

# Kubernetes 1.32 needs Go 1.23 or newer (Debian 12's golang-go is 1.19: use bookworm-backports or go.dev's).
go_minor=$(go env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
[[ ${go_minor:-0} -ge 23 ]] || die "Kubernetes $KUBE_VERSION needs Go >= 1.23, found $(go env GOVERSION)"

# A private module and build cache, dropped afterwards: about 4 GB nobody needs once the binaries exist.
work="$CACHE_DIR/kubernetes-build"
chmod -R u+w "$work" 2>/dev/null || true
rm -rf "$work"
mkdir -p "$work"
export GOPATH="$work/gopath" GOMODCACHE="$work/gopath/pkg/mod" GOCACHE="$work/gocache" GOTOOLCHAIN=local GOFLAGS=-buildvcs=false
cleanup() { chmod -R u+w "$work" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
cd "$work"

module_dir() { GOWORK=off go mod download -json "$1" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p'; }

log "downloading k8s.io/kubernetes@$KUBE_VERSION"
src="$work/kubernetes"
cp -r "$(module_dir "k8s.io/kubernetes@$KUBE_VERSION")" "$src"
chmod -R u+w "$src"
cd "$src"
# The module zip keeps only vendor/modules.txt: build in workspace mode with the module's own go.work.
rm -rf vendor
# sample-* are not served by the proxy and nothing in the four binaries needs them.
sed -i '/sample-cli-plugin/d; /sample-controller/d' go.mod go.work
# The replace lines point at staging/src/k8s.io/X, which the zip omits: fill each with the published module.
staged=$(sed -n 's#^\s*\(k8s.io/[^ ]*\) => ./staging/src/k8s.io/.*#\1#p' go.mod)
log "filling $(wc -w <<<"$staged") staging modules with $STAGING_VERSION"
for m in $staged; do
  dest="staging/src/$m"
  rm -rf "$dest"
  mkdir -p "$(dirname "$dest")"
  cp -r "$(module_dir "$m@$STAGING_VERSION")" "$dest"
  chmod -R u+w "$dest"
done
# The staging layout expects staged requirements at v0.0.0 (the workspace resolves them to the folders).
for m in $staged; do
  for f in staging/src/k8s.io/*/go.mod; do
    sed -i "s#^\(\s*\)${m//./\\.} v[^ ]*#\1$m v0.0.0#" "$f"
  done
done

pkg_major=${KUBE_VERSION#v}; pkg_major=${pkg_major%%.*}
pkg_minor=${KUBE_VERSION#v*.}; pkg_minor=${pkg_minor%%.*}
ldflags="-s -w"
for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=$pkg_major -X $p.gitMinor=$pkg_minor -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
done
log "building ${binaries[*]} (about 10 min on two loaded cores)"
mkdir -p "$work/bin"
start=$SECONDS
CGO_ENABLED=0 nice -n 10 go build -trimpath -ldflags "$ldflags" -o "$work/bin/" \
  ./cmd/kube-apiserver ./cmd/kubelet ./cmd/kube-controller-manager ./cmd/kube-scheduler
log "built in $((SECONDS - start)) s"
mkdir -p "$out.tmp"
mv "$work"/bin/* "$out.tmp/"
rm -rf "$out" && mv "$out.tmp" "$out"
echo "$out"
