#!/usr/bin/env bash
# Builds two local container images that stand in for envoyproxy/envoy, to check the Envoy driver's
# container plumbing (runtime detection, file copies, --network host, the readiness log line, /ready,
# log capture, stop) on a machine where no Envoy image can be pulled. They are NOT Envoy: results
# obtained with them say nothing about Envoy's behaviour.
#   localhost/envoy-impostor:test    runs the local gateway (bundled) with Envoy's arguments
#   localhost/envoy-impostor:broken  exits at once, as Envoy does when it rejects a bootstrap
# Needs podman (+ runc) and busybox-static. Then, for instance:
#   podman system service --time=0 unix:///tmp/podman.sock &
#   DOCKER_HOST=unix:///tmp/podman.sock TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 \
#     ENVOY_IMAGE=localhost/envoy-impostor:test npx vitest run test/cases.envoy.test.ts -t driver-fixture
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The gateway as one file: no node_modules needed in the image.
"$root/node_modules/.bin/esbuild" "$root/gateway/cli.ts" --bundle --platform=node --format=esm --target=node20 \
  --outfile="$work/gateway.mjs" --log-level=warning \
  --banner:js="import { createRequire } from 'module'; const require = createRequire(import.meta.url);"

make_rootfs() { # $1: directory, $2: entrypoint text
  mkdir -p "$1"/{bin,usr/bin,impostor,etc,tmp,lib64,lib/x86_64-linux-gnu}
  cp "$(command -v busybox)" "$1/bin/busybox"
  for c in sh cat echo; do ln -sf busybox "$1/bin/$c"; done
  cp "$(command -v node)" "$1/usr/bin/node"
  for lib in $(ldd "$(command -v node)" | grep -o '/lib[^ ]*'); do mkdir -p "$1$(dirname "$lib")"; cp -L "$lib" "$1$lib"; done
  cp "$work/gateway.mjs" "$1/impostor/"
  echo "envoy:x:101:101::/:/bin/sh" > "$1/etc/passwd"
  printf '%s\n' "$2" > "$1/docker-entrypoint.sh"
  chmod +x "$1/docker-entrypoint.sh"
}

make_rootfs "$work/test" '#!/bin/sh
node /impostor/gateway.mjs serve "$@" 2>&1 | while IFS= read -r line; do
  echo "$line"
  case "$line" in *"gateway ready"*) echo "[impostor] starting main dispatch loop";; esac
done'
make_rootfs "$work/broken" '#!/bin/sh
echo "[impostor] error initializing configuration: refusing on purpose"
exit 1'

for tag in test broken; do
  tar -C "$work/$tag" -cf "$work/$tag.tar" .
  podman import --quiet --change 'ENTRYPOINT ["/docker-entrypoint.sh"]' "$work/$tag.tar" "localhost/envoy-impostor:$tag"
done
echo "built localhost/envoy-impostor:test and localhost/envoy-impostor:broken"
