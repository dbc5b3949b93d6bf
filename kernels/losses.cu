// Losses, the Gaussian KL term and the reparameterisation of the CUDA backend, with the
// definitions of dev.engram.backend.LossKind and the CPU backend's edge cases (BCE logs clamped at
// -100, BCE gradient (p - t) / max(p (1 - p), 1e-12), BCE-with-logits through exp(-|x|)).
//
// Forward is a two-pass reduction: engram_loss_K_partial_f32 writes one double per block, then
// engram_reduce_finish (elementwise.cu) writes out[0] = scale * their sum. For K in mse, l1, bce,
// bce_with_logits. Backward assigns dpred = scale * d loss / d pred.
//
// The KL sparsity penalty (sparse autoencoders) reads code [rows, units] a unit per thread, summing
// its column in row order, so the means are the CPU backend's bit for bit; its forward is a
// two-pass reduction over the units like the losses.
//
// The VAE ops see stats [N, 2L]: row r holds mu at r * 2L + j and logvar at r * 2L + L + j;
// `terms` = N * L elements of z.
#include "common.cuh"

#include "losses.cuh"

#define ENGRAM_LOSS(name, K)                                                                                    \
    extern "C" __global__ void ENGRAM_BOUNDS engram_loss_##name##_partial_f32(                                  \
            const float* pred, const float* target, long long n, double* partial) {                             \
        partial_sums(n, partial, [=] __device__(long long i) { return K::term(pred[i], target[i]); });          \
    }                                                                                                           \
    extern "C" __global__ void ENGRAM_BOUNDS engram_loss_##name##_backward_f32(                                 \
            const float* pred, const float* target, float scale, float* dpred, long long n) {                   \
        map2(pred, target, dpred, n, [=] __device__(float p, float t) { return K::grad(p, t, scale); });        \
    }

ENGRAM_LOSS(mse, Mse)
ENGRAM_LOSS(l1, L1)
ENGRAM_LOSS(bce, Bce)
ENGRAM_LOSS(bce_with_logits, BceWithLogits)

// Pass 1 of the KL term: sum of gaussian_kl_term over the latents, in double.
extern "C" __global__ void ENGRAM_BOUNDS engram_gaussian_kl_partial_f32(const float* stats, long long terms,
                                                                        int latent, double* partial) {
    partial_sums(terms, partial, [=] __device__(long long i) { return gaussian_kl_term(stats, i, latent); });
}

// dstats += scale * d KL / d stats: accumulates, as Backend.gaussianKlBackward says.
extern "C" __global__ void ENGRAM_BOUNDS engram_gaussian_kl_backward_f32(const float* stats, float scale,
                                                                         float* dstats, long long terms, int latent) {
    for (long long i = grid_index(); i < terms; i += grid_stride()) {
        gaussian_kl_backward_at(stats, scale, dstats, i, latent);
    }
}

extern "C" __global__ void ENGRAM_BOUNDS engram_reparameterize_forward_f32(const float* stats, const float* eps,
                                                                           float* z, long long terms, int latent) {
    for (long long i = grid_index(); i < terms; i += grid_stride()) z[i] = reparameterize_at(stats, eps, i, latent);
}

extern "C" __global__ void ENGRAM_BOUNDS engram_reparameterize_backward_f32(const float* stats, const float* eps,
                                                                            const float* dz, float* dstats,
                                                                            long long terms, int latent) {
    for (long long i = grid_index(); i < terms; i += grid_stride()) {
        reparameterize_backward_at(stats, eps, dz, dstats, i, latent);
    }
}

// Pass 1 of klSparsityForward: the sum over units of the penalty term, in double.
extern "C" __global__ void ENGRAM_BOUNDS engram_kl_sparsity_partial_f32(const float* code, long long rows,
                                                                        long long units, float rho, double* partial) {
    partial_sums(units, partial, [=] __device__(long long j) {
        return kl_sparsity_term(sparsity_unit_mean(code, rows, units, j), rho);
    });
}

// dcode += scale d penalty / d code: accumulates, as Backend.klSparsityBackward says. One thread
// per unit; its stores down the column are coalesced across the warp.
extern "C" __global__ void ENGRAM_BOUNDS engram_kl_sparsity_backward_f32(const float* code, float* dcode,
                                                                         long long rows, long long units, float rho,
                                                                         float scale) {
    for (long long j = grid_index(); j < units; j += grid_stride()) {
        float g = kl_sparsity_grad(sparsity_unit_mean(code, rows, units, j), rho, scale, rows);
        for (long long r = 0; r < rows; r++) dcode[r * units + j] += g;
    }
}
