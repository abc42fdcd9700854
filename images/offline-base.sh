#!/usr/bin/env bash
# A local stand-in for node:20-bookworm-slim on machines that cannot pull images: the host's Node 20
# binary, the shared libraries it links, CA certificates and a `node` user (uid 1000), imported as
# one layer. No registry, no package download. Prints the image name; skips when it exists.
set -euo pipefail
NODE_BIN=$(readlink -f "$(command -v node)")
NODE_VERSION=$("$NODE_BIN" -p 'process.versions.node')
[[ ${NODE_VERSION%%.*} == 20 ]] || { echo "offline-base: need Node 20 on the host, found $NODE_VERSION" >&2; exit 1; }
IMAGE="log-sentinel/node-base:$NODE_VERSION"

if docker image inspect "$IMAGE" >/dev/null 2>&1; then echo "$IMAGE"; exit; fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{usr/local/bin,etc/ssl/certs,tmp,app,home/node}
chmod 1777 "$root/tmp"
cp "$NODE_BIN" "$root/usr/local/bin/node"
# The dynamic loader and every library node links, at the same paths.
for lib in $(ldd "$NODE_BIN" | grep -o '/[^ ]*'); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnode:x:1000:1000:node:/home/node:/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' >"$root/etc/group"
chown 1000:1000 "$root/home/node"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin NODE_VERSION='"$NODE_VERSION" \
  --change 'WORKDIR /app' \
  --message "log-sentinel offline base: host Node $NODE_VERSION" - "$IMAGE" >/dev/null
echo "$IMAGE"
