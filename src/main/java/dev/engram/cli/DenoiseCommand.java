package dev.engram.cli;

import dev.engram.model.HostArray;
import dev.engram.model.Inference;
import dev.engram.data.ImageSet;
import dev.engram.model.Noise;
import dev.engram.nn.BufferSlot;
import dev.engram.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "denoise", mixinStandardHelpOptions = true,
        description = {"Corrupt images with noise, run them through the model and write a PNG grid:",
                "noisy input, the model's output and the clean image, row under row."})
final class DenoiseCommand extends TrainedModelCommand {
    @Mixin
    DataOptions data;
    @Mixin
    GridOptions grid;

    @Option(names = "--noise", paramLabel = "KIND:AMOUNT",
            description = {"gaussian:STD, salt-and-pepper:FRACTION or masking:FRACTION",
                    "(default: the noise a denoising model was trained with)."})
    String noise;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
            description = "The PNG to write (default: denoised.png beside the checkpoint).")
    Path out;

    @Override
    void run(TrainedModel m) throws Exception {
        Noise chosen = chooseNoise(m);
        ImageSet set = data.load(m.spec().inputShape());
        int n = grid.count(set.size());
        HostArray noisy;
        try (BufferSlot corrupted = new BufferSlot()) {
            noisy = Inference.map(m.model().backend(), set.pixels(), m.spec().inputShape(), n, checkpoint.batch, x -> {
                Tensor y = corrupted.get(x.backend(), x.shape());
                chosen.apply(x, y, m.model().random());
                return y;
            });
        }
        HostArray output = Inference.reconstruct(m.model(), noisy.values(), m.spec().inputShape(), n, checkpoint.batch);
        Path file = outputOr(out, "denoised.png");
        ImageRows.write(file, m.spec().inputShape(), n, grid.columns, grid.scale, noisy.values(), output.values(),
                set.pixels());
        wrote(file, n + " images of " + set.name() + " with " + chosen
                + ": noisy, denoised, clean");
    }

    private Noise chooseNoise(TrainedModel m) {
        if (noise != null) {
            return NoiseOption.parse(noise);
        }
        return m.model().trainingNoise().orElseThrow(() -> new IllegalArgumentException(checkpoint.checkpoint + " holds a model of kind '" + m.spec().kind()
                + "', trained without noise: say which noise to add with --noise, e.g. --noise gaussian:0.3"));
    }
}
