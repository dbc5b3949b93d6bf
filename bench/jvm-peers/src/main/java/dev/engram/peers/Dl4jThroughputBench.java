package dev.engram.peers;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.io.IOException;
import java.util.Map;

/**
 * The same training-step timing as {@link ThroughputBench} for Deeplearning4j 1.0.0-M2.1 (nd4j
 * native CPU): dense-ae (batch 256) and conv-ae (batch 64, Deconvolution2D for ConvTranspose2d) on
 * its layer API, with DL4J's own weight init (Xavier) and its MSE (mean over outputs per example,
 * then over the batch); conv-vae (128) and conv-vae-64 (256) in SameDiff ({@link Dl4jSameDiffVae}),
 * its layer API having no convolutional VAE. Adam (lr 1e-3) throughout. Usage:
 * {@code Dl4jThroughputBench [--steps 20] [--warmup 5] [--out file.json] [model ...]}.
 */
public final class Dl4jThroughputBench {
    private Dl4jThroughputBench() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, Object> run = RunInfo.machine();
        run.put("nd4j_backend", Nd4j.getBackend().getClass().getSimpleName());
        StepTimings.run("Dl4jThroughputBench", "Deeplearning4j 1.0.0-M2.1 (nd4j-native CPU)", run, args,
                (name, batch, steps, warmup) -> name.startsWith("conv-vae") ? Dl4jSameDiffVae.time(name, batch, steps, warmup)
                        : time(name, batch, steps, warmup));
    }

    static double[] time(String name, int batch, int steps, int warmup) {
        Nd4j.getRandom().setSeed(1);
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(name));
        net.init();
        INDArray x = name.equals("dense-ae") ? Nd4j.rand(DataType.FLOAT, batch, 784)
                : Nd4j.rand(DataType.FLOAT, batch, 3, 32, 32);
        double[] ms = new double[steps];
        for (int i = -warmup; i < steps; i++) {
            long t0 = System.nanoTime();
            net.fit(x, x);
            Nd4j.getExecutioner().commit();
            if (i >= 0) {
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return ms;
    }

    static MultiLayerConfiguration configuration(String name) {
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .updater(new Adam(1e-3)).list();
        return switch (name) {
            case "dense-ae" -> list
                    .layer(new DenseLayer.Builder().nIn(784).nOut(512).activation(Activation.RELU).build())
                    .layer(new DenseLayer.Builder().nIn(512).nOut(256).activation(Activation.RELU).build())
                    .layer(new DenseLayer.Builder().nIn(256).nOut(32).activation(Activation.IDENTITY).build())
                    .layer(new DenseLayer.Builder().nIn(32).nOut(256).activation(Activation.RELU).build())
                    .layer(new DenseLayer.Builder().nIn(256).nOut(512).activation(Activation.RELU).build())
                    .layer(new OutputLayer.Builder(LossFunction.MSE).nIn(512).nOut(784).activation(Activation.SIGMOID)
                            .build())
                    .build();
            case "conv-ae" -> list
                    .layer(conv(32, 3, 2, 1, Activation.RELU))
                    .layer(conv(64, 3, 2, 1, Activation.RELU))
                    .layer(conv(128, 3, 2, 1, Activation.RELU))
                    .layer(conv(16, 1, 1, 0, Activation.IDENTITY))
                    .layer(conv(128, 1, 1, 0, Activation.RELU))
                    .layer(deconv(64, Activation.RELU))
                    .layer(deconv(32, Activation.RELU))
                    .layer(deconv(3, Activation.SIGMOID))
                    .layer(new CnnLossLayer.Builder(LossFunction.MSE).activation(Activation.IDENTITY).build())
                    .setInputType(InputType.convolutional(32, 32, 3))
                    .build();
            default -> throw new IllegalArgumentException("no DL4J model '" + name + "'; use dense-ae or conv-ae");
        };
    }

    private static ConvolutionLayer conv(int out, int k, int s, int p, Activation activation) {
        return new ConvolutionLayer.Builder(k, k).stride(s, s).padding(p, p).nOut(out).activation(activation).build();
    }

    /** ConvTranspose2d(k4, s2, p1). */
    private static Deconvolution2D deconv(int out, Activation activation) {
        return new Deconvolution2D.Builder(4, 4).stride(2, 2).padding(1, 1).nOut(out).activation(activation).build();
    }
}
