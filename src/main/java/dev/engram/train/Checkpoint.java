package dev.engram.train;

import dev.engram.backend.Backend;
import dev.engram.model.AutoencoderModel;
import dev.engram.model.ModelSpec;
import dev.engram.io.HostTensor;
import dev.engram.io.Json;
import dev.engram.io.MalformedDataException;
import dev.engram.io.SafeTensors;
import dev.engram.nn.Module;
import dev.engram.nn.Parameter;
import dev.engram.optim.Optimizer;
import dev.engram.tensor.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A model's state in a safetensors file: every parameter and buffer under its module name, as in
 * a PyTorch state dict ("encoder.0.weight", "encoder.1.running_mean"), and for a training
 * checkpoint the optimizer state under "optimizer.&lt;name&gt;" ("optimizer.exp_avg"). The
 * metadata holds strings:
 *
 * <pre>
 *   engram.format         {@value #FORMAT}
 *   engram.model_spec     the caller's model description (opaque JSON), to rebuild the model
 *   engram.train_config   {@link TrainConfig#toJson()}            (training checkpoints)
 *   engram.optimizer      {"kind", "lr", "step_count", "settings"} (training checkpoints)
 *   engram.trainer_state  {@link TrainerState#toJson()}           (training checkpoints)
 *   engram.epoch, engram.step   epochs and optimizer steps done   (training checkpoints)
 *   engram.rng            {"seed", "counter"} of the model's random stream
 * </pre>
 *
 * Files are written atomically (a failed save leaves the previous file). Reading refuses, naming
 * the file and the tensor, anything that does not fit: a truncated or corrupt file, a missing
 * tensor, a shape that differs from the model's.
 */
public final class Checkpoint {
    public static final String FORMAT = "engram-checkpoint-1";
    static final String KEY_FORMAT = "engram.format";
    static final String KEY_MODEL_SPEC = "engram.model_spec";
    static final String KEY_TRAIN_CONFIG = "engram.train_config";
    static final String KEY_OPTIMIZER = "engram.optimizer";
    static final String KEY_TRAINER_STATE = "engram.trainer_state";
    static final String KEY_EPOCH = "engram.epoch";
    static final String KEY_STEP = "engram.step";
    static final String KEY_RNG = "engram.rng";
    static final String OPTIMIZER_PREFIX = "optimizer.";

    private final Path file;
    private final Map<String, HostTensor> tensors;
    private final Map<String, String> metadata;

    private Checkpoint(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) {
        this.file = file;
        this.tensors = tensors;
        this.metadata = metadata;
    }

    // ---------------------------------------------------------------- writing

    /** Weights only (parameters, buffers, random stream): for encode, decode and evaluation. */
    public static void saveWeights(Path file, Module model, String modelSpec) throws IOException {
        SafeTensors.write(file, modelTensors(model), baseMetadata(model, modelSpec));
    }

    /** A training checkpoint: weights, optimizer state, the run's configuration and where it stands. */
    public static void save(Path file, Module model, String modelSpec, Optimizer optimizer, TrainConfig config,
                            TrainerState state) throws IOException {
        if (optimizer == null || config == null || state == null) {
            throw new IllegalArgumentException("Checkpoint.save " + file + ": the optimizer, train config and trainer state"
                    + " must be given; use saveWeights for weights only");
        }
        Map<String, HostTensor> out = modelTensors(model);
        optimizer.state().forEach((name, t) -> out.put(OPTIMIZER_PREFIX + name, host(t)));
        Map<String, String> meta = baseMetadata(model, modelSpec);
        Map<String, Object> opt = new LinkedHashMap<>();
        opt.put("kind", optimizer.getClass().getSimpleName());
        opt.put("lr", optimizer.learningRate());
        opt.put("step_count", optimizer.stepCount());
        opt.put("settings", optimizer.toString());
        meta.put(KEY_OPTIMIZER, Json.write(opt));
        meta.put(KEY_TRAIN_CONFIG, config.toJson());
        meta.put(KEY_TRAINER_STATE, state.toJson());
        meta.put(KEY_EPOCH, Integer.toString(state.epoch()));
        meta.put(KEY_STEP, Long.toString(state.step()));
        SafeTensors.write(file, out, meta);
    }

    private static Map<String, HostTensor> modelTensors(Module model) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Parameter p : stateDict(model)) {
            out.put(p.name(), host(p.value()));
        }
        return out;
    }

    private static List<Parameter> stateDict(Module model) {
        List<Parameter> all = new ArrayList<>(model.parameterStore().parameters());
        all.addAll(model.parameterStore().buffers());
        return all;
    }

    private static HostTensor host(Tensor t) {
        return new HostTensor(t.shape(), t.toFloatArray());
    }

    private static Map<String, String> baseMetadata(Module model, String modelSpec) {
        if (modelSpec == null) {
            throw new IllegalArgumentException("Checkpoint: the model spec is null; pass the JSON the model was built from");
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(KEY_FORMAT, FORMAT);
        meta.put(KEY_MODEL_SPEC, modelSpec);
        meta.put(KEY_RNG, Json.write(Map.of("seed", model.random().seed(), "counter", model.random().counter())));
        return meta;
    }

    // ---------------------------------------------------------------- reading

    /** Reads a checkpoint, refusing a file that is not a complete engram checkpoint. */
    public static Checkpoint read(Path file) throws IOException {
        SafeTensors.Contents c = SafeTensors.read(file);
        String format = c.metadata().get(KEY_FORMAT);
        if (!FORMAT.equals(format)) {
            throw new MalformedDataException(file + ": not an engram checkpoint (metadata " + KEY_FORMAT + " is "
                    + (format == null ? "missing" : "\"" + format + "\"") + ", expected \"" + FORMAT + "\")");
        }
        Checkpoint ck = new Checkpoint(file, c.tensors(), c.metadata());
        ck.require(KEY_MODEL_SPEC);
        ck.require(KEY_RNG);
        return ck;
    }

    private String require(String key) {
        String v = metadata.get(key);
        if (v == null) {
            throw new MalformedDataException(file + ": metadata " + key + " is missing");
        }
        return v;
    }

    public Path file() {
        return file;
    }

    /** The model spec the checkpoint holds, parsed (as engram train writes it). */
    public ModelSpec spec() {
        return ModelSpec.parse(modelSpec(), file + " " + KEY_MODEL_SPEC);
    }

    /** The model description the checkpoint was saved with, as the caller wrote it. */
    public String modelSpec() {
        return metadata.get(KEY_MODEL_SPEC);
    }

    /** Whether this is a training checkpoint (with optimizer and trainer state) rather than weights only. */
    public boolean isTrainingCheckpoint() {
        return metadata.containsKey(KEY_TRAINER_STATE);
    }

    public Optional<TrainConfig> trainConfig() {
        return isTrainingCheckpoint()
                ? Optional.of(TrainConfig.fromJson(require(KEY_TRAIN_CONFIG), file + " " + KEY_TRAIN_CONFIG))
                : Optional.empty();
    }

    public Optional<TrainerState> trainerState() {
        return isTrainingCheckpoint()
                ? Optional.of(TrainerState.fromJson(require(KEY_TRAINER_STATE), file + " " + KEY_TRAINER_STATE))
                : Optional.empty();
    }

    /** Every metadata entry, as stored. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Copies every parameter and buffer into {@code model}, after checking that the file has
     * each of them with the model's shape and no model tensor the model lacks.
     */
    public void restoreModel(Module model) {
        List<Parameter> dict = stateDict(model);
        Set<String> names = new HashSet<>();
        for (Parameter p : dict) {
            names.add(p.name());
            requireTensor(p.name(), p.value());
        }
        for (String name : tensors.keySet()) {
            if (!name.startsWith(OPTIMIZER_PREFIX) && !names.contains(name)) {
                throw new MalformedDataException(file + ": tensor \"" + name + "\" " + tensors.get(name).shape()
                        + " is not part of the model " + model);
            }
        }
        for (Parameter p : dict) {
            model.backend().copyFromHost(tensors.get(p.name()).data(), 0, p.value());
        }
    }

    /**
     * The model the checkpoint holds, built on {@code backend} from its spec (a {@link ModelSpec}
     * in JSON, as engram train writes) with its seed, weights, buffers and random stream.
     */
    public AutoencoderModel loadModel(Backend backend) {
        AutoencoderModel model = spec().build().build(backend, seed());
        try {
            restoreModel(model);
            restoreRandom(model);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The seed the model was built with: build the model with it before {@link #restoreRandom}. */
    public long seed() {
        return rng().integer("seed");
    }

    /** Optimizer steps taken when the checkpoint was written; 0 for weights saved outside a training run. */
    public long step() {
        String step = metadata.get(KEY_STEP);
        try {
            return step == null ? 0 : Long.parseLong(step);
        } catch (NumberFormatException e) {
            throw new MalformedDataException(file + ": metadata " + KEY_STEP + " is \"" + step + "\", not a step count");
        }
    }

    private JsonFields rng() {
        return JsonFields.parse(require(KEY_RNG), file + " " + KEY_RNG, Set.of("seed", "counter"));
    }

    /** Moves the model's random stream to where the checkpoint left it; the seeds must agree. */
    public void restoreRandom(Module model) {
        JsonFields rng = rng();
        long seed = rng.integer("seed");
        if (seed != model.random().seed()) {
            throw new IllegalArgumentException(file + ": the checkpoint's random stream has seed " + seed
                    + " but the model was built with seed " + model.random().seed() + "; build it with the checkpoint's seed");
        }
        model.random().seek(rng.integer("counter"));
    }

    /** Restores the optimizer's state tensors, step count and learning rate; the kinds must agree. */
    public void restoreOptimizer(Optimizer optimizer) {
        if (!isTrainingCheckpoint()) {
            throw new IllegalArgumentException(file + ": holds weights only, no optimizer state to resume from");
        }
        JsonFields info = JsonFields.parse(require(KEY_OPTIMIZER), file + " " + KEY_OPTIMIZER,
                Set.of("kind", "lr", "step_count", "settings"));
        String kind = info.string("kind");
        if (!kind.equals(optimizer.getClass().getSimpleName())) {
            throw new IllegalArgumentException(file + ": the checkpoint's optimizer is " + kind + " ("
                    + info.string("settings") + ") but the run uses " + optimizer);
        }
        Map<String, Tensor> state = optimizer.state();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            requireTensor(OPTIMIZER_PREFIX + e.getKey(), e.getValue());
        }
        for (String name : tensors.keySet()) {
            if (name.startsWith(OPTIMIZER_PREFIX) && !state.containsKey(name.substring(OPTIMIZER_PREFIX.length()))) {
                throw new MalformedDataException(file + ": tensor \"" + name + "\" is not part of the state of " + optimizer);
            }
        }
        state.forEach((name, t) -> optimizer.parameters().backend().copyFromHost(tensors.get(OPTIMIZER_PREFIX + name).data(), 0, t));
        optimizer.setStepCount(info.int32("step_count"));
        optimizer.setLearningRate(info.float32("lr"));
    }

    private void requireTensor(String name, Tensor target) {
        HostTensor t = tensors.get(name);
        if (t == null) {
            throw new MalformedDataException(file + ": tensor \"" + name + "\" " + target.shape() + " is missing");
        }
        if (!t.shape().equals(target.shape())) {
            throw new MalformedDataException(file + ": tensor \"" + name + "\" has shape " + t.shape() + " where "
                    + target.shape() + " is expected");
        }
    }
}
