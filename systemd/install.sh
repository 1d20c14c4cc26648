#!/usr/bin/env bash
# Installs tsj from a built checkout: jars and launcher under PREFIX, systemd units and
# their defaults under /etc. Run as root:  systemd/install.sh [--prefix /usr/local]
# DESTDIR=/some/root installs into a staging root (packaging, tests).
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
prefix=/usr/local
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    *) echo "usage: $0 [--prefix DIR]" >&2; exit 2 ;;
  esac
done
dest="${DESTDIR:-}"

if [ ! -f "$here/cli/target/tsj-cli.jar" ]; then
  echo "building jars first ..." >&2
  "$here/tsj" version >/dev/null
fi

install -d "$dest$prefix/lib/tsj/lib" "$dest$prefix/bin" "$dest$prefix/share/doc/tsj" \
  "$dest/etc/systemd/system" "$dest/etc/default"
rm -f "$dest$prefix/lib/tsj/lib/"*.jar
install -m 0644 "$here/cli/target/tsj-cli.jar" "$dest$prefix/lib/tsj/"
install -m 0644 "$here/cli/target/lib/"*.jar "$dest$prefix/lib/tsj/lib/"
install -m 0755 "$here/tsj" "$dest$prefix/bin/tsj"
install -m 0644 "$here/README.md" "$dest$prefix/share/doc/tsj/README.md"
for unit in tsjd.service tsj-control.service; do
  sed "s#/usr/local/#$prefix/#g" "$here/systemd/$unit" > "$dest/etc/systemd/system/$unit"
  chmod 0644 "$dest/etc/systemd/system/$unit"
done
# Never overwrite an operator's settings.
[ -e "$dest/etc/default/tsjd" ] || install -m 0644 "$here/systemd/tsjd.default" "$dest/etc/default/tsjd"
[ -e "$dest/etc/default/tsj-control" ] || install -m 0644 "$here/systemd/tsj-control.default" "$dest/etc/default/tsj-control"

if [ -z "$dest" ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
fi
echo "installed tsj under $dest$prefix; start with: systemctl enable --now tsjd (and tsj-control on the server)"
