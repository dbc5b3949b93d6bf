// The pointwise activations of dev.engram.backend.Activation, per element: forward f(x) and
// backward dy * f'(x) (from x, or for sigmoid and tanh from y = f(x)). alpha is the kind's
// parameter (LeakyReLU slope, ELU alpha, Softplus beta). Host and device: see hd.cuh.
#pragma once

#include "hd.cuh"

#define SOFTPLUS_THRESHOLD 20.0f
#define SQRT_HALF 0.70710678118654752f
#define INV_SQRT_2PI 0.39894228040143268f

ENGRAM_HD float sigmoid_f(float x) { return 1.0f / (1.0f + expf(-x)); }

// Phi(x) through erfc, which keeps its relative accuracy in the far left tail.
ENGRAM_HD float normal_cdf(float x) { return 0.5f * erfcf(-x * SQRT_HALF); }

// Each kind: forward f(x) and backward dy * f'(x), the latter from x or (sigmoid, tanh) from y.
struct Relu {
    ENGRAM_HD static float fwd(float x, float) { return x != x ? x : fmaxf(x, 0.0f); } // NaN stays NaN
    ENGRAM_HD static float bwd(float x, float, float g, float) { return x > 0.0f ? g : 0.0f; }
};
struct LeakyRelu {
    ENGRAM_HD static float fwd(float x, float a) { return x > 0.0f ? x : a * x; }
    ENGRAM_HD static float bwd(float x, float, float g, float a) { return x > 0.0f ? g : g * a; }
};
struct Sigmoid {
    ENGRAM_HD static float fwd(float x, float) { return sigmoid_f(x); }
    ENGRAM_HD static float bwd(float, float s, float g, float) { return g * s * (1.0f - s); }
};
struct Tanh {
    ENGRAM_HD static float fwd(float x, float) { return tanhf(x); }
    ENGRAM_HD static float bwd(float, float t, float g, float) { return g * (1.0f - t * t); }
};
struct Elu {
    ENGRAM_HD static float fwd(float x, float a) { return x > 0.0f ? x : a * expm1f(x); }
    ENGRAM_HD static float bwd(float x, float, float g, float a) { return x > 0.0f ? g : a * expf(x) * g; }
};
struct Gelu { // exact GELU, x * Phi(x)
    ENGRAM_HD static float fwd(float x, float) { return x * normal_cdf(x); }
    ENGRAM_HD static float bwd(float x, float, float g, float) {
        return g * (normal_cdf(x) + x * expf(-0.5f * x * x) * INV_SQRT_2PI);
    }
};
struct Softplus { // log(1 + exp(beta x)) / beta, linear where beta x > 20 (PyTorch's threshold)
    ENGRAM_HD static float fwd(float x, float beta) {
        float bx = x * beta;
        return bx > SOFTPLUS_THRESHOLD ? x : log1pf(expf(bx)) / beta;
    }
    ENGRAM_HD static float bwd(float x, float, float g, float beta) {
        float bx = x * beta;
        return bx > SOFTPLUS_THRESHOLD ? g : g * sigmoid_f(bx);
    }
};
