package dev.engram.cli;

import dev.engram.model.HostArray;
import dev.engram.model.Inference;
import dev.engram.data.ImageSet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "interpolate", mixinStandardHelpOptions = true,
        description = {"Walk the latent space between pairs of images and write a PNG grid: each row starts at one image,",
                "decodes evenly spaced codes on the line between the two codes (a VAE's means), and ends at the other."})
final class InterpolateCommand extends TrainedModelCommand {
    @Mixin
    DataOptions data;

    @Option(names = "--pairs", defaultValue = "6", paramLabel = "N",
            description = "Rows: images 0 and 1 of the split, then 2 and 3, ... (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(names = "--steps", defaultValue = "8", paramLabel = "N",
            description = "Decoded codes per row, ends included (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--scale", defaultValue = "3", paramLabel = "K", description = "Pixels per image pixel (default: ${DEFAULT-VALUE}).")
    int scale;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
            description = "The PNG to write (default: interpolation.png beside the checkpoint).")
    Path out;

    @Override
    void run(TrainedModel m) throws Exception {
        if (pairs <= 0 || steps < 2 || scale <= 0) {
            throw new IllegalArgumentException("--pairs " + pairs + " must be > 0, --steps " + steps + " >= 2 and --scale "
                    + scale + " > 0");
        }
        ImageSet set = data.load(m.spec().inputShape());
        int rows = Math.min(pairs, set.size() / 2);
        if (rows == 0) {
            throw new IllegalArgumentException(set.name() + " has " + set.size() + " image; interpolating needs two");
        }
        HostArray means = Inference.encode(m.model(), set.pixels(), m.spec().inputShape(), 2 * rows, checkpoint.batch);
        int code = (int) means.item().numel();
        float[] path = new float[rows * steps * code];
        for (int r = 0; r < rows; r++) {
            for (int s = 0; s < steps; s++) {
                float t = s / (float) (steps - 1);
                for (int j = 0; j < code; j++) {
                    float a = means.values()[(2 * r) * code + j];
                    float b = means.values()[(2 * r + 1) * code + j];
                    path[(r * steps + s) * code + j] = (1 - t) * a + t * b;
                }
            }
        }
        HostArray decoded = Inference.decode(m.model(), path, means.item(), rows * steps, checkpoint.batch);
        int perImage = (int) m.spec().inputShape().numel();
        int columns = steps + 2;
        float[] grid = new float[rows * columns * perImage];
        for (int r = 0; r < rows; r++) {
            int row = r * columns * perImage;
            System.arraycopy(set.pixels(), 2 * r * perImage, grid, row, perImage);
            System.arraycopy(decoded.values(), r * steps * perImage, grid, row + perImage, steps * perImage);
            System.arraycopy(set.pixels(), (2 * r + 1) * perImage, grid, row + (steps + 1) * perImage, perImage);
        }
        Path file = outputOr(out, "interpolation.png");
        ImageRows.write(file, m.spec().inputShape(), rows * columns, columns, scale, grid);
        wrote(file, rows + " pairs of " + set.name()
                + ", originals at both ends of each row");
    }
}
