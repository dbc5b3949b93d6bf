// ENGRAM_HD marks the arithmetic that both the kernels and the host checks of kernels/host/ run,
// so that the per-element math is tested on the host against the CPU backend without a GPU.
#pragma once

#include <math.h>

#define ENGRAM_HD __host__ __device__ __forceinline__
