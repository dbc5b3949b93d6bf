package dev.engram.cli;

import dev.engram.model.HostArray;
import dev.engram.model.Inference;
import dev.engram.data.ImageSet;
import dev.engram.data.NpyWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

@Command(name = "encode", mixinStandardHelpOptions = true,
        description = {"Encode images into latent codes (float32 NPY of shape [N, code...]; a VAE's codes are its means).",
                "'engram decode' turns them back into images."})
final class EncodeCommand extends TrainedModelCommand {
    @Mixin
    DataOptions data;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.npy",
            description = "Where to write the codes (default: codes-SPLIT.npy beside the checkpoint).")
    Path out;

    @Override
    void run(TrainedModel m) throws Exception {
        ImageSet set = data.load(m.spec().inputShape());
        HostArray codes = Inference.encode(m.model(), set.pixels(), m.spec().inputShape(), set.size(), checkpoint.batch);
        Path file = outputOr(out, "codes-" + data.split + ".npy");
        NpyWriter.writeFloat32(file, codes.dims(), codes.values());
        wrote(file, set.size() + " codes of shape " + codes.item()
                + " from " + set.name());
    }
}
