package dev.engram.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Named model specs a user can start from. The first four are the reference models of the design
 * notes, layer for layer, which the benchmarks and the peers (PyTorch, DJL, DL4J) train too:
 * <ul>
 *   <li>dense-ae: 1x28x28, 784-512-256-32 and back, ReLU, Sigmoid output, MSE (batch 256);</li>
 *   <li>conv-ae: 3x32x32, three stride-2 convolutions and a 1x1 one to a 16x4x4 code, mirrored with
 *       transposed convolutions, Sigmoid output, MSE (batch 64 on the CPU, 256 on a GPU);</li>
 *   <li>conv-vae: 1x28x28, two stride-2 convolutions, a 16-d latent, Bernoulli likelihood (logits,
 *       BCE summed over pixels plus KL, mean over the batch; batch 128);</li>
 *   <li>conv-vae-64: 3x64x64, four k4 s2 p1 convolutions (32, 64, 128, 256 channels) with
 *       BatchNorm and LeakyReLU(0.2), a 128-d latent; the decoder mirrors it: Linear to 256x4x4,
 *       LeakyReLU(0.2), three transposed convolutions with BatchNorm and LeakyReLU(0.2), and a last
 *       one to 3 channels of logits. Bernoulli likelihood, as conv-vae: pixels in [0, 1] are
 *       scored by BCE with logits and decode returns probabilities (batch 256).</li>
 * </ul>
 * and three defaults for common data sets: mnist-dense (1x28x28, 784-256-64, small and quick),
 * mnist-conv (1x28x28, two stride-2 convolutions to a 32-d code) and cifar-conv (3x32x32, conv-ae
 * with twice the channels and a 32x4x4 code).
 */
public final class Presets {
    private static final Map<String, String> SPECS = new LinkedHashMap<>();

    static {
        SPECS.put("dense-ae", """
                {"kind": "autoencoder", "input": [1, 28, 28], "loss": "mse",
                 "encoder": [{"type": "flatten"}, {"type": "linear", "out": 512}, {"type": "relu"},
                             {"type": "linear", "out": 256}, {"type": "relu"}, {"type": "linear", "out": 32}],
                 "decoder": [{"type": "linear", "out": 256}, {"type": "relu"}, {"type": "linear", "out": 512},
                             {"type": "relu"}, {"type": "linear", "out": 784}, {"type": "sigmoid"},
                             {"type": "reshape", "shape": [1, 28, 28]}]}
                """);
        SPECS.put("conv-ae", """
                {"kind": "autoencoder", "input": [3, 32, 32], "loss": "mse",
                 "encoder": [{"type": "conv2d", "out": 32, "kernel": 3, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "conv2d", "out": 64, "kernel": 3, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "conv2d", "out": 128, "kernel": 3, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "conv2d", "out": 16, "kernel": 1}],
                 "decoder": [{"type": "conv2d", "out": 128, "kernel": 1}, {"type": "relu"},
                             {"type": "convtranspose2d", "out": 64, "kernel": 4, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "convtranspose2d", "out": 32, "kernel": 4, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "convtranspose2d", "out": 3, "kernel": 4, "stride": 2, "padding": 1},
                             {"type": "sigmoid"}]}
                """);
        SPECS.put("conv-vae", """
                {"kind": "vae", "input": [1, 28, 28], "likelihood": "bernoulli", "beta": 1.0, "kl_warmup_steps": 0,
                 "encoder": [{"type": "conv2d", "out": 32, "kernel": 4, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "conv2d", "out": 64, "kernel": 4, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "flatten"}, {"type": "linear", "out": 32}],
                 "decoder": [{"type": "linear", "out": 3136}, {"type": "relu"}, {"type": "reshape", "shape": [64, 7, 7]},
                             {"type": "convtranspose2d", "out": 32, "kernel": 4, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "convtranspose2d", "out": 1, "kernel": 4, "stride": 2, "padding": 1}]}
                """);
        SPECS.put("conv-vae-64", """
                {"kind": "vae", "input": [3, 64, 64], "likelihood": "bernoulli", "beta": 1.0, "kl_warmup_steps": 0,
                 "encoder": [{"type": "conv2d", "out": 32, "kernel": 4, "stride": 2, "padding": 1}, {"type": "batchnorm2d"},
                             {"type": "leakyrelu", "slope": 0.2},
                             {"type": "conv2d", "out": 64, "kernel": 4, "stride": 2, "padding": 1}, {"type": "batchnorm2d"},
                             {"type": "leakyrelu", "slope": 0.2},
                             {"type": "conv2d", "out": 128, "kernel": 4, "stride": 2, "padding": 1}, {"type": "batchnorm2d"},
                             {"type": "leakyrelu", "slope": 0.2},
                             {"type": "conv2d", "out": 256, "kernel": 4, "stride": 2, "padding": 1}, {"type": "batchnorm2d"},
                             {"type": "leakyrelu", "slope": 0.2},
                             {"type": "flatten"}, {"type": "linear", "out": 256}],
                 "decoder": [{"type": "linear", "out": 4096}, {"type": "reshape", "shape": [256, 4, 4]},
                             {"type": "leakyrelu", "slope": 0.2},
                             {"type": "convtranspose2d", "out": 128, "kernel": 4, "stride": 2, "padding": 1},
                             {"type": "batchnorm2d"}, {"type": "leakyrelu", "slope": 0.2},
                             {"type": "convtranspose2d", "out": 64, "kernel": 4, "stride": 2, "padding": 1},
                             {"type": "batchnorm2d"}, {"type": "leakyrelu", "slope": 0.2},
                             {"type": "convtranspose2d", "out": 32, "kernel": 4, "stride": 2, "padding": 1},
                             {"type": "batchnorm2d"}, {"type": "leakyrelu", "slope": 0.2},
                             {"type": "convtranspose2d", "out": 3, "kernel": 4, "stride": 2, "padding": 1}]}
                """);
        SPECS.put("mnist-dense", """
                {"kind": "autoencoder", "input": [1, 28, 28], "loss": "mse",
                 "encoder": [{"type": "flatten"}, {"type": "linear", "out": 256}, {"type": "relu"},
                             {"type": "linear", "out": 64}],
                 "decoder": [{"type": "linear", "out": 256}, {"type": "relu"}, {"type": "linear", "out": 784},
                             {"type": "sigmoid"}, {"type": "reshape", "shape": [1, 28, 28]}]}
                """);
        SPECS.put("mnist-conv", """
                {"kind": "autoencoder", "input": [1, 28, 28], "loss": "mse",
                 "encoder": [{"type": "conv2d", "out": 32, "kernel": 3, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "conv2d", "out": 64, "kernel": 3, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "flatten"}, {"type": "linear", "out": 32}],
                 "decoder": [{"type": "linear", "out": 3136}, {"type": "relu"}, {"type": "reshape", "shape": [64, 7, 7]},
                             {"type": "convtranspose2d", "out": 32, "kernel": 4, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "convtranspose2d", "out": 1, "kernel": 4, "stride": 2, "padding": 1},
                             {"type": "sigmoid"}]}
                """);
        SPECS.put("cifar-conv", """
                {"kind": "autoencoder", "input": [3, 32, 32], "loss": "mse",
                 "encoder": [{"type": "conv2d", "out": 64, "kernel": 3, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "conv2d", "out": 128, "kernel": 3, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "conv2d", "out": 256, "kernel": 3, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "conv2d", "out": 32, "kernel": 1}],
                 "decoder": [{"type": "conv2d", "out": 256, "kernel": 1}, {"type": "relu"},
                             {"type": "convtranspose2d", "out": 128, "kernel": 4, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "convtranspose2d", "out": 64, "kernel": 4, "stride": 2, "padding": 1}, {"type": "relu"},
                             {"type": "convtranspose2d", "out": 3, "kernel": 4, "stride": 2, "padding": 1},
                             {"type": "sigmoid"}]}
                """);
    }

    private Presets() {
    }

    /** The preset names, in a fixed order (the reference models first). */
    public static List<String> names() {
        return List.copyOf(SPECS.keySet());
    }

    /** The spec of a preset; an unknown name is refused with the list of known ones. */
    public static ModelSpec spec(String name) {
        String json = SPECS.get(name);
        if (json == null) {
            throw new IllegalArgumentException("unknown model preset '" + name + "'; the presets are "
                    + String.join(", ", SPECS.keySet()));
        }
        return ModelSpec.parse(json, "preset " + name);
    }
}
