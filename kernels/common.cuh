// Shared helpers of the engram kernels: 64-bit grid-stride indexing and launch bounds.
#pragma once

#define ENGRAM_THREADS 256
#define ENGRAM_BOUNDS __launch_bounds__(ENGRAM_THREADS)

__device__ __forceinline__ long long grid_index() {
    return (long long) blockIdx.x * blockDim.x + threadIdx.x;
}

__device__ __forceinline__ long long grid_stride() {
    return (long long) gridDim.x * blockDim.x;
}
