package dev.engram.train;

import dev.engram.backend.Backend;
import dev.engram.data.EmbeddedData;
import dev.engram.data.ImageSet;
import dev.engram.io.HostTensor;
import dev.engram.io.MalformedDataException;
import dev.engram.io.SafeTensors;
import dev.engram.model.Autoencoder;
import dev.engram.optim.Optimizer;
import dev.engram.optim.SGD;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CheckpointTest {
    private static final Backend CPU = TestBackends.cpu();
    private static final TrainConfig CONFIG = TrainConfig.builder().epochs(3).batchSize(3).seed(11).build();

    @TempDir
    Path dir;

    private static Tensor batch(int from) {
        ImageSet set = EmbeddedData.fashionMnistSample();
        return CPU.fromHost(Arrays.copyOfRange(set.pixels(), from * 784, (from + 3) * 784), Shape.of(3, 1, 28, 28));
    }

    /** Two training steps, so weights, running statistics, optimizer state and random stream have all moved. */
    private static void train(Autoencoder m, Optimizer opt, Tensor x, int steps) {
        for (int i = 0; i < steps; i++) {
            opt.zeroGrad();
            m.lossForward(x, x, opt.stepCount());
            m.lossBackward();
            opt.step();
        }
    }

    private static float[] reconstruct(Autoencoder m, Tensor x) {
        m.train(false);
        float[] out = m.reconstruct(x).toFloatArray();
        m.train(true);
        return out;
    }

    private static void assertSameState(Autoencoder a, Autoencoder b) {
        assertArrayEquals(a.parameterStore().values().toFloatArray(), b.parameterStore().values().toFloatArray());
        assertArrayEquals(a.parameterStore().state().toFloatArray(), b.parameterStore().state().toFloatArray());
    }

    @Test
    void aTrainingCheckpointRestoresModelOptimizerAndRandomStreamBitForBit() throws IOException {
        Path file = dir.resolve("ck.safetensors");
        TrainerState state = new TrainerState(2, 4, 5e-4f, 0.25, 1, 0.25, 1, Double.NaN, 0);
        try (Tensor x = batch(0); Tensor x2 = batch(3);
             Autoencoder a = TinyModels.convAe(4).build(CPU, 11); Optimizer optA = CONFIG.optimizer().create(a.parameterStore())) {
            train(a, optA, x, 2);
            optA.setLearningRate(5e-4f);
            Checkpoint.save(file, a, TinyModels.SPEC, optA, CONFIG, state);

            Checkpoint ck = Checkpoint.read(file);
            assertTrue(ck.isTrainingCheckpoint());
            assertEquals(TinyModels.SPEC, ck.modelSpec());
            assertEquals(CONFIG, ck.trainConfig().orElseThrow());
            assertEquals(state, ck.trainerState().orElseThrow());
            assertEquals("2", ck.metadata().get("engram.epoch"));
            assertEquals("4", ck.metadata().get("engram.step"));
            assertTrue(ck.metadata().get("engram.optimizer").contains("\"kind\":\"Adam\""));
            assertEquals(Checkpoint.FORMAT, ck.metadata().get("engram.format"));

            try (Autoencoder b = TinyModels.convAe(4).build(CPU, 11); Optimizer optB = CONFIG.optimizer().create(b.parameterStore())) {
                train(b, optB, x2, 1); // b's state differs everywhere until restored
                ck.restoreModel(b);
                ck.restoreRandom(b);
                ck.restoreOptimizer(optB);
                assertSameState(a, b);
                assertEquals(a.random().counter(), b.random().counter());
                assertEquals(optA.stepCount(), optB.stepCount());
                assertEquals(optA.learningRate(), optB.learningRate());
                for (String name : optA.state().keySet()) {
                    assertArrayEquals(optA.state().get(name).toFloatArray(), optB.state().get(name).toFloatArray(), name);
                }
                assertArrayEquals(reconstruct(a, x2), reconstruct(b, x2), "same outputs after load");
                train(a, optA, x2, 2);
                train(b, optB, x2, 2);
                assertSameState(a, b); // dropout draws and Adam moments continue identically
            }
        }
    }

    @Test
    void weightsOnlyServeEvaluationButNotResumption() throws IOException {
        Path file = dir.resolve("weights.safetensors");
        try (Tensor x = batch(0); Autoencoder a = TinyModels.convAe(4).build(CPU, 3);
             Optimizer opt = CONFIG.optimizer().create(a.parameterStore())) {
            train(a, opt, x, 1);
            Checkpoint.saveWeights(file, a, TinyModels.SPEC);
            Checkpoint ck = Checkpoint.read(file);
            assertFalse(ck.isTrainingCheckpoint());
            assertTrue(ck.trainConfig().isEmpty() && ck.trainerState().isEmpty());
            try (Autoencoder b = TinyModels.convAe(4).build(CPU, 99)) {
                ck.restoreModel(b);
                assertArrayEquals(reconstruct(a, x), reconstruct(b, x));
                assertTrue(assertThrows(IllegalArgumentException.class, () -> ck.restoreRandom(b)).getMessage()
                        .contains("has seed 3 but the model was built with seed 99"));
                try (Optimizer optB = CONFIG.optimizer().create(b.parameterStore())) {
                    assertTrue(assertThrows(IllegalArgumentException.class, () -> ck.restoreOptimizer(optB)).getMessage()
                            .contains("weights only"));
                }
            }
        }
    }

    @Test
    void aFileThatDoesNotFitIsRefusedNamingTheFileAndTheTensor() throws IOException {
        Path file = dir.resolve("ck.safetensors");
        try (Autoencoder a = TinyModels.convAe(4).build(CPU, 1); Optimizer opt = CONFIG.optimizer().create(a.parameterStore())) {
            Checkpoint.save(file, a, TinyModels.SPEC, opt, CONFIG, TrainerState.start(1e-3f));
        }
        SafeTensors.Contents good = SafeTensors.read(file);
        long live = CPU.liveBytes();

        byte[] bytes = Files.readAllBytes(file);
        Path truncated = Files.write(dir.resolve("truncated.safetensors"), Arrays.copyOf(bytes, bytes.length - 100));
        assertRefused(truncated, "truncated", List.of(truncated.toString()));

        Map<String, HostTensor> missing = new LinkedHashMap<>(good.tensors());
        missing.remove("decoder.0.weight");
        Path noTensor = dir.resolve("missing.safetensors");
        SafeTensors.write(noTensor, missing, good.metadata());
        assertRefused(noTensor, "model", List.of(noTensor.toString(), "\"decoder.0.weight\"", "is missing"));

        Map<String, HostTensor> noMoment = new LinkedHashMap<>(good.tensors());
        noMoment.remove("optimizer.exp_avg_sq");
        Path noState = dir.resolve("nomoment.safetensors");
        SafeTensors.write(noState, noMoment, good.metadata());
        assertRefused(noState, "optimizer", List.of(noState.toString(), "\"optimizer.exp_avg_sq\"", "is missing"));

        Path notOurs = dir.resolve("plain.safetensors");
        SafeTensors.write(notOurs, good.tensors(), Map.of());
        assertRefused(notOurs, "read", List.of(notOurs.toString(), "not an engram checkpoint"));

        Checkpoint ck = Checkpoint.read(file);
        try (Autoencoder wider = TinyModels.convAe(5).build(CPU, 1)) {
            MalformedDataException e = assertThrows(MalformedDataException.class, () -> ck.restoreModel(wider));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("\"encoder.0.weight\" has shape [4, 1, 3, 3]")
                    && e.getMessage().contains("[5, 1, 3, 3] is expected"), e.getMessage());
        }
        try (Autoencoder a = TinyModels.convAe(4).build(CPU, 1); Optimizer sgd = new SGD(a.parameterStore(), 0.1f, 0.9f, 0, 0, false)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ck.restoreOptimizer(sgd));
            assertTrue(e.getMessage().contains("optimizer is Adam") && e.getMessage().contains("run uses SGD"), e.getMessage());
        }
        assertEquals(live, CPU.liveBytes(), "nothing allocated on the way to the errors");
    }

    /** Reads {@code file} and restores {@code what} into a fresh tiny model, expecting a refusal with all {@code parts}. */
    private static void assertRefused(Path file, String what, List<String> parts) {
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> {
            Checkpoint ck = Checkpoint.read(file);
            try (Autoencoder m = TinyModels.convAe(4).build(CPU, 1); Optimizer opt = CONFIG.optimizer().create(m.parameterStore())) {
                if (what.equals("model")) {
                    ck.restoreModel(m);
                } else if (what.equals("optimizer")) {
                    ck.restoreOptimizer(opt);
                }
            }
        });
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), e.getMessage());
        }
    }

    /** Saves a checkpoint of a model larger than the tiny one to args[0]; run under a file-size limit. */
    public static final class SaveInChildProcess {
        public static void main(String[] args) {
            try (Autoencoder m = TinyModels.convAe(16).build(CPU, 1); Optimizer opt = CONFIG.optimizer().create(m.parameterStore())) {
                Checkpoint.save(Path.of(args[0]), m, TinyModels.SPEC, opt, CONFIG, TrainerState.start(1e-3f));
                System.out.println("saved");
            } catch (IOException e) {
                System.out.println("failed: " + e.getMessage());
                System.exit(3);
            }
        }
    }

    @Test
    void aSaveThatHitsADiskLimitMidwayLeavesThePreviousCheckpoint() throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "needs bash to set a file-size limit (ulimit -f)");
        Path file = dir.resolve("last.safetensors");
        try (Autoencoder a = TinyModels.convAe(4).build(CPU, 1); Optimizer opt = CONFIG.optimizer().create(a.parameterStore())) {
            Checkpoint.save(file, a, TinyModels.SPEC, opt, CONFIG, TrainerState.start(1e-3f));
        }
        byte[] before = Files.readAllBytes(file);
        // A child JVM whose files may not grow past 64 KiB: the bigger checkpoint fails part-way
        // through writing its temporary file, as on a full disk (the JVM ignores SIGXFSZ, so the
        // write returns EFBIG).
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "ulimit -f 64 && exec \"$0\" --add-modules jdk.incubator.vector -cp \"$1\" \"$2\" \"$3\"";
        Process child = new ProcessBuilder("/bin/bash", "-c", command, java, System.getProperty("java.class.path"),
                SaveInChildProcess.class.getName(), file.toString()).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(3, child.waitFor(), output);
        assertTrue(output.contains("failed: File too large"), output);
        assertArrayEquals(before, Files.readAllBytes(file), "the previous checkpoint is intact");
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(file), s.toList(), "no temporary file is left behind");
        }
        Checkpoint.read(file);
    }

    @Test
    void aFailedSaveLeavesThePreviousCheckpoint() throws IOException {
        Path file = dir.resolve("last.safetensors");
        try (Autoencoder a = TinyModels.convAe(4).build(CPU, 1)) {
            Optimizer opt = CONFIG.optimizer().create(a.parameterStore());
            Checkpoint.save(file, a, TinyModels.SPEC, opt, CONFIG, TrainerState.start(1e-3f));
            byte[] before = Files.readAllBytes(file);
            opt.close(); // reading its state now fails in the middle of the save
            assertThrows(IllegalStateException.class,
                    () -> Checkpoint.save(file, a, TinyModels.SPEC, opt, CONFIG, TrainerState.start(1e-3f)));
            assertArrayEquals(before, Files.readAllBytes(file));
            try (Stream<Path> s = Files.list(dir)) {
                assertEquals(List.of(file), s.toList(), "no temporary file is left behind");
            }
        }
    }
}
