package dev.engram.cli;

import picocli.CommandLine.Option;

/** How many images a PNG grid shows and how large. */
final class GridOptions {
    @Option(names = "--count", defaultValue = "32", paramLabel = "N",
            description = "Images to show (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--columns", defaultValue = "8", paramLabel = "N",
            description = "Images per row (default: ${DEFAULT-VALUE}).")
    int columns;

    @Option(names = "--scale", defaultValue = "3", paramLabel = "K",
            description = "Pixels per image pixel (default: ${DEFAULT-VALUE}).")
    int scale;

    /** The number of images to show out of {@code available}, after checking the options. */
    int count(int available) {
        if (count <= 0 || columns <= 0 || scale <= 0) {
            throw new IllegalArgumentException("--count " + count + ", --columns " + columns + " and --scale " + scale
                    + " must all be > 0");
        }
        return Math.min(count, available);
    }
}
