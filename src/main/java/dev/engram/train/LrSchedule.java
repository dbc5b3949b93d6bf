package dev.engram.train;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * How the learning rate changes from epoch to epoch, as PyTorch's schedulers stepped once per
 * epoch: constant; {@link StepDecay} (StepLR); {@link Cosine} (CosineAnnealingLR with T_max the
 * number of epochs); {@link Plateau} (ReduceLROnPlateau on the validation loss, mode min,
 * threshold 1e-4 relative, no cooldown).
 */
public sealed interface LrSchedule {
    /** ReduceLROnPlateau's default: an epoch improves when its loss is below best * (1 - 1e-4). */
    double PLATEAU_THRESHOLD = 1e-4;

    /**
     * The learning rate of epoch {@code epoch} (from 0) of {@code epochs}, for the epoch-wise
     * schedules; {@code current} is the rate the plateau schedule has reached.
     */
    float learningRate(float base, int epoch, int epochs, float current);

    Map<String, Object> toJsonObject();

    record Constant() implements LrSchedule {
        @Override
        public float learningRate(float base, int epoch, int epochs, float current) {
            return base;
        }

        @Override
        public Map<String, Object> toJsonObject() {
            return Map.of("kind", "constant");
        }
    }

    /** lr = base * gamma^floor(epoch / every). */
    record StepDecay(int every, float gamma) implements LrSchedule {
        public StepDecay {
            if (every <= 0) {
                throw new IllegalArgumentException("TrainConfig: step schedule every " + every + " epochs; it must be > 0");
            }
            if (!(gamma > 0 && gamma <= 1)) {
                throw new IllegalArgumentException("TrainConfig: step schedule gamma " + gamma + "; it must be in (0, 1]");
            }
        }

        @Override
        public float learningRate(float base, int epoch, int epochs, float current) {
            return (float) (base * Math.pow(gamma, epoch / every));
        }

        @Override
        public Map<String, Object> toJsonObject() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("kind", "step");
            out.put("every", every);
            out.put("gamma", gamma);
            return out;
        }
    }

    /** lr = min + (base - min) (1 + cos(pi epoch / epochs)) / 2: from base at epoch 0 towards min. */
    record Cosine(float minLearningRate) implements LrSchedule {
        public Cosine {
            if (!Float.isFinite(minLearningRate) || minLearningRate < 0) {
                throw new IllegalArgumentException("TrainConfig: cosine schedule min lr " + minLearningRate
                        + "; it must be a finite number >= 0");
            }
        }

        @Override
        public float learningRate(float base, int epoch, int epochs, float current) {
            return (float) (minLearningRate + (base - minLearningRate) * (1 + Math.cos(Math.PI * epoch / epochs)) / 2);
        }

        @Override
        public Map<String, Object> toJsonObject() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("kind", "cosine");
            out.put("min_lr", minLearningRate);
            return out;
        }
    }

    /**
     * lr *= factor (not below min) once more than {@code patience} epochs in a row have not
     * improved the validation loss; then the count starts again.
     */
    record Plateau(float factor, int patience, float minLearningRate) implements LrSchedule {
        public Plateau {
            if (!(factor > 0 && factor < 1)) {
                throw new IllegalArgumentException("TrainConfig: plateau factor " + factor + "; it must be in (0, 1)");
            }
            if (patience < 0) {
                throw new IllegalArgumentException("TrainConfig: plateau patience " + patience + "; it must be >= 0");
            }
            if (!Float.isFinite(minLearningRate) || minLearningRate < 0) {
                throw new IllegalArgumentException("TrainConfig: plateau min lr " + minLearningRate
                        + "; it must be a finite number >= 0");
            }
        }

        @Override
        public float learningRate(float base, int epoch, int epochs, float current) {
            return current;
        }

        @Override
        public Map<String, Object> toJsonObject() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("kind", "plateau");
            out.put("factor", factor);
            out.put("patience", patience);
            out.put("min_lr", minLearningRate);
            return out;
        }
    }

    static LrSchedule fromJson(JsonFields parent, String field) {
        Object raw = parent.raw(field);
        String kind = JsonFields.of(raw, "TrainConfig.schedule", Set.of("kind", "every", "gamma", "min_lr", "factor", "patience"))
                .string("kind");
        String where = "TrainConfig." + field;
        return switch (kind) {
            case "constant" -> {
                JsonFields.of(raw, where, Set.of("kind"));
                yield new Constant();
            }
            case "step" -> {
                JsonFields f = JsonFields.of(raw, where, Set.of("kind", "every", "gamma"));
                yield new StepDecay(f.int32("every"), f.float32("gamma"));
            }
            case "cosine" -> new Cosine(JsonFields.of(raw, where, Set.of("kind", "min_lr")).float32("min_lr"));
            case "plateau" -> {
                JsonFields f = JsonFields.of(raw, where, Set.of("kind", "factor", "patience", "min_lr"));
                yield new Plateau(f.float32("factor"), f.int32("patience"), f.float32("min_lr"));
            }
            default -> throw new IllegalArgumentException(where + ": schedule \"" + kind
                    + "\" is not one of constant, step, cosine, plateau");
        };
    }
}
