// The per-element updates of the fused optimizer steps, in float and in the CPU backend's order
// (CpuOptimizers), so both backends take the same step bit for bit. Host and device: see hd.cuh.
#pragma once

#include "hd.cuh"

// PyTorch's SGD at element i: g = grad + weight_decay p; with momentum (buf may be null when
// momentum is 0), buf = g on the first step, else momentum buf + keep g (keep = 1 - dampening),
// and g = nesterov ? g + momentum buf : buf; then p -= lr g.
ENGRAM_HD void sgd_update(float* p, const float* g, float* buf, long long i, float lr, float momentum, float keep,
                          float weight_decay, int nesterov, int first_step) {
    float pi = p[i];
    float gi = weight_decay != 0.0f ? g[i] + weight_decay * pi : g[i];
    if (momentum != 0.0f) {
        float b = first_step ? gi : momentum * buf[i] + keep * gi;
        buf[i] = b;
        gi = nesterov ? gi + momentum * b : b;
    }
    p[i] = pi - lr * gi;
}

// Adam / AdamW at element i, with the step's scalars precomputed (see engram_adam_step_f32).
ENGRAM_HD void adam_update(float* p, const float* g, float* m, float* v, long long i, float beta1, float beta2,
                           float one_minus_beta1, float one_minus_beta2, float eps, float step_size,
                           float bias_correction2_sqrt, float decay, float l2, int decoupled) {
    float pi = p[i];
    float gi = g[i];
    if (decoupled) {
        pi *= decay;
    } else if (l2 != 0.0f) {
        gi += l2 * pi;
    }
    float mi = beta1 * m[i] + one_minus_beta1 * gi;
    float vi = beta2 * v[i] + one_minus_beta2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    float denom = sqrtf(vi) / bias_correction2_sqrt + eps;
    p[i] = pi - step_size * mi / denom;
}
