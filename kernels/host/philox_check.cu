// Host-side check of philox.cuh against the Java generator (run by PhiloxHostCheckTest; not a
// kernel family: build-kernels.sh compiles only kernels/*.cu). It emulates the random kernels'
// mapping, block b = counter offset + b holding elements 4b .. 4b + 3, with the same
// __host__ __device__ functions the kernels call, and prints the raw float bits in hex.
//
// stdin, one request per line:
//   block SEED COUNTER              -> the 4 raw 32-bit words of Philox block (SEED, COUNTER)
//   uniform SEED OFFSET N LO HI     -> N floats of randomUniform
//   normal SEED OFFSET N MEAN STD   -> N floats of randomNormal
//   dropout SEED OFFSET N P         -> N floats of dropout applied to all-ones
//   saltpepper SEED OFFSET N F      -> N floats of salt-and-pepper noise (fraction F) applied to all-0.5
// SEED, COUNTER, OFFSET are unsigned 64-bit decimals; LO, HI, MEAN, STD, P are float bit patterns in hex.
#include <cstdio>
#include <cstring>
#include <cstdint>
#include "../philox.cuh"

static float from_bits(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static uint32_t to_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static void print_lanes(float4 v, unsigned long long b, unsigned long long n) {
    const float lanes[4] = {v.x, v.y, v.z, v.w};
    for (unsigned long long j = 0; j < 4 && 4 * b + j < n; j++) printf(" %08x", to_bits(lanes[j]));
}

int main() {
    char op[16];
    unsigned long long seed, offset, n;
    while (scanf("%15s %llu %llu", op, &seed, &offset) == 3) {
        if (strcmp(op, "block") == 0) {
            PhiloxBlock b = philox_block(seed, offset);
            printf("%08x %08x %08x %08x", b.v[0], b.v[1], b.v[2], b.v[3]);
        } else if (strcmp(op, "uniform") == 0 || strcmp(op, "normal") == 0) {
            uint32_t a, c;
            if (scanf("%llu %x %x", &n, &a, &c) != 3) return 2;
            for (unsigned long long b = 0; b < (n + 3) / 4; b++) {
                float4 v = op[0] == 'u' ? philox_uniform_block(seed, offset + b, from_bits(a), from_bits(c))
                                        : philox_normal_block(seed, offset + b, from_bits(a), from_bits(c));
                print_lanes(v, b, n);
            }
        } else if (strcmp(op, "dropout") == 0) {
            uint32_t pb;
            if (scanf("%llu %x", &n, &pb) != 2) return 2;
            float p = from_bits(pb);
            float scale = 1.0f / (1.0f - p);
            for (unsigned long long b = 0; b < (n + 3) / 4; b++) {
                PhiloxBlock bits = philox_block(seed, offset + b);
                float4 v = make_float4(philox_dropout(bits.v[0], 1.0f, p, scale), philox_dropout(bits.v[1], 1.0f, p, scale),
                                       philox_dropout(bits.v[2], 1.0f, p, scale), philox_dropout(bits.v[3], 1.0f, p, scale));
                print_lanes(v, b, n);
            }
        } else if (strcmp(op, "saltpepper") == 0) {
            uint32_t fb;
            if (scanf("%llu %x", &n, &fb) != 2) return 2;
            float fraction = from_bits(fb);
            float low = fraction / 2.0f, high = 1.0f - fraction / 2.0f; // as engram_salt_and_pepper_f32
            for (unsigned long long b = 0; b < (n + 3) / 4; b++) {
                PhiloxBlock bits = philox_block(seed, offset + b);
                float4 v = make_float4(philox_salt_and_pepper(bits.v[0], 0.5f, low, high),
                                       philox_salt_and_pepper(bits.v[1], 0.5f, low, high),
                                       philox_salt_and_pepper(bits.v[2], 0.5f, low, high),
                                       philox_salt_and_pepper(bits.v[3], 0.5f, low, high));
                print_lanes(v, b, n);
            }
        } else {
            return 2;
        }
        printf("\n");
        fflush(stdout);
    }
    return 0;
}
