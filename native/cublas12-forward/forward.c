// engram's forwarding libcublas.so.12: lets JCublas2 12.6.0 (linked against libcublas.so.12 with
// versioned symbols) run on a host that has only cuBLAS 13. Each cuBLAS symbol JCublas2 imports
// is defined here under the version node libcublas.so.12 as a tail jump (stubs.S) through a
// table that this constructor fills from libcublas.so.13. A jump keeps every argument register
// and the stack as the caller left them, so no signature is needed. A symbol that cuBLAS 13 no
// longer has answers CUBLAS_STATUS_NOT_SUPPORTED (engram calls only status-returning functions).
// Build: native/cublas12-forward/build.sh. See native/README.md.
#include <dlfcn.h>
#include <stdio.h>

// The oldest versions of the dl functions, so that the library also loads on glibc before 2.34
// (where they live in libdl.so.2, which build.sh keeps as a dependency), as JCuda's own natives do.
__asm__(".symver dlopen, dlopen@GLIBC_2.2.5");
__asm__(".symver dlsym, dlsym@GLIBC_2.2.5");
__asm__(".symver dlerror, dlerror@GLIBC_2.2.5");

#define FWD(index, name) #name,
static const char *const names[] = {
#include "symbols.inc"
};
#undef FWD

#define COUNT (sizeof names / sizeof names[0])

// Read by the stubs through a PC-relative address, so it must not be preemptible.
__attribute__((visibility("hidden"))) void *engram_forward_table[COUNT];

static int not_supported(void) {
    return 15; // CUBLAS_STATUS_NOT_SUPPORTED
}

__attribute__((constructor)) static void resolve(void) {
    // Finds the libcublas.so.13 already loaded by engram (matched by soname), else searches as usual.
    void *cublas13 = dlopen("libcublas.so.13", RTLD_NOW | RTLD_GLOBAL);
    if (cublas13 == NULL) {
        fprintf(stderr, "engram: forwarding libcublas.so.12 cannot load libcublas.so.13: %s\n", dlerror());
    }
    for (size_t i = 0; i < COUNT; i++) {
        void *f = cublas13 == NULL ? NULL : dlsym(cublas13, names[i]);
        engram_forward_table[i] = f != NULL ? f : (void *) not_supported;
    }
}
