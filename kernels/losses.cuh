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
