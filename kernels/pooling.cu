// Max/average pooling and nearest/bilinear upsampling of the CUDA backend, with the definitions
// of dev.engram.backend.PoolGeometry and UpsampleMode and the CPU backend's results.
//
// Backward passes gather instead of scattering: one thread per input cell sums, in the CPU
// backend's order (output row, then column), what every output that read the cell sends back.
// No atomics, so results are reproducible, and for pooling and nearest upsampling they equal the
// CPU backend's bit for bit. dx is assigned.
//
// Pooling geometry parameters, in this order: planes (N * C), h, w, out_h, out_w, kernel_h,
// kernel_w, stride_h, stride_w, pad_h, pad_w.
#include "common.cuh"

struct Pool {
    int h, w, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
};

#define POOL_PARAMS                                                                                             \
    int planes, int h, int w, int out_h, int out_w, int kernel_h, int kernel_w, int stride_h, int stride_w,     \
            int pad_h, int pad_w
#define POOL_ARGS {h, w, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w}

// Index within its plane of the first maximum of window (oh, ow), row-major; a NaN wins. Only
// image cells are scanned: padded cells are -inf and every window holds an image cell.
__device__ __forceinline__ int window_argmax(const Pool& g, const float* plane, int oh, int ow) {
    int top = oh * g.stride_h - g.pad_h;
    int left = ow * g.stride_w - g.pad_w;
    int h_lo = max(0, top), h_hi = min(g.h, top + g.kernel_h);
    int w_lo = max(0, left), w_hi = min(g.w, left + g.kernel_w);
    int best = h_lo * g.w + w_lo;
    float best_value = plane[best];
    for (int ih = h_lo; ih < h_hi; ih++) {
        for (int iw = w_lo; iw < w_hi; iw++) {
            float v = plane[ih * g.w + iw];
            if (v > best_value || (v != v && best_value == best_value)) {
                best = ih * g.w + iw;
                best_value = v;
            }
        }
    }
    return best;
}

// The outputs whose windows cover input cell i along one axis: [*lo, *hi] (empty when lo > hi).
__device__ __forceinline__ void covering_outputs(int i, int kernel, int stride, int pad, int out, int* lo,
                                                 int* hi) {
    // o covers i when o * stride - pad <= i < o * stride - pad + kernel.
    int first = i + pad - kernel + 1;
    *lo = first <= 0 ? 0 : (first + stride - 1) / stride;
    *hi = min(out - 1, (i + pad) / stride);
}

extern "C" __global__ void ENGRAM_BOUNDS engram_max_pool2d_forward_f32(const float* x, float* y, POOL_PARAMS) {
    Pool g = POOL_ARGS;
    long long plane_out = (long long) out_h * out_w;
    long long total = plane_out * planes;
    for (long long i = grid_index(); i < total; i += grid_stride()) {
        long long plane = i / plane_out;
        int r = (int) (i - plane * plane_out);
        const float* in = x + plane * h * w;
        y[i] = in[window_argmax(g, in, r / out_w, r % out_w)];
    }
}

// dx = dy routed to the first maximum of each window (found again from x); overlapping windows add up.
extern "C" __global__ void ENGRAM_BOUNDS engram_max_pool2d_backward_f32(const float* x, const float* dy, float* dx,
                                                                        POOL_PARAMS) {
    Pool g = POOL_ARGS;
    long long plane_in = (long long) h * w;
    long long total = plane_in * planes;
    for (long long i = grid_index(); i < total; i += grid_stride()) {
        long long plane = i / plane_in;
        int cell = (int) (i - plane * plane_in);
        int oh_lo, oh_hi, ow_lo, ow_hi;
        covering_outputs(cell / w, kernel_h, stride_h, pad_h, out_h, &oh_lo, &oh_hi);
        covering_outputs(cell % w, kernel_w, stride_w, pad_w, out_w, &ow_lo, &ow_hi);
        const float* in = x + plane * plane_in;
        const float* grad = dy + plane * out_h * out_w;
        float s = 0.0f;
        for (int oh = oh_lo; oh <= oh_hi; oh++) {
            for (int ow = ow_lo; ow <= ow_hi; ow++) {
                if (window_argmax(g, in, oh, ow) == cell) s += grad[oh * out_w + ow];
            }
        }
        dx[i] = s;
    }
}

// y = the mean of each window over kernel_h * kernel_w cells, padded cells counting as 0 (in double).
extern "C" __global__ void ENGRAM_BOUNDS engram_avg_pool2d_forward_f32(const float* x, float* y, POOL_PARAMS) {
    long long plane_out = (long long) out_h * out_w;
    long long total = plane_out * planes;
    double cells = kernel_h * kernel_w;
    for (long long i = grid_index(); i < total; i += grid_stride()) {
        long long plane = i / plane_out;
        int r = (int) (i - plane * plane_out);
        int top = r / out_w * stride_h - pad_h;
        int left = r % out_w * stride_w - pad_w;
        const float* in = x + plane * h * w;
        double s = 0;
        for (int ih = max(0, top); ih < min(h, top + kernel_h); ih++) {
            for (int iw = max(0, left); iw < min(w, left + kernel_w); iw++) s += in[ih * w + iw];
        }
        y[i] = (float) (s / cells);
    }
}

// dx = each dy spread evenly over the kernel_h * kernel_w cells of its window (padded cells dropped).
extern "C" __global__ void ENGRAM_BOUNDS engram_avg_pool2d_backward_f32(const float* dy, float* dx, POOL_PARAMS) {
    long long plane_in = (long long) h * w;
    long long total = plane_in * planes;
    float per_cell = 1.0f / (kernel_h * kernel_w);
    for (long long i = grid_index(); i < total; i += grid_stride()) {
        long long plane = i / plane_in;
        int cell = (int) (i - plane * plane_in);
        int oh_lo, oh_hi, ow_lo, ow_hi;
        covering_outputs(cell / w, kernel_h, stride_h, pad_h, out_h, &oh_lo, &oh_hi);
        covering_outputs(cell % w, kernel_w, stride_w, pad_w, out_w, &ow_lo, &ow_hi);
        const float* grad = dy + plane * out_h * out_w;
        float s = 0.0f;
        for (int oh = oh_lo; oh <= oh_hi; oh++) {
            for (int ow = ow_lo; ow <= ow_hi; ow++) s += grad[oh * out_w + ow] * per_cell;
        }
        dx[i] = s;
    }
}

// ---------------------------------------------------------------- upsampling
// Parameters after the tensors: planes (N * C), in_h, in_w, out_h, out_w.

// Nearest source floor(dst * in / out), in exact integer arithmetic.
__device__ __forceinline__ int nearest_source(int dst, int in, int out) {
    return (int) ((long long) dst * in / out);
}

// Bilinear taps along one axis (align_corners=False): source (dst + 0.5) in / out - 0.5 clamped
// at 0, in double as the CPU backend; lo and hi = min(lo + 1, in - 1) with weights 1 - frac, frac.
struct Taps {
    int lo, hi;
    float frac;
};

__device__ __forceinline__ Taps bilinear_taps(int dst, int in, int out) {
    double src = fmax(0.0, (dst + 0.5) * in / out - 0.5);
    Taps t;
    t.lo = (int) src;
    t.hi = min(t.lo + 1, in - 1);
    t.frac = (float) (src - t.lo);
    return t;
}

// The weight with which output tap t reads input cell i (0 when it does not).
__device__ __forceinline__ float tap_weight(const Taps& t, int i) {
    return (t.lo == i ? 1.0f - t.frac : 0.0f) + (t.hi == i ? t.frac : 0.0f);
}

extern "C" __global__ void ENGRAM_BOUNDS engram_upsample_nearest_forward_f32(const float* x, float* y, int planes,
                                                                             int in_h, int in_w, int out_h,
                                                                             int out_w) {
    long long plane_out = (long long) out_h * out_w;
    long long total = plane_out * planes;
    for (long long i = grid_index(); i < total; i += grid_stride()) {
        long long plane = i / plane_out;
        int r = (int) (i - plane * plane_out);
        y[i] = x[plane * in_h * in_w + nearest_source(r / out_w, in_h, out_h) * in_w
                 + nearest_source(r % out_w, in_w, out_w)];
    }
}

// dx[ih, iw] = sum of dy over the outputs whose nearest source it is: rows oh with
// floor(oh in_h / out_h) = ih, that is ceil(ih out_h / in_h) <= oh < ceil((ih + 1) out_h / in_h).
extern "C" __global__ void ENGRAM_BOUNDS engram_upsample_nearest_backward_f32(const float* dy, float* dx,
                                                                              int planes, int in_h, int in_w,
                                                                              int out_h, int out_w) {
    long long plane_in = (long long) in_h * in_w;
    long long total = plane_in * planes;
    for (long long i = grid_index(); i < total; i += grid_stride()) {
        long long plane = i / plane_in;
        int cell = (int) (i - plane * plane_in);
        int ih = cell / in_w, iw = cell % in_w;
        int oh_lo = (int) (((long long) ih * out_h + in_h - 1) / in_h);
        int oh_end = (int) (((long long) (ih + 1) * out_h + in_h - 1) / in_h);
        int ow_lo = (int) (((long long) iw * out_w + in_w - 1) / in_w);
        int ow_end = (int) (((long long) (iw + 1) * out_w + in_w - 1) / in_w);
        const float* grad = dy + plane * out_h * out_w;
        float s = 0.0f;
        for (int oh = oh_lo; oh < oh_end; oh++) {
            for (int ow = ow_lo; ow < ow_end; ow++) s += grad[oh * out_w + ow];
        }
        dx[i] = s;
    }
}

extern "C" __global__ void ENGRAM_BOUNDS engram_upsample_bilinear_forward_f32(const float* x, float* y, int planes,
                                                                              int in_h, int in_w, int out_h,
                                                                              int out_w) {
    long long plane_out = (long long) out_h * out_w;
    long long total = plane_out * planes;
    for (long long i = grid_index(); i < total; i += grid_stride()) {
        long long plane = i / plane_out;
        int r = (int) (i - plane * plane_out);
        Taps th = bilinear_taps(r / out_w, in_h, out_h);
        Taps tw = bilinear_taps(r % out_w, in_w, out_w);
        const float* row0 = x + plane * in_h * in_w + th.lo * in_w;
        const float* row1 = x + plane * in_h * in_w + th.hi * in_w;
        float top = (1 - tw.frac) * row0[tw.lo] + tw.frac * row0[tw.hi];
        float bottom = (1 - tw.frac) * row1[tw.lo] + tw.frac * row1[tw.hi];
        y[i] = (1 - th.frac) * top + th.frac * bottom;
    }
}

// The outputs along one axis whose taps can touch input cell i: tap lo is monotone in the output
// index, and it must lie in [i - 1, i]; the range is widened by one on each side against
// rounding, and every candidate is then checked exactly by tap_weight.
__device__ __forceinline__ void bilinear_candidates(int i, int in, int out, int* lo, int* hi) {
    double scale = (double) out / in;
    *lo = max(0, (int) floor((i - 0.5) * scale - 0.5) - 1);
    *hi = min(out - 1, (int) ceil((i + 1.5) * scale - 0.5) + 1);
}

// dx = the adjoint of the bilinear forward: each dy added back to the cells it read, by weight.
// Summed per cell in output order; the CPU backend scatters four products per output, so the
// two agree to float rounding, not bit for bit.
extern "C" __global__ void ENGRAM_BOUNDS engram_upsample_bilinear_backward_f32(const float* dy, float* dx,
                                                                               int planes, int in_h, int in_w,
                                                                               int out_h, int out_w) {
    long long plane_in = (long long) in_h * in_w;
    long long total = plane_in * planes;
    for (long long i = grid_index(); i < total; i += grid_stride()) {
        long long plane = i / plane_in;
        int cell = (int) (i - plane * plane_in);
        int ih = cell / in_w, iw = cell % in_w;
        int oh_lo, oh_hi, ow_lo, ow_hi;
        bilinear_candidates(ih, in_h, out_h, &oh_lo, &oh_hi);
        bilinear_candidates(iw, in_w, out_w, &ow_lo, &ow_hi);
        const float* grad = dy + plane * out_h * out_w;
        float s = 0.0f;
        for (int oh = oh_lo; oh <= oh_hi; oh++) {
            float wh = tap_weight(bilinear_taps(oh, in_h, out_h), ih);
            if (wh == 0.0f) continue;
            for (int ow = ow_lo; ow <= ow_hi; ow++) {
                float ww = tap_weight(bilinear_taps(ow, in_w, out_w), iw);
                if (ww != 0.0f) s += wh * ww * grad[oh * out_w + ow];
            }
        }
        dx[i] = s;
    }
}
