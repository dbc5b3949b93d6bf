package dev.engram.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * A variational autoencoder with a Bernoulli likelihood: the encoder outputs [N, 2*latent] (mu
 * then logvar), z = mu + exp(logvar/2)*eps with eps ~ N(0, I) (one sample, also when evaluating,
 * as PyTorch's VAE example does), the decoder outputs logits. Loss = BCE-with-logits summed over
 * pixels + KL(N(mu, exp(logvar)) || N(0, I)) summed over latent dims, both means over the batch.
 */
final class Vae extends EncoderDecoder {
    private final int latent;

    Vae(String name, Shape image, int latent, Params params, Layer encoder, Layer decoder) {
        super(name, image, params, encoder, decoder);
        this.latent = latent;
    }

    @Override
    public Loss loss(NDArray x, boolean training) {
        return loss(x, x.getManager().randomNormal(new Shape(x.getShape().get(0), latent)), training);
    }

    /** The loss with the given noise eps [N, latent] in z = mu + exp(logvar/2)*eps. */
    Loss loss(NDArray x, NDArray eps, boolean training) {
        long n = x.getShape().get(0);
        NDArray stats = encoder.forward(x, training);
        NDArray mu = stats.get(new NDIndex(":, :{}", latent));
        NDArray logvar = stats.get(new NDIndex(":, {}:", latent));
        NDArray z = mu.add(logvar.mul(0.5f).exp().mul(eps));
        NDArray logits = decoder.forward(z, training);
        NDArray reconstruction = bceWithLogits(logits, x).sum().div(n);
        NDArray kl = logvar.add(1).sub(mu.square()).sub(logvar.exp()).sum().mul(-0.5f).div(n);
        return new Loss(reconstruction.add(kl), reconstruction, kl);
    }

    /** Elementwise max(l, 0) - l*t + log(1 + exp(-|l|)), the stable form PyTorch uses. */
    static NDArray bceWithLogits(NDArray logits, NDArray target) {
        return logits.maximum(0).sub(logits.mul(target)).add(logits.abs().neg().exp().add(1).log());
    }
}
