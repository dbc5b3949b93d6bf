#!/bin/sh
# Builds a self-contained engram for a host with no JDK (an HPC or GPU node such as the H100
# reference host): a jlink'ed Java runtime, the shaded jar and the launcher, in one folder.
#
#   native/bundle.sh [DIR]        DIR defaults to .gpu (add it to .git/info/exclude)
#   DIR/bin/engram doctor         runs anywhere the folder is copied to (Linux x86_64, glibc)
#
# Layout: DIR/bin/engram (launcher), DIR/lib/engram.jar (engram, picocli, JCuda and its natives,
# the forwarding libcublas.so.12), DIR/runtime (Java). The runtime is the one of the JDK that runs
# this script (JAVA_HOME, else the java on PATH); jlink needs a JDK. MVN_FLAGS (default -q) goes
# to Maven, e.g. MVN_FLAGS="-q -o" offline.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/.gpu}
case $out in /*) ;; *) out=$(pwd)/$out ;; esac

if [ -n "${JAVA_HOME:-}" ]; then jdk=$JAVA_HOME; else jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")"); fi
[ -x "$jdk/bin/jlink" ] || { echo "bundle.sh: no jlink in $jdk (set JAVA_HOME to a JDK 17 or newer)" >&2; exit 1; }

(cd "$repo" && mvn ${MVN_FLAGS:--q} package -DskipTests)

# The modules the jar needs (jdeps: java.base, java.desktop for ImageIO's PNG writer, java.logging
# for JCuda's LibUtils, jdk.incubator.vector for the CPU GEMM kernel) plus jdk.unsupported.
modules=$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 "$repo/target/engram.jar")
modules="$modules,jdk.unsupported"

# zip-6 on JDK 21+, where the numeric levels are deprecated; level 2 (zip) on JDK 17.
feature=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "$feature" -ge 21 ]; then compress=zip-6; else compress=2; fi

rm -rf "$out"
mkdir -p "$out/bin" "$out/lib"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress="$compress" --output "$out/runtime"
# The JDK's native libraries keep their symbol tables (about 4 MB in libjvm.so alone); the
# runtime does not need them.
if command -v strip >/dev/null; then find "$out/runtime" -name '*.so' -exec strip --strip-unneeded {} +; fi
cp "$repo/target/engram.jar" "$out/lib/engram.jar"
cp "$repo/src/main/scripts/engram" "$out/bin/engram"
chmod 755 "$out/bin/engram"

"$out/bin/engram" --version >/dev/null
echo "bundle: $out ($(du -sh "$out" | cut -f1), modules $modules, Java $feature)"
