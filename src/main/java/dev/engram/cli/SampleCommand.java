package dev.engram.cli;

import dev.engram.model.VariationalAutoencoder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "sample", mixinStandardHelpOptions = true,
        description = "Draw codes from the prior N(0, I) of a variational autoencoder and write the decoded images as a PNG grid.")
final class SampleCommand extends TrainedModelCommand {
    @Mixin
    GridOptions grid;

    @Option(names = "--seed", paramLabel = "N",
            description = "Another set of samples: draws from stretch N of the model's random stream (default: where the checkpoint left it).")
    Long seed;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
            description = "The PNG to write (default: samples.png beside the checkpoint).")
    Path out;

    @Override
    void run(TrainedModel m) throws Exception {
        VariationalAutoencoder vae = m.vae("sample");
        if (seed != null) {
            if (seed < 0 || seed >= 1L << 31) {
                throw new IllegalArgumentException("--seed " + seed + " must be in 0.." + ((1L << 31) - 1));
            }
            // Stretches 2^32 numbers apart never overlap for any grid one would draw.
            m.model().random().seek(seed << 32);
        }
        int n = grid.count(Integer.MAX_VALUE);
        float[] images = new float[Math.toIntExact(n * m.spec().inputShape().numel())];
        m.model().backend().copyToHost(vae.sample(n), images, 0);
        Path file = outputOr(out, "samples.png");
        ImageRows.write(file, m.spec().inputShape(), n, grid.columns, grid.scale, images);
        wrote(file, n + " samples from the prior");
    }
}
