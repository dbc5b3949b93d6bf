package dev.engram.backend.cuda;

import dev.engram.backend.cuda.StreamOp.KernelLaunch;
import dev.engram.backend.cuda.StreamOp.LibraryCall;
import jcuda.driver.CUDA_KERNEL_NODE_PARAMS;
import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;
import jcuda.driver.CUgraphNode;
import jcuda.driver.CUresult;
import jcuda.driver.CUstreamCaptureMode;
import jcuda.driver.JCudaDriver;

import java.util.List;

/**
 * {@link StepGraphs} on the driver API. A step's graph is a chain: each of the engine's kernels is
 * a kernel node made directly (so its node is known and its arguments can be patched with
 * cuGraphExecKernelNodeSetParams), and each run of library calls between them (cuBLAS, cuDNN,
 * memsets, device copies) is captured from the stream into a child graph node.
 */
final class CudaGraphs implements GraphRuntime<CudaGraphs.Built> {
    /** A step's graph, its executable and the kernel node of each op (null for library calls). */
    record Built(CUgraph graph, CUgraphExec exec, CUgraphNode[] nodes) {
    }

    private final CudaStream stream;

    CudaGraphs(CudaStream stream) {
        this.stream = stream;
    }

    @Override
    public void issue(StreamOp op) {
        if (op instanceof KernelLaunch k) {
            k.issue(stream);
        } else {
            ((LibraryCall) op).issue().run();
        }
    }

    @Override
    public Built build(List<StreamOp> ops) {
        CUgraph graph = new CUgraph();
        CudaStatus.driver("cuGraphCreate", JCudaDriver.cuGraphCreate(graph, 0));
        try {
            CUgraphNode[] nodes = new CUgraphNode[ops.size()];
            CUgraphNode previous = null;
            int i = 0;
            while (i < ops.size()) {
                CUgraphNode node = new CUgraphNode();
                if (ops.get(i) instanceof KernelLaunch k) {
                    CudaStatus.driver("cuGraphAddKernelNode(" + k + ")", JCudaDriver.cuGraphAddKernelNode(node, graph,
                            after(previous), previous == null ? 0 : 1, params(k)));
                    nodes[i++] = node;
                    previous = node;
                } else {
                    int end = i;
                    while (end < ops.size() && ops.get(end) instanceof LibraryCall) {
                        end++;
                    }
                    if (addCaptured(ops.subList(i, end), graph, previous, node)) {
                        previous = node;
                    }
                    i = end;
                }
            }
            CUgraphExec exec = new CUgraphExec();
            CudaStatus.driver("cuGraphInstantiate", JCudaDriver.cuGraphInstantiate(exec, graph, 0));
            return new Built(graph, exec, nodes);
        } catch (RuntimeException e) {
            JCudaDriver.cuGraphDestroy(graph);
            throw e;
        }
    }

    private static CUgraphNode[] after(CUgraphNode previous) {
        return previous == null ? null : new CUgraphNode[] {previous};
    }

    /** Captures {@code calls} from the stream and adds them as {@code node}; false when they captured no work. */
    private boolean addCaptured(List<StreamOp> calls, CUgraph graph, CUgraphNode previous, CUgraphNode node) {
        CudaStatus.driver("cuStreamBeginCapture", JCudaDriver.cuStreamBeginCapture(stream.handle(),
                CUstreamCaptureMode.CU_STREAM_CAPTURE_MODE_THREAD_LOCAL));
        CUgraph child = new CUgraph();
        RuntimeException failure = null;
        try {
            calls.forEach(this::issue);
        } catch (RuntimeException e) {
            failure = e;
        }
        int ended = JCudaDriver.cuStreamEndCapture(stream.handle(), child);
        if (failure != null) {
            if (ended == CUresult.CUDA_SUCCESS) {
                JCudaDriver.cuGraphDestroy(child);
            }
            throw failure;
        }
        CudaStatus.driver("cuStreamEndCapture(" + calls + ")", ended);
        try {
            long[] count = new long[1];
            CudaStatus.driver("cuGraphGetNodes", JCudaDriver.cuGraphGetNodes(child, null, count));
            if (count[0] == 0) {
                return false;
            }
            CudaStatus.driver("cuGraphAddChildGraphNode(" + calls + ")", JCudaDriver.cuGraphAddChildGraphNode(node, graph,
                    after(previous), previous == null ? 0 : 1, child));
            return true;
        } finally {
            JCudaDriver.cuGraphDestroy(child); // the parent holds a copy
        }
    }

    private static CUDA_KERNEL_NODE_PARAMS params(KernelLaunch k) {
        CUDA_KERNEL_NODE_PARAMS p = new CUDA_KERNEL_NODE_PARAMS();
        p.func = k.kernel().function();
        p.gridDimX = k.blocks();
        p.gridDimY = 1;
        p.gridDimZ = 1;
        p.blockDimX = k.threads();
        p.blockDimY = 1;
        p.blockDimZ = 1;
        p.sharedMemBytes = 0;
        p.kernelParams = k.args().pointer();
        return p;
    }

    /** Affects launches from now on; one already on the stream keeps the arguments it had. */
    @Override
    public void patch(Built graph, int index, KernelLaunch launch) {
        CudaStatus.driver("cuGraphExecKernelNodeSetParams(" + launch + ")",
                JCudaDriver.cuGraphExecKernelNodeSetParams(graph.exec(), graph.nodes()[index], params(launch)));
    }

    @Override
    public void launch(Built graph) {
        CudaStatus.driver("cuGraphLaunch", JCudaDriver.cuGraphLaunch(graph.exec(), stream.handle()));
    }

    /** Waits for the stream first: the executable may still be running. */
    @Override
    public void destroy(Built graph) {
        stream.synchronize();
        CudaStatus.driver("cuGraphExecDestroy", JCudaDriver.cuGraphExecDestroy(graph.exec()));
        CudaStatus.driver("cuGraphDestroy", JCudaDriver.cuGraphDestroy(graph.graph()));
    }
}
