package dev.engram.cli;

import dev.engram.model.HostArray;
import dev.engram.model.Inference;
import dev.engram.data.NpyArray;
import dev.engram.data.NpyReader;
import dev.engram.data.NpyWriter;
import dev.engram.tensor.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;

@Command(name = "decode", mixinStandardHelpOptions = true,
        description = "Decode latent codes (an NPY written by 'engram encode', or any float array of the code's shape) into images.")
final class DecodeCommand extends TrainedModelCommand {
    @Mixin
    GridOptions grid;

    @Option(names = "--codes", required = true, paramLabel = "FILE.npy",
            description = "Codes as float32 [N, code...] or [N, code size].")
    Path codes;

    @Option(names = {"-o", "--out"}, paramLabel = "FILE.npy",
            description = "Where to write the images, float32 [N, C, H, W] in [0, 1] (default: beside the codes, .decoded.npy).")
    Path out;

    @Option(names = "--png", paramLabel = "FILE.png",
            description = "A PNG grid of the first --count images (default: beside the codes, .decoded.png).")
    Path png;

    @Override
    void run(TrainedModel m) throws Exception {
        NpyArray array = NpyReader.read(codes);
        Shape code = m.spec().codeShape();
        int[] s = array.shape();
        long perCode = s.length < 2 ? -1 : Shape.of(Arrays.copyOfRange(s, 1, s.length)).numel();
        if (array.isInteger() || perCode != code.numel()) {
            throw new IllegalArgumentException(codes + " holds " + array + " but the model's codes are float32 "
                    + code + " (" + code.numel() + " values each): pass [N, " + code.numel() + "]"
                    + (code.rank() > 1 ? " or [N, " + dims(code) + "]" : ""));
        }
        int n = s[0];
        HostArray images = Inference.decode(m.model(), array.toFloatArray(), code, n, checkpoint.batch);
        String base = codes.getFileName().toString().replaceFirst("\\.npy$", "");
        Path npyFile = out != null ? out : codes.resolveSibling(base + ".decoded.npy");
        Path pngFile = png != null ? png : codes.resolveSibling(base + ".decoded.png");
        NpyWriter.writeFloat32(npyFile, images.dims(), images.values());
        ImageRows.write(pngFile, images.item(), grid.count(n), grid.columns, grid.scale, images.values());
        wrote(npyFile, n + " images " + images.item());
        wrote(pngFile, "the first " + grid.count(n));
    }

    private static String dims(Shape s) {
        return Arrays.toString(s.dims()).replaceAll("[\\[\\]]", "");
    }
}
