package dev.engram.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** A deterministic autoencoder trained with MSE (mean over all elements, PyTorch's default). */
final class Autoencoder extends EncoderDecoder {
    Autoencoder(String name, Shape image, Params params, Layer encoder, Layer decoder) {
        super(name, image, params, encoder, decoder);
    }

    @Override
    public Loss loss(NDArray x, boolean training) {
        return new Loss(reconstruct(x, training).sub(x).square().mean(), null, null);
    }

    /** decoder(encoder(x)), the shape of x. */
    NDArray reconstruct(NDArray x, boolean training) {
        return decoder.forward(encoder.forward(x, training), training);
    }
}
