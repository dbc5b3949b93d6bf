// Pointwise activations of the CUDA backend (Backend.activationForward/Backward) and the fused
// bias + activation forward, with the definitions of dev.engram.backend.Activation and the CPU
// backend's thresholds. For each kind K in relu, leaky_relu, sigmoid, tanh, elu, gelu, softplus:
//   engram_K_forward_f32(x, y, n, alpha)                  y = f(x); x and y may be the same array
//   engram_K_backward_f32(x, y, dy, dx, n, alpha)         dx = dy * f'(x) (assigned)
//   engram_bias_K_forward_f32(x, bias, y, n, C, inner, alpha)
//       x[n, c, i] += bias[c] (x keeps the pre-activation backward needs), then y = f(x)
// alpha is the kind's parameter (LeakyReLU slope, ELU alpha, Softplus beta), ignored by the others.
// The CPU backend evaluates transcendentals in double; these use CUDA's float functions
// (expm1f, log1pf, tanhf, erfcf: a few ulp), well inside the parity tolerance of float32.
#include "common.cuh"

#include "activations.cuh"

template <typename K>
__device__ __forceinline__ void bias_activation_forward(float* x, const float* bias, float* y, long long n,
                                                        int channels, long long inner, float alpha) {
    for (long long i = grid_index(); i < n; i += grid_stride()) {
        float v = x[i] + bias[(i / inner) % channels];
        x[i] = v;
        y[i] = K::fwd(v, alpha);
    }
}

#define ENGRAM_ACTIVATION(name, K)                                                                              \
    extern "C" __global__ void ENGRAM_BOUNDS engram_##name##_forward_f32(const float* x, float* y, long long n,  \
                                                                         float alpha) {                         \
        map1(x, y, n, [=] __device__(float v, long long) { return K::fwd(v, alpha); });                         \
    }                                                                                                           \
    extern "C" __global__ void ENGRAM_BOUNDS engram_##name##_backward_f32(                                      \
            const float* x, const float* y, const float* dy, float* dx, long long n, float alpha) {             \
        map3(x, y, dy, dx, n, [=] __device__(float u, float v, float g) { return K::bwd(u, v, g, alpha); });     \
    }                                                                                                           \
    extern "C" __global__ void ENGRAM_BOUNDS engram_bias_##name##_forward_f32(                                  \
            float* x, const float* bias, float* y, long long n, int channels, long long inner, float alpha) {   \
        bias_activation_forward<K>(x, bias, y, n, channels, inner, alpha);                                      \
    }

ENGRAM_ACTIVATION(relu, Relu)
ENGRAM_ACTIVATION(leaky_relu, LeakyRelu)
ENGRAM_ACTIVATION(sigmoid, Sigmoid)
ENGRAM_ACTIVATION(tanh, Tanh)
ENGRAM_ACTIVATION(elu, Elu)
ENGRAM_ACTIVATION(gelu, Gelu)
ENGRAM_ACTIVATION(softplus, Softplus)
