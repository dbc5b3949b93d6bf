package dev.engram.cli;

import dev.engram.backend.Backend;
import dev.engram.backend.Backends;
import dev.engram.model.AutoencoderModel;
import dev.engram.model.ModelSpec;
import dev.engram.model.VariationalAutoencoder;
import dev.engram.train.Checkpoint;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * A model rebuilt from a checkpoint on the chosen backend, in evaluation mode: what every command
 * after {@code train} works with.
 */
final class TrainedModel implements AutoCloseable {
    private final Backend backend;
    private final AutoencoderModel model;
    private final ModelSpec spec;
    private final Checkpoint checkpoint;

    private TrainedModel(Backend backend, AutoencoderModel model, ModelSpec spec, Checkpoint checkpoint) {
        this.backend = backend;
        this.model = model;
        this.spec = spec;
        this.checkpoint = checkpoint;
    }

    static TrainedModel open(Path file, String device, boolean allowTf32, PrintStream notes) throws IOException {
        Checkpoint checkpoint = Checkpoint.read(file);
        ModelSpec spec = checkpoint.spec();
        Backend backend = Backends.open(device, allowTf32, notes);
        try {
            AutoencoderModel model = checkpoint.loadModel(backend);
            model.train(false);
            model.requireInputGradient(false);
            return new TrainedModel(backend, model, spec, checkpoint);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    AutoencoderModel model() {
        return model;
    }

    ModelSpec spec() {
        return spec;
    }

    Checkpoint checkpoint() {
        return checkpoint;
    }

    /** The model as a VAE, or a clear refusal naming the command that needs one. */
    VariationalAutoencoder vae(String command) {
        if (model instanceof VariationalAutoencoder vae) {
            return vae;
        }
        throw new IllegalArgumentException(command + " needs a variational autoencoder, but " + checkpoint.file()
                + " holds a model of kind '" + spec.kind() + "'");
    }

    @Override
    public void close() {
        model.close();
        backend.close();
    }
}
