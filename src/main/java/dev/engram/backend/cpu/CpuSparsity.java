package dev.engram.backend.cpu;

import dev.engram.tensor.Tensor;

import static dev.engram.backend.cpu.CpuBackend.data;
import static dev.engram.backend.cpu.CpuBackend.offset;
import static dev.engram.backend.cpu.CpuBackend.size;

/**
 * The KL sparsity penalty of sparse autoencoders. A code [N, units...] is read as N rows of
 * {@code units} values; each unit's batch mean is summed over the rows in order, in double, by one
 * thread per block of units, so nothing depends on the thread count.
 */
final class CpuSparsity {
    /** The clamp of the batch means, which keeps the logs and the gradient finite for saturated units. */
    static final double MEAN_FLOOR = 1e-6;

    private final CpuThreads threads;
    private final CpuElementwise elementwise;

    CpuSparsity(CpuThreads threads, CpuElementwise elementwise) {
        this.threads = threads;
        this.elementwise = elementwise;
    }

    void forward(Tensor code, float rho, float scale, Tensor out) {
        double[] mean = unitMeans(code);
        double sum = elementwise.reduce(mean.length, (from, to) -> {
            double s = 0;
            for (int j = from; j < to; j++) {
                s += rho * Math.log(rho / mean[j]) + (1.0 - rho) * Math.log((1.0 - rho) / (1.0 - mean[j]));
            }
            return s;
        });
        data(out)[offset(out)] = (float) (scale * sum);
    }

    void backward(Tensor code, float rho, float scale, Tensor dcode) {
        double[] mean = unitMeans(code);
        int rows = code.shape().dim(0);
        int units = mean.length;
        double[] grad = new double[units];
        for (int j = 0; j < units; j++) {
            grad[j] = scale * ((1.0 - rho) / (1.0 - mean[j]) - rho / mean[j]) / rows;
        }
        float[] d = data(dcode);
        int dOff = offset(dcode);
        threads.forRange(size(dcode), CpuElementwise.GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                d[dOff + i] += (float) grad[i % units];
            }
        });
    }

    /** The clamped batch mean of every unit. */
    private double[] unitMeans(Tensor code) {
        float[] c = data(code);
        int co = offset(code);
        int rows = code.shape().dim(0);
        int units = size(code) / rows;
        double[] mean = new double[units];
        threads.forRange(units, Math.max(1, CpuElementwise.GRAIN / rows), (from, to) -> {
            for (int n = 0; n < rows; n++) {
                int row = co + n * units;
                for (int j = from; j < to; j++) {
                    mean[j] += c[row + j];
                }
            }
            for (int j = from; j < to; j++) {
                mean[j] = Math.min(Math.max(mean[j] / rows, MEAN_FLOOR), 1 - MEAN_FLOOR);
            }
        });
        return mean;
    }
}
