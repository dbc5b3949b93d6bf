// Elementwise ops and reductions of the CUDA backend: Backend.fill/add/mul/axpby/affine/clamp,
// sum/sumOfSquares (two passes, see common.cuh), bias add and bias backward.
#include "common.cuh"

extern "C" __global__ void ENGRAM_BOUNDS engram_fill_f32(float* p, float value, long long n) {
    long long start = 0;
    if (aligned16(p)) {
        long long n4 = n >> 2;
        float4* p4 = reinterpret_cast<float4*>(p);
        for (long long i = grid_index(); i < n4; i += grid_stride()) p4[i] = make_float4(value, value, value, value);
        start = n4 << 2;
    }
    for (long long i = start + grid_index(); i < n; i += grid_stride()) p[i] = value;
}

extern "C" __global__ void ENGRAM_BOUNDS engram_add_f32(const float* a, const float* b, float* out, long long n) {
    map2(a, b, out, n, [] __device__(float u, float v) { return u + v; });
}

extern "C" __global__ void ENGRAM_BOUNDS engram_mul_f32(const float* a, const float* b, float* out, long long n) {
    map2(a, b, out, n, [] __device__(float u, float v) { return u * v; });
}

// y = alpha x + beta y; with beta = 0 y is only written, so NaN in y does not survive.
extern "C" __global__ void ENGRAM_BOUNDS engram_axpby_f32(float alpha, const float* x, float beta, float* y,
                                                          long long n) {
    if (beta == 0.0f) {
        map1(x, y, n, [=] __device__(float v, long long) { return alpha * v; });
    } else {
        map2(x, y, y, n, [=] __device__(float u, float v) { return alpha * u + beta * v; });
    }
}

extern "C" __global__ void ENGRAM_BOUNDS engram_affine_f32(const float* x, float scale, float shift, float* out,
                                                           long long n) {
    map1(x, out, n, [=] __device__(float v, long long) { return v * scale + shift; });
}

// min(max(x, lo), hi) with Java's Math.max/min NaN rule: NaN in, NaN out.
extern "C" __global__ void ENGRAM_BOUNDS engram_clamp_f32(const float* x, float lo, float hi, float* out,
                                                          long long n) {
    map1(x, out, n, [=] __device__(float v, long long) { return v != v ? v : fminf(fmaxf(v, lo), hi); });
}

// Pass 1 of sum: partial[block] = sum of this block's share of x, in double.
extern "C" __global__ void ENGRAM_BOUNDS engram_sum_partial_f32(const float* x, long long n, double* partial) {
    partial_sums(n, partial, [=] __device__(long long i) { return (double) x[i]; });
}

// Pass 1 of sumOfSquares.
extern "C" __global__ void ENGRAM_BOUNDS engram_sum_squares_partial_f32(const float* x, long long n,
                                                                        double* partial) {
    partial_sums(n, partial, [=] __device__(long long i) {
        double v = x[i];
        return v * v;
    });
}

// Pass 2 of every reduction (sums, losses, KL), one block: out[0] = scale * sum of the partials.
extern "C" __global__ void ENGRAM_BOUNDS engram_reduce_finish(const double* partial, int count, float scale,
                                                              float* out) {
    double s = sum_partials(partial, count);
    if (threadIdx.x == 0) out[0] = (float) (scale * s);
}

// y[n, c, i] += bias[c] for y [N, C, inner] (inner = 1 for a Linear's [N, F]); n = N * C * inner.
extern "C" __global__ void ENGRAM_BOUNDS engram_bias_add_f32(float* y, const float* bias, long long n, int channels,
                                                             long long inner) {
    for (long long i = grid_index(); i < n; i += grid_stride()) y[i] += bias[(i / inner) % channels];
}

// dbias[c] += sum over n and i of dy[n, c, i], one block per channel (NCHW: long contiguous planes).
extern "C" __global__ void ENGRAM_BOUNDS engram_bias_backward_planes_f32(const float* dy, float* dbias, int batch,
                                                                         int channels, long long inner) {
    int c = blockIdx.x;
    double s = 0;
    for (int b = 0; b < batch; b++) {
        const float* plane = dy + ((long long) b * channels + c) * inner;
        for (long long i = threadIdx.x; i < inner; i += blockDim.x) s += plane[i];
    }
    s = block_sum(s);
    if (threadIdx.x == 0) dbias[c] += (float) s;
}

// dbias[f] += sum over rows of dy[row, f] for dy [rows, F] (inner = 1): one thread per feature,
// rows summed in order, loads coalesced across the warp.
extern "C" __global__ void ENGRAM_BOUNDS engram_bias_backward_rows_f32(const float* dy, float* dbias, int rows,
                                                                       int features) {
    for (long long f = grid_index(); f < features; f += grid_stride()) {
        double s = 0;
        for (int r = 0; r < rows; r++) s += dy[(long long) r * features + f];
        dbias[f] += (float) s;
    }
}
