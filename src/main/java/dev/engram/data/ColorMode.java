package dev.engram.data;

/** The channels an image is converted to when read. */
public enum ColorMode {
    /** One channel: ITU-R BT.601 luma, 0.299 R + 0.587 G + 0.114 B, as PIL's convert("L"). */
    GREY(1),
    /** Three channels, red, green, blue; alpha is dropped. */
    RGB(3);

    private final int channels;

    ColorMode(int channels) {
        this.channels = channels;
    }

    public int channels() {
        return channels;
    }
}
