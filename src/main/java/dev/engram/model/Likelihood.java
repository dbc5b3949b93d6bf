package dev.engram.model;

/**
 * What a VAE's decoder outputs and how its reconstruction term is scored; both sum over the pixels
 * of an image and average over the batch, the negative log-likelihood up to a constant.
 */
public enum Likelihood {
    /** Decoder outputs means; the term is the squared error (a unit-variance Gaussian up to scale). */
    GAUSSIAN,
    /** Decoder outputs logits; the term is binary cross-entropy with logits, and decode applies a sigmoid. */
    BERNOULLI
}
