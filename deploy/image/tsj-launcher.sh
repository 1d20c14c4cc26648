#!/bin/sh
# tsj in its container image: the JVM's flags depend on the subcommand, as the source
# tree's ./tsj launcher's do. containerboot runs the node daemon in its own JVM, so both
# get a heap sized from the container's memory limit: half of what is left after 96 MiB
# (metaspace, code, stacks, the CDS archive), between 32 and 160 MiB, and direct memory
# of an eighth of the limit, 16-64 MiB. Without a limit (or above 1 GiB): 160 and 64.
jre=/opt/tsj/jre

# The memory limit in MiB (cgroup v2, then v1); 0 without one. dash has no cat: read.
limit_mib() {
  for f in /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do
    if [ -r "$f" ]; then
      read -r v < "$f"
      case "$v" in ''|max|*[!0-9]*) echo 0 ;; *) echo $((v / 1048576)) ;; esac
      return
    fi
  done
  echo 0
}

node_flags() {
  mib=$(limit_mib)
  heap=160 direct=64
  if [ "$mib" -gt 0 ] && [ "$mib" -lt 1024 ]; then
    heap=$(( (mib - 96) / 2 )); [ "$heap" -lt 32 ] && heap=32; [ "$heap" -gt 160 ] && heap=160
    direct=$(( mib / 8 )); [ "$direct" -lt 16 ] && direct=16; [ "$direct" -gt 64 ] && direct=64
  fi
  echo "-XX:+UseSerialGC -Xms16m -Xmx${heap}m -XX:MaxDirectMemorySize=${direct}m -Xss512k -XX:ReservedCodeCacheSize=48m -XX:+UseCompactObjectHeaders -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError"
}

case "${1:-}" in
  containerboot|daemon) flags=$(node_flags) ;;
  control) flags="-XX:+UseG1GC -Xms64m -Xmx1g -XX:+UseCompactObjectHeaders -XX:-UsePerfData" ;;
  *) flags="-XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseCompactObjectHeaders -XX:-UsePerfData" ;;
esac
# glibc's per-thread malloc arenas would otherwise grow the footprint with the thread count
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
# shellcheck disable=SC2086
exec "$jre/bin/java" $flags --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  ${TSJ_JAVA_OPTS:-} -jar /opt/tsj/tsj-cli.jar "$@"
