package dev.engram.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bench/compare.py on engram's JSON (written by BenchReport) and a made-up PyTorch one. */
class CompareScriptTest {
    @TempDir
    Path dir;

    @Test
    void ratiosPerModelAndModeAndEveryFailureSaid() throws Exception {
        BenchReport engram = new BenchReport(Map.of("device", "cuda:0 NVIDIA H100", "device_name", "NVIDIA H100",
                "engram_version", "engram 0.1", "commit", "abc123"), "host clock", "tf32", 20, 5);
        engram.add("dense-ae", 256, figures(1083696, 2000, 8000));
        engram.addFailure("conv-ae", 256, "kernels not wired yet: relu");
        engram.add("conv-vae", 64, figures(220385, 900, 1000));
        Path e = dir.resolve("engram.json");
        Files.writeString(e, engram.toJson());
        Path p = dir.resolve("pytorch.json");
        Files.writeString(p, """
                {"schema": 1, "engine": "pytorch", "timing": "CUDA events",
                 "label": {"device": "cuda:0 NVIDIA H200", "device_name": "NVIDIA H200", "torch_version": "2.11.0"},
                 "results": [
                  %s, %s, %s, %s, %s,
                  {"model": "conv-vae-64", "mode": "compile", "batch": 256, "error": "RuntimeError: boom"}]}
                """.formatted(row("dense-ae", "eager-tf32", 256, 1083696, 1000, 16000),
                row("dense-ae", "compile", 256, 1083696, 4000, 8000), row("conv-ae", "eager-tf32", 256, 262963, 10, 10),
                row("conv-vae", "eager-tf32", 128, 220386, 300, 2000),
                row("conv-vae-64", "eager-tf32", 256, 2958659, 5, 5)));
        List<String> out = PythonScript.run("bench/compare.py", e.toString(), p.toString());
        assertTrue(out.get(0).startsWith("engram:  cuda:0 NVIDIA H100 (engram 0.1, commit abc123, mode tf32)"), out.get(0));
        assertTrue(out.get(2).startsWith("WARNING: different devices"), out.get(2));
        assertLine(out, "dense-ae     eager-tf32             2000           1000   2.00x   0.50x");
        assertLine(out, "dense-ae     compile                2000           4000   0.50x   1.00x");
        assertLine(out, "conv-ae      eager-tf32   - - - -  engram failed: kernels not wired yet: relu");
        assertLine(out, "conv-vae     eager-tf32              900            300   3.00x   0.50x  batch differs: engram 64,"
                + " pytorch 128; parameters differ: engram 220385, pytorch 220386");
        assertLine(out, "conv-vae-64  eager-tf32   - - - -  not run by engram");
        assertLine(out, "conv-vae-64  compile      - - - -  not run by engram; pytorch failed: RuntimeError: boom");
        assertEquals(6, out.stream().filter(l -> l.matches("(dense-ae|conv-).*")).count(), String.join("\n", out));
    }

    private static ModelBench.Figures figures(long parameters, double train, double infer) {
        return new ModelBench.Figures(parameters, new Timings(1, 1, 1, 20), train, infer, 1 << 20, "device allocator peak",
                1 << 20);
    }

    private static String row(String model, String mode, int batch, long parameters, double train, double infer) {
        return ("{\"model\": \"%s\", \"mode\": \"%s\", \"batch\": %d, \"parameters\": %d, \"train_images_per_s\": %s,"
                + " \"inference_images_per_s\": %s, \"error\": null}").formatted(model, mode, batch, parameters, train, infer);
    }

    /** A line equal to {@code expected} once runs of spaces are one (column widths are not the point). */
    private static void assertLine(List<String> out, String expected) {
        String want = expected.replaceAll(" +", " ");
        assertTrue(out.stream().anyMatch(l -> l.replaceAll(" +", " ").equals(want)), want + "\nnot in\n"
                + String.join("\n", out));
    }
}
