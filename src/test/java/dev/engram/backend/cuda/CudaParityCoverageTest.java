package dev.engram.backend.cuda;

import dev.engram.backend.Backend;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every public op of {@link Backend} is called by the CUDA parity tests, so an op added to the op
 * set without a parity test fails here, on every machine, not only where a GPU is present.
 */
class CudaParityCoverageTest {
    private static final List<String> PARITY_TESTS = List.of("CudaParityTest.java", "CudaKernelParityTest.java",
            "CudaTrainingParityTest.java", "CudaTimerTest.java", "CudaUploadTest.java", "GpuTest.java");

    @Test
    void everyOpOfTheOpSetHasAParityTest() throws IOException {
        StringBuilder sources = new StringBuilder();
        Path dir = CudaTools.ROOT.resolve("src/test/java/dev/engram/backend/cuda");
        for (String test : PARITY_TESTS) {
            sources.append(Files.readString(dir.resolve(test)));
        }
        Set<String> missing = new TreeSet<>();
        for (Method m : Backend.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !sources.toString().contains("." + m.getName() + "(")) {
                missing.add(m.getName());
            }
        }
        assertTrue(missing.isEmpty(), "ops without a CUDA parity test: " + missing);
    }
}
