package dev.engram.cli;

import dev.engram.model.HostArray;
import dev.engram.model.Inference;
import dev.engram.data.ImageSet;
import dev.engram.data.NpyWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "encode", mixinStandardHelpOptions = true,
        description = {"Encode images into latent codes (float32 NPY of shape [N, code...]; a VAE's codes are its means).",
                "'engram decode' turns them back into images."})
final class EncodeCommand implements Callable<Integer> {
    @Mixin
    CheckpointOptions checkpoint;
    @Mixin
    DataOptions data;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.npy",
            description = "Where to write the codes (default: codes-SPLIT.npy beside the checkpoint).")
    Path out;

    @Spec
    CommandSpec spec;

    @ParentCommand
    Main main;

    @Override
    public Integer call() throws Exception {
        try (TrainedModel m = checkpoint.open(main.err())) {
            ImageSet set = data.load(m.spec().inputShape());
            HostArray codes = Inference.encode(m.model(), set.pixels(), m.spec().inputShape(), set.size(), checkpoint.batch);
            Path file = out != null ? out : checkpoint.checkpoint.resolveSibling("codes-" + data.split + ".npy");
            NpyWriter.writeFloat32(file, codes.dims(), codes.values());
            spec.commandLine().getOut().println("wrote " + file + " (" + set.size() + " codes of shape " + codes.item()
                    + " from " + set.name() + ")");
        }
        return 0;
    }
}
