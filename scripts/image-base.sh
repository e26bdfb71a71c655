#!/usr/bin/env bash
# Builds a local stand-in for docker.io/library/debian:bookworm-slim, for
# machines that reach Debian's mirror but no container registry (ours): a
# debootstrap --variant=minbase of bookworm, trimmed the way the official slim
# image is (debuerreotype-slimify: no docs but copyrights, no man pages, info
# or locales, no apt lists or caches), imported into podman under the official
# name so that `FROM debian:bookworm-slim` resolves locally. Elsewhere the
# official image is pulled as usual and this script is not needed.
#
#   scripts/image-base.sh            import it unless podman has it already
#   scripts/image-base.sh --force    rebuild and re-import it
#
# Needs root, debootstrap and podman. PODMAN overrides the podman command line
# (scripts/image-test.sh passes its storage driver).
set -euo pipefail

image=docker.io/library/debian:bookworm-slim
podman_cmd=(${PODMAN:-podman})
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

if [[ "${1:-}" != "--force" ]] && "${podman_cmd[@]}" image exists "$image"; then
  exit 0
fi

root=$(mktemp -d /var/tmp/logsieve-bookworm-slim.XXXXXX)
trap 'rm -rf --one-file-system "$root"' EXIT  # never into a /proc left mounted

echo "image-base: debootstrap bookworm (minbase) into $root" >&2
debootstrap --variant=minbase bookworm "$root" "$mirror" >/dev/null

# What the official slim image keeps out, for later installs too.
cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG
cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'CFG'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
CFG
echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
echo 'APT::AutoRemove::SuggestsImportant "false";' >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
cat >"$root/etc/apt/sources.list" <<SRC
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SRC

# Remove what the exclusions would have kept out.
find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
find "$root/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$root"/usr/share/{man,groff,info,lintian,linda}/*
find "$root/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb \
  "$root"/var/log/*.log "$root"/var/log/apt/* "$root"/tmp/* "$root"/var/cache/debconf/*-old \
  "$root"/var/lib/dpkg/*-old

echo "image-base: importing $(du -sh "$root" | cut -f1) as $image" >&2
tar -C "$root" --numeric-owner -c . | "${podman_cmd[@]}" import --change 'CMD ["bash"]' - "$image" >/dev/null
