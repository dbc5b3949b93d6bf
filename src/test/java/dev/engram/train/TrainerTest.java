package dev.engram.train;

import dev.engram.backend.Backend;
import dev.engram.data.EmbeddedData;
import dev.engram.data.ImageSet;
import dev.engram.model.Autoencoder;
import dev.engram.nn.Flatten;
import dev.engram.nn.Linear;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    private static final Backend CPU = TestBackends.cpu();

    @TempDir
    Path dir;

    /** The first {@code n} images of the embedded Fashion-MNIST sample. */
    static ImageSet fashion(int n) {
        ImageSet all = EmbeddedData.fashionMnistSample();
        return new ImageSet("fashion-" + n, 1, 28, 28, Arrays.copyOf(all.pixels(), n * 784), Arrays.copyOf(all.labels(), n),
                all.classNames());
    }

    private static TrainConfig.Builder small(Path out) {
        return TrainConfig.builder().epochs(3).batchSize(16).validationFraction(0.2).seed(5).outputDir(out);
    }

    /** The metrics lines without their timing fields, which no two runs share. */
    private static List<String> metricsWithoutTimings(Path outDir) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(outDir.resolve(Trainer.METRICS))) {
            out.add(line.replaceAll(",\"images_per_s\":[^,]*,\"seconds\":[^}]*", ""));
        }
        return out;
    }

    private static float[] weights(Autoencoder m) {
        return m.parameterStore().values().toFloatArray();
    }

    private void resumedRunMatchesTheUninterruptedOne(TrainConfig.Builder builder, TrainingListener interrupt,
                                                      int epochsBeforeResume) throws IOException {
        ImageSet data = fashion(120);
        Path fullDir = dir.resolve("full");
        Path cutDir = dir.resolve("cut");
        float[] expected;
        TrainResult full;
        try (Autoencoder m = TinyModels.convAe(4).build(CPU, 5);
             Trainer t = new Trainer(m, builder.outputDir(fullDir).build(), TinyModels.SPEC)) {
            full = t.fit(data, null);
            expected = weights(m);
            assertNull(full.stopReason());
        }
        try (Autoencoder m = TinyModels.convAe(4).build(CPU, 5);
             Trainer t = new Trainer(m, builder.outputDir(cutDir).build(), TinyModels.SPEC).listener(interrupt)) {
            TrainResult cut = t.fit(data, null);
            assertTrue(cut.stopReason().contains("stopped by the listener"), cut.stopReason());
        }
        Checkpoint ck = Checkpoint.read(cutDir.resolve(Trainer.LAST));
        assertEquals(epochsBeforeResume, ck.trainerState().orElseThrow().epoch());
        // Fresh objects, as a new process would make them from the checkpoint alone.
        try (Autoencoder m = TinyModels.convAe(4).build(CPU, ck.trainConfig().orElseThrow().seed());
             Trainer t = Trainer.resume(ck, m)) {
            TrainResult resumed = t.fit(data, null);
            assertArrayEquals(expected, weights(m), "bit-identical parameters");
            assertEquals(full.state(), resumed.state());
            assertEquals(3, resumed.history().size());
        }
        assertEquals(metricsWithoutTimings(fullDir), metricsWithoutTimings(cutDir));
        assertEquals(3, metricsWithoutTimings(cutDir).size());
        // Resuming the same checkpoint again drops the log lines written after it, then rewrites them.
        try (Autoencoder m = TinyModels.convAe(4).build(CPU, ck.trainConfig().orElseThrow().seed());
             Trainer t = Trainer.resume(ck, m)) {
            assertEquals(epochsBeforeResume, metricsWithoutTimings(cutDir).size());
            t.fit(data, null);
            assertArrayEquals(expected, weights(m));
        }
        assertEquals(metricsWithoutTimings(fullDir), metricsWithoutTimings(cutDir));
    }

    @Test
    void aRunStoppedAfterAnEpochAndResumedIsBitIdenticalToAnUninterruptedOne() throws IOException {
        TrainConfig.Builder config = small(null).schedule(new LrSchedule.StepDecay(1, 0.5f)).clipGradNorm(0.5f)
                .earlyStopping(new EarlyStopping(5, 0));
        resumedRunMatchesTheUninterruptedOne(config, new TrainingListener() {
            @Override
            public boolean onEpoch(EpochSummary s) {
                return s.epoch() < 2;
            }
        }, 2);
    }

    @Test
    void aRunAbandonedMidEpochResumesFromTheLastCompletedEpoch() throws IOException {
        TrainConfig.Builder config = small(null).schedule(new LrSchedule.Plateau(0.5f, 0, 0f))
                .optimizer(new OptimizerSettings(OptimizerSettings.Kind.SGD, 0.05f, 1e-4f, 0.9f, true));
        resumedRunMatchesTheUninterruptedOne(config, new TrainingListener() {
            @Override
            public boolean onStep(long step, int epoch, Map<String, Float> losses, double imagesPerSecond) {
                return step < 15; // 6 steps per epoch: stops in the middle of epoch 3
            }
        }, 2);
    }

    @Test
    void theOutputDirectoryGetsMetricsCurveAndCheckpoints() throws IOException {
        Path out = dir.resolve("run");
        List<Long> steps = new ArrayList<>();
        List<EpochSummary> epochs = new ArrayList<>();
        TrainResult r;
        try (Autoencoder m = TinyModels.convAe(4).build(CPU, 5);
             Trainer t = new Trainer(m, small(out).checkpointEvery(2).build(), TinyModels.SPEC).listener(new TrainingListener() {
                 @Override
                 public boolean onStep(long step, int epoch, Map<String, Float> losses, double imagesPerSecond) {
                     assertEquals(List.of("loss", "reconstruction"), List.copyOf(losses.keySet()));
                     assertEquals(losses.get("loss"), losses.get("reconstruction"));
                     assertTrue(imagesPerSecond > 0);
                     steps.add(step);
                     return true;
                 }

                 @Override
                 public boolean onEpoch(EpochSummary s) {
                     epochs.add(s);
                     return true;
                 }
             })) {
            r = t.fit(fashion(120), null);
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L), steps);
        assertEquals(r.history(), epochs);
        List<String> lines = Files.readAllLines(out.resolve(Trainer.METRICS));
        assertEquals(3, lines.size());
        for (int i = 0; i < 3; i++) {
            EpochSummary s = EpochSummary.fromJson(lines.get(i), "metrics");
            assertEquals(i + 1, s.epoch());
            assertEquals(6L * (i + 1), s.step());
            assertEquals(Map.of("loss", s.trainLoss(), "reconstruction", s.train().get("reconstruction")), s.train());
            assertFalse(s.validation().isEmpty());
        }
        assertTrue(r.history().get(2).trainLoss() < r.history().get(0).trainLoss(), "training lowers the loss");
        byte[] png = Files.readAllBytes(out.resolve(Trainer.LOSS_PNG));
        assertEquals((byte) 0x89, png[0]);
        assertEquals("PNG", new String(png, 1, 3, StandardCharsets.US_ASCII));
        assertEquals(3, Checkpoint.read(out.resolve(Trainer.LAST)).trainerState().orElseThrow().epoch());
        TrainerState best = Checkpoint.read(out.resolve(Trainer.BEST)).trainerState().orElseThrow();
        assertEquals(r.state().bestEpoch(), best.epoch());
        assertEquals(r.history().get(best.epoch() - 1).validationLoss(), best.bestValLoss());

        Checkpoint last = Checkpoint.read(out.resolve(Trainer.LAST));
        try (Autoencoder m = TinyModels.convAe(4).build(CPU, 5)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Trainer.resume(last, m, 2));
            assertTrue(e.getMessage().contains("is at epoch 3; a resumed run cannot end at epoch 2"), e.getMessage());
            try (Trainer longer = Trainer.resume(last, m, 4)) {
                TrainResult more = longer.fit(fashion(120), null);
                assertEquals(4, more.history().size());
                assertEquals(r.history(), more.history().subList(0, 3), "the earlier epochs are read back from the log");
                assertEquals(24, more.state().step());
            }
        }
        assertEquals(4, Files.readAllLines(out.resolve(Trainer.METRICS)).size());
        assertEquals(4, Checkpoint.read(out.resolve(Trainer.LAST)).trainConfig().orElseThrow().epochs());
    }

    @Test
    void earlyStoppingAndThePlateauScheduleReactToAStalledValidationLoss() {
        // A learning rate far too small to move float32 weights: the validation loss stays flat.
        TrainConfig config = small(null).epochs(10).optimizer(OptimizerSettings.adam(1e-12f))
                .schedule(new LrSchedule.Plateau(0.5f, 1, 0f)).earlyStopping(new EarlyStopping(5, 1e-3)).build();
        try (Autoencoder m = TinyModels.convAe(4).build(CPU, 5); Trainer t = new Trainer(m, config, TinyModels.SPEC)) {
            TrainResult r = t.fit(fashion(60), null);
            assertEquals(6, r.history().size(), "best at epoch 1, then 5 epochs without improvement");
            assertTrue(r.stopReason().startsWith("early stopping"), r.stopReason());
            float[] lrs = new float[6];
            for (int i = 0; i < 6; i++) {
                lrs[i] = r.history().get(i).learningRate();
            }
            // Epochs 2 and 3 do not improve: more than 1 bad epoch halves the rate for epoch 4, and so on.
            assertArrayEquals(new float[] {1e-12f, 1e-12f, 1e-12f, 0.5e-12f, 0.5e-12f, 0.25e-12f}, lrs);
        }
    }

    @Test
    void progressIsABarOnATerminalAndPlainLinesElsewhere() {
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        ByteArrayOutputStream bar = new ByteArrayOutputStream();
        TrainConfig config = small(null).epochs(1).batchSize(3).validationFraction(0).build();
        for (boolean terminal : new boolean[] {false, true}) {
            try (Autoencoder m = TinyModels.convAe(2).build(CPU, 5); Trainer t = new Trainer(m, config, TinyModels.SPEC)) {
                t.progress(new PrintStream(terminal ? bar : plain, true, StandardCharsets.UTF_8), terminal).fit(fashion(60), null);
            }
        }
        String[] lines = plain.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(11, lines.length, "20 batches: a line per tenth, and the epoch's line");
        assertTrue(lines[0].startsWith("epoch 1/1 batch 2/20 loss "), lines[0]);
        assertTrue(lines[9].startsWith("epoch 1/1 batch 20/20 loss "), lines[9]);
        assertTrue(lines[10].startsWith("epoch 1/1: train "), lines[10]);
        assertFalse(plain.toString(StandardCharsets.UTF_8).contains("\r"));
        String drawn = bar.toString(StandardCharsets.UTF_8);
        assertEquals(1, drawn.split("\n").length, "the bar is redrawn in place: one line at the epoch's end");
        assertEquals(20 + 2, drawn.chars().filter(c -> c == '\r').count(), "a redraw per batch, two to clear the bar at the end");
        assertTrue(drawn.contains("batch 7/20") && drawn.contains(" ETA "), drawn);
    }

    @Test
    void badSetupsAreRefusedBeforeAnythingIsAllocated() {
        long live = CPU.liveBytes();
        try (Autoencoder m = TinyModels.convAe(2).build(CPU, 5)) {
            long built = CPU.liveBytes();
            try (Trainer t = new Trainer(m, small(null).validationFraction(0).earlyStopping(new EarlyStopping(2, 0)).build(),
                    TinyModels.SPEC)) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(fashion(20), null));
                assertTrue(e.getMessage().contains("need validation losses"), e.getMessage());
            }
            try (Trainer t = new Trainer(m, small(null).build(), TinyModels.SPEC)) {
                ImageSet rgb = new ImageSet("rgb", 3, 28, 28, new float[2 * 3 * 784], null, List.of());
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(fashion(20), rgb));
                assertTrue(e.getMessage().contains("differ in size"), e.getMessage());
                assertThrows(IllegalArgumentException.class, () -> t.fit(rgb, null)); // the first conv wants 1 channel
            }
            assertEquals(built, CPU.liveBytes());
        }
        try (Autoencoder shrinking = new Autoencoder(new Flatten(), new Linear(784, 10)).build(CPU, 1);
             Trainer t = new Trainer(shrinking, small(null).build(), TinyModels.SPEC)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.fit(fashion(20), null));
            assertTrue(e.getMessage().contains("must reconstruct its input's shape"), e.getMessage());
        }
        assertEquals(live, CPU.liveBytes());
    }

    @Test
    void aTestRunsOutputIsNotATerminal() {
        // Surefire pipes the forked JVM's output: System.console() is null up to JDK 21, and
        // Console.isTerminal() is false from JDK 22 on.
        assertFalse(Terminals.stdoutIsTerminal());
    }

    @Test
    void resumingFromWeightsOnlyIsRefused() throws IOException {
        Path file = dir.resolve("w.safetensors");
        try (Autoencoder m = TinyModels.convAe(2).build(CPU, 5)) {
            Checkpoint.saveWeights(file, m, TinyModels.SPEC);
            Checkpoint weights = Checkpoint.read(file);
            for (Executable resume : List.<Executable>of(() -> Trainer.resume(weights, m), () -> Trainer.resume(weights, m, 5))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, resume);
                assertTrue(e.getMessage().contains("holds weights only"), e.getMessage());
            }
        }
    }
}
