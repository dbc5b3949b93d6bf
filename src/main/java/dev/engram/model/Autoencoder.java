package dev.engram.model;

import dev.engram.backend.Activation;
import dev.engram.nn.BCELoss;
import dev.engram.nn.BCEWithLogitsLoss;
import dev.engram.nn.BufferSlot;
import dev.engram.nn.Flatten;
import dev.engram.nn.Loss;
import dev.engram.nn.MSELoss;
import dev.engram.nn.Module;
import dev.engram.nn.Reshape;
import dev.engram.nn.Sequential;
import dev.engram.nn.Sigmoid;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * A deterministic autoencoder (dense or convolutional, by its layers) trained to reconstruct its
 * target under a reconstruction loss, mean squared error unless told otherwise. Under
 * {@link BCELoss} the decoder must end in a Sigmoid (the constructor checks); under
 * {@link BCEWithLogitsLoss} it ends in logits, and {@link #decode} returns their sigmoid, so
 * reconstructions are images either way.
 */
public class Autoencoder extends AutoencoderModel {
    private final Loss reconstruction;
    private final BufferSlot probabilities = new BufferSlot();

    public Autoencoder(Module encoder, Module decoder) {
        this(encoder, decoder, new MSELoss());
    }

    public Autoencoder(Module encoder, Module decoder, Loss reconstruction) {
        super(encoder, decoder);
        if (reconstruction == null) {
            throw new IllegalArgumentException("Autoencoder: the reconstruction loss is null");
        }
        if (reconstruction instanceof BCELoss && !(lastValueLayer(decoder) instanceof Sigmoid)) {
            throw new IllegalArgumentException("Autoencoder: the bce loss needs outputs in (0, 1), so the decoder must"
                    + " end in a Sigmoid, but it ends in " + lastValueLayer(decoder) + "; for a decoder that ends in"
                    + " logits use bce_with_logits (BCEWithLogitsLoss)");
        }
        this.reconstruction = reconstruction;
    }

    /** The last layer of m that changes values: nested Sequentials are entered, Flatten and Reshape skipped. */
    static Module lastValueLayer(Module m) {
        while (m instanceof Sequential s) {
            List<Module> layers = s.layers();
            int i = layers.size() - 1;
            while (i > 0 && (layers.get(i) instanceof Flatten || layers.get(i) instanceof Reshape)) {
                i--;
            }
            m = layers.get(i);
        }
        return m;
    }

    public final Loss reconstructionLoss() {
        return reconstruction;
    }

    @Override
    public Tensor encode(Tensor x) {
        return encoder().forward(x);
    }

    /** Images in data space: the decoder's output, or the sigmoid of its logits under BCEWithLogitsLoss. */
    @Override
    public Tensor decode(Tensor z) {
        Tensor y = decoder().forward(z);
        if (!(reconstruction instanceof BCEWithLogitsLoss)) {
            return y;
        }
        Tensor p = probabilities.get(backend(), y.shape());
        backend().activationForward(Activation.sigmoid(), y, p);
        return p;
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
        probabilities.close();
        super.close();
    }

    @Override
    public String toString() {
        return "Autoencoder(encoder=" + encoder() + ", decoder=" + decoder() + ", loss=" + reconstruction + ")";
    }
}
