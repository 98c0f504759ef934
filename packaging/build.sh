#!/usr/bin/env bash
# Builds the installable forms of Burrow from the jars that `mvn package` makes:
#   packaging/target/burrow_VERSION_ARCH.deb           the agent: /opt/burrow, /usr/bin/burrow
#   packaging/target/burrow-edge_VERSION_ARCH.deb      the edge: /opt/burrow-edge, /usr/bin/burrow-edge, systemd
#                                                      unit burrow-edge.service, /etc/burrow/edge.yml, user burrow
#   packaging/target/burrow-VERSION-linux-ARCH.tar.gz       the same /opt/burrow tree, for other Linux systems
#   packaging/target/burrow-edge-VERSION-linux-ARCH.tar.gz  the same /opt/burrow-edge tree (unit, config in share/)
#
# How: one Java runtime trimmed by jlink (with its base CDS archive), one jpackage app image per command (native
# launcher + runtime + jar), then a training run of both commands (an edge, an agent linked to it, one request
# through the tunnel) that writes an AppCDS archive per command, then dpkg-deb and tar. A CDS archive is only
# valid at the path it was made at, so the training run sees the images at /opt/burrow and /opt/burrow-edge
# through a private mount namespace (unshare; root, or an unprivileged user namespace). Where that is not
# possible the packages are built without the archives (they work, and start slower) and the script says so.
#
# Usage: packaging/build.sh [--rebuild] [--no-cds]   (--rebuild: mvn package first even if the jars exist)
# Environment: JAVA_HOME (a JDK 17 with jmods/; default: the one `javac` belongs to), MVN_ARGS (extra Maven args)
# Needs: jlink and jpackage (JDK), dpkg-deb, tar, python3, curl, unshare (util-linux), ldd.
set -euo pipefail

PACKAGING_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$PACKAGING_DIR/.." && pwd)
OUT="$PACKAGING_DIR/target"
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
# java.se (Hazelcast asks for it) plus what Netty, Hazelcast's metrics and TLS use at run time.
MODULES=java.se,jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.naming.dns,jdk.zipfs,jdk.jcmd
AGENT_JAR="$REPO_ROOT/agent/target/burrow.jar"
EDGE_JAR="$REPO_ROOT/edge-node/target/burrow-edge.jar"
# What Hazelcast (edge) and Netty (both) want opened on JDK 17.
EDGE_JAVA_OPTIONS=(--add-modules=java.se --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.management/sun.management=ALL-UNNAMED --add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED)
AGENT_JAVA_OPTIONS=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED)

log() { printf '[packaging %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

REBUILD=0; CDS=1
for arg in "$@"; do
  case "$arg" in
    --rebuild) REBUILD=1 ;;
    --no-cds) CDS=0 ;;
    -h|--help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) echo "build.sh: unknown option '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

[ -x "$JAVA_HOME/bin/jlink" ] && [ -x "$JAVA_HOME/bin/jpackage" ] || die "no jlink/jpackage in $JAVA_HOME (set JAVA_HOME to a JDK 17)"
[ -d "$JAVA_HOME/jmods" ] || die "no $JAVA_HOME/jmods: jlink needs the JDK's jmods"
for tool in dpkg-deb tar python3 curl ldd; do command -v "$tool" >/dev/null || die "$tool not found"; done

if [ "$REBUILD" = 1 ] || [ ! -f "$AGENT_JAR" ] || [ ! -f "$EDGE_JAR" ]; then
  log "mvn package (tests skipped)"
  # shellcheck disable=SC2086
  (cd "$REPO_ROOT" && mvn -B -q ${MVN_ARGS:-} -DskipTests package -pl shared,policy,sdk,edge-node,agent)
fi

# 0.1.0-SNAPSHOT -> 0.1.0 for jpackage (numbers only) and 0.1.0~SNAPSHOT for Debian (sorts before 0.1.0).
POM_VERSION=$(sed -n '/<artifactId>burrow-parent<\/artifactId>/,/<\/version>/s:.*<version>\(.*\)</version>.*:\1:p' "$REPO_ROOT/pom.xml" | head -n1)
[ -n "$POM_VERSION" ] || die "cannot read the project version from pom.xml"
APP_VERSION=${POM_VERSION%%-*}
DEB_VERSION=${POM_VERSION/-/\~}
ARCH=$(dpkg --print-architecture 2>/dev/null || uname -m)

rm -rf "$OUT"
mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/burrow-packaging.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

log "jlink $MODULES"
# No --compress: class loading from an uncompressed image is faster at start; the .deb is compressed anyway.
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --output "$WORK/runtime" \
  --strip-debug --no-man-pages --no-header-files --generate-cds-archive
# Debian's JDK links its trust store into ca-certificates-java: ship the real file.
if [ -L "$WORK/runtime/lib/security/cacerts" ]; then
  src=$(readlink -f "$WORK/runtime/lib/security/cacerts")
  rm -f "$WORK/runtime/lib/security/cacerts"
  [ -s "$src" ] && cp "$src" "$WORK/runtime/lib/security/cacerts"
fi

app_image() {  # name jar java-options...: a jpackage app image in $WORK/images/name
  local name=$1 jar=$2 option
  shift 2
  local args=()
  for option in "$@"; do args+=(--java-options "$option"); done
  mkdir -p "$WORK/input-$name"
  cp -p "$jar" "$WORK/input-$name/$name.jar"
  log "jpackage app image $name"
  "$JAVA_HOME/bin/jpackage" --type app-image --name "$name" --dest "$WORK/images" --input "$WORK/input-$name" \
    --main-jar "$name.jar" --runtime-image "$WORK/runtime" --app-version "$APP_VERSION" \
    --vendor Burrow --description "Burrow $name" "${args[@]}"
}
app_image burrow "$AGENT_JAR" "${AGENT_JAVA_OPTIONS[@]}"
app_image burrow-edge "$EDGE_JAR" "${EDGE_JAVA_OPTIONS[@]}"

if [ "$CDS" = 1 ]; then
  if [ "$(id -u)" = 0 ]; then unshare_args=(--mount --propagation private); else unshare_args=(--map-root-user --mount --propagation private); fi
  if unshare "${unshare_args[@]}" true 2>/dev/null; then
    log "training run for the AppCDS archives (a private mount namespace shows the images at /opt)"
    unshare "${unshare_args[@]}" bash "$PACKAGING_DIR/train-cds.sh" "$WORK/images" || die "the training run failed"
  else
    log "WARNING: no mount namespace available (unshare); building WITHOUT AppCDS archives (slower start)"
  fi
fi

# Launcher config: use the archive made above (if any). Silent if it does not match (a tarball unpacked outside
# /opt, another JDK): the JVM then starts without it.
for name in burrow burrow-edge; do
  if [ -s "$WORK/images/$name/lib/app/$name.jsa" ]; then
    cfg="$WORK/images/$name/lib/app/$name.cfg"
    # shellcheck disable=SC2016
    printf '%s\n' 'java-options=-XX:SharedArchiveFile=$APPDIR/'"$name"'.jsa' 'java-options=-Xlog:cds=off' \
      'java-options=-Xlog:cds+dynamic=off' >> "$cfg"
    log "$name: AppCDS archive $(( $(stat -c %s "$WORK/images/$name/lib/app/$name.jsa") / 1048576 )) MiB"
  fi
done

# Shared libraries the runtime links against, as Debian packages; not those of java.desktop's images, sound and
# fonts, which a headless server never loads.
DEPENDS=$(find "$WORK/runtime" -name '*.so' ! -name 'libawt*' ! -name 'libsplashscreen.so' ! -name 'libjawt.so' \
    ! -name 'libfontmanager.so' ! -name 'libjsound.so' ! -name 'liblcms.so' ! -name 'libjavajpeg.so' \
    ! -name 'libmlib_image.so' -print0 | xargs -0 ldd 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3}' | sort -u \
  | while read -r lib; do dpkg -S "$(readlink -f "$lib")" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || true; done \
  | cut -d: -f1 | sort -u | paste -sd, | sed 's/,/, /g')

deb() {  # name description extra-depends: packaging/target/name_VERSION_ARCH.deb from the app image
  local name=$1 description=$2 depends=${DEPENDS}${3:+, $3} root="$WORK/deb-$1"
  mkdir -p "$root/opt" "$root/usr/bin" "$root/DEBIAN"
  cp -a "$WORK/images/$name" "$root/opt/$name"
  ln -s "/opt/$name/bin/$name" "$root/usr/bin/$name"
  if [ -d "$PACKAGING_DIR/deb/$name" ]; then
    for f in "$PACKAGING_DIR/deb/$name"/*; do install -m 0755 "$f" "$root/DEBIAN/$(basename "$f")"; done
  fi
  [ -f "$root/DEBIAN/conffiles" ] && chmod 0644 "$root/DEBIAN/conffiles"
  cat > "$root/DEBIAN/control" <<EOF
Package: $name
Version: $DEB_VERSION
Architecture: $ARCH
Maintainer: Burrow <burrow@localhost>
Section: net
Priority: optional
Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)
Depends: $depends
Homepage: https://github.com/burrow-dev/burrow
Description: $description
EOF
  dpkg-deb --root-owner-group -Zgzip -z6 --build "$root" "$OUT/${name}_${DEB_VERSION}_${ARCH}.deb" >/dev/null
  log "built $OUT/${name}_${DEB_VERSION}_${ARCH}.deb ($(( $(stat -c %s "$OUT/${name}_${DEB_VERSION}_${ARCH}.deb") / 1048576 )) MiB)"
}

# The edge's unit, default config and maintainer scripts.
mkdir -p "$WORK/deb-burrow-edge/lib/systemd/system" "$WORK/deb-burrow-edge/etc/burrow"
install -m 0644 "$PACKAGING_DIR/systemd/burrow-edge.service" "$WORK/deb-burrow-edge/lib/systemd/system/"
install -m 0640 "$PACKAGING_DIR/config/edge.yml" "$WORK/deb-burrow-edge/etc/burrow/edge.yml"

deb burrow "Burrow agent: exposes local services through a Burrow edge
 The burrow command: http, tcp, start, service install, and the local inspector."
deb burrow-edge "Burrow edge node: public endpoints served by Burrow agents
 The burrow-edge command and its systemd unit (burrow-edge.service, user burrow, data in /var/lib/burrow)." \
  "adduser | passwd"

tarball() {  # name: packaging/target/name-VERSION-linux-ARCH.tar.gz holding opt/name only (the edge's unit and
  # config go in opt/burrow-edge/share/: unpacking a tarball must never write outside its directory)
  local name=$1 tar="$OUT/$1-$POM_VERSION-linux-$ARCH.tar.gz" extra=()
  [ "$name" = burrow-edge ] && extra=(lib/systemd/system/burrow-edge.service etc/burrow/edge.yml)
  tar --owner=0 --group=0 -C "$WORK/deb-$name" --transform "s,^lib/systemd/system/,opt/$name/share/,;s,^etc/burrow/,opt/$name/share/," \
    -czf "$tar" "opt/$name" "${extra[@]}"
  log "built $tar ($(( $(stat -c %s "$tar") / 1048576 )) MiB)"
}
tarball burrow
tarball burrow-edge
ls -1 "$OUT"
