package dev.engram.cli;

import picocli.CommandLine.Option;

/** --tf32 / --no-tf32: whether CUDA GEMMs and convolutions may use TF32 tensor cores. */
final class Tf32Option {
    @Option(names = "--tf32", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"Let CUDA GEMMs and convolutions use TF32 tensor cores, as PyTorch does by default;",
                    "--no-tf32 keeps them in full fp32 (torch.backends.cuda.matmul.allow_tf32 = False).",
                    "No effect on the CPU."})
    boolean allowed;
}
