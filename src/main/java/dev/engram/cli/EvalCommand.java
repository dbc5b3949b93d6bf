package dev.engram.cli;

import dev.engram.data.ImageSet;
import dev.engram.io.AtomicFile;
import dev.engram.train.EvalReport;
import dev.engram.train.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

@Command(name = "eval", mixinStandardHelpOptions = true,
        description = {"Score a trained model on a data set: reconstruction MSE, PSNR (dB) and SSIM, and the mean of",
                "each term of its loss (for VAEs the negative ELBO and its reconstruction and KL terms)."})
final class EvalCommand extends TrainedModelCommand {
    @Mixin
    DataOptions data;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the figures to this JSON file.")
    Path json;

    @Override
    void run(TrainedModel m) throws Exception {
        PrintStream out = main.out();
        ImageSet set = data.load(m.spec().inputShape());
        EvalReport r = Evaluator.evaluate(m.model(), set, checkpoint.batch, m.checkpoint().step());
        out.printf(Locale.ROOT, "%s on %s (%d images)%n", checkpoint.checkpoint, set.name(), r.images());
        out.printf(Locale.ROOT, "  mse   %.6f%n  psnr  %.3f dB%n  ssim  %s%n", r.mse(), r.psnr(),
                Double.isNaN(r.ssim()) ? "n/a (images smaller than the 11x11 window)"
                        : String.format(Locale.ROOT, "%.4f", r.ssim()));
        r.losses().forEach((name, v) -> out.printf(Locale.ROOT, "  %-14s %.6f%n", name, v));
        if (json != null) {
            AtomicFile.write(json, o -> o.write(r.toJson().getBytes(StandardCharsets.UTF_8)));
            wrote(json, "");
        }
    }
}
