package dev.engram.model;

import dev.engram.backend.Activation;
import dev.engram.nn.BCEWithLogitsLoss;
import dev.engram.nn.BufferSlot;
import dev.engram.nn.GaussianKL;
import dev.engram.nn.Loss;
import dev.engram.nn.MSELoss;
import dev.engram.nn.Module;
import dev.engram.nn.Reduction;
import dev.engram.nn.Reparameterize;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A variational autoencoder (Kingma and Welling), and a beta-VAE for beta != 1. The encoder
 * outputs statistics [N, 2L]: the means mu in the first L columns and the log-variances in the
 * last L (one Linear producing both). Training samples z = mu + exp(logvar / 2) * eps with eps
 * drawn from the model's random stream, decodes z and scores
 * <pre>
 *   reconstruction = -log p(x | z) summed over pixels, mean over the batch ({@link Likelihood})
 *   kl             = KL(q(z | x) || N(0, I)) summed over latents, mean over the batch
 *   total          = reconstruction + beta_eff * kl,  beta_eff = beta * min(1, step / klWarmupSteps)
 * </pre>
 * The "kl" term is reported unweighted, so reconstruction + kl is the negative ELBO whatever beta
 * is. With klWarmupSteps = 0 there is no warm-up.
 *
 * <p>{@link #lossForward} samples z in evaluation mode too (as PyTorch's VAE example does), so a
 * validation loss is the same stochastic negative ELBO as the training loss. {@link #encode} and
 * {@link #forward} are deterministic: they use the means.
 */
public final class VariationalAutoencoder extends AutoencoderModel {
    private static final String NAME = "VariationalAutoencoder";
    private final int latent;
    private final Likelihood likelihood;
    private final float beta;
    private final long klWarmupSteps;
    private final Loss reconstruction;
    private final GaussianKL kl = new GaussianKL(Reduction.BATCH_MEAN);
    private final Reparameterize reparameterize = new Reparameterize();
    private final BufferSlot means = new BufferSlot();
    private final BufferSlot meansGrad = new BufferSlot();
    private final BufferSlot probabilities = new BufferSlot();
    private final BufferSlot prior = new BufferSlot();
    private final BufferSlot total = new BufferSlot();
    private Shape statsShape;
    private float lastBeta;

    /** A plain VAE: beta 1, no warm-up. */
    public VariationalAutoencoder(Module encoder, Module decoder, int latent, Likelihood likelihood) {
        this(encoder, decoder, latent, likelihood, 1f, 0);
    }

    public VariationalAutoencoder(Module encoder, Module decoder, int latent, Likelihood likelihood, float beta,
                                  long klWarmupSteps) {
        super(encoder, decoder);
        if (latent <= 0) {
            throw new IllegalArgumentException("VariationalAutoencoder: latent size " + latent + " must be > 0");
        }
        if (likelihood == null) {
            throw new IllegalArgumentException("VariationalAutoencoder: likelihood is null; use GAUSSIAN or BERNOULLI");
        }
        if (!(beta >= 0) || !Float.isFinite(beta)) {
            throw new IllegalArgumentException("VariationalAutoencoder: beta is " + beta + "; it must be a finite number >= 0");
        }
        if (klWarmupSteps < 0) {
            throw new IllegalArgumentException("VariationalAutoencoder: KL warm-up is " + klWarmupSteps
                    + " steps; it must be >= 0");
        }
        this.latent = latent;
        this.likelihood = likelihood;
        this.beta = beta;
        this.klWarmupSteps = klWarmupSteps;
        this.reconstruction = likelihood == Likelihood.BERNOULLI
                ? new BCEWithLogitsLoss(Reduction.BATCH_MEAN) : new MSELoss(Reduction.BATCH_MEAN);
    }

    public int latent() {
        return latent;
    }

    public Likelihood likelihood() {
        return likelihood;
    }

    public float beta() {
        return beta;
    }

    public long klWarmupSteps() {
        return klWarmupSteps;
    }

    /** The weight of the KL term at optimizer step {@code step}: beta * min(1, step / klWarmupSteps). */
    public float klWeight(long step) {
        if (step < 0) {
            throw new IllegalArgumentException(NAME + ": step " + step + " must be >= 0");
        }
        return klWarmupSteps == 0 || step >= klWarmupSteps ? beta : (float) ((double) beta * step / klWarmupSteps);
    }

    @Override
    public Shape codeShape(Shape input) {
        Shape stats = encoder().outputShape(input);
        if (stats.rank() != 2 || stats.dim(1) != 2 * latent) {
            throw new IllegalArgumentException(NAME + ": the encoder must output statistics [N, " + 2 * latent
                    + "] (mu then logvar) for input " + input + ", but it outputs " + stats);
        }
        return Shape.of(stats.dim(0), latent);
    }

    /** The means mu [N, L] of q(z | x), owned by the model. */
    @Override
    public Tensor encode(Tensor x) {
        codeShape(x.shape());
        Tensor stats = encoder().forward(x);
        Tensor mu = means.get(backend(), Shape.of(stats.shape().dim(0), latent));
        backend().copyRows(stats.view(2 * mu.shape().dim(0), latent), 2, mu, 1);
        statsShape = stats.shape();
        return mu;
    }

    /** Images in data space: the decoder's means (Gaussian) or the sigmoid of its logits (Bernoulli). */
    @Override
    public Tensor decode(Tensor z) {
        Tensor y = decoder().forward(z);
        if (likelihood == Likelihood.GAUSSIAN) {
            return y;
        }
        Tensor p = probabilities.get(backend(), y.shape());
        backend().activationForward(Activation.sigmoid(), y, p);
        return p;
    }

    /** n images decoded from z ~ N(0, I), drawn from the model's random stream; owned by the model. */
    public Tensor sample(int n) {
        if (n <= 0) {
            throw new IllegalArgumentException(NAME + ": sample count " + n + " must be > 0");
        }
        Tensor z = prior.get(backend(), Shape.of(n, latent));
        backend().randomNormal(z, random().seed(), random().take(z.numel()), 0f, 1f);
        return decode(z);
    }

    /** The deterministic forward: the decoder's raw output (means or logits) at z = mu. */
    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        return decoder().forward(encode(x));
    }

    /** Backward of {@link #forward}: the gradient reaches the encoder through mu only. */
    @Override
    public Tensor backward(Tensor dy) {
        if (statsShape == null) {
            throw new IllegalStateException(NAME + ": backward was called before forward");
        }
        Tensor dz = decoder().backward(dy);
        int rows = statsShape.dim(0);
        Tensor dstats = meansGrad.get(backend(), statsShape);
        backend().fill(dstats, 0f);
        backend().copyRows(dz.view(rows, latent), 1, dstats.view(2 * rows, latent), 2);
        return encoder().backward(dstats);
    }

    @Override
    public LossTerms lossForward(Tensor input, Tensor target, long step) {
        requireTarget(input, target);
        float klWeight = klWeight(step);
        Tensor stats = encoder().forward(input);
        Tensor z = reparameterize.forward(stats, random());
        Tensor y = decoder().forward(z);
        Tensor rec = reconstruction.forward(y, target);
        Tensor klValue = kl.forward(stats);
        Tensor t = total.get(backend(), Shape.of());
        backend().copy(rec, t);
        backend().axpby(klWeight, klValue, 1f, t);
        lastBeta = klWeight;
        Map<String, Tensor> terms = new LinkedHashMap<>();
        terms.put("reconstruction", rec);
        terms.put("kl", klValue);
        return new LossTerms(t, terms);
    }

    @Override
    public void lossBackward() {
        Tensor dz = decoder().backward(reconstruction.backward());
        Tensor dstats = reparameterize.backward(dz);
        kl.backward(dstats, lastBeta);
        encoder().backward(dstats);
    }

    @Override
    public void close() {
        reconstruction.close();
        kl.close();
        reparameterize.close();
        means.close();
        meansGrad.close();
        probabilities.close();
        prior.close();
        total.close();
        super.close();
    }

    @Override
    public String toString() {
        return "VariationalAutoencoder(latent=" + latent + ", likelihood=" + likelihood + ", beta=" + beta
                + ", klWarmupSteps=" + klWarmupSteps + ", encoder=" + encoder() + ", decoder=" + decoder() + ")";
    }
}
