# Sourced by run-tests and .ci/run: points JAVA_HOME at a JDK 25 (JAVA_HOME if it is
# one, else the first under /usr/lib/jvm), since the machines' default java is 17.
_tsj_major() { "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'; }
if ! { [ -n "${JAVA_HOME:-}" ] && [ "$(_tsj_major "$JAVA_HOME/bin/java")" -ge 25 ] 2>/dev/null; }; then
  for _d in /usr/lib/jvm/temurin-25* /usr/lib/jvm/*25* /usr/lib/jvm/*; do
    if [ -x "$_d/bin/java" ] && [ "$(_tsj_major "$_d/bin/java")" -ge 25 ] 2>/dev/null; then JAVA_HOME="$_d"; break; fi
  done
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
