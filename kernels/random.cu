// Philox random numbers, dropout and salt-and-pepper noise of the CUDA backend
// (Backend.randomUniform/randomNormal/dropoutForward/dropoutBackward/saltAndPepper). One thread per Philox block: thread b draws the block at
// counter offset + b and writes elements 4b .. 4b + 3, so the stream is the CPU backend's:
// uniforms and dropout masks bit for bit, normals to within 1 float ulp (libm; see philox.cuh).
// The values come from the __host__ __device__ functions of philox.cuh, which
// kernels/host/philox_check.cu runs on the host against the Java generator.
#include "common.cuh"
#include "philox.cuh"

// Writes v.x .. v.w to t[4b] .. t[4b + 3], the lanes inside [0, n); one float4 store for a full
// block. Unrolled with constant lane indices so that v stays in registers.
__device__ __forceinline__ void store_block(float* t, long long b, long long n, float4 v) {
    long long base = b << 2;
    if (base + 4 <= n && aligned16(t)) {
        reinterpret_cast<float4*>(t)[b] = v;
        return;
    }
    const float lanes[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
    for (int j = 0; j < 4; j++) {
        if (base + j < n) t[base + j] = lanes[j];
    }
}

// t = lo + u * (hi - lo), u uniform in [0, 1).
extern "C" __global__ void ENGRAM_BOUNDS engram_random_uniform_f32(float* t, long long n, unsigned long long seed,
                                                                   unsigned long long offset, float lo, float hi) {
    long long blocks = (n + 3) >> 2;
    for (long long b = grid_index(); b < blocks; b += grid_stride()) {
        store_block(t, b, n, philox_uniform_block(seed, offset + b, lo, hi));
    }
}

// t = mean + std * normal, Box-Muller on lanes (0, 1) and (2, 3).
extern "C" __global__ void ENGRAM_BOUNDS engram_random_normal_f32(float* t, long long n, unsigned long long seed,
                                                                  unsigned long long offset, float mean, float std) {
    long long blocks = (n + 3) >> 2;
    for (long long b = grid_index(); b < blocks; b += grid_stride()) {
        store_block(t, b, n, philox_normal_block(seed, offset + b, mean, std));
    }
}

// dst[i] = op(bits, src[i]) for every element, bits the element's 32-bit Philox draw (lane i % 4
// of the block at counter offset + i / 4): the per-element noises below.
template <typename Op>
__device__ __forceinline__ void map_with_draws(const float* src, float* dst, long long n, unsigned long long seed,
                                               unsigned long long offset, Op op) {
    long long blocks = (n + 3) >> 2;
    for (long long b = grid_index(); b < blocks; b += grid_stride()) {
        PhiloxBlock bits = philox_block(seed, offset + b);
        long long base = b << 2;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            if (base + j < n) dst[base + j] = op(bits.v[j], src[base + j]);
        }
    }
}

// dst = src / (1 - p) where the element's uniform is >= p, else 0: dropout forward (src = x,
// dst = y) and backward (src = dy, dst = dx) with the same (p, seed, offset) share the mask.
extern "C" __global__ void ENGRAM_BOUNDS engram_dropout_f32(const float* src, float* dst, long long n, float p,
                                                            unsigned long long seed, unsigned long long offset) {
    float scale = 1.0f / (1.0f - p);
    map_with_draws(src, dst, n, seed, offset,
                   [=] __device__(unsigned int bits, float v) { return philox_dropout(bits, v, p, scale); });
}

// dst = 0 where the element's uniform is < fraction / 2, 1 where it is >= 1 - fraction / 2, else
// src: Backend.saltAndPepper, the uniform being the one randomUniform draws for the element.
extern "C" __global__ void ENGRAM_BOUNDS engram_salt_and_pepper_f32(const float* src, float* dst, long long n,
                                                                    float fraction, unsigned long long seed,
                                                                    unsigned long long offset) {
    float low = fraction / 2.0f;
    float high = 1.0f - fraction / 2.0f;
    map_with_draws(src, dst, n, seed, offset,
                   [=] __device__(unsigned int bits, float v) { return philox_salt_and_pepper(bits, v, low, high); });
}
