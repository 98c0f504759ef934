#!/usr/bin/env bash
# Runs one example from source (Java's single-file launcher) against the SDK built in this checkout:
#   BURROW_AUTHTOKEN=… BURROW_SERVER=localhost:4443 BURROW_EDGE_CA=burrow-data/ca.pem examples/run.sh ServerSocketEcho
# Builds burrow-sdk and its class path first (mvn package of shared and sdk, tests skipped; nothing is installed).
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: examples/run.sh NAME [ARGS...]  (NAME: ServerSocketEcho, JdkHttpServer, BlockingHttpListener, VertxTcpProxy)}
shift
mvn -B -q -DskipTests -pl shared,sdk package dependency:build-classpath -Dmdep.outputFile=target/examples.classpath \
  -Dmdep.includeScope=runtime >/dev/null
cp="sdk/target/burrow-sdk-$(sed -n '/<artifactId>burrow-parent<\/artifactId>/,/<\/version>/s:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -n1).jar:$(cat sdk/target/examples.classpath)"
exec java --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED -cp "$cp" "examples/$name.java" "$@"
