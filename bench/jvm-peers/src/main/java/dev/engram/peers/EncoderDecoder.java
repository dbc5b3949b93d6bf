package dev.engram.peers;

import ai.djl.ndarray.types.Shape;

/** What every reference model holds: its name, image shape, parameters, encoder and decoder. */
abstract class EncoderDecoder implements PeerModel {
    private final String name;
    private final Shape image;
    private final Params params;
    protected final Layer encoder;
    protected final Layer decoder;

    EncoderDecoder(String name, Shape image, Params params, Layer encoder, Layer decoder) {
        this.name = name;
        this.image = image;
        this.params = params;
        this.encoder = encoder;
        this.decoder = decoder;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Shape inputShape(int batch) {
        return new Shape(batch).addAll(image);
    }

    @Override
    public final Params params() {
        return params;
    }
}
