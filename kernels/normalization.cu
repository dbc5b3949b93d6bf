// Layer normalisation of the CUDA backend (Backend.layerNormForward/Backward) over rows of d
// elements, in double as the CPU backend. Batch normalisation is cuDNN's.
// One block per row (rows grid-stride over the blocks); statistics are block reductions in a
// fixed order, so results are reproducible.
#include "common.cuh"

// Broadcasts thread 0's value of a block_sum to the whole block.
__device__ __forceinline__ double block_sum_all(double v) {
    __shared__ double total;
    v = block_sum(v);
    if (threadIdx.x == 0) total = v;
    __syncthreads();
    double t = total;
    __syncthreads(); // total may be rewritten by the next call
    return t;
}

// y = gamma (x - mean) / sqrt(var + eps) + beta with the biased variance (two passes in double);
// save_mean and save_inv_std get one float per row for backward.
extern "C" __global__ void ENGRAM_BOUNDS engram_layer_norm_forward_f32(const float* x, const float* gamma,
                                                                       const float* beta, float* y, float* save_mean,
                                                                       float* save_inv_std, long long rows, int d,
                                                                       float eps) {
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + r * d;
        float* yr = y + r * d;
        double s = 0;
        for (int j = threadIdx.x; j < d; j += blockDim.x) s += xr[j];
        double mean = block_sum_all(s) / d;
        double q = 0;
        for (int j = threadIdx.x; j < d; j += blockDim.x) {
            double dev = xr[j] - mean;
            q += dev * dev;
        }
        double inv_std = 1.0 / sqrt(block_sum_all(q) / d + eps);
        if (threadIdx.x == 0) {
            save_mean[r] = (float) mean;
            save_inv_std[r] = (float) inv_std;
        }
        for (int j = threadIdx.x; j < d; j += blockDim.x) {
            yr[j] = (float) ((xr[j] - mean) * inv_std * gamma[j] + beta[j]);
        }
    }
}

// dx (assigned) = inv_std (g - mean(g) - xhat mean(g xhat)) with g = dy gamma, per row. dx may be
// dy's or x's memory: every read of the row happens before the block's first write, or by the
// thread that then overwrites the element. Launch engram_layer_norm_backward_params_f32 first.
extern "C" __global__ void ENGRAM_BOUNDS engram_layer_norm_backward_data_f32(const float* x, const float* dy,
                                                                             const float* gamma,
                                                                             const float* save_mean,
                                                                             const float* save_inv_std, float* dx,
                                                                             long long rows, int d) {
    for (long long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* xr = x + r * d;
        const float* gr = dy + r * d;
        double mean = save_mean[r];
        double inv_std = save_inv_std[r];
        double sum_g = 0, sum_g_xhat = 0;
        for (int j = threadIdx.x; j < d; j += blockDim.x) {
            double g = gr[j] * (double) gamma[j];
            sum_g += g;
            sum_g_xhat += g * (xr[j] - mean) * inv_std;
        }
        double mean_g = block_sum_all(sum_g) / d;
        double mean_g_xhat = block_sum_all(sum_g_xhat) / d;
        for (int j = threadIdx.x; j < d; j += blockDim.x) {
            double g = gr[j] * (double) gamma[j];
            double xhat = (xr[j] - mean) * inv_std;
            dx[r * d + j] = (float) (inv_std * (g - mean_g - xhat * mean_g_xhat));
        }
    }
}

// dgamma[j] += sum over rows of dy xhat, dbeta[j] += sum over rows of dy: one thread per column,
// rows in order, loads coalesced across the warp.
extern "C" __global__ void ENGRAM_BOUNDS engram_layer_norm_backward_params_f32(const float* x, const float* dy,
                                                                               const float* save_mean,
                                                                               const float* save_inv_std,
                                                                               float* dgamma, float* dbeta,
                                                                               long long rows, int d) {
    for (long long j = grid_index(); j < d; j += grid_stride()) {
        double sum_dy = 0, sum_dy_xhat = 0;
        for (long long r = 0; r < rows; r++) {
            double g = dy[r * d + j];
            sum_dy += g;
            sum_dy_xhat += g * (x[r * d + j] - (double) save_mean[r]) * (double) save_inv_std[r];
        }
        dgamma[j] += (float) sum_dy_xhat;
        dbeta[j] += (float) sum_dy;
    }
}
