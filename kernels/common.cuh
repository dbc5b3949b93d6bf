// Shared helpers of the engram kernels: launch bounds, 64-bit grid-stride loops, float4 maps with
// a scalar tail, and a deterministic block reduction in double.
//
// Every kernel is `extern "C" __global__` and named engram_<name>, so the host finds it by name
// in the PTX (see dev.engram.backend.cuda.KernelCatalog for the parameter lists).
// Sizes are `long long` so tensors past 2^31 elements index correctly.
#pragma once

#include <stdint.h>

// Every kernel is launched with ENGRAM_THREADS threads per block (the host relies on it: the
// block reductions below size their shared memory by it).
#define ENGRAM_THREADS 256
#define ENGRAM_BOUNDS __launch_bounds__(ENGRAM_THREADS)
#define ENGRAM_WARPS (ENGRAM_THREADS / 32)

__device__ __forceinline__ long long grid_index() {
    return (long long) blockIdx.x * blockDim.x + threadIdx.x;
}

__device__ __forceinline__ long long grid_stride() {
    return (long long) gridDim.x * blockDim.x;
}

__device__ __forceinline__ bool aligned16(const void* p) {
    return ((uintptr_t) p & 15) == 0;
}

// y[i] = op(x[i], i) over [0, n): float4 loads and stores when both pointers are 16-byte aligned
// (tensor views may start anywhere), then a scalar tail. x and y may be the same array: each
// element is read before it is written, by the same thread.
template <typename Op>
__device__ __forceinline__ void map1(const float* x, float* y, long long n, Op op) {
    long long start = 0;
    if (aligned16(x) && aligned16(y)) {
        long long n4 = n >> 2;
        const float4* x4 = reinterpret_cast<const float4*>(x);
        float4* y4 = reinterpret_cast<float4*>(y);
        for (long long i = grid_index(); i < n4; i += grid_stride()) {
            float4 v = x4[i];
            long long e = i << 2;
            y4[i] = make_float4(op(v.x, e), op(v.y, e + 1), op(v.z, e + 2), op(v.w, e + 3));
        }
        start = n4 << 2;
    }
    for (long long i = start + grid_index(); i < n; i += grid_stride()) y[i] = op(x[i], i);
}

// out[i] = op(a[i], b[i]) over [0, n), vectorised like map1; out may alias a or b.
template <typename Op>
__device__ __forceinline__ void map2(const float* a, const float* b, float* out, long long n, Op op) {
    long long start = 0;
    if (aligned16(a) && aligned16(b) && aligned16(out)) {
        long long n4 = n >> 2;
        const float4* a4 = reinterpret_cast<const float4*>(a);
        const float4* b4 = reinterpret_cast<const float4*>(b);
        float4* o4 = reinterpret_cast<float4*>(out);
        for (long long i = grid_index(); i < n4; i += grid_stride()) {
            float4 u = a4[i];
            float4 v = b4[i];
            o4[i] = make_float4(op(u.x, v.x), op(u.y, v.y), op(u.z, v.z), op(u.w, v.w));
        }
        start = n4 << 2;
    }
    for (long long i = start + grid_index(); i < n; i += grid_stride()) out[i] = op(a[i], b[i]);
}

// out[i] = op(a[i], b[i], c[i]) over [0, n), vectorised like map1; out may alias a, b or c.
template <typename Op>
__device__ __forceinline__ void map3(const float* a, const float* b, const float* c, float* out, long long n, Op op) {
    long long start = 0;
    if (aligned16(a) && aligned16(b) && aligned16(c) && aligned16(out)) {
        long long n4 = n >> 2;
        const float4* a4 = reinterpret_cast<const float4*>(a);
        const float4* b4 = reinterpret_cast<const float4*>(b);
        const float4* c4 = reinterpret_cast<const float4*>(c);
        float4* o4 = reinterpret_cast<float4*>(out);
        for (long long i = grid_index(); i < n4; i += grid_stride()) {
            float4 u = a4[i];
            float4 v = b4[i];
            float4 w = c4[i];
            o4[i] = make_float4(op(u.x, v.x, w.x), op(u.y, v.y, w.y), op(u.z, v.z, w.z), op(u.w, v.w, w.w));
        }
        start = n4 << 2;
    }
    for (long long i = start + grid_index(); i < n; i += grid_stride()) out[i] = op(a[i], b[i], c[i]);
}

// The sum of v over the block, in a fixed order (warp shuffles, then warp 0 over the warp sums):
// the same inputs give the same bits on every run. The result is valid in thread 0 only.
// The block must be whole warps, at most ENGRAM_THREADS threads (the launch bounds enforce the
// latter).
__device__ __forceinline__ double block_sum(double v) {
    __shared__ double warp_sums[ENGRAM_WARPS];
    for (int delta = 16; delta > 0; delta >>= 1) v += __shfl_down_sync(0xffffffffu, v, delta);
    int lane = threadIdx.x & 31;
    int warp = threadIdx.x >> 5;
    if (lane == 0) warp_sums[warp] = v;
    __syncthreads();
    v = 0;
    if (warp == 0) {
        if (lane < (int) (blockDim.x >> 5)) v = warp_sums[lane];
        for (int delta = 16; delta > 0; delta >>= 1) v += __shfl_down_sync(0xffffffffu, v, delta);
    }
    __syncthreads(); // warp_sums may be reused by a following block_sum
    return v;
}

// Sum of term(i) over [0, n), one partial per block written to partial[blockIdx.x]: pass 1 of
// the two-pass reductions (pass 2 is engram_reduce_finish). No float atomics: the grid size is
// the host's, fixed for a given n, so the result is reproducible run to run.
template <typename Term>
__device__ __forceinline__ void partial_sums(long long n, double* partial, Term term) {
    double s = 0;
    for (long long i = grid_index(); i < n; i += grid_stride()) s += term(i);
    s = block_sum(s);
    if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

// The sum of partial[0..count) by one block, in a fixed order.
__device__ __forceinline__ double sum_partials(const double* partial, int count) {
    double s = 0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) s += partial[i];
    return block_sum(s);
}
