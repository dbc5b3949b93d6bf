package dev.engram.cli;

import dev.engram.model.HostArray;
import dev.engram.model.Inference;
import dev.engram.data.ImageSet;
import dev.engram.data.NpyWriter;
import dev.engram.io.AtomicFile;
import dev.engram.io.ScatterPng;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

@Command(name = "embed", mixinStandardHelpOptions = true,
        description = {"Compute the latent vector of every image of a data set, as NPY ([N, D] float32, with labels in",
                "a second NPY when the data set has them) and optionally CSV, and draw them as a 2-D scatter PNG",
                "coloured by label (the first two principal components when D > 2)."})
final class EmbedCommand extends TrainedModelCommand {
    @Mixin
    DataOptions data;

    @Option(names = {"-o", "--out"}, paramLabel = "PREFIX",
            description = "Write PREFIX.npy, PREFIX-labels.npy, PREFIX.png and with --csv PREFIX.csv "
                    + "(default: embedding-SPLIT beside the checkpoint).")
    Path out;

    @Option(names = "--csv", description = "Also write the vectors (and labels) as CSV.")
    boolean csv;

    @Override
    void run(TrainedModel m) throws Exception {
        PrintStream say = main.out();
        ImageSet set = data.load(m.spec().inputShape());
        HostArray codes = Inference.encode(m.model(), set.pixels(), m.spec().inputShape(), set.size(), checkpoint.batch);
        int n = set.size();
        int d = (int) codes.item().numel();
        Path prefix = outputOr(out, "embedding-" + data.split);
        Path npy = sibling(prefix, ".npy");
        NpyWriter.writeFloat32(npy, new int[] {n, d}, codes.values());
        wrote(npy, n + " vectors of " + d + " values from " + set.name());
        if (set.hasLabels()) {
            Path labels = sibling(prefix, "-labels.npy");
            NpyWriter.writeInt32(labels, new int[] {n}, set.labels());
            wrote(labels, "");
        }
        if (csv) {
            Path file = sibling(prefix, ".csv");
            AtomicFile.write(file, o -> o.write(toCsv(codes.values(), n, d, set).getBytes(StandardCharsets.UTF_8)));
            wrote(file, "");
        }
        Path png = sibling(prefix, ".png");
        float[][] xy = d == 1 ? new float[][] {codes.values(), new float[n]}
                : d == 2 ? split2(codes.values(), n) : PrincipalComponents.project2d(codes.values(), n, d);
        String title = d > 2 ? "latent codes: first two principal components of " + d + " dimensions" : "latent codes";
        ScatterPng.write(png, title, xy[0], xy[1], set.hasLabels() ? set.labels() : null, set.classNames());
        wrote(png, "");
    }

    private static Path sibling(Path prefix, String suffix) {
        return prefix.resolveSibling(prefix.getFileName() + suffix);
    }

    private static float[][] split2(float[] v, int n) {
        float[][] xy = new float[2][n];
        for (int i = 0; i < n; i++) {
            xy[0][i] = v[2 * i];
            xy[1][i] = v[2 * i + 1];
        }
        return xy;
    }

    private static String toCsv(float[] v, int n, int d, ImageSet set) {
        StringBuilder sb = new StringBuilder();
        if (set.hasLabels()) {
            sb.append("label,");
        }
        for (int j = 0; j < d; j++) {
            sb.append(j == 0 ? "" : ",").append('z').append(j);
        }
        sb.append('\n');
        for (int i = 0; i < n; i++) {
            if (set.hasLabels()) {
                sb.append(set.labels()[i]).append(',');
            }
            for (int j = 0; j < d; j++) {
                sb.append(j == 0 ? "" : ",").append(v[i * d + j]);
            }
            sb.append('\n');
        }
        return sb.toString();
    }
}
