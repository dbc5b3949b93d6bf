// Pooling and upsampling per output element (forward) and per input cell (backward, a gather),
// with the definitions of dev.engram.backend.PoolGeometry and UpsampleMode. `i` indexes the
// output tensor (forward) or the input tensor (backward) over all planes (N * C). The kernels of
// pooling.cu run these in grid-stride loops; kernels/host/kernel_check.cu runs them on the host.
#pragma once

#include "hd.cuh"

struct Pool {
    int h, w, out_h, out_w, kernel_h, kernel_w, stride_h, stride_w, pad_h, pad_w;
};

// Index within its plane of the first maximum of window (oh, ow), row-major; a NaN wins. Only
// image cells are scanned: padded cells are -inf and every window holds an image cell.
ENGRAM_HD int window_argmax(const Pool& g, const float* plane, int oh, int ow) {
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
ENGRAM_HD void covering_outputs(int i, int kernel, int stride, int pad, int out, int* lo, int* hi) {
    // o covers i when o * stride - pad <= i < o * stride - pad + kernel.
    int first = i + pad - kernel + 1;
    *lo = first <= 0 ? 0 : (first + stride - 1) / stride;
    *hi = min(out - 1, (i + pad) / stride);
}

ENGRAM_HD float max_pool_forward_at(const Pool& g, const float* x, long long i) {
    long long plane_out = (long long) g.out_h * g.out_w;
    long long plane = i / plane_out;
    int r = (int) (i - plane * plane_out);
    const float* in = x + plane * g.h * g.w;
    return in[window_argmax(g, in, r / g.out_w, r % g.out_w)];
}

// dx at cell i: dy of every window whose first maximum it is, in output order.
ENGRAM_HD float max_pool_backward_at(const Pool& g, const float* x, const float* dy, long long i) {
    long long plane_in = (long long) g.h * g.w;
    long long plane = i / plane_in;
    int cell = (int) (i - plane * plane_in);
    int oh_lo, oh_hi, ow_lo, ow_hi;
    covering_outputs(cell / g.w, g.kernel_h, g.stride_h, g.pad_h, g.out_h, &oh_lo, &oh_hi);
    covering_outputs(cell % g.w, g.kernel_w, g.stride_w, g.pad_w, g.out_w, &ow_lo, &ow_hi);
    const float* in = x + plane * plane_in;
    const float* grad = dy + plane * g.out_h * g.out_w;
    float s = 0.0f;
    for (int oh = oh_lo; oh <= oh_hi; oh++) {
        for (int ow = ow_lo; ow <= ow_hi; ow++) {
            if (window_argmax(g, in, oh, ow) == cell) s += grad[oh * g.out_w + ow];
        }
    }
    return s;
}

// The mean of the window over kernel_h * kernel_w cells, padded cells counting as 0 (in double).
ENGRAM_HD float avg_pool_forward_at(const Pool& g, const float* x, long long i) {
    long long plane_out = (long long) g.out_h * g.out_w;
    long long plane = i / plane_out;
    int r = (int) (i - plane * plane_out);
    int top = r / g.out_w * g.stride_h - g.pad_h;
    int left = r % g.out_w * g.stride_w - g.pad_w;
    const float* in = x + plane * g.h * g.w;
    double s = 0;
    for (int ih = max(0, top); ih < min(g.h, top + g.kernel_h); ih++) {
        for (int iw = max(0, left); iw < min(g.w, left + g.kernel_w); iw++) s += in[ih * g.w + iw];
    }
    return (float) (s / (g.kernel_h * g.kernel_w));
}

// dx at cell i: each covering window's dy / (kernel_h * kernel_w), in output order.
ENGRAM_HD float avg_pool_backward_at(const Pool& g, const float* dy, long long i) {
    long long plane_in = (long long) g.h * g.w;
    long long plane = i / plane_in;
    int cell = (int) (i - plane * plane_in);
    int oh_lo, oh_hi, ow_lo, ow_hi;
    covering_outputs(cell / g.w, g.kernel_h, g.stride_h, g.pad_h, g.out_h, &oh_lo, &oh_hi);
    covering_outputs(cell % g.w, g.kernel_w, g.stride_w, g.pad_w, g.out_w, &ow_lo, &ow_hi);
    const float* grad = dy + plane * g.out_h * g.out_w;
    float per_cell = 1.0f / (g.kernel_h * g.kernel_w);
    float s = 0.0f;
    for (int oh = oh_lo; oh <= oh_hi; oh++) {
        for (int ow = ow_lo; ow <= ow_hi; ow++) s += grad[oh * g.out_w + ow] * per_cell;
    }
    return s;
}

// ---------------------------------------------------------------- upsampling

struct Resize {
    int in_h, in_w, out_h, out_w;
};

// Nearest source floor(dst * in / out), in exact integer arithmetic.
ENGRAM_HD int nearest_source(int dst, int in, int out) {
    return (int) ((long long) dst * in / out);
}

// The first output whose nearest source is >= i: ceil(i * out / in).
ENGRAM_HD int first_nearest_output(int i, int in, int out) {
    return (int) (((long long) i * out + in - 1) / in);
}

ENGRAM_HD float upsample_nearest_forward_at(const Resize& g, const float* x, long long i) {
    long long plane_out = (long long) g.out_h * g.out_w;
    long long plane = i / plane_out;
    int r = (int) (i - plane * plane_out);
    return x[plane * g.in_h * g.in_w + nearest_source(r / g.out_w, g.in_h, g.out_h) * g.in_w
             + nearest_source(r % g.out_w, g.in_w, g.out_w)];
}

// dx at cell (ih, iw): dy summed over the outputs whose nearest source it is, in output order.
ENGRAM_HD float upsample_nearest_backward_at(const Resize& g, const float* dy, long long i) {
    long long plane_in = (long long) g.in_h * g.in_w;
    long long plane = i / plane_in;
    int cell = (int) (i - plane * plane_in);
    int ih = cell / g.in_w, iw = cell % g.in_w;
    int oh_end = first_nearest_output(ih + 1, g.in_h, g.out_h);
    int ow_end = first_nearest_output(iw + 1, g.in_w, g.out_w);
    const float* grad = dy + plane * g.out_h * g.out_w;
    float s = 0.0f;
    for (int oh = first_nearest_output(ih, g.in_h, g.out_h); oh < oh_end; oh++) {
        for (int ow = first_nearest_output(iw, g.in_w, g.out_w); ow < ow_end; ow++) s += grad[oh * g.out_w + ow];
    }
    return s;
}

// Bilinear taps along one axis (align_corners=False): source (dst + 0.5) in / out - 0.5 clamped
// at 0, in double as the CPU backend; lo and hi = min(lo + 1, in - 1) with weights 1 - frac, frac.
struct Taps {
    int lo, hi;
    float frac;
};

ENGRAM_HD Taps bilinear_taps(int dst, int in, int out) {
    double src = fmax(0.0, (dst + 0.5) * in / out - 0.5);
    Taps t;
    t.lo = (int) src;
    t.hi = min(t.lo + 1, in - 1);
    t.frac = (float) (src - t.lo);
    return t;
}

// The weight with which output tap t reads input cell i (0 when it does not).
ENGRAM_HD float tap_weight(const Taps& t, int i) {
    return (t.lo == i ? 1.0f - t.frac : 0.0f) + (t.hi == i ? t.frac : 0.0f);
}

// The outputs along one axis whose taps can touch input cell i: tap lo is monotone in the output
// index and must lie in [i - 1, i]; the range is widened by one on each side against rounding,
// and every candidate is then checked exactly by tap_weight.
ENGRAM_HD void bilinear_candidates(int i, int in, int out, int* lo, int* hi) {
    double scale = (double) out / in;
    *lo = max(0, (int) floor((i - 0.5) * scale - 0.5) - 1);
    *hi = min(out - 1, (int) ceil((i + 1.5) * scale - 0.5) + 1);
}

ENGRAM_HD float upsample_bilinear_forward_at(const Resize& g, const float* x, long long i) {
    long long plane_out = (long long) g.out_h * g.out_w;
    long long plane = i / plane_out;
    int r = (int) (i - plane * plane_out);
    Taps th = bilinear_taps(r / g.out_w, g.in_h, g.out_h);
    Taps tw = bilinear_taps(r % g.out_w, g.in_w, g.out_w);
    const float* row0 = x + plane * g.in_h * g.in_w + th.lo * g.in_w;
    const float* row1 = x + plane * g.in_h * g.in_w + th.hi * g.in_w;
    float top = (1 - tw.frac) * row0[tw.lo] + tw.frac * row0[tw.hi];
    float bottom = (1 - tw.frac) * row1[tw.lo] + tw.frac * row1[tw.hi];
    return (1 - th.frac) * top + th.frac * bottom;
}

// dx at cell (ih, iw): the adjoint of the bilinear forward, each dy back by its weight. Summed in
// output order; the CPU backend scatters four products per output, so the two agree to float
// rounding, not bit for bit.
ENGRAM_HD float upsample_bilinear_backward_at(const Resize& g, const float* dy, long long i) {
    long long plane_in = (long long) g.in_h * g.in_w;
    long long plane = i / plane_in;
    int cell = (int) (i - plane * plane_in);
    int ih = cell / g.in_w, iw = cell % g.in_w;
    int oh_lo, oh_hi, ow_lo, ow_hi;
    bilinear_candidates(ih, g.in_h, g.out_h, &oh_lo, &oh_hi);
    bilinear_candidates(iw, g.in_w, g.out_w, &ow_lo, &ow_hi);
    const float* grad = dy + plane * g.out_h * g.out_w;
    float s = 0.0f;
    for (int oh = oh_lo; oh <= oh_hi; oh++) {
        float wh = tap_weight(bilinear_taps(oh, g.in_h, g.out_h), ih);
        if (wh == 0.0f) continue;
        for (int ow = ow_lo; ow <= ow_hi; ow++) {
            float ww = tap_weight(bilinear_taps(ow, g.in_w, g.out_w), iw);
            if (ww != 0.0f) s += wh * ww * grad[oh * g.out_w + ow];
        }
    }
    return s;
}
