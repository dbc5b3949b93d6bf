package dev.engram.cli;

import dev.engram.model.Noise;

/** Parses {@code --noise KIND:AMOUNT}. */
final class NoiseOption {
    private NoiseOption() {
    }

    static Noise parse(String text) {
        int colon = text.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--noise " + text + ": write KIND:AMOUNT, e.g. gaussian:0.3, "
                    + "salt-and-pepper:0.1 or masking:0.25");
        }
        String kind = text.substring(0, colon);
        float amount;
        try {
            amount = Float.parseFloat(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--noise " + text + ": '" + text.substring(colon + 1) + "' is not a number");
        }
        switch (kind) {
            case "gaussian":
                return Noise.gaussian(amount);
            case "salt-and-pepper":
                return Noise.saltAndPepper(amount);
            case "masking":
                return Noise.masking(amount);
            default:
                throw new IllegalArgumentException("--noise " + text + ": unknown kind '" + kind
                        + "'; use gaussian, salt-and-pepper or masking");
        }
    }
}
