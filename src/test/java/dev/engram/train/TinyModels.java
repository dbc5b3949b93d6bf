package dev.engram.train;

import dev.engram.model.Autoencoder;
import dev.engram.nn.BatchNorm2d;
import dev.engram.nn.Conv2d;
import dev.engram.nn.ConvTranspose2d;
import dev.engram.nn.Dropout;
import dev.engram.nn.ReLU;
import dev.engram.nn.Sequential;
import dev.engram.nn.Sigmoid;

/** Small models for 1x28x28 images that train in milliseconds per step on 2 cores. */
final class TinyModels {
    static final String SPEC = "{\"model\":\"tiny-conv-ae\",\"note\":\"opaque to the trainer\"}";

    private TinyModels() {
    }

    /**
     * A conv AE with a buffer (BatchNorm's running statistics) and randomness (Dropout), so that
     * checkpoints and resumes must carry both: 1x28x28 -> 4x14x14 -> 8x7x7 -> 4x14x14 -> 1x28x28.
     */
    static Autoencoder convAe(int width) {
        return new Autoencoder(
                new Sequential(new Conv2d(1, width, 3, 2, 1), new BatchNorm2d(width), new ReLU(), new Dropout(0.1f),
                        new Conv2d(width, 2 * width, 3, 2, 1), new ReLU()),
                new Sequential(new ConvTranspose2d(2 * width, width, 4, 2, 1), new ReLU(),
                        new ConvTranspose2d(width, 1, 4, 2, 1), new Sigmoid()));
    }
}
