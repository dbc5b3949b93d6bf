package dev.engram.testing;

import dev.engram.backend.LossKind;

/**
 * Float64 references of the losses, the Gaussian KL term and the reparameterisation, written from
 * their textbook (PyTorch) definitions, independently of the code under test.
 */
public final class ReferenceLosses {
    private ReferenceLosses() {
    }

    /** The elementwise loss of one prediction against one target. */
    public static double element(LossKind kind, double p, double t) {
        switch (kind) {
            case MSE:
                return (p - t) * (p - t);
            case L1:
                return Math.abs(p - t);
            case BCE:
                // PyTorch clamps each log at -100 so that p = 0 or 1 gives a finite loss.
                return -(t * Math.max(Math.log(p), -100) + (1 - t) * Math.max(Math.log(1 - p), -100));
            case BCE_WITH_LOGITS:
                // -(t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))) = softplus(x) - t x.
                return softplus(p) - t * p;
            default:
                throw new AssertionError(kind);
        }
    }

    /** log(1 + exp(x)) without overflow for large x. */
    public static double softplus(double x) {
        return x > 0 ? x + Math.log(1 + Math.exp(-x)) : Math.log(1 + Math.exp(x));
    }

    /** Sum of the elementwise losses. */
    public static double sum(LossKind kind, double[] pred, double[] target) {
        double s = 0;
        for (int i = 0; i < pred.length; i++) {
            s += element(kind, pred[i], target[i]);
        }
        return s;
    }

    /** -0.5 * sum(1 + logvar - mu^2 - exp(logvar)) over stats [rows, 2L] = [mu | logvar]. */
    public static double gaussianKl(double[] stats, int rows) {
        int latent = stats.length / rows / 2;
        double s = 0;
        for (int n = 0; n < rows; n++) {
            for (int j = 0; j < latent; j++) {
                double mu = stats[n * 2 * latent + j];
                double logvar = stats[n * 2 * latent + latent + j];
                s += -0.5 * (1 + logvar - mu * mu - Math.exp(logvar));
            }
        }
        return s;
    }

    /** z[n, j] = mu + exp(logvar / 2) * eps[n, j] for stats [rows, 2L]. */
    public static double[] reparameterize(double[] stats, double[] eps, int rows) {
        int latent = eps.length / rows;
        double[] z = new double[eps.length];
        for (int n = 0; n < rows; n++) {
            for (int j = 0; j < latent; j++) {
                double mu = stats[n * 2 * latent + j];
                double logvar = stats[n * 2 * latent + latent + j];
                z[n * latent + j] = mu + Math.sqrt(Math.exp(logvar)) * eps[n * latent + j];
            }
        }
        return z;
    }
}
