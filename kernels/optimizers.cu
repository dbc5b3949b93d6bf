// Fused optimizer steps and gradient clipping of the CUDA backend. The ParameterStore keeps all
// parameters (and their gradients and optimizer state) in flat buffers, so one launch steps them
// all. The per-element arithmetic is the CPU backend's, in float and in the same order (the build
// turns off FMA contraction), so both backends take the same step bit for bit.
#include "common.cuh"
#include "optimizers.cuh"

// Added to the norm before dividing, as torch.nn.utils.clip_grad_norm_ does.
#define CLIP_EPS 1e-6

// PyTorch's SGD: g = grad + weight_decay p; with momentum (buf may be null when momentum is 0),
// buf = g on the first step, else momentum buf + (1 - dampening) g, and g = nesterov ? g +
// momentum buf : buf; then p -= lr g.
extern "C" __global__ void ENGRAM_BOUNDS engram_sgd_step_f32(float* p, const float* g, float* buf, long long n,
                                                             float lr, float momentum, float dampening,
                                                             float weight_decay, int nesterov, int first_step) {
    float keep = (float) (1.0 - (double) dampening);
    for (long long i = grid_index(); i < n; i += grid_stride()) {
        sgd_update(p, g, buf, i, lr, momentum, keep, weight_decay, nesterov, first_step);
    }
}

// Adam / AdamW. The step-dependent scalars come from the host, computed in double as the CPU
// backend does: step_size = lr / (1 - beta1^step), bias_correction2_sqrt = sqrt(1 - beta2^step),
// decay = 1 - lr * weight_decay (used when decoupled), l2 = weight_decay (used when not).
extern "C" __global__ void ENGRAM_BOUNDS engram_adam_step_f32(float* p, const float* g, float* m, float* v,
                                                              long long n, float beta1, float beta2, float eps,
                                                              float step_size, float bias_correction2_sqrt,
                                                              float decay, float l2, int decoupled) {
    float one_minus_beta1 = (float) (1.0 - (double) beta1);
    float one_minus_beta2 = (float) (1.0 - (double) beta2);
    for (long long i = grid_index(); i < n; i += grid_stride()) {
        adam_update(p, g, m, v, i, beta1, beta2, one_minus_beta1, one_minus_beta2, eps, step_size,
                    bias_correction2_sqrt, decay, l2, decoupled);
    }
}

// Pass 2 of clipGradNorm (pass 1 is engram_sum_squares_partial_f32), one block: norm_out[0] =
// the global norm, factor[0] = max_norm / (norm + 1e-6) where norm > max_norm, else exactly 1.
// The factor stays on the device, so clipping needs no host sync.
extern "C" __global__ void ENGRAM_BOUNDS engram_clip_norm_finish(const double* partial, int count, float max_norm,
                                                                 float* norm_out, float* factor) {
    double norm = sqrt(sum_partials(partial, count));
    if (threadIdx.x == 0) {
        norm_out[0] = (float) norm;
        factor[0] = norm > max_norm ? (float) (max_norm / (norm + CLIP_EPS)) : 1.0f;
    }
}

// g *= factor[0], skipped (no memory traffic) where the factor is exactly 1.
extern "C" __global__ void ENGRAM_BOUNDS engram_scale_by_device_factor_f32(float* g, long long n,
                                                                           const float* factor) {
    float f = factor[0];
    if (f == 1.0f) return;
    map1(g, g, n, [=] __device__(float v, long long) { return f * v; });
}
