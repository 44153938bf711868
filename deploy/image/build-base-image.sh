#!/bin/sh
# Builds a Java 17 base image from Debian's own packages, with no container registry and no Docker
# daemon, and prints the path of the image tarball (docker-save format) that Jib reads as
# `tar://PATH`:
#
#   ./mvnw -Pimage package -Dtocsin.image.base=tar://$(deploy/image/build-base-image.sh)
#
# Real installations use eclipse-temurin:17-jre from a registry (the default of the `image` profile);
# this is for machines that reach Debian's package mirror but no registry (Tocsin's own CI), and for
# anyone who wants a base image built only from Debian packages.
#
# What it does: `debootstrap --variant=minbase` of Debian bookworm with openjdk-17-jre-headless, in
# one layer, plus an image configuration (PATH, JAVA_HOME, LANG). Needs root (debootstrap does) and
# about 400 MB of temporary space; takes a few minutes once, then the tarball is reused from the
# cache: $TOCSIN_BASE_IMAGE_CACHE, default ${XDG_CACHE_HOME:-~/.cache}/tocsin/base-image. The cache
# key is this script's own checksum, so editing it builds a new one. DEBIAN_MIRROR chooses the mirror
# (default http://deb.debian.org/debian).
set -eu

suite=bookworm
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
cache=${TOCSIN_BASE_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tocsin/base-image}
key=$(sha256sum "$0" | cut -c1-16)
arch=$(dpkg --print-architecture)
out="$cache/debian-$suite-jre17-$arch-$key.tar"

if [ -f "$out" ]; then
    echo "$out"
    exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
    echo "build-base-image.sh: debootstrap needs root; run it once as root (the tarball is cached in $cache)" >&2
    exit 1
fi
command -v debootstrap >/dev/null || { echo "build-base-image.sh: needs Debian's debootstrap (apt-get install debootstrap)" >&2; exit 1; }

mkdir -p "$cache"
work=$(mktemp -d "$cache/building-XXXXXX")
# debootstrap mounts /proc and /sys inside the root while packages configure; unmount them before
# removing anything, whatever went wrong
cleanup() {
    for m in proc sys dev/pts; do
        umount "$work/rootfs/$m" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Both architectures Debian's JRE packages run on go by the machine's own (dpkg's) architecture.
debootstrap --variant=minbase --arch="$arch" --include=openjdk-17-jre-headless \
    "$suite" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
    tail -30 "$work/debootstrap.log" >&2
    echo "build-base-image.sh: debootstrap failed (log above)" >&2
    exit 1
}
for m in proc sys dev/pts; do
    umount "$work/rootfs/$m" 2>/dev/null || true
done

# What a running container never uses: the package caches and lists (apt-get update fetches them again)
rm -rf "$work/rootfs/var/cache/apt/"*.bin "$work/rootfs/var/cache/apt/archives/"*.deb \
    "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/log/"*.log "$work/rootfs/debootstrap"

# (the root's own symbolic links are absolute, so they are not followed from outside it)
java_home=$(cd "$work/rootfs" && ls -d usr/lib/jvm/java-17-openjdk-* | head -1)
[ -n "$java_home" ] && [ -x "$work/rootfs/$java_home/bin/java" ] || { echo "build-base-image.sh: no java in the root filesystem" >&2; exit 1; }
java_home=/$java_home

# /dev, /proc and /sys are the runtime's: debootstrap's device nodes stay out of the image.
tar --numeric-owner --sort=name -C "$work/rootfs" \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' --exclude='./run/*' \
    -cf "$work/layer.tar" .
diff_id=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)

cat >"$work/config.json" <<EOF
{"architecture":"$arch","os":"linux","created":"$created",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=$java_home","LANG=C.UTF-8"]},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"$created","created_by":"deploy/image/build-base-image.sh: debootstrap --variant=minbase $suite + openjdk-17-jre-headless"}]}
EOF
cat >"$work/manifest.json" <<EOF
[{"Config":"config.json","RepoTags":["tocsin-base:debian-$suite-jre17"],"Layers":["layer.tar"]}]
EOF

tar -C "$work" -cf "$work/image.tar" manifest.json config.json layer.tar
mv "$work/image.tar" "$out"
# builds for an earlier version of this script are never used again
find "$cache" -maxdepth 1 -name "debian-$suite-jre17-$arch-*.tar" ! -path "$out" -delete
echo "$out"
