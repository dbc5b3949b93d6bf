package dev.engram.train;

import dev.engram.data.DataLoader;
import dev.engram.data.ImageSet;
import dev.engram.model.AutoencoderModel;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.Map;

/**
 * Runs a model over an image set in evaluation mode, batch by batch, and reports reconstruction
 * quality of reconstruct(x) against x and the mean of every term of its objective.
 */
public final class Evaluator {
    private Evaluator() {
    }

    /**
     * @param step optimizer steps the model has taken, for objectives that depend on it (a KL
     *        warm-up): the trainer's state().step(), or a checkpoint's engram.step
     */
    public static EvalReport evaluate(AutoencoderModel model, ImageSet set, int batchSize, long step) {
        if (model == null || set == null) {
            throw new IllegalArgumentException("Evaluator: the model and the image set must be given");
        }
        DataLoader loader = new DataLoader(set, batchSize, false, false, 0);
        Shape batchShape = Shape.of(batchSize, set.channels(), set.height(), set.width());
        Shape out = model.outputShape(batchShape);
        if (!out.equals(batchShape)) {
            throw new IllegalArgumentException("Evaluator: " + model + " turns input " + batchShape + " into " + out
                    + "; it cannot reconstruct " + set);
        }
        int perImage = set.channels() * set.height() * set.width();
        boolean ssimDefined = set.height() >= ImageMetrics.SSIM_WINDOW && set.width() >= ImageMetrics.SSIM_WINDOW;
        boolean wasTraining = model.isTraining();
        model.train(false);
        double mse = 0;
        double psnr = 0;
        double ssim = 0;
        LossAverage losses = new LossAverage();
        float[] reconstructed = new float[batchSize * perImage];
        try (Tensor input = model.backend().allocate(batchShape); LossReadout readout = new LossReadout();
             DataLoader.Epoch epoch = loader.epoch(0)) {
            for (DataLoader.Batch b = epoch.next(); b != null; b = epoch.next()) {
                Tensor x = input.prefix(batchShape.withDim0(b.count()));
                model.backend().copyFromHost(b.pixels(), 0, x);
                model.backend().copyToHost(model.reconstruct(x), reconstructed, 0);
                for (int k = 0; k < b.count(); k++) {
                    double e = ImageMetrics.mse(b.pixels(), reconstructed, k * perImage, perImage);
                    mse += e;
                    psnr += ImageMetrics.psnr(e);
                    if (ssimDefined) {
                        ssim += ImageMetrics.ssim(reconstructed, b.pixels(), k * perImage, set.channels(), set.height(),
                                set.width());
                    }
                }
                losses.add(readout.read(model.lossForward(x, x, step)), b.count());
            }
        } finally {
            model.train(wasTraining);
        }
        int n = set.size();
        Map<String, Double> means = losses.means();
        if (means.containsKey("reconstruction") && means.containsKey("kl")) {
            means.put("neg_elbo", means.get("reconstruction") + means.get("kl"));
        }
        return new EvalReport(n, mse / n, psnr / n, ssimDefined ? ssim / n : Double.NaN, means);
    }
}
