package dev.engram.cli;

import dev.engram.model.HostArray;
import dev.engram.model.Inference;
import dev.engram.data.ImageSet;
import dev.engram.model.AutoencoderModel;
import dev.engram.tensor.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "reconstruct", mixinStandardHelpOptions = true,
        description = "Write a PNG grid of images with their reconstructions below them.")
final class ReconstructCommand implements Callable<Integer> {
    @Mixin
    CheckpointOptions checkpoint;
    @Mixin
    DataOptions data;
    @Mixin
    GridOptions grid;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE",
            description = "The PNG to write (default: reconstructions.png beside the checkpoint).")
    Path out;

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Override
    public Integer call() throws Exception {
        try (TrainedModel m = checkpoint.open(main.err())) {
            ImageSet set = data.load(m.spec().inputShape());
            int n = grid.count(set.size());
            Path file = out != null ? out : checkpoint.checkpoint.resolveSibling("reconstructions.png");
            write(m.model(), file, set, n, checkpoint.batch, grid.columns, grid.scale);
            spec.commandLine().getOut().println("wrote " + file + " (" + n + " images of " + set.name()
                    + ", each above its reconstruction)");
        }
        return 0;
    }

    /** A PNG grid of the first {@code count} images of {@code set}, each above its reconstruction. */
    static void write(AutoencoderModel model, Path file, ImageSet set, int count, int batch, int columns, int scale)
            throws IOException {
        Shape chw = Shape.of(set.channels(), set.height(), set.width());
        HostArray rec = Inference.reconstruct(model, set.pixels(), chw, count, batch);
        ImageRows.write(file, chw, count, columns, scale, set.pixels(), rec.values());
    }
}
