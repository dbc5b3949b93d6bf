// Philox4x32-10 with engram's mapping, bit for bit the same as dev.engram.backend.Philox:
// key = (low, high) words of the seed; counter = (low, high) words of offset + i / 4, then 0, 0;
// element i takes lane i % 4. Uniforms are (bits >> 8) * 2^-24 in [0, 1).
// __host__ __device__ so that a host test program checks it against the Java generator.
#pragma once

#include <stdint.h>
#include <vector_functions.h>

#include "hd.cuh"

struct PhiloxBlock {
    uint32_t v[4];
};

ENGRAM_HD uint32_t philox_mulhi(uint32_t a, uint32_t b) {
#ifdef __CUDA_ARCH__
    return __umulhi(a, b);
#else
    return (uint32_t) (((uint64_t) a * b) >> 32);
#endif
}

ENGRAM_HD PhiloxBlock philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3, uint32_t k0, uint32_t k1) {
    const uint32_t M0 = 0xD2511F53u, M1 = 0xCD9E8D57u, W0 = 0x9E3779B9u, W1 = 0xBB67AE85u;
    for (int round = 0; round < 10; round++) {
        if (round > 0) {
            k0 += W0;
            k1 += W1;
        }
        uint32_t hi0 = philox_mulhi(M0, c0), lo0 = M0 * c0;
        uint32_t hi1 = philox_mulhi(M1, c2), lo1 = M1 * c2;
        uint32_t n0 = hi1 ^ c1 ^ k0;
        uint32_t n2 = hi0 ^ c3 ^ k1;
        c0 = n0;
        c1 = lo1;
        c2 = n2;
        c3 = lo0;
    }
    PhiloxBlock b = {{c0, c1, c2, c3}};
    return b;
}

// The block at 64-bit counter `counter` for `seed` (Philox.block(long, long, int[])).
ENGRAM_HD PhiloxBlock philox_block(unsigned long long seed, unsigned long long counter) {
    return philox4x32_10((uint32_t) counter, (uint32_t) (counter >> 32), 0u, 0u, (uint32_t) seed,
                         (uint32_t) (seed >> 32));
}

// A uniform in [0, 1): exact (24 bits times a power of two), so identical on every platform.
ENGRAM_HD float philox_uniform(uint32_t bits) {
    return (float) (bits >> 8) * 0x1p-24f;
}

// A uniform in (0, 1], safe under log.
ENGRAM_HD float philox_uniform_open_zero(uint32_t bits) {
    return (float) ((bits >> 8) + 1u) * 0x1p-24f;
}

// Box-Muller on one lane pair, in double like Philox.boxMuller: n0 = r cos(theta), n1 = r sin(theta).
// Bits match the Java generator except where libm's log/cos/sin round differently from
// java.lang.Math's (at most 1 ulp in double), which can move the float result by 1 ulp.
ENGRAM_HD void philox_box_muller(uint32_t a, uint32_t b, float* n0, float* n1) {
    double r = sqrt(-2.0 * log((double) philox_uniform_open_zero(a)));
    double theta = 2.0 * 3.141592653589793 * (double) philox_uniform(b);
    *n0 = (float) (r * cos(theta));
    *n1 = (float) (r * sin(theta));
}

// The 4 elements of block `counter` of a uniform fill: lo + u * (hi - lo) (CpuRandom.uniform).
ENGRAM_HD float4 philox_uniform_block(unsigned long long seed, unsigned long long counter, float lo, float hi) {
    float range = hi - lo;
    PhiloxBlock b = philox_block(seed, counter);
    return make_float4(lo + philox_uniform(b.v[0]) * range, lo + philox_uniform(b.v[1]) * range,
                       lo + philox_uniform(b.v[2]) * range, lo + philox_uniform(b.v[3]) * range);
}

// The 4 elements of block `counter` of a normal fill: mean + std * n (CpuRandom.normal).
ENGRAM_HD float4 philox_normal_block(unsigned long long seed, unsigned long long counter, float mean, float std) {
    PhiloxBlock b = philox_block(seed, counter);
    float z0, z1, z2, z3;
    philox_box_muller(b.v[0], b.v[1], &z0, &z1);
    philox_box_muller(b.v[2], b.v[3], &z2, &z3);
    return make_float4(mean + std * z0, mean + std * z1, mean + std * z2, mean + std * z3);
}

// One element of inverted dropout: kept (times scale = 1 / (1 - p)) where its uniform is >= p.
ENGRAM_HD float philox_dropout(uint32_t bits, float src, float p, float scale) {
    return philox_uniform(bits) >= p ? src * scale : 0.0f;
}

// One element of salt-and-pepper noise (CpuRandom.saltAndPepper): 0 where its uniform u is below
// low = fraction / 2, 1 where u >= high = 1 - fraction / 2, else src.
ENGRAM_HD float philox_salt_and_pepper(uint32_t bits, float src, float low, float high) {
    float u = philox_uniform(bits);
    return u < low ? 0.0f : u >= high ? 1.0f : src;
}
