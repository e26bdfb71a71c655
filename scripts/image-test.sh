#!/usr/bin/env bash
# make image-test: builds the container image with podman and runs what it
# contains, on machines where containers cannot run (no cgroups) but images
# can be built (as root, --isolation=chroot --storage-driver=vfs).
#
#   1. the base: docker.io/library/debian:bookworm-slim, never pulled (no
#      container registry is used): built locally by scripts/image-base.sh
#      when podman's store lacks it (kept there, so only the first run pays);
#   2. podman build of the Dockerfile; the host's added CA certificates
#      (/usr/local/share/ca-certificates, for an intercepting HTTPS proxy) go
#      to the build stage's npm ci as the secret extra_ca, never into a layer;
#   3. the filesystem of a created container is exported and run in a chroot
#      as the image's USER, with the image's ENTRYPOINT, CMD and ENV:
#      `serve` must answer /healthz, /readyz and /classify-single/ on
#      loopback, the image's own HEALTHCHECK command must pass, `classify`
#      must label the bundled sample, SIGTERM must stop the server cleanly,
#      and every VOLUME must be a directory the user can write.
#
# Prints the image size and the time each step took. IMAGE names the tag
# (default localhost/logsieve:test); JOBS the build's parallelism (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."

image=${IMAGE:-localhost/logsieve:test}
jobs=${JOBS:-2}
podman=(podman --storage-driver=vfs)
say() { echo "image-test: $*" >&2; }
fail() {
  say "FAIL: $*"
  exit 1
}
step_start=$SECONDS
step() {
  say "$1 ($((SECONDS - step_start)) s)"
  step_start=$SECONDS
}

[[ $(id -u) -eq 0 ]] || fail "needs root (podman's vfs store, chroot, mount)"
scripts/install-deps.sh --image

work=$(mktemp -d /var/tmp/logsieve-image-test.XXXXXX)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid"; fi
  for m in proc dev; do
    if mountpoint -q "$work/root/$m"; then umount -l "$work/root/$m"; fi
  done
  "${podman[@]}" rm -f logsieve-image-test >/dev/null 2>&1 || true
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

# --- 1. base image -------------------------------------------------------------
# Never pulled: nothing comes from a container registry here. The local base
# (debootstrap from Debian's mirror, trimmed like the official slim image) is
# made once and kept in podman's store; FROM debian:bookworm-slim finds it.
PODMAN="${podman[*]}" scripts/image-base.sh
step "base image docker.io/library/debian:bookworm-slim ready"

# --- 2. build ------------------------------------------------------------------
: >"$work/extra_ca.pem"
for crt in /usr/local/share/ca-certificates/*.crt; do
  if [[ -f "$crt" ]]; then cat "$crt" >>"$work/extra_ca.pem"; fi
done
nice "${podman[@]}" build --isolation=chroot --format docker --layers \
  --secret id=extra_ca,src="$work/extra_ca.pem" --build-arg JOBS="$jobs" -t "$image" . >&2
size=$("${podman[@]}" image inspect --format '{{.Size}}' "$image")
step "built $image: $((size / 1000000)) MB"

# --- 3. run what the image holds ------------------------------------------------
# One value a line; podman ends its output with an empty line, dropped here.
inspect() { "${podman[@]}" image inspect --format "$1" "$image" | sed '/^$/d'; }
user=$(inspect '{{.Config.User}}')
mapfile -t entrypoint < <(inspect '{{range .Config.Entrypoint}}{{println .}}{{end}}')
mapfile -t cmd < <(inspect '{{range .Config.Cmd}}{{println .}}{{end}}')
mapfile -t env < <(inspect '{{range .Config.Env}}{{println .}}{{end}}')
mapfile -t volumes < <(inspect '{{range $k, $v := .Config.Volumes}}{{println $k}}{{end}}')
mapfile -t healthcheck < <(inspect '{{range .Config.Healthcheck.Test}}{{println .}}{{end}}')
workdir=$(inspect '{{.Config.WorkingDir}}')
[[ "$user" =~ ^[0-9]+:[0-9]+$ && "$user" != 0:* ]] || fail "USER is '$user', not a non-root UID:GID"
[[ "${healthcheck[0]:-}" == CMD ]] || fail "no HEALTHCHECK CMD in the image (built as --format docker?)"

mkdir "$work/root"
"${podman[@]}" create --name logsieve-image-test "$image" >/dev/null
"${podman[@]}" export logsieve-image-test | tar -C "$work/root" --numeric-owner -x
exported_mb=$(du -sm "$work/root" | cut -f1)
mount -t proc proc "$work/root/proc"
mount --bind /dev "$work/root/dev"
home=$(awk -F: -v uid="${user%%:*}" '$3 == uid { print $6 }' "$work/root/etc/passwd")
# As the container runtime would: the image's user, ENV, HOME and WORKDIR.
in_image() {
  local extra=("$@")
  chroot --userspec="$user" "$work/root" /usr/bin/env -i "${env[@]}" HOME="$home" \
    /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "${extra[@]}"
}
step "exported the filesystem ($exported_mb MB), user $user, home $home"

for v in "${volumes[@]}"; do
  in_image test -d "$v" -a -w "$v" || fail "VOLUME $v is not a directory $user can write"
done

port=18000
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
# The image's own command line; the port comes from the environment, as a
# deployment would set it (LOGSIEVE_SERVER_PORT).
env+=("LOGSIEVE_SERVER_PORT=$port")
# Not through in_image: chroot, env and sh each exec the next, so $! is the
# server itself, which the SIGTERM below must reach.
chroot --userspec="$user" "$work/root" /usr/bin/env -i "${env[@]}" HOME="$home" \
  /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "${entrypoint[@]}" "${cmd[@]}" 2>"$work/serve.log" &
server_pid=$!
for _ in $(seq 600); do
  if curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  kill -0 "$server_pid" 2>/dev/null || fail "serve exited: $(cat "$work/serve.log")"
  sleep 0.1
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || fail "not ready after 60 s: $(cat "$work/serve.log")"
health=$(curl -sf "http://127.0.0.1:$port/healthz") || fail "/healthz"
[[ "$health" == *'"ok"'* ]] || fail "/healthz answered $health"
answer=$(curl -sf -H 'Content-Type: application/json' \
  -d '{"source": "ModernCRM", "log_message": "User User123 logged in."}' \
  "http://127.0.0.1:$port/classify-single/") || fail "/classify-single/"
[[ "$answer" == *'"target_label":"User Action"'* ]] || fail "/classify-single/ answered $answer"
say "/classify-single/ on 127.0.0.1:$port: $answer"
# The dashboard and its chart library are embedded (web/ui/ and the npm-pinned uPlot).
for asset in /ui/ /ui/app.js /ui/vendor/uPlot.esm.js /docs/assets/swagger-ui-bundle.js; do
  curl -sf -o /dev/null "http://127.0.0.1:$port$asset" || fail "$asset is not served (missing from the image's build?)"
done
say "serve's resident memory once ready: $(awk '/^VmRSS/ { print $2 / 1024 " MiB" }' "/proc/$server_pid/status")"
in_image "${healthcheck[@]:1}" || fail "the image's HEALTHCHECK command failed"
kill -TERM "$server_pid"
wait "$server_pid" || fail "serve exited $? on SIGTERM: $(cat "$work/serve.log")"
server_pid=""
grep -q 'SIGTERM: finishing requests in flight' "$work/serve.log" || fail "no drain on SIGTERM"
step "serve answered /readyz, /healthz, /classify-single/, the dashboard's assets and the HEALTHCHECK; stopped on SIGTERM"

in_image "${entrypoint[@]}" classify /usr/local/share/logsieve/data/sample.csv >"$work/sample.out" ||
  fail "classify of the bundled sample failed"
rows=$(($(wc -l <"$work/root/usr/local/share/logsieve/data/sample.csv") - 1))
labelled=$(($(wc -l <"$work/sample.out") - 1))
head -n 1 "$work/sample.out" | grep -q target_label || fail "classify wrote no target_label column"
[[ $labelled -eq $rows ]] || fail "classify labelled $labelled of $rows rows"
step "classify labelled the bundled sample ($labelled rows)"
# learn's gate reads the bundled out-of-distribution dev set (learn.ood_dev) beside the binary.
[[ -s "$work/root/usr/local/share/logsieve/tests/data/ood_dev.csv" ]] ||
  fail "the image has no tests/data/ood_dev.csv, which learn gates against"
# Earlier builds' layers (vfs keeps a full copy of each); this build's stay as the cache.
"${podman[@]}" image prune -f >/dev/null
say "PASS: image $image, $((size / 1000000)) MB, $SECONDS s in all"
