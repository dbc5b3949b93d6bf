package dev.engram.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** The options of every command that uses a trained model. */
final class CheckpointOptions {
    @Option(names = {"-c", "--checkpoint"}, required = true, paramLabel = "FILE",
            description = "A checkpoint written by 'engram train' (last.safetensors or best.safetensors).")
    Path checkpoint;

    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE",
            description = "auto, cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Mixin
    Tf32Option tf32;

    @Option(names = "--batch", defaultValue = "256", paramLabel = "N",
            description = "Images per batch on the backend (default: ${DEFAULT-VALUE}).")
    int batch;

    TrainedModel open(PrintStream notes) throws IOException {
        if (batch <= 0) {
            throw new IllegalArgumentException("--batch " + batch + " must be > 0");
        }
        return TrainedModel.open(checkpoint, device, tf32.allowed, notes);
    }
}
