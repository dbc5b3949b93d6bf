package dev.engram.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Stops training once {@code patience} epochs in a row have not lowered the best validation loss
 * by more than {@code minDelta}, as Keras' EarlyStopping on val_loss.
 */
public record EarlyStopping(int patience, double minDelta) {
    public EarlyStopping {
        if (patience <= 0) {
            throw new IllegalArgumentException("TrainConfig: early stopping patience " + patience + "; it must be > 0");
        }
        if (!Double.isFinite(minDelta) || minDelta < 0) {
            throw new IllegalArgumentException("TrainConfig: early stopping min delta " + minDelta
                    + "; it must be a finite number >= 0");
        }
    }

    Map<String, Object> toJsonObject() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("patience", patience);
        out.put("min_delta", minDelta);
        return out;
    }

    static EarlyStopping fromJson(JsonFields parent, String field) {
        JsonFields f = parent.object(field, Set.of("patience", "min_delta"));
        return new EarlyStopping(f.int32("patience"), f.number("min_delta"));
    }
}
