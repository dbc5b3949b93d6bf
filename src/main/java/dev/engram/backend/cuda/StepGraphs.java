package dev.engram.backend.cuda;

import dev.engram.backend.cuda.StreamOp.KernelLaunch;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Whole steps (training steps, inference batches) as graphs. The first {@link #WARMUP_STEPS}
 * steps run op by op (cuDNN picks its algorithms, the allocator fills its cache); after that each
 * step's ops are recorded instead of issued. The first recorded step becomes a graph, and a later
 * step that does the same work (the same kernels and grids, the same library calls on the same
 * memory) replays it, with the kernel arguments that changed patched into their nodes: Adam's step
 * size, random offsets, a KL weight. A step then costs one launch and a comparison per op instead
 * of a driver call per op.
 *
 * <p>A step that does other work (the short last batch of an epoch) runs op by op, and two such
 * steps in a row make a new graph: inference batches after training get theirs on the second. A
 * step that reads the device, or takes or gives back device memory, cannot be replayed: what it
 * recorded is issued in order and the rest runs op by op.
 * After {@link #FAILURES_BEFORE_OFF} steps in a row that could not become or replay a graph,
 * graphs are switched off with one note saying why, and every step runs op by op.
 */
final class StepGraphs<G> {
    static final int WARMUP_STEPS = 2;
    static final int FAILURES_BEFORE_OFF = 3;

    private final GraphRuntime<G> runtime;
    private final LongSupplier allocatorOperations;
    private final Consumer<String> notes;
    private String offReason;
    private boolean inStep;
    /** The ops of the step being recorded; null when ops go straight to the stream. */
    private List<StreamOp> recording;
    /** Why the step being recorded had to issue its ops after all. */
    private String interruption;
    private G graph;
    private List<StreamOp> graphOps;
    private boolean lastStepDiffered;
    private int failures;
    private long steps;
    private long replays;
    private long patches;

    /** @param offReason null to use graphs, else why they are off */
    StepGraphs(GraphRuntime<G> runtime, LongSupplier allocatorOperations, Consumer<String> notes, String offReason) {
        this.runtime = runtime;
        this.allocatorOperations = allocatorOperations;
        this.notes = notes;
        this.offReason = offReason;
    }

    /** Issues {@code op}, or adds it to the step being recorded. */
    void submit(StreamOp op) {
        if (recording != null) {
            recording.add(op);
        } else {
            runtime.issue(op);
        }
    }

    /** Before the host reads, writes or waits for device memory: a step being recorded issues what it has and goes on op by op. */
    void hostAccess(String what) {
        if (recording != null) {
            List<StreamOp> ops = recording;
            recording = null;
            interruption = what;
            issueAll(ops);
        }
    }

    /** Runs {@code body} as one step: op by op, recorded into a new graph, or as a replay of the last one. */
    void runStep(Runnable body) {
        if (offReason != null || inStep) {
            body.run();
            return;
        }
        inStep = true;
        try {
            steps++;
            if (steps <= WARMUP_STEPS) {
                body.run();
            } else {
                recordAndRun(body);
            }
        } finally {
            inStep = false;
            recording = null;
        }
    }

    private void recordAndRun(Runnable body) {
        long allocatorBefore = allocatorOperations.getAsLong();
        List<StreamOp> ops = new ArrayList<>();
        recording = ops;
        interruption = null;
        try {
            body.run();
        } catch (RuntimeException | Error e) {
            hostAccess("failed"); // what came before the failure runs, as it would have op by op
            throw e;
        }
        recording = null;
        if (interruption != null) {
            failed("the step " + interruption);
        } else if (allocatorOperations.getAsLong() != allocatorBefore) {
            issueAll(ops);
            failed("the step takes or gives back device memory");
        } else if (graph != null && sameWork(ops)) {
            replay(ops);
        } else if (graph != null && !lastStepDiffered) {
            lastStepDiffered = true;
            issueAll(ops);
        } else {
            build(ops);
        }
    }

    private boolean sameWork(List<StreamOp> ops) {
        if (ops.size() != graphOps.size()) {
            return false;
        }
        for (int i = 0; i < ops.size(); i++) {
            if (!ops.get(i).sameWorkAs(graphOps.get(i))) {
                return false;
            }
        }
        return true;
    }

    private void replay(List<StreamOp> ops) {
        for (int i = 0; i < ops.size(); i++) {
            if (ops.get(i) instanceof KernelLaunch now && !now.sameArgumentsAs((KernelLaunch) graphOps.get(i))) {
                runtime.patch(graph, i, now);
                patches++;
            }
        }
        launch(ops);
    }

    private void build(List<StreamOp> ops) {
        if (graph != null) {
            runtime.destroy(graph);
            graph = null;
        }
        try {
            graph = runtime.build(ops);
        } catch (RuntimeException e) {
            issueAll(ops);
            failed("capturing it failed: " + e.getMessage());
            return;
        }
        launch(ops);
    }

    private void launch(List<StreamOp> ops) {
        runtime.launch(graph);
        graphOps = ops;
        lastStepDiffered = false;
        failures = 0;
        replays++;
    }

    private void issueAll(List<StreamOp> ops) {
        ops.forEach(runtime::issue);
    }

    private void failed(String reason) {
        failures++;
        if (failures >= FAILURES_BEFORE_OFF) {
            offReason = reason;
            if (graph != null) {
                runtime.destroy(graph);
                graph = null;
            }
            notes.accept("engram: CUDA graphs off after " + failures + " steps that could not be replayed (" + reason
                    + "); steps run op by op");
        }
    }

    /** Steps that ran as a graph: built and launched, or replayed. */
    long replays() {
        return replays;
    }

    /** Kernel nodes whose arguments were changed between replays. */
    long patches() {
        return patches;
    }

    /** Why steps run op by op, or null while graphs are in use. */
    String offReason() {
        return offReason;
    }

    /** Frees the graph; the stream must have finished its launches. */
    void close() {
        if (graph != null) {
            runtime.destroy(graph);
            graph = null;
        }
    }
}
