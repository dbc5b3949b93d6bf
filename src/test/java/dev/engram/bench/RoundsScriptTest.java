package dev.engram.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * bench/rounds.py on two rounds of engram's JSON (written by BenchReport) and made-up DJL and DL4J
 * ones: per-round medians, their median, the least step and the ratios by both.
 */
class RoundsScriptTest {
    @TempDir
    Path dir;

    @Test
    void mediansOfRoundsLeastStepsAndRatios() throws Exception {
        engram(1, 40, 30);
        engram(2, 60, 35);
        engram(3, 50, 20);
        peer(1, "djl", 30, 25);
        peer(2, "djl", 20, 18);
        peer(3, "djl", 25, 15);
        peer(1, "dl4j", 100, 90);
        List<String> out = PythonScript.run("bench/rounds.py", dir.toString());
        assertEquals("3 interleaved rounds; ms per step: median of each round (least step of all rounds)", out.get(0));
        assertTrue(out.contains("| dense-ae | engram | 40.0 / 60.0 / 50.0 | 50.0 | 20.0 | - | - |"), String.join("\n", out));
        // DJL: median of 30, 20, 25 is 25 -> 25/50 = 0.50x; least 15 against engram's 20 -> 0.75x.
        assertTrue(out.contains("| dense-ae | djl | 30.0 / 20.0 / 25.0 | 25.0 | 15.0 | 0.50x | 0.75x |"), String.join("\n", out));
        assertTrue(out.contains("| dense-ae | dl4j | 100.0 | 100.0 | 90.0 | 2.00x | 4.50x |"), String.join("\n", out));
    }

    private void engram(int round, double median, double least) throws IOException {
        BenchReport report = new BenchReport(Map.of("device", "cpu"), "host clock", "fp32", 20, 5);
        report.add("dense-ae", 256, new ModelBench.Figures(1083696, new Timings(median, least, median + 10, 20), 1, 1,
                1 << 20, "heap", 1 << 20));
        Files.writeString(dir.resolve(round + "-engram.json"), report.toJson());
    }

    private void peer(int round, String engine, double median, double least) throws IOException {
        Files.writeString(dir.resolve(round + "-" + engine + ".json"), """
                {"date": "2026-11-23", "peer": "%s", "results": [{"model": "dense-ae", "batch": 256,
                 "ms_per_step_median": %s, "ms_per_step_min": %s, "ms_per_step_max": 99, "images_per_s": 1}]}
                """.formatted(engine, median, least));
    }
}
