package dev.engram.cli;

import dev.engram.data.ImageSet;
import dev.engram.data.Split;
import dev.engram.tensor.Shape;
import picocli.CommandLine.Option;

import java.io.IOException;

/** Which images a command reads: {@code --data} and {@code --split}. */
final class DataOptions {
    @Option(names = "--data", defaultValue = "embedded", paramLabel = "SOURCE", description = DataSource.HELP)
    String data;

    @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT",
            description = "train or test (default: ${DEFAULT-VALUE}).")
    String split;

    /** The images of the chosen split, as the model's input shape [C, H, W]. */
    ImageSet load(Shape imageShape) throws IOException {
        return DataSource.parse(data).load(split(), imageShape);
    }

    private Split split() {
        switch (split) {
            case "train":
                return Split.TRAIN;
            case "test":
                return Split.TEST;
            default:
                throw new IllegalArgumentException("--split " + split + ": use train or test");
        }
    }
}
