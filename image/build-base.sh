#!/usr/bin/env bash
# Builds the image's base: a Debian bookworm root file system with a headless Java 17 JRE (mmdebstrap, no Docker),
# as a Docker-format image tar that Jib builds on (from.image=tar://...). The result is cached outside the checkout,
# keyed by the sha256 of packages.txt, this script (which holds the mmdebstrap options) and the apt sources used, so
# a fresh clone on the same machine reuses it. Prints the tar's path as its last line.
#
#   image/build-base.sh            # the cached base, built when missing
#   TASKFLOW_IMAGE_REBUILD=1 ...   # build it again (e.g. to pick up Debian security updates)
#
# Debian's packages come from the mirror apt uses on this machine: the sources files found through apt-config that
# name the suite, or the file TASKFLOW_IMAGE_APT_SOURCES (one-line .list or deb822 .sources format).
# Needs root (or an unprivileged user namespace for mmdebstrap), mmdebstrap, umoci and skopeo.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
suite=bookworm
cache="${TASKFLOW_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/taskflow-image}"

log() { echo "build-base: $*" >&2; }
die() { log "$*"; exit 1; }

for tool in mmdebstrap umoci skopeo; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (apt-get install mmdebstrap umoci skopeo)"
done

# The apt sources of this machine that serve the suite: each is handed to mmdebstrap as a "mirror" file.
apt_sources() {
  if [ -n "${TASKFLOW_IMAGE_APT_SOURCES:-}" ]; then
    [ -f "$TASKFLOW_IMAGE_APT_SOURCES" ] || die "TASKFLOW_IMAGE_APT_SOURCES=$TASKFLOW_IMAGE_APT_SOURCES is not a file"
    echo "$TASKFLOW_IMAGE_APT_SOURCES"
    return
  fi
  local SL SP file
  eval "$(apt-config shell SL Dir::Etc::sourcelist/f SP Dir::Etc::sourceparts/d)"
  for file in "$SL" "${SP%/}"/*.list "${SP%/}"/*.sources; do
    [ -f "$file" ] || continue
    grep -v '^[[:space:]]*#' "$file" | grep -qw "$suite" && echo "$file"
  done
  return 0
}
mapfile -t sources < <(apt_sources)
[ ${#sources[@]} -gt 0 ] || die "no apt sources for $suite found; set TASKFLOW_IMAGE_APT_SOURCES to a sources file"

packages="$(grep -v '^[[:space:]]*\(#\|$\)' "$here/packages.txt" | paste -sd, -)"
key="$( { cat "$here/packages.txt" "$0"; cat "${sources[@]}"; } | sha256sum | cut -c1-16)"
base="$cache/base-$key.tar"

if [ -s "$base" ] && [ -z "${TASKFLOW_IMAGE_REBUILD:-}" ]; then
  log "cached base $base"
  echo "$base"
  exit 0
fi

mkdir -p "$cache"
work="$(mktemp -d "$cache/work.XXXXXX")"
trap 'rm -rf "$work"' EXIT
started=$SECONDS
log "building base $key from ${sources[*]} ($packages)"

# Essential packages plus the list (without what they only recommend); no documentation but the copyright files;
# a user for the server (uid 10001, home = its data directory); an /etc/hosts that resolves localhost (the embedded
# PostgreSQL is reached as localhost; runc, unlike Docker and Kubernetes, mounts none).
mmdebstrap --variant=essential --include="$packages" --aptopt='APT::Install-Recommends "false"' \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
  --customize-hook='echo "taskflow:x:10001:10001:Taskflow:/var/lib/taskflow:/usr/sbin/nologin" >> "$1/etc/passwd"' \
  --customize-hook='echo "taskflow:x:10001:" >> "$1/etc/group"' \
  --customize-hook='mkdir -p "$1/var/lib/taskflow" && chown 10001:10001 "$1/var/lib/taskflow" && chmod 0750 "$1/var/lib/taskflow"' \
  --customize-hook='printf "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" > "$1/etc/hosts"' \
  --customize-hook='rm -rf "$1/var/cache/apt" "$1/var/lib/apt/lists" "$1/var/log"/*' \
  "$suite" "$work/rootfs.tar" "${sources[@]}" >&2

# One layer in an OCI layout, then the Docker archive Jib reads (it takes no OCI archive as a base).
umoci init --layout "$work/oci"
umoci new --image "$work/oci:base"
umoci raw add-layer --image "$work/oci:base" "$work/rootfs.tar"
umoci config --image "$work/oci:base" --os linux --architecture amd64 \
  --config.env 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' --config.env 'LANG=C.UTF-8' \
  --config.user 10001:10001 --config.workingdir /var/lib/taskflow
skopeo copy --quiet "oci:$work/oci:base" "docker-archive:$work/base.tar:taskflow-base:$key" >&2
mv "$work/base.tar" "$base"
# bases of other keys unused for a month, and the work directories of builds that were killed
find "$cache" -maxdepth 1 -name 'base-*.tar' ! -name "base-$key.tar" -atime +30 -delete
find "$cache" -maxdepth 1 -name 'work.*' ! -path "$work" -mtime +1 -exec rm -rf {} +
log "built $base ($(du -h "$base" | cut -f1)) in $((SECONDS - started)) s"
echo "$base"
