#!/usr/bin/env bash
# Builds a minimal Java 17 base image as a `docker save` tarball, from the JDK on this machine, with no registry
# and no Docker daemon: for Jib's `-Dburrow.image.base=tar://...` where no registry is reachable.
#
# The image: a jlink'd Java 17 runtime in /opt/java (modules below), the shared libraries it links against
# (found with ldd, copied from this machine's Debian packages), /etc/passwd and /etc/group with root and the
# non-root user `burrow` (uid/gid 65532, the user the Burrow images run as), /tmp (1777), /var/lib/burrow and
# /config owned by 65532. No shell, no package manager. Architecture: this machine's.
#
# Usage: deploy/images/build-base.sh [OUTPUT.tar]     (default: deploy/images/target/burrow-base-java17.tar)
# Environment: JAVA_HOME (a JDK 17 with jmods/; default: the one `javac` belongs to)
#              MODULES (default below)
# Needs: jlink (openjdk-17-jdk-headless; Debian ships jmods with it), ldd (libc-bin), python3.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OUT=${1:-$SCRIPT_DIR/target/burrow-base-java17.tar}
JAVA_HOME=${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}
# java.se (Hazelcast asks for it) plus what Netty, Hazelcast's metrics and TLS use at run time.
MODULES=${MODULES:-java.se,jdk.unsupported,jdk.management,jdk.crypto.ec,jdk.crypto.cryptoki,jdk.naming.dns,jdk.zipfs,jdk.jcmd}
UID_GID=65532

die() { echo "build-base: ERROR: $*" >&2; exit 1; }
[ -x "$JAVA_HOME/bin/jlink" ] || die "no jlink in $JAVA_HOME (set JAVA_HOME to a JDK 17; apt-get install openjdk-17-jdk-headless)"
[ -d "$JAVA_HOME/jmods" ] || die "no $JAVA_HOME/jmods: jlink needs the JDK's jmods"
# No early-exiting reader in a pipeline under pipefail (grep -q, awk's exit): the writer would die of SIGPIPE (141).
[[ "$("$JAVA_HOME/bin/java" -version 2>&1)" == *'version "17'* ]] || die "$JAVA_HOME is not a Java 17"
command -v ldd >/dev/null || die "ldd not found (apt-get install libc-bin)"
command -v python3 >/dev/null || die "python3 not found (apt-get install python3)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/burrow-base.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ROOT="$WORK/rootfs"
mkdir -p "$ROOT/opt" "$ROOT/etc" "$ROOT/tmp" "$ROOT/var/lib/burrow" "$ROOT/config/burrow"

echo "build-base: jlink $MODULES" >&2
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --output "$ROOT/opt/java" \
  --strip-debug --no-man-pages --no-header-files --compress=2

# The JDK's trust store is a symlink into ca-certificates-java on Debian: take the real file, if there is one.
if [ -L "$ROOT/opt/java/lib/security/cacerts" ] || [ ! -s "$ROOT/opt/java/lib/security/cacerts" ]; then
  rm -f "$ROOT/opt/java/lib/security/cacerts"
  src=$(readlink -f "$JAVA_HOME/lib/security/cacerts" || true)
  [ -n "$src" ] && [ -s "$src" ] && cp "$src" "$ROOT/opt/java/lib/security/cacerts"
fi

# Every shared library the runtime's binaries and libraries need, at the same path, plus the loader.
copy_lib() {  # absolute path: copy it (and the file a symlink points to) into the rootfs
  local f=$1 real
  [ -e "$ROOT$f" ] && return 0
  mkdir -p "$ROOT$(dirname "$f")"
  real=$(readlink -f "$f")
  if [ "$real" != "$f" ]; then
    mkdir -p "$ROOT$(dirname "$real")"
    [ -e "$ROOT$real" ] || cp "$real" "$ROOT$real"
    ln -sf "$real" "$ROOT$f"
  else
    cp "$f" "$ROOT$f"
  fi
}
# Not the libraries only a desktop needs (X11, splash screen, fonts): a server runs headless, and leaving them
# out keeps X11, harfbuzz and friends out of the image. Libraries inside the runtime itself are already there.
while read -r lib; do
  case "$lib" in "$ROOT"/*) continue ;; esac
  copy_lib "$lib"
done < <(
  find "$ROOT/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) \
    ! -name 'libawt_xawt.so' ! -name 'libsplashscreen.so' ! -name 'libjawt.so' ! -name 'libfontmanager.so' \
    -print0 | xargs -0 ldd 2>/dev/null \
    | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $2 ~ /^\(0x/ {print $1}' | sort -u)
# Loaded with dlopen, so ldd does not list them: unwinding (thread exit) and name lookup on older glibc.
for extra in libgcc_s.so.1 libnss_files.so.2 libnss_dns.so.2 libresolv.so.2; do
  f=$(ldconfig -p 2>/dev/null | awk -v n="$extra" '!found && $1 == n && /x86-64|64bit|AArch64/ {print $NF; found = 1}')
  [ -n "$f" ] && [ -e "$f" ] && copy_lib "$f"
done
# /lib64 and /lib may be links into /usr on this machine; the loader must be at the path the binaries name.
printf 'root:x:0:0:root:/root:/sbin/nologin\nburrow:x:%s:%s:burrow:/var/lib/burrow:/sbin/nologin\n' "$UID_GID" "$UID_GID" > "$ROOT/etc/passwd"
printf 'root:x:0:\nburrow:x:%s:\n' "$UID_GID" > "$ROOT/etc/group"
printf 'hosts: files dns\n' > "$ROOT/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$ROOT/etc/hosts"

mkdir -p "$(dirname "$OUT")"
ARCH=$(uname -m); case "$ARCH" in x86_64) ARCH=amd64 ;; aarch64) ARCH=arm64 ;; esac
python3 - "$ROOT" "$OUT" "$ARCH" "$UID_GID" <<'PY'
import hashlib, io, json, os, sys, tarfile
root, out, arch, uid = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
owned = {"var/lib/burrow", "config", "config/burrow"}
def fix(ti):
    rel = ti.name.lstrip("./")
    ti.uid = ti.gid = uid if rel in owned else 0
    ti.uname = ti.gname = ""
    ti.mtime = 0
    if rel == "tmp":
        ti.mode = 0o1777
    return ti
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
    for name in sorted(os.listdir(root)):
        t.add(os.path.join(root, name), arcname=name, filter=fix)
layer_bytes = layer.getvalue()
diff_id = "sha256:" + hashlib.sha256(layer_bytes).hexdigest()
config = {
    "architecture": arch, "os": "linux",
    "config": {"Env": ["PATH=/opt/java/bin:/usr/local/bin:/usr/bin:/bin", "JAVA_HOME=/opt/java", "LANG=C.UTF-8"],
               "User": str(uid), "WorkingDir": "/var/lib/burrow"},
    "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    "history": [{"created_by": "deploy/images/build-base.sh (jlink Java 17 + its libraries)"}],
}
config_bytes = json.dumps(config, indent=1).encode()
config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
manifest = [{"Config": config_name, "RepoTags": ["burrow-base:java17"], "Layers": ["layer.tar"]}]
with tarfile.open(out, mode="w") as t:
    for name, data in (("layer.tar", layer_bytes), (config_name, config_bytes),
                       ("manifest.json", json.dumps(manifest).encode())):
        ti = tarfile.TarInfo(name); ti.size = len(data); ti.mode = 0o644
        t.addfile(ti, io.BytesIO(data))
print(f"build-base: wrote {out} ({os.path.getsize(out) // (1024 * 1024)} MiB, layer {diff_id[:19]}...)", file=sys.stderr)
PY
echo "$OUT"
