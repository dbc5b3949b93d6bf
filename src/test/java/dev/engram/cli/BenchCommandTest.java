package dev.engram.cli;

import dev.engram.io.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CI's short mode of the benchmark: it runs every reference model and writes every field (not how fast). */
class BenchCommandTest {
    /** Parameter counts of the same models in PyTorch (bench/pytorch/bench.py --check asserts the same). */
    private static final Map<String, Long> PYTORCH_PARAMETERS = Map.of("dense-ae", 1_083_696L, "conv-ae", 262_963L,
            "conv-vae", 220_385L, "conv-vae-64", 2_958_659L);

    @TempDir
    Path dir;

    @Test
    void shortRunOfEveryReferenceModelWritesEveryField() throws Exception {
        Path file = dir.resolve("bench.json");
        CliRunner r = CliRunner.run("bench", "--device", "cpu", "--steps", "2", "--warmup", "1", "--batch", "4",
                "--threads", "2", "--out", file.toString());
        assertEquals(0, r.exitCode(), r.err() + r.out());
        Map<?, ?> doc = (Map<?, ?>) Json.parse(Files.readString(file), file.toString());
        assertEquals(1L, ((Number) doc.get("schema")).longValue());
        assertEquals("engram", doc.get("engine"));
        assertTrue(((String) doc.get("timing")).contains("host clock"), doc.toString());
        Map<?, ?> label = (Map<?, ?>) doc.get("label");
        for (String field : new String[] {"date", "machine", "cores", "runtime", "device", "device_name",
                "engram_version", "commit"}) {
            assertTrue(label.get(field) != null && !label.get(field).toString().isBlank(), field + " in " + label);
        }
        assertTrue(label.containsKey("load_average_start") && label.containsKey("load_average_end"), label.toString());
        assertTrue(label.get("device").toString().startsWith("cpu, 2 threads"), label.toString());
        List<?> results = (List<?>) doc.get("results");
        assertEquals(BenchCommand.REFERENCE_MODELS, results.stream().map(o -> ((Map<?, ?>) o).get("model")).toList());
        for (Object o : results) {
            Map<?, ?> row = (Map<?, ?>) o;
            String model = (String) row.get("model");
            assertNull(row.get("error"), model);
            assertEquals("fp32", row.get("mode"), model);
            assertEquals(4L, number(row, "batch"), model);
            assertEquals(2L, number(row, "steps"), model);
            assertEquals(1L, number(row, "warmup"), model);
            assertEquals(PYTORCH_PARAMETERS.get(model), number(row, "parameters"), model);
            Map<?, ?> step = (Map<?, ?>) row.get("step_ms");
            double median = ((Number) step.get("median")).doubleValue();
            assertTrue(((Number) step.get("min")).doubleValue() <= median
                    && median <= ((Number) step.get("max")).doubleValue() && median > 0, model + " " + step);
            assertTrue(((Number) row.get("train_images_per_s")).doubleValue() > 0, model);
            assertTrue(((Number) row.get("inference_images_per_s")).doubleValue() > 0, model);
            assertTrue(number(row, "peak_memory_bytes") > 0, model);
            assertTrue(((String) row.get("peak_memory")).contains("heap"), model);
            // the model's parameters, Adam's two moments and the gradients at least
            assertTrue(number(row, "backend_bytes") >= 4 * 4 * PYTORCH_PARAMETERS.get(model), model);
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith(model + " ") && l.contains(" fp32 ")), r.out());
        }
        assertTrue(r.out().contains("wrote " + file), r.out());
    }

    @Test
    void aDefaultResultFileNeverReplacesAnEarlierRunsFigures() throws Exception {
        assertEquals(dir.resolve("day-cpu.json"), BenchCommand.unusedName(dir, "day-cpu"));
        Files.writeString(dir.resolve("day-cpu.json"), "{}");
        assertEquals(dir.resolve("day-cpu-2.json"), BenchCommand.unusedName(dir, "day-cpu"));
        Files.writeString(dir.resolve("day-cpu-2.json"), "{}");
        assertEquals(dir.resolve("day-cpu-3.json"), BenchCommand.unusedName(dir, "day-cpu"));
        assertEquals(dir.resolve("day-cpu-ops.json"), BenchCommand.unusedName(dir, "day-cpu-ops"));
    }

    @Test
    void opsModeTimesEveryOpAgainstItsFloor() throws Exception {
        Path file = dir.resolve("ops.json");
        CliRunner r = CliRunner.run("bench", "--ops", "--size", "262144", "--threads", "2", "--out", file.toString());
        assertEquals(0, r.exitCode(), r.err() + r.out());
        Map<?, ?> doc = (Map<?, ?>) Json.parse(Files.readString(file), file.toString());
        assertEquals("ops", doc.get("kind"));
        assertEquals(262144L, ((Number) doc.get("floats_per_tensor")).longValue());
        List<?> results = (List<?>) doc.get("results");
        List<String> names = results.stream().map(o -> (String) ((Map<?, ?>) o).get("op")).toList();
        for (String op : new String[] {"copy", "adamStep", "relu forward", "lossBackward bce_with_logits",
                "batchNormForwardTraining", "conv2dBackwardFilter"}) {
            assertTrue(names.contains(op), op + " in " + names);
        }
        for (Object o : results) {
            Map<?, ?> row = (Map<?, ?>) o;
            double rate = ((Number) row.get("rate")).doubleValue();
            double ofFloor = ((Number) row.get("of_floor")).doubleValue();
            assertTrue(rate > 0 && ofFloor > 0, row.toString());
            assertEquals(((Number) row.get("flops")).doubleValue() > 0 ? "GFLOP/s" : "GB/s", row.get("unit"), row.toString());
        }
        // copy is the memory floor itself, and the square GEMM the compute one.
        assertEquals(1.0, ((Number) ((Map<?, ?>) results.get(0)).get("of_floor")).doubleValue(), 1e-12);
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("adamStep ") && l.contains("GB/s")), r.out());
    }

    @Test
    void chosenModelsOnlyAndDefaultBatches() throws Exception {
        Path file = dir.resolve("one.json");
        CliRunner r = CliRunner.run("bench", "--models", "mnist-dense", "--steps", "1", "--warmup", "0", "--no-tf32",
                "--out", file.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<?> results = (List<?>) ((Map<?, ?>) Json.parse(Files.readString(file), "json")).get("results");
        assertEquals(1, results.size());
        assertEquals("mnist-dense", ((Map<?, ?>) results.get(0)).get("model"));
        assertEquals(64L, number((Map<?, ?>) results.get(0), "batch"));
    }

    @Test
    void badSettingsAreRefusedBeforeAnythingRuns() {
        Path file = dir.resolve("never.json");
        String[][] cases = {
            {"--steps", "0"}, {"--warmup", "-1"}, {"--batch", "0"}, {"--models", "dense-ae,nope"},
            {"--threads", "2", "--device", "cuda"}, {"--threads", "0"}, {"--device", "tpu"},
            {"--size", "262144"}, {"--ops", "--size", "1000"},
        };
        String[] expected = {"--steps", "--warmup", "--batch", "unknown model preset 'nope'", "--threads", "--threads",
            "unknown device 'tpu'", "--size 262144 needs --ops", "--size 1000 needs --ops and a positive multiple"};
        for (int i = 0; i < cases.length; i++) {
            String[] args = new String[cases[i].length + 3];
            args[0] = "bench";
            System.arraycopy(cases[i], 0, args, 1, cases[i].length);
            args[args.length - 2] = "--out";
            args[args.length - 1] = file.toString();
            CliRunner r = CliRunner.run(args);
            assertEquals(Main.FAILED, r.exitCode(), String.join(" ", cases[i]));
            assertTrue(r.err().startsWith("engram: ") && r.err().contains(expected[i]), r.err());
            assertFalse(Files.exists(file), String.join(" ", cases[i]));
        }
    }

    private static long number(Map<?, ?> row, String field) {
        return ((Number) row.get(field)).longValue();
    }
}
