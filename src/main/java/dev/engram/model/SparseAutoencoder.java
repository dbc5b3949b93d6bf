package dev.engram.model;

import dev.engram.nn.BufferSlot;
import dev.engram.nn.Flatten;
import dev.engram.nn.Loss;
import dev.engram.nn.Module;
import dev.engram.nn.Reshape;
import dev.engram.nn.Sigmoid;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An autoencoder whose code is kept sparse by a {@link SparsityPenalty}: total = reconstruction +
 * sparsity, with both terms reported ("sparsity" is the weighted penalty). A KL penalty needs codes
 * in (0, 1): the encoder must end in a Sigmoid (a trailing Flatten or Reshape is allowed), which the
 * constructor checks.
 */
public final class SparseAutoencoder extends Autoencoder {
    private final SparsityPenalty sparsity;
    private final BufferSlot total = new BufferSlot();

    public SparseAutoencoder(Module encoder, Module decoder, Loss reconstruction, SparsityPenalty sparsity) {
        super(encoder, decoder, reconstruction);
        if (sparsity == null) {
            throw new IllegalArgumentException("SparseAutoencoder: sparsity penalty is null");
        }
        if (sparsity.kind() == SparsityPenalty.Kind.KL && !(lastValueLayer(encoder) instanceof Sigmoid)) {
            throw new IllegalArgumentException("SparseAutoencoder: the KL sparsity penalty needs codes in (0, 1), so the"
                    + " encoder must end in a Sigmoid, but it ends in " + lastValueLayer(encoder));
        }
        this.sparsity = sparsity;
    }

    public SparsityPenalty sparsity() {
        return sparsity;
    }

    @Override
    public LossTerms lossForward(Tensor input, Tensor target, long step) {
        requireTarget(input, target);
        Tensor code = encoder().forward(input);
        Tensor rec = reconstructionLoss().forward(decoder().forward(code), target);
        Tensor penalty = sparsity.forward(code);
        Tensor t = total.get(backend(), Shape.of());
        backend().copy(rec, t);
        backend().axpby(1f, penalty, 1f, t);
        Map<String, Tensor> terms = new LinkedHashMap<>();
        terms.put("reconstruction", rec);
        terms.put("sparsity", penalty);
        return new LossTerms(t, terms);
    }

    @Override
    public void lossBackward() {
        Tensor dcode = decoder().backward(reconstructionLoss().backward());
        sparsity.backward(dcode);
        encoder().backward(dcode);
    }

    @Override
    public void close() {
        sparsity.close();
        total.close();
        super.close();
    }

    @Override
    public String toString() {
        return "SparseAutoencoder(sparsity=" + sparsity + ", encoder=" + encoder() + ", decoder=" + decoder() + ", loss="
                + reconstructionLoss() + ")";
    }
}
