#!/bin/sh
# tsj in its container image: the JVM's flags depend on the subcommand, as the source
# tree's ./tsj launcher's do. containerboot itself only supervises, so it gets a small
# C1-only JVM; the daemon it starts sizes its own heap from the container's memory limit.
jre=/opt/tsj/jre
case "${1:-}" in
  containerboot)
    flags="-XX:+UseSerialGC -Xms8m -Xmx32m -Xss256k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -XX:ReservedCodeCacheSize=16m -XX:+UseCompactObjectHeaders -XX:+ExitOnOutOfMemoryError" ;;
  daemon)
    flags="-XX:+UseSerialGC -Xms16m -Xmx160m -XX:MaxDirectMemorySize=64m -Xss512k -XX:+UseCompactObjectHeaders -XX:+ExitOnOutOfMemoryError" ;;
  control)
    flags="-XX:+UseG1GC -Xms64m -Xmx1g -XX:+UseCompactObjectHeaders" ;;
  *)
    flags="-XX:+UseSerialGC -Xmx64m -XX:TieredStopAtLevel=1 -XX:+UseCompactObjectHeaders" ;;
esac
# shellcheck disable=SC2086
exec "$jre/bin/java" $flags --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow \
  ${TSJ_JAVA_OPTS:-} -jar /opt/tsj/tsj-cli.jar "$@"
