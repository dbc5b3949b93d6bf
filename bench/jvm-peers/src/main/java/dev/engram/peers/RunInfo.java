package dev.engram.peers;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Where a result came from: machine, JVM, DJL and libtorch versions, thread counts. */
final class RunInfo {
    private RunInfo() {
    }

    static Map<String, Object> describe() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("cpu", cpuModel());
        info.put("cores", Runtime.getRuntime().availableProcessors());
        info.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        info.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        info.put("djl", Engine.getDjlVersion());
        info.put("engine", Engine.getInstance().getEngineName() + " " + Engine.getInstance().getVersion());
        info.put("torch_intra_op_threads", JniUtils.getNumThreads());
        info.put("torch_inter_op_threads", JniUtils.getNumInteropThreads());
        info.put("OMP_NUM_THREADS", String.valueOf(System.getenv("OMP_NUM_THREADS")));
        info.put("MKL_NUM_THREADS", String.valueOf(System.getenv("MKL_NUM_THREADS")));
        info.put("note", System.getProperty("peers.note", ""));
        return info;
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
