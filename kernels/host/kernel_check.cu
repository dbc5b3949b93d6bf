// Host-side check of the per-element math the kernels run (activations.cuh, losses.cuh,
// pooling.cuh), for KernelMathHostCheckTest: the same functions, looped over every element on the
// host instead of a grid, so formulas, thresholds and the gather index math of the backward
// passes are compared with the CPU backend without a GPU (also optimizers.cuh and the VAE ops). Host libm stands in for CUDA's here,
// so transcendental results are checked to a tolerance, the rest bit for bit.
//
// stdin, one request per line, each followed by its input lines of float bit patterns in hex:
//   act KIND ALPHA N                   x; dy           -> y = f(x); dx = dy f'(x)
//   loss KIND SCALE N                  pred; target    -> the sum of the terms (%.17g); dpred
//   pool max|avg PLANES H W OH OW KH KW SH SW PH PW  x; dy (PLANES*OH*OW) -> y; dx
//   resize nearest|bilinear PLANES IH IW OH OW       x; dy (PLANES*OH*OW) -> y; dx
//   step sgd N LR MOMENTUM DAMPENING WD NESTEROV FIRST   p; g; buf -> p; buf
//   step adam N BETA1 BETA2 EPS STEP_SIZE BC2_SQRT DECAY L2 DECOUPLED   p; g; m; v -> p; m; v
//   vae SCALE N L                      stats (N*2L); eps; dz (N*L) -> the KL sum (%.17g);
//                                      dstats of KL (from zeros); z; dstats of the reparameterisation
//   sparsity RHO SCALE ROWS UNITS      code; dcode (ROWS*UNITS each) -> the penalty sum (%.17g); dcode + gradient
// KIND is the lower-case Java enum name; float arguments are bit patterns in hex, the flags 0 or 1.
#include <cstdio>
#include <cstring>
#include <cstdint>
#include <string>
#include <vector>
#include "../activations.cuh"
#include "../losses.cuh"
#include "../optimizers.cuh"
#include "../pooling.cuh"

typedef std::vector<float> Floats;

static float from_bits(uint32_t u) {
    float f;
    memcpy(&f, &u, 4);
    return f;
}

static Floats read_floats(long long n) {
    Floats v(n);
    for (long long i = 0; i < n; i++) {
        uint32_t u;
        if (scanf("%x", &u) != 1) throw "input";
        v[i] = from_bits(u);
    }
    return v;
}

static void print_floats(const Floats& v) {
    for (float f : v) {
        uint32_t u;
        memcpy(&u, &f, 4);
        printf("%08x ", u);
    }
    printf("\n");
}

template <typename K>
static void activation(float alpha, long long n) {
    Floats x = read_floats(n), dy = read_floats(n), y(n), dx(n);
    for (long long i = 0; i < n; i++) y[i] = K::fwd(x[i], alpha);
    for (long long i = 0; i < n; i++) dx[i] = K::bwd(x[i], y[i], dy[i], alpha);
    print_floats(y);
    print_floats(dx);
}

template <typename K>
static void loss(float scale, long long n) {
    Floats p = read_floats(n), t = read_floats(n), d(n);
    double sum = 0;
    for (long long i = 0; i < n; i++) sum += K::term(p[i], t[i]);
    for (long long i = 0; i < n; i++) d[i] = K::grad(p[i], t[i], scale);
    printf("%.17g\n", sum);
    print_floats(d);
}

template <typename Forward, typename Backward>
static void forward_backward(long long in_size, long long out_size, Forward fwd, Backward bwd) {
    Floats x = read_floats(in_size), dy = read_floats(out_size), y(out_size), dx(in_size);
    for (long long i = 0; i < out_size; i++) y[i] = fwd(x.data(), i);
    for (long long i = 0; i < in_size; i++) dx[i] = bwd(x.data(), dy.data(), i);
    print_floats(y);
    print_floats(dx);
}

static float read_float() {
    uint32_t u;
    if (scanf("%x", &u) != 1) throw "input";
    return from_bits(u);
}

static void step(const char* kind) {
    long long n;
    if (scanf("%lld", &n) != 1) throw "input";
    if (strcmp(kind, "sgd") == 0) {
        float lr = read_float(), momentum = read_float(), dampening = read_float(), wd = read_float();
        int nesterov, first;
        if (scanf("%d %d", &nesterov, &first) != 2) throw "input";
        Floats p = read_floats(n), g = read_floats(n), buf = read_floats(n);
        float keep = (float) (1.0 - (double) dampening);
        for (long long i = 0; i < n; i++) {
            sgd_update(p.data(), g.data(), buf.data(), i, lr, momentum, keep, wd, nesterov, first);
        }
        print_floats(p);
        print_floats(buf);
    } else if (strcmp(kind, "adam") == 0) {
        float b1 = read_float(), b2 = read_float(), eps = read_float(), step_size = read_float();
        float bc2 = read_float(), decay = read_float(), l2 = read_float();
        int decoupled;
        if (scanf("%d", &decoupled) != 1) throw "input";
        Floats p = read_floats(n), g = read_floats(n), m = read_floats(n), v = read_floats(n);
        float omb1 = (float) (1.0 - (double) b1), omb2 = (float) (1.0 - (double) b2);
        for (long long i = 0; i < n; i++) {
            adam_update(p.data(), g.data(), m.data(), v.data(), i, b1, b2, omb1, omb2, eps, step_size, bc2, decay, l2,
                        decoupled);
        }
        print_floats(p);
        print_floats(m);
        print_floats(v);
    } else {
        throw "kind";
    }
}

static void vae(float scale) {
    long long n;
    int latent;
    if (scanf("%lld %d", &n, &latent) != 2) throw "input";
    long long terms = n * latent;
    Floats stats = read_floats(2 * terms), eps = read_floats(terms), dz = read_floats(terms);
    Floats dkl(2 * terms, 0.0f), z(terms), dre(2 * terms);
    double sum = 0;
    for (long long i = 0; i < terms; i++) sum += gaussian_kl_term(stats.data(), i, latent);
    for (long long i = 0; i < terms; i++) gaussian_kl_backward_at(stats.data(), scale, dkl.data(), i, latent);
    for (long long i = 0; i < terms; i++) z[i] = reparameterize_at(stats.data(), eps.data(), i, latent);
    for (long long i = 0; i < terms; i++) {
        reparameterize_backward_at(stats.data(), eps.data(), dz.data(), dre.data(), i, latent);
    }
    printf("%.17g\n", sum);
    print_floats(dkl);
    print_floats(z);
    print_floats(dre);
}

static void sparsity(float rho) {
    float scale = read_float();
    long long rows, units;
    if (scanf("%lld %lld", &rows, &units) != 2) throw "input";
    Floats code = read_floats(rows * units), dcode = read_floats(rows * units);
    double sum = 0;
    for (long long j = 0; j < units; j++) sum += kl_sparsity_term(sparsity_unit_mean(code.data(), rows, units, j), rho);
    for (long long j = 0; j < units; j++) { // as engram_kl_sparsity_backward_f32, a unit per thread
        float g = kl_sparsity_grad(sparsity_unit_mean(code.data(), rows, units, j), rho, scale, rows);
        for (long long r = 0; r < rows; r++) dcode[r * units + j] += g;
    }
    printf("%.17g\n", sum);
    print_floats(dcode);
}

static bool request() {
    char op[16], kind[32];
    if (scanf("%15s %31s", op, kind) != 2) return false;
    if (strcmp(op, "act") == 0 || strcmp(op, "loss") == 0) {
        uint32_t a;
        long long n;
        if (scanf("%x %lld", &a, &n) != 2) throw "input";
        float p = from_bits(a);
        std::string k = kind;
        if (op[0] == 'a') {
            if (k == "relu") activation<Relu>(p, n);
            else if (k == "leaky_relu") activation<LeakyRelu>(p, n);
            else if (k == "sigmoid") activation<Sigmoid>(p, n);
            else if (k == "tanh") activation<Tanh>(p, n);
            else if (k == "elu") activation<Elu>(p, n);
            else if (k == "gelu") activation<Gelu>(p, n);
            else if (k == "softplus") activation<Softplus>(p, n);
            else throw "kind";
        } else {
            if (k == "mse") loss<Mse>(p, n);
            else if (k == "l1") loss<L1>(p, n);
            else if (k == "bce") loss<Bce>(p, n);
            else if (k == "bce_with_logits") loss<BceWithLogits>(p, n);
            else throw "kind";
        }
    } else if (strcmp(op, "step") == 0) {
        step(kind);
    } else if (strcmp(op, "sparsity") == 0) {
        uint32_t r;
        if (sscanf(kind, "%x", &r) != 1) throw "input";
        sparsity(from_bits(r));
    } else if (strcmp(op, "vae") == 0) {
        uint32_t s;
        if (sscanf(kind, "%x", &s) != 1) throw "input";
        vae(from_bits(s));
    } else if (strcmp(op, "pool") == 0) {
        int planes;
        Pool g;
        if (scanf("%d %d %d %d %d %d %d %d %d %d %d", &planes, &g.h, &g.w, &g.out_h, &g.out_w, &g.kernel_h,
                  &g.kernel_w, &g.stride_h, &g.stride_w, &g.pad_h, &g.pad_w) != 11) throw "input";
        long long in_size = (long long) planes * g.h * g.w, out_size = (long long) planes * g.out_h * g.out_w;
        if (strcmp(kind, "max") == 0) {
            forward_backward(in_size, out_size, [&](const float* x, long long i) { return max_pool_forward_at(g, x, i); },
                             [&](const float* x, const float* dy, long long i) { return max_pool_backward_at(g, x, dy, i); });
        } else {
            forward_backward(in_size, out_size, [&](const float* x, long long i) { return avg_pool_forward_at(g, x, i); },
                             [&](const float*, const float* dy, long long i) { return avg_pool_backward_at(g, dy, i); });
        }
    } else if (strcmp(op, "resize") == 0) {
        int planes;
        Resize g;
        if (scanf("%d %d %d %d %d", &planes, &g.in_h, &g.in_w, &g.out_h, &g.out_w) != 5) throw "input";
        long long in_size = (long long) planes * g.in_h * g.in_w, out_size = (long long) planes * g.out_h * g.out_w;
        if (strcmp(kind, "nearest") == 0) {
            forward_backward(in_size, out_size,
                             [&](const float* x, long long i) { return upsample_nearest_forward_at(g, x, i); },
                             [&](const float*, const float* dy, long long i) { return upsample_nearest_backward_at(g, dy, i); });
        } else {
            forward_backward(in_size, out_size,
                             [&](const float* x, long long i) { return upsample_bilinear_forward_at(g, x, i); },
                             [&](const float*, const float* dy, long long i) { return upsample_bilinear_backward_at(g, dy, i); });
        }
    } else {
        throw "op";
    }
    fflush(stdout);
    return true;
}

int main() {
    try {
        while (request()) {
        }
    } catch (const char* what) {
        fprintf(stderr, "kernel_check: bad %s\n", what);
        return 2;
    }
    return 0;
}
