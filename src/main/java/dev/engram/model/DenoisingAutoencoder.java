package dev.engram.model;

import dev.engram.nn.Loss;
import dev.engram.nn.Module;
import dev.engram.tensor.Tensor;

import java.util.Optional;

/**
 * An autoencoder trained to undo a corruption ({@link Noise}): {@link #lossForward} corrupts the
 * input and scores the reconstruction against the clean target. It corrupts in evaluation mode
 * too, so the validation loss measures denoising, the same objective as training. Everything else
 * (encode, decode, forward, reconstruct) works on the input as given; {@link #corrupt} exposes the
 * corruption, for example to show noisy inputs beside their reconstructions.
 */
public final class DenoisingAutoencoder extends Autoencoder {
    private final Corruption corruption;

    public DenoisingAutoencoder(Module encoder, Module decoder, Loss reconstruction, Noise noise) {
        super(encoder, decoder, reconstruction);
        this.corruption = new Corruption("DenoisingAutoencoder", noise);
    }

    public Noise noise() {
        return corruption.noise();
    }

    @Override
    public Optional<Noise> trainingNoise() {
        return Optional.of(corruption.noise());
    }

    /** x corrupted by the model's noise, drawn from its random stream; owned by the model. */
    public Tensor corrupt(Tensor x) {
        return corruption.apply(x, backend(), random());
    }

    @Override
    public LossTerms lossForward(Tensor input, Tensor target, long step) {
        requireTarget(input, target);
        return super.lossForward(corrupt(input), target, step);
    }

    @Override
    public void close() {
        corruption.close();
        super.close();
    }

    @Override
    public String toString() {
        return "DenoisingAutoencoder(noise=" + corruption.noise() + ", encoder=" + encoder() + ", decoder=" + decoder() + ", loss="
                + reconstructionLoss() + ")";
    }
}
