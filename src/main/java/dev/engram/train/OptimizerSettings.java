package dev.engram.train;

import dev.engram.nn.ParameterStore;
import dev.engram.optim.Adam;
import dev.engram.optim.AdamW;
import dev.engram.optim.Optimizer;
import dev.engram.optim.SGD;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which optimizer a run uses and its settings. Adam and AdamW take betas (0.9, 0.999) and eps
 * 1e-8, PyTorch's defaults; SGD takes momentum (dampening 0) and Nesterov.
 */
public record OptimizerSettings(Kind kind, float learningRate, float weightDecay, float momentum, boolean nesterov) {
    public enum Kind {
        ADAM, ADAMW, SGD;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Kind parse(String id, String where) {
            for (Kind k : values()) {
                if (k.id().equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException(where + ": optimizer \"" + id + "\" is not one of adam, adamw, sgd");
        }
    }

    private static final Set<String> FIELDS = Set.of("kind", "lr", "weight_decay", "momentum", "nesterov");

    public OptimizerSettings {
        if (kind == null) {
            throw new IllegalArgumentException("TrainConfig: the optimizer kind is null");
        }
        requireFinite("learning rate", learningRate, false);
        requireFinite("weight decay", weightDecay, true);
        requireFinite("momentum", momentum, true);
        if (kind != Kind.SGD && (momentum != 0f || nesterov)) {
            throw new IllegalArgumentException("TrainConfig: momentum " + momentum + " and nesterov " + nesterov
                    + " apply to sgd only, not " + kind.id());
        }
        if (nesterov && momentum == 0f) {
            throw new IllegalArgumentException("TrainConfig: nesterov needs momentum > 0");
        }
    }

    private static void requireFinite(String name, float value, boolean zeroAllowed) {
        if (!Float.isFinite(value) || value < 0 || (!zeroAllowed && value == 0)) {
            throw new IllegalArgumentException("TrainConfig: optimizer " + name + " is " + value + "; it must be a finite number "
                    + (zeroAllowed ? ">= 0" : "> 0"));
        }
    }

    /** Adam with PyTorch's defaults at learning rate {@code lr}. */
    public static OptimizerSettings adam(float lr) {
        return new OptimizerSettings(Kind.ADAM, lr, 0f, 0f, false);
    }

    /** A new optimizer over {@code params}, its state zeroed. */
    public Optimizer create(ParameterStore params) {
        return switch (kind) {
            case ADAM -> new Adam(params, learningRate, Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPS, weightDecay);
            case ADAMW -> new AdamW(params, learningRate, Adam.DEFAULT_BETA1, Adam.DEFAULT_BETA2, Adam.DEFAULT_EPS, weightDecay);
            case SGD -> new SGD(params, learningRate, momentum, 0f, weightDecay, nesterov);
        };
    }

    Map<String, Object> toJsonObject() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", kind.id());
        out.put("lr", learningRate);
        out.put("weight_decay", weightDecay);
        out.put("momentum", momentum);
        out.put("nesterov", nesterov);
        return out;
    }

    static OptimizerSettings fromJson(JsonFields parent, String field) {
        JsonFields f = parent.object(field, FIELDS);
        return new OptimizerSettings(Kind.parse(f.string("kind"), "TrainConfig"), f.float32("lr"), f.float32("weight_decay"),
                f.float32("momentum"), f.bool("nesterov"));
    }
}
