package dev.engram.model;

import dev.engram.io.Json;
import dev.engram.nn.BCELoss;
import dev.engram.nn.BCEWithLogitsLoss;
import dev.engram.nn.L1Loss;
import dev.engram.nn.Loss;
import dev.engram.nn.MSELoss;
import dev.engram.nn.Module;
import dev.engram.nn.Sequential;
import dev.engram.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model described as JSON: what {@link Presets} are made of, what a checkpoint stores and what a
 * user writes to define a model without Java. The full reference, with every layer field and its
 * default, is the resource {@code dev/engram/model/SPEC.md}; in short:
 * <pre>
 * {
 *   "kind": "autoencoder" | "denoising" | "sparse" | "vae",
 *   "input": [C, H, W],
 *   "encoder": [layer, ...],            layers as {"type": "conv2d", "out": 32, "kernel": 3, "stride": 2, "padding": 1}
 *   "decoder": [layer, ...],
 *   "loss": "mse" | "l1" | "bce" | "bce_with_logits",  autoencoder, denoising, sparse (default "mse",
 *                                      mean over elements; bce needs a decoder ending in sigmoid)
 *   "noise": {"type": "gaussian", "std": 0.1} | {"type": "salt_and_pepper", "fraction": 0.1}
 *            | {"type": "masking", "fraction": 0.25},    denoising (required), sparse (optional: a sparse denoising model)
 *   "sparsity": {"type": "l1", "weight": 0.001} | {"type": "kl", "rho": 0.05, "weight": 3},   sparse (required)
 *   "likelihood": "bernoulli" | "gaussian", "beta": 1.0, "kl_warmup_steps": 0              vae
 * }
 * </pre>
 * Layer types: conv2d, convtranspose2d, linear, batchnorm2d, layernorm, relu, leakyrelu, sigmoid,
 * tanh, elu, gelu, softplus, maxpool2d, avgpool2d, upsample, dropout, flatten, reshape. A layer
 * states its output size only ("out"): input channels and features come from the shape that
 * reaches it, starting from "input". Layers are numbered from 0 in each list, as the parameter
 * names are ("encoder.3.weight" belongs to encoder layer 3).
 *
 * <p>The decoder must give back the input's shape. A VAE's encoder ends in 2 * latent features
 * (mu then logvar) and its decoder starts from latent features; with the Bernoulli likelihood the
 * decoder outputs logits. A "kl" sparsity penalty needs an encoder that ends in a sigmoid.
 *
 * <p>{@link #parse} checks everything, shapes included, and refuses a bad spec with a message
 * naming the place, the field and the value ("encoder layer 3 (conv2d): 'kernel' must be a
 * positive integer, got -1"). A parsed spec is canonical: defaults are filled in, so
 * {@code parse(spec.toJson()).equals(spec)}, and two specs are equal when they build the same model.
 */
public final class ModelSpec {
    /** The model kinds, each with its model class. */
    public static final List<String> KINDS = List.of("autoencoder", "denoising", "sparse", "vae");
    private static final List<String> LOSSES = List.of("mse", "l1", "bce", "bce_with_logits");
    private static final List<String> COMMON_FIELDS = List.of("kind", "input", "encoder", "decoder");
    private static final Map<String, List<String>> KIND_FIELDS = Map.of(
            "autoencoder", List.of("loss"),
            "denoising", List.of("loss", "noise"),
            "sparse", List.of("loss", "sparsity", "noise"),
            "vae", List.of("likelihood", "beta", "kl_warmup_steps"));

    private final String source;
    private final Map<String, Object> canonical;
    private final String kind;
    private final Shape input;
    private final List<LayerSpec> encoder;
    private final List<LayerSpec> decoder;
    private final Shape codeShape;

    private ModelSpec(String source, Map<String, Object> canonical, String kind, Shape input, List<LayerSpec> encoder,
                      List<LayerSpec> decoder) {
        this.source = source;
        this.canonical = canonical;
        this.kind = kind;
        this.input = input;
        this.encoder = List.copyOf(encoder);
        this.decoder = List.copyOf(decoder);
        AutoencoderModel probe = build();
        this.codeShape = perSample(probe.codeShape(inputShape(1)));
    }

    /** Parses and checks a spec; errors name "model spec" as the source. */
    public static ModelSpec parse(String json) {
        return parse(json, "model spec");
    }

    /** Parses and checks a spec; {@code source} (a file name) starts every error message. */
    public static ModelSpec parse(String json, String source) {
        SpecFields top = new SpecFields(Json.parse(json, source), source);
        String kind = top.choice("kind", KINDS, null);
        checkFieldsOf(top, kind);
        List<Long> dims = top.positiveInts("input");
        if (dims.size() != 3) {
            throw top.error("'input' must be [C, H, W], got " + dims);
        }
        Shape input = Shape.of(dims.stream().mapToInt(Long::intValue).toArray());
        List<LayerSpec> encoder = layers(top, "encoder");
        List<LayerSpec> decoder = layers(top, "decoder");

        Map<String, Object> canonical = new LinkedHashMap<>();
        canonical.put("kind", kind);
        canonical.put("input", dims);
        canonical.put("encoder", encoder.stream().map(LayerSpec::toJson).toList());
        canonical.put("decoder", decoder.stream().map(LayerSpec::toJson).toList());
        switch (kind) {
            case "vae" -> {
                canonical.put("likelihood", top.choice("likelihood", List.of("bernoulli", "gaussian"), "bernoulli"));
                canonical.put("beta", top.number("beta", 1.0));
                canonical.put("kl_warmup_steps", top.nonNegativeLong("kl_warmup_steps", 0L));
            }
            case "denoising" -> {
                canonical.put("loss", top.choice("loss", LOSSES, "mse"));
                canonical.put("noise", noise(new SpecFields(top.raw("noise"), source + ": noise")));
            }
            case "sparse" -> {
                canonical.put("loss", top.choice("loss", LOSSES, "mse"));
                canonical.put("sparsity", sparsity(new SpecFields(top.raw("sparsity"), source + ": sparsity")));
                if (top.has("noise")) {
                    canonical.put("noise", noise(new SpecFields(top.raw("noise"), source + ": noise")));
                }
            }
            default -> canonical.put("loss", top.choice("loss", LOSSES, "mse"));
        }
        return new ModelSpec(source, canonical, kind, input, encoder, decoder);
    }

    private static void checkFieldsOf(SpecFields top, String kind) {
        List<String> allowed = new ArrayList<>(COMMON_FIELDS);
        allowed.addAll(KIND_FIELDS.get(kind));
        for (Map.Entry<String, List<String>> other : KIND_FIELDS.entrySet()) {
            for (String field : other.getValue()) {
                if (top.has(field) && !allowed.contains(field)) {
                    throw top.error("'" + field + "' does not apply to kind " + kind + " (it is for " + other.getKey() + ")");
                }
            }
        }
        top.allowOnly(allowed);
    }

    private static List<LayerSpec> layers(SpecFields top, String part) {
        List<LayerSpec> out = new ArrayList<>();
        List<?> list = top.nonEmptyList(part);
        for (int i = 0; i < list.size(); i++) {
            out.add(LayerSpec.parse(list.get(i), top.where() + ": " + part + " layer " + i));
        }
        return out;
    }

    private static Map<String, Object> noise(SpecFields f) {
        String type = f.choice("type", List.of("gaussian", "salt_and_pepper", "masking"), null);
        String amount = type.equals("gaussian") ? "std" : "fraction";
        f.allowOnly(List.of("type", amount));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.put(amount, f.number(amount, null));
        checked(f, () -> toNoise(m));
        return m;
    }

    private static Map<String, Object> sparsity(SpecFields f) {
        String type = f.choice("type", List.of("l1", "kl"), null);
        f.allowOnly(type.equals("kl") ? List.of("type", "rho", "weight") : List.of("type", "weight"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        if (type.equals("kl")) {
            m.put("rho", f.number("rho", null));
        }
        m.put("weight", f.number("weight", null));
        checked(f, () -> toSparsity(m));
        return m;
    }

    /** Runs a constructor that validates values, prefixing its refusal with the place in the spec. */
    private static void checked(SpecFields f, Runnable construct) {
        try {
            construct.run();
        } catch (IllegalArgumentException e) {
            throw f.error(e.getMessage());
        }
    }

    private static Noise toNoise(Map<String, Object> m) {
        return switch ((String) m.get("type")) {
            case "gaussian" -> Noise.gaussian(((Double) m.get("std")).floatValue());
            case "salt_and_pepper" -> Noise.saltAndPepper(((Double) m.get("fraction")).floatValue());
            default -> Noise.masking(((Double) m.get("fraction")).floatValue());
        };
    }

    private static SparsityPenalty toSparsity(Map<String, Object> m) {
        float weight = ((Double) m.get("weight")).floatValue();
        return m.get("type").equals("kl") ? SparsityPenalty.kl(((Double) m.get("rho")).floatValue(), weight)
                : SparsityPenalty.l1(weight);
    }

    // ---------------------------------------------------------------- what the spec describes

    public String kind() {
        return kind;
    }

    /** The shape of one input image [C, H, W]. */
    public Shape inputShape() {
        return input;
    }

    /** The shape of a batch of inputs [batch, C, H, W]. */
    public Shape inputShape(int batch) {
        if (batch <= 0) {
            throw new IllegalArgumentException(source + ": batch size " + batch + " must be > 0");
        }
        return Shape.of(batch, input.dim(0), input.dim(1), input.dim(2));
    }

    /** The shape of one image's code, without the batch dimension (a VAE's: its latent size). */
    public Shape codeShape() {
        return codeShape;
    }

    /**
     * A new, unbuilt model: call {@code build(backend, seed)} on it to allocate its parameters.
     * Each call makes fresh modules, so one spec can make many models.
     */
    public AutoencoderModel build() {
        Shape running = inputShape(1);
        List<Module> enc = modules(encoder, "encoder", running);
        Shape encoded = outputOf(enc, running);
        Shape decoderInput = encoded;
        int latent = 0;
        if (kind.equals("vae")) {
            if (encoded.rank() != 2 || encoded.dim(1) % 2 != 0) {
                throw new IllegalArgumentException(source + ": a vae encoder must end in 2 * latent features (mu then"
                        + " logvar, e.g. a linear layer), but it outputs " + describe(encoded));
            }
            latent = encoded.dim(1) / 2;
            decoderInput = Shape.of(1, latent);
        }
        List<Module> dec = modules(decoder, "decoder", decoderInput);
        Shape decoded = outputOf(dec, decoderInput);
        if (!decoded.equals(inputShape(1))) {
            throw new IllegalArgumentException(source + ": the decoder outputs " + describe(decoded) + " but the input is "
                    + describe(inputShape(1)) + "; an autoencoder must give back its input's shape");
        }
        Module e = new Sequential(enc.toArray(Module[]::new));
        Module d = new Sequential(dec.toArray(Module[]::new));
        try {
            return switch (kind) {
                case "vae" -> new VariationalAutoencoder(e, d, latent,
                        canonical.get("likelihood").equals("gaussian") ? Likelihood.GAUSSIAN : Likelihood.BERNOULLI,
                        ((Double) canonical.get("beta")).floatValue(), (Long) canonical.get("kl_warmup_steps"));
                case "denoising" -> new DenoisingAutoencoder(e, d, loss(), toNoise(map("noise")));
                case "sparse" -> new SparseAutoencoder(e, d, loss(), toSparsity(map("sparsity")),
                        canonical.containsKey("noise") ? toNoise(map("noise")) : null);
                default -> new Autoencoder(e, d, loss());
            };
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(source + ": " + ex.getMessage(), ex);
        }
    }

    private List<Module> modules(List<LayerSpec> layers, String part, Shape running) {
        List<Module> out = new ArrayList<>();
        Shape s = running;
        for (int i = 0; i < layers.size(); i++) {
            Module m = layers.get(i).create(s, source + ": " + part + " layer " + i);
            s = m.outputShape(s);
            out.add(m);
        }
        return out;
    }

    private static Shape outputOf(List<Module> modules, Shape input) {
        Shape s = input;
        for (Module m : modules) {
            s = m.outputShape(s);
        }
        return s;
    }

    private Loss loss() {
        return switch ((String) canonical.get("loss")) {
            case "l1" -> new L1Loss();
            case "bce" -> new BCELoss();
            case "bce_with_logits" -> new BCEWithLogitsLoss();
            default -> new MSELoss();
        };
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(String field) {
        return (Map<String, Object>) canonical.get(field);
    }

    private static Shape perSample(Shape batched) {
        return Shape.of(Arrays.copyOfRange(batched.dims(), 1, batched.rank()));
    }

    private static String describe(Shape batched) {
        return perSample(batched) + " per sample";
    }

    // ---------------------------------------------------------------- JSON

    /**
     * The canonical spec as JSON, one layer per line; {@code parse(toJson())} equals this spec.
     */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, Object> e : canonical.entrySet()) {
            sb.append("  ").append(Json.write(e.getKey())).append(": ");
            if (e.getValue() instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map) {
                sb.append("[\n");
                for (int j = 0; j < list.size(); j++) {
                    sb.append("    ").append(Json.write(list.get(j))).append(j + 1 < list.size() ? ",\n" : "\n");
                }
                sb.append("  ]");
            } else {
                sb.append(Json.write(e.getValue()));
            }
            sb.append(++i < canonical.size() ? ",\n" : "\n");
        }
        return sb.append("}\n").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSpec s && s.canonical.equals(canonical);
    }

    @Override
    public int hashCode() {
        return canonical.hashCode();
    }

    @Override
    public String toString() {
        return toJson();
    }
}
