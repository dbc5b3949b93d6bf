package dev.engram.model;

import dev.engram.nn.BufferSlot;
import dev.engram.nn.Loss;
import dev.engram.nn.Module;
import dev.engram.nn.Sigmoid;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * An autoencoder whose code is kept sparse by a {@link SparsityPenalty}: total = reconstruction +
 * sparsity, with both terms reported ("sparsity" is the weighted penalty). A KL penalty needs codes
 * in (0, 1): the encoder must end in a Sigmoid (a trailing Flatten or Reshape is allowed), which the
 * constructor checks. Given a {@link Noise}, it is also a denoising autoencoder: the loss corrupts
 * the input first, as {@link DenoisingAutoencoder}'s does, and the penalty applies to the code of
 * the corrupted input.
 */
public final class SparseAutoencoder extends Autoencoder {
    private final SparsityPenalty sparsity;
    /** The denoising objective's corruption; null when the model is not trained to denoise. */
    private final Corruption corruption;
    private final BufferSlot total = new BufferSlot();

    public SparseAutoencoder(Module encoder, Module decoder, Loss reconstruction, SparsityPenalty sparsity) {
        this(encoder, decoder, reconstruction, sparsity, null);
    }

    /** A sparse autoencoder that also learns to undo {@code noise}; a null noise makes a plain sparse one. */
    public SparseAutoencoder(Module encoder, Module decoder, Loss reconstruction, SparsityPenalty sparsity, Noise noise) {
        super(encoder, decoder, reconstruction);
        if (sparsity == null) {
            throw new IllegalArgumentException("SparseAutoencoder: sparsity penalty is null");
        }
        if (sparsity.kind() == SparsityPenalty.Kind.KL && !(lastValueLayer(encoder) instanceof Sigmoid)) {
            throw new IllegalArgumentException("SparseAutoencoder: the KL sparsity penalty needs codes in (0, 1), so the"
                    + " encoder must end in a Sigmoid, but it ends in " + lastValueLayer(encoder));
        }
        this.sparsity = sparsity;
        this.corruption = noise == null ? null : new Corruption("SparseAutoencoder", noise);
    }

    public SparsityPenalty sparsity() {
        return sparsity;
    }

    @Override
    public Optional<Noise> trainingNoise() {
        return Optional.ofNullable(corruption).map(Corruption::noise);
    }

    @Override
    public LossTerms lossForward(Tensor input, Tensor target, long step) {
        requireTarget(input, target);
        Tensor code = encoder().forward(corruption == null ? input : corruption.apply(input, backend(), random()));
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
        if (corruption != null) {
            corruption.close();
        }
        super.close();
    }

    @Override
    public String toString() {
        return "SparseAutoencoder(sparsity=" + sparsity + trainingNoise().map(n -> ", noise=" + n).orElse("") + ", encoder=" + encoder() + ", decoder=" + decoder() + ", loss="
                + reconstructionLoss() + ")";
    }
}
