package dev.engram.cli;

import dev.engram.backend.cuda.CudaLibraries;
import dev.engram.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProbeCudaCommandTest {
    private static final List<String> CHECKS =
            List.of("libraries", "jcuda-natives", "driver", "cublas", "cudnn", "ptx-probe", "ptx-kernels");

    @Test
    void printsOneVerdictPerCheckWithoutStackTracesAndWritesTheSameAsJson(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("probe.json");
        CliRunner r = CliRunner.run("probe-cuda", "--json", json.toString());

        for (String check : CHECKS) {
            assertTrue(r.out().lines().anyMatch(l -> l.matches("(PASS|FAIL) " + check + " +\\S.*")), check + "\n" + r.out());
        }
        assertFalse(r.out().contains("\tat ") || r.err().contains("\tat "), r.out() + r.err());
        assertFalse(r.out().contains("Exception"), r.out());

        @SuppressWarnings("unchecked")
        Map<String, Object> record = (Map<String, Object>) Json.parse(Files.readString(json), json.toString());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> checks = (List<Map<String, Object>>) record.get("checks");
        assertEquals(CHECKS, checks.stream().map(c -> c.get("name")).toList());
        long failed = checks.stream().filter(c -> c.get("status").equals("FAIL")).count();
        assertEquals(failed == 0 ? 0 : Main.FAILED, r.exitCode());
        assertTrue(r.out().contains((CHECKS.size() - failed) + " passed, " + failed + " failed"), r.out());
        if (!CudaLibraries.driver().available()) {
            // No GPU here: every check that needs the driver says why in one line.
            for (Map<String, Object> c : checks.subList(1, 3)) {
                assertEquals("FAIL", c.get("status"));
                assertEquals(CudaLibraries.driver().detail(), c.get("detail"));
            }
        }
    }
}
