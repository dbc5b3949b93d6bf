#!/bin/sh
# Builds a self-contained engram for a host with no JDK (an HPC or GPU node such as the H100
# reference host): a jlink'ed Java runtime, the shaded jar and the launcher, in one folder.
#
#   native/bundle.sh [DIR]        DIR defaults to .gpu (add it to .git/info/exclude)
#   DIR/bin/engram doctor         runs anywhere the folder is copied to (Linux x86_64, glibc)
#   DIR/bin/engram-test --select-class dev.engram.backend.cuda.CudaParityTest
#                                 runs the test suite (JUnit console launcher; from the
#                                 repository root, where some tests read native/ and src/)
#
# Layout: DIR/bin/engram and DIR/bin/engram-test (one launcher script under two names),
# DIR/lib/engram.jar (engram, picocli, JCuda and its natives, the forwarding libcublas.so.12),
# DIR/test (the compiled tests and JUnit's console launcher), DIR/runtime (Java). The runtime is the one of the JDK that runs
# this script (JAVA_HOME, else the java on PATH); jlink needs a JDK. MVN_FLAGS (default -q) goes
# to Maven, e.g. MVN_FLAGS="-q -o" offline.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/.gpu}
case $out in /*) ;; *) out=$(pwd)/$out ;; esac

if [ -n "${JAVA_HOME:-}" ]; then jdk=$JAVA_HOME; else jdk=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")"); fi
[ -x "$jdk/bin/jlink" ] || { echo "bundle.sh: no jlink in $jdk (set JAVA_HOME to a JDK 17 or newer)" >&2; exit 1; }

# JUnit's console launcher of the platform version matching the pom's JUnit 5.x.y (1.x.y).
junit=$(sed -n 's:.*<junit.version>5\.\(.*\)</junit.version>.*:1.\1:p' "$repo/pom.xml")
console=junit-platform-console-standalone-$junit.jar
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$repo" && mvn ${MVN_FLAGS:--q} package -DskipTests \
    && mvn ${MVN_FLAGS:--q} dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit" \
        -DoutputDirectory="$work")

# The modules the jars need (jdeps: java.base, java.desktop for ImageIO's PNG writer, java.logging
# for JCuda's LibUtils, jdk.incubator.vector for the CPU GEMM kernel, java.sql for JUnit's
# console) plus jdk.unsupported.
modules=$("$jdk/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 17 \
    "$repo/target/engram.jar" "$repo/target/test-classes" "$work/$console")
modules="$modules,jdk.unsupported"

# zip-6 on JDK 21+, where the numeric levels are deprecated; level 2 (zip) on JDK 17.
feature=$("$jdk/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
if [ "$feature" -ge 21 ]; then compress=zip-6; else compress=2; fi

rm -rf "$out"
mkdir -p "$out/bin" "$out/lib" "$out/test"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
    --compress="$compress" --output "$out/runtime"
# The JDK's native libraries keep their symbol tables (about 4 MB in libjvm.so alone); the
# runtime does not need them.
if command -v strip >/dev/null; then find "$out/runtime" -name '*.so' -exec strip --strip-unneeded {} +; fi
cp "$repo/target/engram.jar" "$out/lib/engram.jar"
# The tests stay a folder: some read their resources as files.
cp -r "$repo/target/test-classes" "$out/test/classes"
cp "$work/$console" "$out/test/junit-platform-console-standalone.jar"
cp "$repo/src/main/scripts/engram" "$out/bin/engram"
cp "$repo/src/main/scripts/engram" "$out/bin/engram-test"
chmod 755 "$out/bin/engram" "$out/bin/engram-test"

"$out/bin/engram" --version >/dev/null
echo "bundle: $out ($(du -sh "$out" | cut -f1), modules $modules, Java $feature)"
