package dev.engram;

import dev.engram.backend.cpu.CpuBackend;
import dev.engram.data.EmbeddedData;
import dev.engram.data.ImageSet;
import dev.engram.model.AutoencoderModel;
import dev.engram.model.HostArray;
import dev.engram.model.Inference;
import dev.engram.model.ModelSpec;
import dev.engram.model.Presets;
import dev.engram.train.Checkpoint;
import dev.engram.train.EpochSummary;
import dev.engram.train.TrainConfig;
import dev.engram.train.Trainer;
import dev.engram.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The README's Java example, step for step, with checks of what it promises. */
class JavaApiExampleTest {
    @Test
    void trainEncodeDecodeSaveAndLoadWithoutTheCommandLine(@TempDir Path dir) throws Exception {
        ModelSpec spec = Presets.spec("mnist-conv");
        ImageSet train = EmbeddedData.fashionMnistSample();
        TrainConfig config = TrainConfig.builder().epochs(2).batchSize(64).outputDir(dir.resolve("api")).build();
        List<EpochSummary> seen = new ArrayList<>();
        HostArray images;
        try (CpuBackend cpu = new CpuBackend();
             AutoencoderModel model = spec.build().build(cpu, config.seed());
             Trainer trainer = new Trainer(model, config, spec.toJson())) {
            trainer.listener(new TrainingListener() {
                @Override
                public boolean onEpoch(EpochSummary epoch) {
                    seen.add(epoch);
                    return seen.size() < 2;
                }
            }).fit(train, null);
            HostArray codes = Inference.encode(model, train.pixels(), spec.inputShape(), 100, 50);
            assertEquals(spec.codeShape(), codes.item());
            images = Inference.decode(model, codes.values(), codes.item(), 100, 50);
            assertArrayEquals(new int[] {100, 1, 28, 28}, images.dims());
            HostArray direct = Inference.reconstruct(model, train.pixels(), spec.inputShape(), 100, 50);
            assertArrayEquals(direct.values(), images.values(), "decode(encode(x)) is the reconstruction");
        }
        assertEquals(2, seen.size());
        assertTrue(seen.get(1).trainLoss() < seen.get(0).trainLoss(), "the loss falls: " + seen);
        try (CpuBackend cpu = new CpuBackend();
             AutoencoderModel loaded = Checkpoint.read(dir.resolve("api").resolve("last.safetensors")).loadModel(cpu)) {
            HostArray again = Inference.reconstruct(loaded, train.pixels(), spec.inputShape(), 100, 50);
            assertArrayEquals(images.values(), again.values(), "the loaded model gives the same images bit for bit");
        }
    }
}
