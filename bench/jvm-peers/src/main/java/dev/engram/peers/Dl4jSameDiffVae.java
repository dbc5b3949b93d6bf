package dev.engram.peers;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

import java.util.Map;

/**
 * conv-vae and conv-vae-64 in Deeplearning4j's SameDiff (its layer API has no VAE with
 * convolutions): the layers of engram's reference models, z = mu + exp(logvar/2)*eps with eps
 * drawn inside the graph, loss = BCE-with-logits summed over pixels + KL, mean over the batch,
 * Adam lr 1e-3. Batch norm normalises with the batch's own mean and variance (training mode) but
 * keeps no running statistics, which a throughput run never reads, so DL4J does a little less
 * work per step than the others. Weights: uniform
 * +-1/sqrt(fan-in), as PyTorch draws them. Conv weights are [kH, kW, in, out] and transposed-conv
 * weights [kH, kW, out, in], SameDiff's layouts.
 */
final class Dl4jSameDiffVae {
    private static final double SLOPE = 0.2;

    private final SameDiff sd = SameDiff.create();
    private int vars;

    private Dl4jSameDiffVae() {
    }

    /** The model's graph with Adam set up; feed it batches of "x" [batch, c, h, w]. */
    static SameDiff build(String name, int batch) {
        Dl4jSameDiffVae b = new Dl4jSameDiffVae();
        return switch (name) {
            case "conv-vae" -> b.convVae(batch);
            case "conv-vae-64" -> b.convVae64(batch);
            default -> throw new IllegalArgumentException("no SameDiff model '" + name + "'; use conv-vae or conv-vae-64");
        };
    }

    /** ms per training step: {@code warmup} untimed steps, then {@code steps} timed ones. */
    static double[] time(String name, int batch, int steps, int warmup) {
        Nd4j.getRandom().setSeed(1);
        SameDiff sd = build(name, batch);
        long[] shape = name.equals("conv-vae") ? new long[] {batch, 1, 28, 28} : new long[] {batch, 3, 64, 64};
        INDArray x = Nd4j.rand(DataType.FLOAT, shape);
        MultiDataSet data = new MultiDataSet(new INDArray[] {x}, new INDArray[0]);
        double[] ms = new double[steps];
        for (int i = -warmup; i < steps; i++) {
            long t0 = System.nanoTime();
            sd.fit(data);
            Nd4j.getExecutioner().commit();
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        // A model whose loss is not finite trains nothing: its time would mean nothing.
        float loss = sd.outputSingle(Map.of("x", x), "loss").getFloat(0);
        if (!Float.isFinite(loss)) {
            throw new IllegalStateException(name + " in SameDiff: the last step's loss is " + loss);
        }
        return ms;
    }

    private SameDiff convVae(int batch) {
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, batch, 1, 28, 28);
        SDVariable h = relu(conv(x, 1, 32));
        h = relu(conv(h, 32, 64));
        SDVariable stats = dense(h.reshape(batch, 3136), 3136, 32);
        SDVariable z = sample(stats, batch, 16);
        SDVariable d = relu(dense(z, 16, 3136)).reshape(batch, 64, 7, 7);
        d = relu(deconv(d, 64, 32));
        return train(x, deconv(d, 32, 1), stats, batch, 16);
    }

    private SameDiff convVae64(int batch) {
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, batch, 3, 64, 64);
        SDVariable h = x;
        int[] channels = {3, 32, 64, 128, 256};
        for (int i = 0; i < 4; i++) {
            h = leaky(batchNorm(conv(h, channels[i], channels[i + 1]), channels[i + 1]));
        }
        SDVariable stats = dense(h.reshape(batch, 4096), 4096, 256);
        SDVariable z = sample(stats, batch, 128);
        SDVariable d = leaky(dense(z, 128, 4096)).reshape(batch, 256, 4, 4);
        for (int i = 4; i > 1; i--) {
            d = leaky(batchNorm(deconv(d, channels[i], channels[i - 1]), channels[i - 1]));
        }
        return train(x, deconv(d, 32, 3), stats, batch, 128);
    }

    /** z = mu + exp(logvar/2)*eps from stats [batch, 2*latent] = (mu, logvar). */
    private SDVariable sample(SDVariable stats, int batch, int latent) {
        SDVariable mu = stats.get(SDIndex.all(), SDIndex.interval(0, latent));
        SDVariable logvar = stats.get(SDIndex.all(), SDIndex.interval(latent, 2 * latent));
        SDVariable eps = sd.random().normal(0, 1, DataType.FLOAT, batch, latent);
        return mu.add(sd.math().exp(logvar.mul(0.5)).mul(eps));
    }

    private SameDiff train(SDVariable x, SDVariable logits, SDVariable stats, int batch, int latent) {
        SDVariable mu = stats.get(SDIndex.all(), SDIndex.interval(0, latent));
        SDVariable logvar = stats.get(SDIndex.all(), SDIndex.interval(latent, 2 * latent));
        // max(l, 0) - l*x + log(1 + exp(-|l|)), PyTorch's stable BCE with logits.
        SDVariable bce = sd.math().max(logits, sd.zerosLike(logits)).sub(logits.mul(x))
                .add(sd.math().log(sd.math().exp(sd.math().abs(logits).neg()).add(1.0)));
        SDVariable kl = logvar.add(1.0).sub(mu.mul(mu)).sub(sd.math().exp(logvar)).sum().mul(-0.5);
        SDVariable loss = bce.sum().add(kl).div(batch).rename("loss");
        sd.setLossVariables(loss);
        sd.setTrainingConfig(TrainingConfig.builder().updater(new Adam(1e-3)).dataSetFeatureMapping("x")
                .markLabelsUnused().build());
        return sd;
    }

    private SDVariable conv(SDVariable in, int cIn, int cOut) {
        SDVariable w = weight(cIn * 16, 4, 4, cIn, cOut);
        SDVariable b = weight(cIn * 16, cOut);
        return sd.cnn().conv2d(in, w, b, Conv2DConfig.builder().kH(4).kW(4).sH(2).sW(2).pH(1).pW(1)
                .dataFormat("NCHW").build());
    }

    private SDVariable deconv(SDVariable in, int cIn, int cOut) {
        // PyTorch's ConvTranspose2d fan-in is out_channels * k * k.
        SDVariable w = weight(cOut * 16, 4, 4, cOut, cIn);
        SDVariable b = weight(cOut * 16, cOut);
        return sd.cnn().deconv2d(in, w, b, DeConv2DConfig.builder().kH(4).kW(4).sH(2).sW(2).pH(1).pW(1)
                .dataFormat("NCHW").build());
    }

    private SDVariable dense(SDVariable in, int nIn, int nOut) {
        return in.mmul(weight(nIn, nIn, nOut)).add(weight(nIn, nOut));
    }

    /**
     * Training-mode batch norm over (N, H, W) per channel, gamma 1 and beta 0 to start, written
     * out in elementwise ops: the gradient of SameDiff's batchNorm op fails in this version
     * (BatchNormDerivative is built without its axis).
     */
    private SDVariable batchNorm(SDVariable in, int channels) {
        SDVariable centred = in.sub(in.mean(true, 0, 2, 3));
        SDVariable variance = centred.mul(centred).mean(true, 0, 2, 3);
        SDVariable gamma = sd.var("gamma" + vars++, Nd4j.ones(DataType.FLOAT, 1, channels, 1, 1));
        SDVariable beta = sd.var("beta" + vars++, Nd4j.zeros(DataType.FLOAT, 1, channels, 1, 1));
        return centred.mul(sd.math().rsqrt(variance.add(1e-5))).mul(gamma).add(beta);
    }

    private SDVariable relu(SDVariable in) {
        return sd.nn().relu(in, 0);
    }

    private SDVariable leaky(SDVariable in) {
        return sd.nn().leakyRelu(in, SLOPE);
    }

    /** A trainable variable of the given shape, uniform in +-1/sqrt(fanIn). */
    private SDVariable weight(int fanIn, long... shape) {
        double bound = 1 / Math.sqrt(fanIn);
        INDArray init = Nd4j.rand(DataType.FLOAT, shape).muli(2 * bound).subi(bound);
        return sd.var("w" + vars++, init);
    }
}
