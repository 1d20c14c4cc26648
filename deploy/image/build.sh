#!/usr/bin/env bash
# Builds the tsj container image without a Docker daemon or a registry (as root):
#   deploy/image/build.sh [--tag NAME] [--format docker-archive|oci-archive] [--out FILE] [--no-export] [--jars-as-built]
# 1. the jars (mvn package, unless current), 2. a Java runtime made by jlink from the
# build machine's JDK 25 (cached under deploy/target/image/jre-cache by JDK and module
# list), 3. a root filesystem from scratch: glibc, dash, iproute2 and nftables copied
# with exactly the shared libraries ldd names, from this machine's Debian packages,
# 4. `podman build` of deploy/image/Containerfile through deploy/podman/podman (tsj's own
# podman configuration), 5. `podman save` to a tar that `podman load`/`docker load`
# read, or `skopeo copy docker-archive:FILE docker://REGISTRY/tsj:TAG` pushes.
set -euo pipefail
repo="$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)"
version="$(sed -n 's|^  <version>\(.*\)</version>|\1|p' "$repo/pom.xml" | head -1)"
tag="localhost/tsj:$version"
format=docker-archive
out="$repo/deploy/target/tsj-image-$version.tar"
export_tar=1
jars_as_built=0
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag="$2"; shift 2 ;;
    --format) format="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-export) export_tar=0; shift ;;
    --jars-as-built) jars_as_built=1; shift ;;   # the tests: the reactor has just built them
    *) echo "usage: $0 [--tag NAME] [--format docker-archive|oci-archive] [--out FILE] [--no-export] [--jars-as-built]" >&2; exit 2 ;;
  esac
done
case "$format" in docker-archive|oci-archive) ;; *) echo "build.sh: --format must be docker-archive or oci-archive" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "build.sh: run as root (podman's storage here is root's)" >&2; exit 1; }
for tool in podman ldd dpkg-query; do
  command -v "$tool" >/dev/null || { echo "build.sh: $tool is missing (apt-get install podman runc libc-bin dpkg)" >&2; exit 1; }
done
started=$(date +%s)
step() { echo "== $(( $(date +%s) - started ))s: $*" >&2; }

# 1. jars: the launcher builds them when any source is newer
step "jars"
jar="$repo/cli/target/tsj-cli.jar"
if [ "$jars_as_built" = 0 ] || [ ! -f "$jar" ]; then
  "$repo/tsj" version >/dev/null
fi
source "$repo/tsj-java-home.sh" >/dev/null

work="$repo/deploy/target/image"
ctx="$work/context"
rm -rf "$ctx"
mkdir -p "$ctx/os" "$ctx/app" "$ctx/owned" "$work/jre-cache"
cp "$repo/deploy/image/Containerfile" "$ctx/Containerfile"

# 2. the Java runtime: what the code needs (jdeps, checked by the image tests), nothing
# more: no java.desktop (Jackson and JNA use it only when present), no jdk.jfr.
modules=java.base,java.logging,java.net.http,java.naming,java.sql,java.management,jdk.management,jdk.httpserver,jdk.unsupported,jdk.net,jdk.crypto.ec
jdk_id="$("$JAVA_HOME/bin/java" -version 2>&1 | tr -d '\n' | sha256sum | cut -c1-12)"
key="$(printf '%s|%s|v2' "$jdk_id" "$modules" | sha256sum | cut -c1-16)"
jre="$work/jre-cache/$key"
if [ ! -x "$jre/bin/java" ]; then
  step "jlink ($modules)"
  rm -rf "$jre.tmp"
  # (libjvm.so keeps its symbol table: 5 MB, for readable crash reports)
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files \
    --no-man-pages --compress=zip-6 --output "$jre.tmp"
  # The CDS archive for the flags the launcher uses (compact object headers): faster starts, shared pages.
  "$jre.tmp/bin/java" -XX:+UseCompactObjectHeaders -XX:+UseSerialGC -Xshare:dump >/dev/null
  rm -f "$jre.tmp/lib/server/classes.jsa" "$jre.tmp/lib/server/classes_nocoops.jsa"
  mv "$jre.tmp" "$jre"
else
  step "jlink: cached runtime $key"
fi
cp -a "$jre" "$ctx/jre"

# 3. the C userland, from this machine's packages, with exactly the libraries ldd lists
step "root filesystem"
root="$ctx/os"
mkdir -p "$root/usr/bin" "$root/usr/sbin" "$root/usr/lib/x86_64-linux-gnu" "$root/usr/lib64" "$root/etc" \
  "$root/tmp" "$root/var/tmp" "$root/run/tsj" "$root/usr/share/doc/tsj/packages" "$root/proc" "$root/sys" "$root/dev"
ln -s usr/bin "$root/bin"; ln -s usr/sbin "$root/sbin"; ln -s usr/lib "$root/lib"; ln -s usr/lib64 "$root/lib64"
ln -s ../run "$root/var/run"
chmod 1777 "$root/tmp" "$root/var/tmp" "$root/run/tsj"
declare -A copied=()
put() { # put PATH: copy the file (links resolved) to the same path in the image
  local src="$1" dst
  [ -n "${copied[$src]:-}" ] && return 0
  copied[$src]=1
  dst="$root$(readlink -f "$(dirname "$src")")/$(basename "$src")"
  mkdir -p "$(dirname "$dst")"
  cp -L "$src" "$dst"
}
with_libs() { # with_libs FILE: the file's shared libraries, recursively as ldd resolves them
  ldd "$1" 2>/dev/null | awk '/=> \// {print $3} /^\t\/[^ ]+ \(/ {print $1}' | while read -r lib; do put "$lib"; echo "$lib"; done
}
needed=()
for exe in dash ip nft; do
  p="$(command -v "$exe")" || { echo "build.sh: $exe is missing (apt-get install dash iproute2 nftables)" >&2; exit 1; }
  put "$p"; needed+=("$p")
  mapfile -t libs < <(with_libs "$p"); needed+=("${libs[@]}")
done
ln -sf dash "$root$(readlink -f /usr/bin)/sh"
# the JVM and the native parts of the jars (netty epoll, JNA, sqlite) need these, as do names and users
for f in "$jre"/bin/java "$jre"/lib/*.so "$jre"/lib/server/libjvm.so; do mapfile -t libs < <(with_libs "$f"); needed+=("${libs[@]}"); done
for lib in libdl.so.2 libm.so.6 librt.so.1 libpthread.so.0 libnss_files.so.2 libnss_dns.so.2 libresolv.so.2 libgcc_s.so.1; do
  p="/lib/x86_64-linux-gnu/$lib"
  if [ -e "$p" ]; then put "$p"; needed+=("$p"); fi
done
[ -d /etc/iproute2 ] && cp -r /etc/iproute2 "$root/etc/"
cat > "$root/etc/passwd" <<PW
root:x:0:0:root:/root:/usr/sbin/nologin
tsj:x:1000:1000:tsj:/home/tsj:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PW
printf 'root:x:0:\ntsj:x:1000:\nnogroup:x:65534:\n' > "$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\nnetworks: files\n' > "$root/etc/nsswitch.conf"
: > "$root/etc/hosts"; : > "$root/etc/resolv.conf"
# what came from where, with each package's licence
queries=()
for f in "${needed[@]}"; do # dpkg knows a file by the path its package ships, merged /usr or not
  r="$(readlink -f "$f")"; queries+=("$f" "$r" "${f#/usr}" "${r#/usr}")
done
mapfile -t pkgs < <(dpkg-query -S "${queries[@]}" 2>/dev/null | cut -d: -f1 | tr ',' '\n' | sed 's/^ *//' | sort -u)
for p in "${pkgs[@]}"; do
  dpkg-query -W -f '${Package} ${Version}\n' "$p" >> "$root/usr/share/doc/tsj/packages/versions.txt"
  [ -f "/usr/share/doc/$p/copyright" ] && cp "/usr/share/doc/$p/copyright" "$root/usr/share/doc/tsj/packages/$p.copyright"
done
"$JAVA_HOME/bin/java" -version 2>&1 | head -2 > "$root/usr/share/doc/tsj/packages/java-runtime.txt"

# tsj itself
mkdir -p "$ctx/app/opt/tsj/lib" "$ctx/app/usr/local/bin" "$ctx/app/usr/share/doc/tsj"
cp "$jar" "$ctx/app/opt/tsj/tsj-cli.jar"
cp "$repo"/cli/target/lib/*.jar "$ctx/app/opt/tsj/lib/"
install -m 0755 "$repo/deploy/image/tsj-launcher.sh" "$ctx/app/usr/local/bin/tsj"
cp "$repo/deploy/kubernetes/README.md" "$ctx/app/usr/share/doc/tsj/README.md"
cp "$repo/README.md" "$ctx/app/usr/share/doc/tsj/tsj-README.md"
mkdir -p "$ctx/owned/var/lib/tsj" "$ctx/owned/home/tsj"
chmod 0700 "$ctx/owned/var/lib/tsj" "$ctx/owned/home/tsj"

# 4. the image
step "podman build $tag"
revision="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
epoch="$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)"
"$repo/deploy/podman/podman" build --pull=never --network=none --timestamp "$epoch" -q \
  --label org.opencontainers.image.title=tsj --label org.opencontainers.image.version="$version" \
  --label org.opencontainers.image.revision="$revision" --label org.opencontainers.image.source=https://example.invalid/tsj \
  -t "$tag" -f "$ctx/Containerfile" "$ctx" >/dev/null
size="$("$repo/deploy/podman/podman" image inspect -f '{{.Size}}' "$tag")"
"$repo/deploy/podman/podman" image prune -f >/dev/null   # the previous build's layers, now untagged

# 5. the archive users load or push
if [ "$export_tar" = 1 ]; then
  step "podman save --format $format"
  rm -f "$out"
  "$repo/deploy/podman/podman" save -q --format "$format" -o "$out" "$tag"
fi
step "done: $tag, $((size / 1000000)) MB${export_tar:+$( [ "$export_tar" = 1 ] && echo ", $out")}"
