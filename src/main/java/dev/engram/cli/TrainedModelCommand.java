package dev.engram.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * A command that works with a trained model: opens the checkpoint on the chosen device, runs,
 * closes everything, and reports each file it wrote.
 */
abstract class TrainedModelCommand implements Callable<Integer> {
    @Mixin
    CheckpointOptions checkpoint;

    @ParentCommand
    Main main;

    @Override
    public final Integer call() throws Exception {
        try (TrainedModel m = checkpoint.open(main.err())) {
            run(m);
        }
        return 0;
    }

    abstract void run(TrainedModel m) throws Exception;

    /** {@code chosen} if the user gave one, else {@code name} beside the checkpoint. */
    final Path outputOr(Path chosen, String name) {
        return chosen != null ? chosen : checkpoint.checkpoint.resolveSibling(name);
    }

    final void wrote(Path file, String what) {
        main.out().println("wrote " + file + (what.isEmpty() ? "" : " (" + what + ")"));
    }
}
