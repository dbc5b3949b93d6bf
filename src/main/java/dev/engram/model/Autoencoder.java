package dev.engram.model;

import dev.engram.nn.Loss;
import dev.engram.nn.MSELoss;
import dev.engram.nn.Module;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.Map;

/**
 * A deterministic autoencoder (dense or convolutional, by its layers) trained to reconstruct its
 * target under a reconstruction loss, mean squared error unless told otherwise.
 */
public class Autoencoder extends AutoencoderModel {
    private final Loss reconstruction;

    public Autoencoder(Module encoder, Module decoder) {
        this(encoder, decoder, new MSELoss());
    }

    public Autoencoder(Module encoder, Module decoder, Loss reconstruction) {
        super(encoder, decoder);
        if (reconstruction == null) {
            throw new IllegalArgumentException("Autoencoder: the reconstruction loss is null");
        }
        this.reconstruction = reconstruction;
    }

    public final Loss reconstructionLoss() {
        return reconstruction;
    }

    @Override
    public Tensor encode(Tensor x) {
        return encoder().forward(x);
    }

    @Override
    public Tensor decode(Tensor z) {
        return decoder().forward(z);
    }

    @Override
    public Shape codeShape(Shape input) {
        return encoder().outputShape(input);
    }

    @Override
    public LossTerms lossForward(Tensor input, Tensor target, long step) {
        requireTarget(input, target);
        Tensor y = forward(input);
        Tensor loss = reconstruction.forward(y, target);
        return new LossTerms(loss, Map.of("reconstruction", loss));
    }

    @Override
    public void lossBackward() {
        backward(reconstruction.backward());
    }

    @Override
    public void close() {
        reconstruction.close();
        super.close();
    }

    @Override
    public String toString() {
        return "Autoencoder(encoder=" + encoder() + ", decoder=" + decoder() + ", loss=" + reconstruction + ")";
    }
}
