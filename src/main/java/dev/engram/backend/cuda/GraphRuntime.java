package dev.engram.backend.cuda;

import dev.engram.backend.cuda.StreamOp.KernelLaunch;

import java.util.List;

/**
 * What {@link StepGraphs} needs of the device: issue an op now, or make a graph of a recorded
 * step and replay it. {@code G} is a built graph ({@link CudaGraphs}' on a GPU, a stand-in in tests).
 */
interface GraphRuntime<G> {
    /** Puts {@code op} on the stream now. */
    void issue(StreamOp op);

    /** A graph doing {@code ops} in order; throws, having issued none of them, when one cannot be captured. */
    G build(List<StreamOp> ops);

    /** Gives the kernel node made from {@code ops.get(index)} the arguments of {@code launch}. */
    void patch(G graph, int index, KernelLaunch launch);

    /** Puts one run of the whole graph on the stream. */
    void launch(G graph);

    void destroy(G graph);
}
