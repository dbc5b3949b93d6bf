// Elementwise kernels of the CUDA backend (Backend.fill/add/mul/axpby/affine/clamp).
#include "common.cuh"

extern "C" __global__ void ENGRAM_BOUNDS engram_fill_f32(float* p, float value, long long n) {
    for (long long i = grid_index(); i < n; i += grid_stride()) p[i] = value;
}
