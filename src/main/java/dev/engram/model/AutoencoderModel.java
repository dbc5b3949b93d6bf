package dev.engram.model;

import dev.engram.nn.Module;
import dev.engram.tensor.Shape;
import dev.engram.tensor.Tensor;

import java.util.Optional;

/**
 * What every model of the zoo is: an encoder and a decoder (parameters "encoder.*" and
 * "decoder.*") and a training objective. The trainer only calls {@link #lossForward} and
 * {@link #lossBackward}; users call {@link #encode}, {@link #decode} and {@link #reconstruct}.
 */
public abstract class AutoencoderModel extends Module {
    private final Module encoder;
    private final Module decoder;

    protected AutoencoderModel(Module encoder, Module decoder) {
        this.encoder = addChild("encoder", encoder);
        this.decoder = addChild("decoder", decoder);
    }

    public final Module encoder() {
        return encoder;
    }

    public final Module decoder() {
        return decoder;
    }

    /** The code of x used for features and compression (a VAE's mean); owned by the model. */
    public abstract Tensor encode(Tensor x);

    /** Images in data space (probabilities, not logits) for a batch of codes; owned by the model. */
    public abstract Tensor decode(Tensor z);

    /** Shape of the code for an input shape. */
    public abstract Shape codeShape(Shape input);

    /** The noise {@link #lossForward} corrupts inputs with, for a model trained to denoise; empty otherwise. */
    public Optional<Noise> trainingNoise() {
        return Optional.empty();
    }

    /** decode(encode(x)): the deterministic reconstruction, in data space. */
    public Tensor reconstruct(Tensor x) {
        return decode(encode(x));
    }

    /**
     * The training objective of a batch: runs the forward pass (with noise, sampling, dropout as
     * training does) and returns the loss terms on the backend. {@code step} counts optimizer
     * steps from 0, for schedules such as KL warm-up.
     */
    public abstract LossTerms lossForward(Tensor input, Tensor target, long step);

    /** Accumulates every parameter gradient of the total loss of the last {@link #lossForward}. */
    public abstract void lossBackward();

    /** Refuses, before any work, a target whose shape is not the model's output shape for the input. */
    protected final void requireTarget(Tensor input, Tensor target) {
        if (input == null || target == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": " + (input == null ? "input" : "target")
                    + " is null");
        }
        Shape out = outputShape(input.shape());
        if (!target.shape().equals(out)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": target " + target.shape()
                    + " does not match the output shape " + out + " for input " + input.shape());
        }
    }

    @Override
    public Shape outputShape(Shape input) {
        return decoder.outputShape(codeShape(input));
    }

    /** The raw forward of the encoder and decoder (the decoder's output, logits for some models). */
    @Override
    public Tensor forward(Tensor x) {
        outputShape(x.shape());
        return decoder.forward(encoder.forward(x));
    }

    @Override
    public Tensor backward(Tensor dy) {
        return encoder.backward(decoder.backward(dy));
    }

    @Override
    public void requireInputGradient(boolean on) {
        super.requireInputGradient(on);
        encoder.requireInputGradient(on);
    }
}
