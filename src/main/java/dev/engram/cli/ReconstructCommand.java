package dev.engram.cli;

import dev.engram.model.HostArray;
import dev.engram.model.Inference;
import dev.engram.data.ImageSet;
import dev.engram.model.AutoencoderModel;
import dev.engram.tensor.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

@Command(name = "reconstruct", mixinStandardHelpOptions = true,
        description = "Write a PNG grid of images with their reconstructions below them.")
final class ReconstructCommand extends TrainedModelCommand {
    @Mixin
    DataOptions data;
    @Mixin
    GridOptions grid;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
            description = "The PNG to write (default: reconstructions.png beside the checkpoint).")
    Path out;

    @Override
    void run(TrainedModel m) throws Exception {
        ImageSet set = data.load(m.spec().inputShape());
        int n = grid.count(set.size());
        Path file = outputOr(out, "reconstructions.png");
        write(m.model(), file, set, n, checkpoint.batch, grid.columns, grid.scale);
        wrote(file, n + " images of " + set.name()
                + ", each above its reconstruction");
    }

    /** A PNG grid of the first {@code count} images of {@code set}, each above its reconstruction. */
    static void write(AutoencoderModel model, Path file, ImageSet set, int count, int batch, int columns, int scale)
            throws IOException {
        Shape chw = Shape.of(set.channels(), set.height(), set.width());
        HostArray rec = Inference.reconstruct(model, set.pixels(), chw, count, batch);
        ImageRows.write(file, chw, count, columns, scale, set.pixels(), rec.values());
    }
}
