package dev.engram.peers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** A deterministic autoencoder trained with MSE (mean over all elements, PyTorch's default). */
final class Autoencoder implements PeerModel {
    private final String name;
    private final Shape image;
    private final Params params;
    private final Layer encoder;
    private final Layer decoder;

    Autoencoder(String name, Shape image, Params params, Layer encoder, Layer decoder) {
        this.name = name;
        this.image = image;
        this.params = params;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Shape inputShape(int batch) {
        return new Shape(batch).addAll(image);
    }

    @Override
    public Params params() {
        return params;
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
