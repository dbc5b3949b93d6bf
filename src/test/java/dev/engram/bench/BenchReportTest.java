package dev.engram.bench;

import dev.engram.io.Json;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchReportTest {

    @Test
    void aFailedModelKeepsItsReasonAndNullFiguresBesideTheOthers() {
        BenchReport report = new BenchReport(Map.of("date", "2026-11-23"), "host clock", "tf32", 10, 2);
        report.add("dense-ae", 256, new ModelBench.Figures(1000, new Timings(2.0, 1.5, 3.25, 10), 128000.4, 512000.0,
                3L << 20, "device allocator peak", 1 << 20));
        report.addFailure("conv-ae", 256, "kernels not wired yet: relu");
        assertEquals(1, report.failures());
        Map<?, ?> doc = (Map<?, ?>) Json.parse(report.toJson(), "report");
        List<?> rows = (List<?>) doc.get("results");
        Map<?, ?> ok = (Map<?, ?>) rows.get(0);
        Map<?, ?> failed = (Map<?, ?>) rows.get(1);
        assertEquals("tf32", ok.get("mode"));
        assertEquals(2.0, ((Number) ((Map<?, ?>) ok.get("step_ms")).get("median")).doubleValue());
        assertEquals(128000.4, ((Number) ok.get("train_images_per_s")).doubleValue());
        assertNull(ok.get("error"));
        assertEquals("kernels not wired yet: relu", failed.get("error"));
        assertEquals(ok.keySet(), failed.keySet());
        assertNull(failed.get("train_images_per_s"));

        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.printTable(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("conv-ae      tf32     256 failed: kernels not wired yet: relu"), table);
        assertTrue(table.lines().anyMatch(l -> l.startsWith("dense-ae") && l.contains("2.00") && l.contains("128000")
                && l.contains("3.0")), table);
        assertTrue(table.contains("timing: host clock"), table);
    }
}
