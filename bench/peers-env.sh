# Sourced by bench/peers-*.sh: builds bench/jvm-peers (Maven goes online only for the first
# download of DJL and libtorch) and defines peers_java, which runs a class of it with libtorch
# pinned to $1 threads (intra-op; one inter-op thread) and offline (libtorch is unpacked from the
# pytorch-native-cpu jar into target/djl-cache, never downloaded).
peers_threads=${1:-2}
peers_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/jvm-peers" && pwd)
(cd "$peers_dir" && { mvn -q -o package -DskipTests 2>/dev/null || mvn -q package -DskipTests; } \
  && mvn -q -o dependency:build-classpath -Dmdep.outputFile=target/classpath.txt)
export OMP_NUM_THREADS=$peers_threads MKL_NUM_THREADS=$peers_threads
export OMP_WAIT_POLICY=PASSIVE  # a spinning OpenMP pool starves the JVM on a small shared machine
export PYTORCH_FLAVOR=cpu DJL_CACHE_DIR=$peers_dir/target/djl-cache
peers_java() {
  java -Dai.djl.offline=true -Dai.djl.pytorch.num_threads="$peers_threads" -Dai.djl.pytorch.num_interop_threads=1 \
    -Dpeers.note="${PEERS_NOTE:-}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    -cp "$peers_dir/target/classes:$(cat "$peers_dir/target/classpath.txt")" "$@" 2> >(grep --line-buffered -v '^SLF4J' >&2)
}
