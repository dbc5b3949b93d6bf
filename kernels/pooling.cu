// Max/average pooling and nearest/bilinear upsampling of the CUDA backend: grid-stride loops over
// the per-element functions of pooling.cuh (one thread per output element forward, per input cell
// backward).
//
// Backward passes gather instead of scattering: each input cell sums, in the CPU backend's order
// (output row, then column), what every output that read it sends back. No atomics, so results
// are reproducible, and for pooling and nearest upsampling equal to the CPU backend's bit for bit.
// dx is assigned.
//
// Pooling parameters after the tensors: planes (N * C), h, w, out_h, out_w, kernel_h, kernel_w,
// stride_h, stride_w, pad_h, pad_w. Upsampling: planes, in_h, in_w, out_h, out_w.
#include "common.cuh"
#include "pooling.cuh"

#define POOL_PARAMS                                                                                             \
    int planes, int h, int w, int out_h, int out_w, int kernel_h, int kernel_w, int stride_h, int stride_w,     \
            int pad_h, int pad_w
#define POOL_GEOMETRY {h, w, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w}
#define RESIZE_PARAMS int planes, int in_h, int in_w, int out_h, int out_w

extern "C" __global__ void ENGRAM_BOUNDS engram_max_pool2d_forward_f32(const float* x, float* y, POOL_PARAMS) {
    Pool g = POOL_GEOMETRY;
    long long total = (long long) planes * out_h * out_w;
    for (long long i = grid_index(); i < total; i += grid_stride()) y[i] = max_pool_forward_at(g, x, i);
}

// dx = dy routed to the first maximum of each window (found again from x); overlapping windows add up.
extern "C" __global__ void ENGRAM_BOUNDS engram_max_pool2d_backward_f32(const float* x, const float* dy, float* dx,
                                                                        POOL_PARAMS) {
    Pool g = POOL_GEOMETRY;
    long long total = (long long) planes * h * w;
    for (long long i = grid_index(); i < total; i += grid_stride()) dx[i] = max_pool_backward_at(g, x, dy, i);
}

extern "C" __global__ void ENGRAM_BOUNDS engram_avg_pool2d_forward_f32(const float* x, float* y, POOL_PARAMS) {
    Pool g = POOL_GEOMETRY;
    long long total = (long long) planes * out_h * out_w;
    for (long long i = grid_index(); i < total; i += grid_stride()) y[i] = avg_pool_forward_at(g, x, i);
}

extern "C" __global__ void ENGRAM_BOUNDS engram_avg_pool2d_backward_f32(const float* dy, float* dx, POOL_PARAMS) {
    Pool g = POOL_GEOMETRY;
    long long total = (long long) planes * h * w;
    for (long long i = grid_index(); i < total; i += grid_stride()) dx[i] = avg_pool_backward_at(g, dy, i);
}

extern "C" __global__ void ENGRAM_BOUNDS engram_upsample_nearest_forward_f32(const float* x, float* y,
                                                                             RESIZE_PARAMS) {
    Resize g = {in_h, in_w, out_h, out_w};
    long long total = (long long) planes * out_h * out_w;
    for (long long i = grid_index(); i < total; i += grid_stride()) y[i] = upsample_nearest_forward_at(g, x, i);
}

extern "C" __global__ void ENGRAM_BOUNDS engram_upsample_nearest_backward_f32(const float* dy, float* dx,
                                                                              RESIZE_PARAMS) {
    Resize g = {in_h, in_w, out_h, out_w};
    long long total = (long long) planes * in_h * in_w;
    for (long long i = grid_index(); i < total; i += grid_stride()) dx[i] = upsample_nearest_backward_at(g, dy, i);
}

extern "C" __global__ void ENGRAM_BOUNDS engram_upsample_bilinear_forward_f32(const float* x, float* y,
                                                                              RESIZE_PARAMS) {
    Resize g = {in_h, in_w, out_h, out_w};
    long long total = (long long) planes * out_h * out_w;
    for (long long i = grid_index(); i < total; i += grid_stride()) y[i] = upsample_bilinear_forward_at(g, x, i);
}

extern "C" __global__ void ENGRAM_BOUNDS engram_upsample_bilinear_backward_f32(const float* dy, float* dx,
                                                                               RESIZE_PARAMS) {
    Resize g = {in_h, in_w, out_h, out_w};
    long long total = (long long) planes * in_h * in_w;
    for (long long i = grid_index(); i < total; i += grid_stride()) dx[i] = upsample_bilinear_backward_at(g, dy, i);
}
