package dev.engram.model;

import dev.engram.nn.Conv2d;
import dev.engram.nn.ConvTranspose2d;
import dev.engram.nn.Flatten;
import dev.engram.nn.Linear;
import dev.engram.nn.ReLU;
import dev.engram.nn.Reshape;
import dev.engram.nn.Sequential;
import dev.engram.nn.Sigmoid;
import dev.engram.tensor.Shape;

/**
 * The reference models of the design notes, layer for layer, so that engram, the benchmarks and
 * the peers (PyTorch, DJL, DL4J) train exactly the same networks. All are trained with MSE and
 * Adam (lr 1e-3) in float32.
 */
public final class ReferenceModels {
    private ReferenceModels() {
    }

    /** dense-ae: 784 -> 512 -> 256 -> 32 -> 256 -> 512 -> 784, ReLU, Sigmoid output; batch 256. */
    public static Autoencoder denseAe() {
        return new Autoencoder(
                new Sequential(new Flatten(), new Linear(784, 512), new ReLU(), new Linear(512, 256), new ReLU(),
                        new Linear(256, 32)),
                new Sequential(new Linear(32, 256), new ReLU(), new Linear(256, 512), new ReLU(), new Linear(512, 784),
                        new Sigmoid(), new Reshape(1, 28, 28)));
    }

    public static Shape denseAeInput(int batch) {
        return Shape.of(batch, 1, 28, 28);
    }

    /**
     * conv-ae: 3x32x32 -> Conv(3,32,k3,s2,p1) -> Conv(32,64,k3,s2,p1) -> Conv(64,128,k3,s2,p1)
     * -> Conv(128,16,k1) latent 16x4x4 -> Conv(16,128,k1) -> ConvT(128,64,k4,s2,p1)
     * -> ConvT(64,32,k4,s2,p1) -> ConvT(32,3,k4,s2,p1) + Sigmoid; ReLU between; batch 64 on CPU.
     */
    public static Autoencoder convAe() {
        return new Autoencoder(
                new Sequential(new Conv2d(3, 32, 3, 2, 1), new ReLU(), new Conv2d(32, 64, 3, 2, 1), new ReLU(),
                        new Conv2d(64, 128, 3, 2, 1), new ReLU(), new Conv2d(128, 16, 1)),
                new Sequential(new Conv2d(16, 128, 1), new ReLU(), new ConvTranspose2d(128, 64, 4, 2, 1), new ReLU(),
                        new ConvTranspose2d(64, 32, 4, 2, 1), new ReLU(), new ConvTranspose2d(32, 3, 4, 2, 1),
                        new Sigmoid()));
    }

    public static Shape convAeInput(int batch) {
        return Shape.of(batch, 3, 32, 32);
    }
}
