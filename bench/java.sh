# Sourced by the bench scripts that start Shoal's jar themselves: the JDK and the JVM options the
# ./shoal launcher would use (newest JDK under /usr/lib/jvm unless JAVA is set; native access from
# JDK 22, Netty's Unsafe memory access from JDK 23), without its start-up cache. DEFAULT_JAVA_OPTS
# are the launcher's default SHOAL_JAVA_OPTS (keep the two the same).
newest_java() {
  local best="" best_version=0
  for home in /usr/lib/jvm/*; do
    [ -x "$home/bin/java" ] || continue
    local version
    version=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
    if [ -n "$version" ] && [ "$version" -gt "$best_version" ]; then best="$home/bin/java"; best_version=$version; fi
  done
  echo "${best:-java}"
}
JAVA="${JAVA:-$(newest_java)}"
java_major=$("$JAVA" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
JAVA_FLAGS=""
if [ "${java_major:-17}" -ge 22 ]; then JAVA_FLAGS="--enable-native-access=ALL-UNNAMED"; fi
if [ "${java_major:-17}" -ge 23 ]; then JAVA_FLAGS="$JAVA_FLAGS --sun-misc-unsafe-memory-access=allow"; fi
DEFAULT_JAVA_OPTS="-XX:+UseParallelGC -XX:MaxTenuringThreshold=0"
