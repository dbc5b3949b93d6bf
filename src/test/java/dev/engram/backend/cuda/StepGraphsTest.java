package dev.engram.backend.cuda;

import dev.engram.backend.cuda.StreamOp.KernelLaunch;
import dev.engram.backend.cuda.StreamOp.LibraryCall;
import jcuda.driver.CUfunction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@link StepGraphs} issues, records, builds, patches and replays, step by step, against a
 * runtime that writes down what it is asked to do (no GPU needed; the CUDA graphs themselves are
 * checked by CudaStepGraphTest and CudaTrainingParityTest on a GPU).
 */
class StepGraphsTest {
    private static final CudaKernel AXPBY = new CudaKernel("engram_axpby_f32", new CUfunction());
    private static final DeviceAddress X = new DeviceAddress().withByteOffset(1024);
    private static final DeviceAddress Y = new DeviceAddress().withByteOffset(4096);

    /** Writes down each request; a library call's work writes its own line when issued. */
    private static final class Recorder implements GraphRuntime<Integer> {
        final List<String> log = new ArrayList<>();
        int built;
        boolean failBuild;

        @Override
        public void issue(StreamOp op) {
            if (op instanceof LibraryCall c) {
                c.issue().run();
            } else {
                log.add("issue " + describe(op));
            }
        }

        @Override
        public Integer build(List<StreamOp> ops) {
            if (failBuild) {
                throw new CudaException("capture refused");
            }
            log.add("build " + ops.stream().map(StepGraphsTest::describe).collect(Collectors.joining(", ")));
            return ++built;
        }

        @Override
        public void patch(Integer graph, int index, KernelLaunch launch) {
            log.add("patch graph " + graph + " node " + index + " " + describe(launch));
        }

        @Override
        public void launch(Integer graph) {
            log.add("launch graph " + graph);
        }

        @Override
        public void destroy(Integer graph) {
            log.add("destroy graph " + graph);
        }

        List<String> take() {
            List<String> out = List.copyOf(log);
            log.clear();
            return out;
        }
    }

    private final Recorder runtime = new Recorder();
    private final long[] allocatorOperations = {0};
    private final List<String> notes = new ArrayList<>();
    private final StepGraphs<Integer> graphs = new StepGraphs<>(runtime, () -> allocatorOperations[0], notes::add,
            null);

    private static String describe(StreamOp op) {
        if (op instanceof KernelLaunch k) {
            return "axpby(" + Float.intBitsToFloat((int) k.args().key()[0]) + ")";
        }
        return op.toString();
    }

    private static KernelLaunch axpby(float alpha) {
        return new KernelLaunch(AXPBY, 4, 256, KernelArgs.pack(KernelCatalog.get("engram_axpby_f32"), alpha, X, 1f, Y,
                1000L));
    }

    private LibraryCall memset(long bytes) {
        return LibraryCall.of("memset", () -> runtime.log.add("memset " + bytes), Y, bytes);
    }

    /** A step of a kernel whose alpha changes (as Adam's step size does) and a library call. */
    private void step(float alpha, long bytes) {
        graphs.runStep(() -> {
            graphs.submit(memset(bytes));
            graphs.submit(axpby(alpha));
        });
    }

    @Test
    void warmUpStepsRunOpByOpThenAStepBecomesAGraphAndLaterOnesReplayItWithChangedArgumentsPatched() {
        step(1f, 64);
        step(2f, 64);
        assertEquals(List.of("memset 64", "issue axpby(1.0)", "memset 64", "issue axpby(2.0)"), runtime.take());
        step(3f, 64);
        assertEquals(List.of("build memset, axpby(3.0)", "launch graph 1"), runtime.take());
        step(3f, 64);
        assertEquals(List.of("launch graph 1"), runtime.take(), "nothing changed: nothing patched");
        step(4f, 64);
        assertEquals(List.of("patch graph 1 node 1 axpby(4.0)", "launch graph 1"), runtime.take());
        assertEquals(3, graphs.replays());
        assertEquals(1, graphs.patches());
        assertNull(graphs.offReason());
    }

    @Test
    void aStepDoingOtherWorkRunsOpByOpAndTwoInARowMakeANewGraph() {
        for (int i = 0; i < 3; i++) {
            step(1f, 64);
        }
        runtime.take();
        step(1f, 32); // the short last batch of an epoch
        assertEquals(List.of("memset 32", "issue axpby(1.0)"), runtime.take());
        step(1f, 64);
        assertEquals(List.of("launch graph 1"), runtime.take(), "the graph is kept for the full batches");
        step(1f, 32);
        step(1f, 32);
        assertEquals(List.of("memset 32", "issue axpby(1.0)", "destroy graph 1", "build memset, axpby(1.0)",
                "launch graph 2"), runtime.take());
    }

    @Test
    void aStepThatReadsTheDeviceIssuesWhatItRecordedThenGoesOnOpByOpAndThreeSuchTurnGraphsOff() {
        for (int i = 0; i < 2; i++) {
            step(1f, 64);
        }
        runtime.take();
        for (int i = 0; i < StepGraphs.FAILURES_BEFORE_OFF; i++) {
            graphs.runStep(() -> {
                graphs.submit(axpby(5f));
                graphs.hostAccess("reads device memory");
                runtime.log.add("host reads");
                graphs.submit(axpby(6f));
            });
            assertEquals(List.of("issue axpby(5.0)", "host reads", "issue axpby(6.0)"), runtime.take());
        }
        assertEquals("the step reads device memory", graphs.offReason());
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).contains("CUDA graphs off after 3 steps"), notes.get(0));
        step(7f, 64);
        assertEquals(List.of("memset 64", "issue axpby(7.0)"), runtime.take(), "off: op by op");
    }

    @Test
    void aStepThatTakesDeviceMemoryIsNotMadeAGraph() {
        for (int i = 0; i < 2; i++) {
            step(1f, 64);
        }
        runtime.take();
        graphs.runStep(() -> {
            graphs.submit(axpby(1f));
            allocatorOperations[0]++;
        });
        assertEquals(List.of("issue axpby(1.0)"), runtime.take());
        assertEquals(0, graphs.replays());
    }

    @Test
    void aStepThatCannotBeCapturedRunsOpByOp() {
        for (int i = 0; i < 2; i++) {
            step(1f, 64);
        }
        runtime.take();
        runtime.failBuild = true;
        step(2f, 64);
        assertEquals(List.of("memset 64", "issue axpby(2.0)"), runtime.take());
        runtime.failBuild = false;
        step(3f, 64);
        assertEquals(List.of("build memset, axpby(3.0)", "launch graph 1"), runtime.take());
    }

    @Test
    void aFailingStepIssuesWhatCameBeforeTheFailure() {
        for (int i = 0; i < 2; i++) {
            step(1f, 64);
        }
        runtime.take();
        assertThrows(IllegalStateException.class, () -> graphs.runStep(() -> {
            graphs.submit(axpby(2f));
            throw new IllegalStateException("shape mismatch");
        }));
        assertEquals(List.of("issue axpby(2.0)"), runtime.take());
        graphs.submit(axpby(3f));
        assertEquals(List.of("issue axpby(3.0)"), runtime.take(), "after the step, ops go to the stream again");
    }

    @Test
    void switchedOffEveryStepRunsOpByOp() {
        StepGraphs<Integer> off = new StepGraphs<>(runtime, () -> 0, notes::add, "-Dengram.cuda.graphs=false");
        for (int i = 0; i < 4; i++) {
            off.runStep(() -> off.submit(axpby(1f)));
        }
        assertEquals(4, runtime.take().size());
        assertEquals(0, off.replays());
    }

    @Test
    void libraryCallsCompareDeviceAddressesWithTheirOffsetsAndRefuseOtherPointers() {
        DeviceAddress base = new DeviceAddress();
        assertTrue(LibraryCall.of("copy", () -> { }, base.withByteOffset(8)).sameWorkAs(
                LibraryCall.of("copy", () -> { }, base.withByteOffset(8))));
        assertTrue(!LibraryCall.of("copy", () -> { }, base.withByteOffset(8)).sameWorkAs(
                LibraryCall.of("copy", () -> { }, base.withByteOffset(16))));
        assertThrows(IllegalArgumentException.class, () -> LibraryCall.of("copy", () -> { }, new jcuda.driver.CUdeviceptr()));
    }
}
