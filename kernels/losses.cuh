// The elementwise losses of dev.engram.backend.LossKind, per element: term(pred, target), summed
// in double by the reductions, and grad(pred, target, scale) = scale * d term / d pred.
// Host and device: see hd.cuh.
#pragma once

#include "hd.cuh"

#define LOG_FLOOR -100.0f
#define BCE_GRAD_EPS 1e-12f

struct Mse {
    ENGRAM_HD static double term(float p, float t) {
        double d = (double) p - t;
        return d * d;
    }
    // In double, as the CPU backend, so the two agree bit for bit.
    ENGRAM_HD static float grad(float p, float t, float scale) { return (float) (scale * 2.0 * ((double) p - t)); }
};
struct L1 {
    ENGRAM_HD static double term(float p, float t) { return fabs((double) p - t); }
    ENGRAM_HD static float grad(float p, float t, float scale) {
        float d = p - t; // sign(d), 0 at 0, NaN for NaN: Math.signum
        return scale * (d > 0.0f ? 1.0f : d < 0.0f ? -1.0f : d);
    }
};
struct Bce {
    ENGRAM_HD static double term(float p, float t) {
        float log_p = fmaxf(logf(p), LOG_FLOOR);
        float log_1mp = fmaxf(log1pf(-p), LOG_FLOOR);
        return -((double) t * log_p + (1.0 - t) * log_1mp);
    }
    ENGRAM_HD static float grad(float p, float t, float scale) {
        return scale * ((p - t) / fmaxf(p * (1.0f - p), BCE_GRAD_EPS));
    }
};
struct BceWithLogits {
    ENGRAM_HD static double term(float x, float t) {
        return (double) fmaxf(x, 0.0f) - (double) x * t + log1pf(expf(-fabsf(x)));
    }
    ENGRAM_HD static float grad(float x, float t, float scale) {
        float e = expf(-fabsf(x)); // neither branch overflows
        float s = x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
        return scale * (s - t);
    }
};

// ---------------------------------------------------------------- VAE: KL term and reparameterisation
// stats [N, 2L]: row r holds mu at r * 2L + j and logvar at r * 2L + L + j; i indexes z [N, L].
// In double, as the CPU backend (latents are small; the cancellation inside the KL term would
// cost float its relative accuracy).

// Index in stats of mu for element i of z (its logvar is `latent` further on).
ENGRAM_HD long long mu_index(long long i, int latent) {
    return i / latent * 2 * latent + i % latent;
}

// -0.5 (1 + logvar - mu^2 - exp(logvar)) for latent i.
ENGRAM_HD double gaussian_kl_term(const float* stats, long long i, int latent) {
    long long at = mu_index(i, latent);
    double mu = stats[at];
    double logvar = stats[at + latent];
    return -0.5 * (1.0 + logvar - mu * mu - exp(logvar));
}

// dstats += scale (mu, (exp(logvar) - 1) / 2) for latent i.
ENGRAM_HD void gaussian_kl_backward_at(const float* stats, float scale, float* dstats, long long i, int latent) {
    long long at = mu_index(i, latent);
    double mu = stats[at];
    double logvar = stats[at + latent];
    dstats[at] += (float) (scale * mu);
    dstats[at + latent] += (float) (scale * 0.5 * (exp(logvar) - 1.0));
}

// z = mu + exp(logvar / 2) eps.
ENGRAM_HD float reparameterize_at(const float* stats, const float* eps, long long i, int latent) {
    long long at = mu_index(i, latent);
    return (float) (stats[at] + exp(0.5 * stats[at + latent]) * eps[i]);
}

// dstats = (dz, dz eps exp(logvar / 2) / 2), assigned; the product order is the CPU backend's.
ENGRAM_HD void reparameterize_backward_at(const float* stats, const float* eps, const float* dz, float* dstats,
                                          long long i, int latent) {
    long long at = mu_index(i, latent);
    double std = exp(0.5 * stats[at + latent]);
    float g = dz[i];
    dstats[at] = g;
    dstats[at + latent] = (float) ((double) (g * eps[i]) * std * 0.5);
}

// ---------------------------------------------------------------- KL sparsity penalty
// code [rows, units] (CpuSparsity): unit j's batch mean, summed over the rows in order in double
// and clamped to [1e-6, 1 - 1e-6], then the penalty term and the per-sample gradient, in double.

#define SPARSITY_MEAN_FLOOR 1e-6

ENGRAM_HD double sparsity_unit_mean(const float* code, long long rows, long long units, long long j) {
    double s = 0;
    for (long long r = 0; r < rows; r++) s += code[r * units + j];
    double m = s / rows;
    return m != m ? m : fmin(fmax(m, SPARSITY_MEAN_FLOOR), 1.0 - SPARSITY_MEAN_FLOOR); // NaN stays, as Math.max/min
}

// rho log(rho / mean) + (1 - rho) log((1 - rho) / (1 - mean)).
ENGRAM_HD double kl_sparsity_term(double mean, float rho) {
    return rho * log(rho / mean) + (1.0 - rho) * log((1.0 - rho) / (1.0 - mean));
}

// scale d penalty / d code for every sample of a unit with this mean: scale ((1 - rho) / (1 - mean) - rho / mean) / rows.
ENGRAM_HD float kl_sparsity_grad(double mean, float rho, float scale, long long rows) {
    return (float) (scale * ((1.0 - rho) / (1.0 - mean) - rho / mean) / (double) rows);
}
