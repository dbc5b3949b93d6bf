// The bring-up probe's own kernel (engram probe-cuda): proves that the driver loads a PTX module
// written by this machine's nvcc and runs a kernel, independently of the engine's kernels/.
// Regenerate with native/probe/build.sh; ProbeKernelTest fails when the PTX is stale.
extern "C" __global__ void engram_probe_fill_f32(float* p, float value, long long n) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) {
        p[i] = value;
    }
}
