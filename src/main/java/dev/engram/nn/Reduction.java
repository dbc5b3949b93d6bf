package dev.engram.nn;

import dev.engram.tensor.Shape;

/**
 * How a loss turns its elementwise terms into one number: the backend sums, and the reduction
 * picks the factor the sum is multiplied by.
 */
public enum Reduction {
    /** The mean over every element, as PyTorch's reduction='mean'. */
    MEAN,
    /** The plain sum, as PyTorch's reduction='sum'. */
    SUM,
    /**
     * The sum divided by the batch size (dimension 0): "summed over pixels (or latents), mean over
     * the batch", the VAE's reconstruction and KL terms (PyTorch's KL reduction='batchmean').
     */
    BATCH_MEAN;

    /**
     * The factor for {@code terms} elementwise terms of an input of {@code shape}, or an
     * exception naming {@code owner} when the reduction has nothing to divide by.
     */
    float scale(String owner, Shape shape, long terms) {
        return switch (this) {
            case SUM -> 1f;
            case MEAN -> {
                if (terms == 0) {
                    throw new IllegalArgumentException(owner + ": input " + shape + " is empty; its mean is undefined");
                }
                yield (float) (1.0 / terms);
            }
            case BATCH_MEAN -> {
                if (shape.rank() == 0 || shape.dim(0) == 0) {
                    throw new IllegalArgumentException(owner + ": input " + shape
                            + " has no batch dimension to average over (BATCH_MEAN needs [N, ...] with N > 0)");
                }
                yield (float) (1.0 / shape.dim(0));
            }
        };
    }
}
