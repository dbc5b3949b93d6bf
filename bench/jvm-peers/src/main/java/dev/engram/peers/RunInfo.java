package dev.engram.peers;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where a result came from: machine, JVM, library versions, thread counts. */
final class RunInfo {
    private RunInfo() {
    }

    /** The machine and JVM, plus DJL's and libtorch's versions and threads. */
    static Map<String, Object> djl() {
        Map<String, Object> info = machine();
        info.put("djl", Engine.getDjlVersion());
        info.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        info.put("torch_intra_op_threads", JniUtils.getNumThreads());
        info.put("torch_inter_op_threads", JniUtils.getNumInteropThreads());
        return info;
    }

    /** The machine, its load, the JVM, the OpenMP/MKL thread settings and the note the scripts pass in. */
    static Map<String, Object> machine() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("cpu", cpuModel());
        info.put("cores", Runtime.getRuntime().availableProcessors());
        info.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        info.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        info.put("OMP_NUM_THREADS", String.valueOf(System.getenv("OMP_NUM_THREADS")));
        info.put("MKL_NUM_THREADS", String.valueOf(System.getenv("MKL_NUM_THREADS")));
        info.put("OMP_WAIT_POLICY", String.valueOf(System.getenv("OMP_WAIT_POLICY")));
        info.put("load_average", loadAverage());
        info.put("note", System.getProperty("peers.note", ""));
        return info;
    }

    /** The 1, 5 and 15 minute load averages when the line is written (on a shared machine they date the figures). */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }
}
