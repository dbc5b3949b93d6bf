package dev.engram.train;

import dev.engram.io.MalformedDataException;
import dev.engram.model.Autoencoder;
import dev.engram.nn.Linear;
import dev.engram.optim.Adam;
import dev.engram.optim.AdamW;
import dev.engram.optim.Optimizer;
import dev.engram.optim.SGD;
import dev.engram.testing.TestBackends;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainConfigTest {
    @Test
    void everyKindOfConfigSurvivesAJsonRoundTrip() {
        List<TrainConfig> configs = List.of(
                TrainConfig.builder().build(),
                TrainConfig.builder().epochs(7).batchSize(3).dropLast(true).seed(-5)
                        .optimizer(new OptimizerSettings(OptimizerSettings.Kind.SGD, 0.1f, 1e-4f, 0.9f, true))
                        .schedule(new LrSchedule.StepDecay(2, 0.5f)).clipGradNorm(1.5f).validationFraction(0.25)
                        .checkpointEvery(3).outputDir(Path.of("runs", "a b")).build(),
                TrainConfig.builder().optimizer(new OptimizerSettings(OptimizerSettings.Kind.ADAMW, 3e-4f, 0.01f, 0f, false))
                        .schedule(new LrSchedule.Cosine(1e-6f)).earlyStopping(new EarlyStopping(4, 1e-3)).build(),
                TrainConfig.builder().schedule(new LrSchedule.Plateau(0.3f, 2, 1e-5f)).validationFraction(0).build());
        for (TrainConfig c : configs) {
            assertEquals(c, TrainConfig.fromJson(c.toJson(), "test"), c.toJson());
        }
    }

    @Test
    void badSettingsAreRefusedNamingTheValue() {
        assertMessage("epochs is 0", () -> TrainConfig.builder().epochs(0).build());
        assertMessage("batch size is -1", () -> TrainConfig.builder().batchSize(-1).build());
        assertMessage("validation fraction is 1.0", () -> TrainConfig.builder().validationFraction(1).build());
        assertMessage("max norm is -1.0", () -> TrainConfig.builder().clipGradNorm(-1).build());
        assertMessage("checkpoint every 0", () -> TrainConfig.builder().checkpointEvery(0).build());
        assertMessage("learning rate is 0.0", () -> OptimizerSettings.adam(0f));
        assertMessage("apply to sgd only", () -> new OptimizerSettings(OptimizerSettings.Kind.ADAM, 1e-3f, 0, 0.9f, false));
        assertMessage("nesterov needs momentum", () -> new OptimizerSettings(OptimizerSettings.Kind.SGD, 1e-3f, 0, 0, true));
        assertMessage("gamma 1.5", () -> new LrSchedule.StepDecay(1, 1.5f));
        assertMessage("plateau factor 1.0", () -> new LrSchedule.Plateau(1f, 1, 0f));
        assertMessage("patience 0", () -> new EarlyStopping(0, 0));
    }

    @Test
    void badJsonIsRefusedNamingTheSourceAndField() {
        String good = TrainConfig.builder().build().toJson();
        assertMessage("run.json (train config): unknown field \"epoch\"",
                () -> TrainConfig.fromJson(good.replace("\"epochs\"", "\"epoch\""), "run.json"));
        assertMessage("field \"batch_size\" must be an integer, found \"64\"",
                () -> TrainConfig.fromJson(good.replace("\"batch_size\":64", "\"batch_size\":\"64\""), "run.json"));
        assertMessage("optimizer \"adagrad\" is not one of",
                () -> TrainConfig.fromJson(good.replace("\"adam\"", "\"adagrad\""), "run.json"));
        assertMessage("schedule \"linear\" is not one of",
                () -> TrainConfig.fromJson(good.replace("\"constant\"", "\"linear\""), "run.json"));
        assertThrows(MalformedDataException.class, () -> TrainConfig.fromJson("[1]", "run.json"));
    }

    @Test
    void schedulesFollowPyTorchsFormulas() {
        LrSchedule step = new LrSchedule.StepDecay(2, 0.5f);
        float[] expected = {0.1f, 0.1f, 0.05f, 0.05f, 0.025f};
        for (int e = 0; e < expected.length; e++) {
            assertEquals(expected[e], step.learningRate(0.1f, e, 5, 0f), 1e-9);
        }
        LrSchedule cosine = new LrSchedule.Cosine(0.01f);
        assertEquals(1f, cosine.learningRate(1f, 0, 10, 0f), 1e-7);
        assertEquals(0.505f, cosine.learningRate(1f, 5, 10, 0f), 1e-6);
        assertEquals(0.01f + 0.99f * (1 + Math.cos(Math.PI * 0.9)) / 2, cosine.learningRate(1f, 9, 10, 0f), 1e-6);
        assertEquals(0.3f, new LrSchedule.Plateau(0.5f, 1, 0f).learningRate(1f, 4, 10, 0.3f));
        assertEquals(0.7f, new LrSchedule.Constant().learningRate(0.7f, 4, 10, 0.1f));
    }

    @Test
    void optimizerSettingsMakeTheNamedOptimizer() {
        try (Autoencoder m = new Autoencoder(new Linear(3, 2), new Linear(2, 3)).build(TestBackends.cpu(), 1)) {
            try (Optimizer o = OptimizerSettings.adam(0.01f).create(m.parameterStore())) {
                assertInstanceOf(Adam.class, o);
                assertEquals(0.01f, o.learningRate());
            }
            try (Optimizer o = new OptimizerSettings(OptimizerSettings.Kind.ADAMW, 0.02f, 0.1f, 0, false).create(m.parameterStore())) {
                assertInstanceOf(AdamW.class, o);
                assertTrue(o.toString().contains("weight_decay=0.1"), o.toString());
            }
            try (Optimizer o = new OptimizerSettings(OptimizerSettings.Kind.SGD, 0.03f, 0, 0.9f, true).create(m.parameterStore())) {
                assertInstanceOf(SGD.class, o);
                assertTrue(o.toString().contains("momentum=0.9") && o.toString().contains("nesterov=true"), o.toString());
            }
        }
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }
}
