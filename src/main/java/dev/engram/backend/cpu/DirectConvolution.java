package dev.engram.backend.cpu;

import dev.engram.backend.ConvGeometry;

import java.util.Arrays;

/**
 * Direct convolution for the passes whose tile lanes hold at least {@value #MIN_CHANNELS} channels:
 * the images are copied once to a channels-last layout with zero margins, and each register tile
 * reads its window taps in place, where the im2col path writes a column matrix r*s times the
 * input's size and packs it again for the GEMM. On conv-vae's 32 <-> 64 layers the column matrix,
 * its packing and col2im took about 40% of a training step (bench/NOTES.md). The lanes of forward
 * are output channels, those of backward-data input channels, those of the filter gradient input
 * channels or, for an input with few (an image's 1 or 3), output channels.
 *
 * <p>Layouts, for the padded input side (x or dx) of {@code n} images: pixel (y, x) of image i,
 * channel c, at ((i * rows + y) * cols + x) * cs + c, where the image sits at row padH,
 * column padW, and cs is the channel count, rounded up to the tile width where the channels are
 * lanes (extra channels hold anything: no result reads them). Output side (y or dy) as pixel rows:
 * output pixel j of the whole batch (image-major) at j * ks, ks its channel count (rounded up for
 * y). Window tap t = (kr, ks) of output pixel (oh, ow) of image i reads base(i, oh, ow) +
 * tapOffset(t), so a tile's six rows are six base offsets.
 *
 * <p>Sums run in an order fixed by the geometry: forward sums each output over (tap, channel);
 * backward-data adds tap after tap of blocks of six consecutive output pixels of the batch (the
 * blocks are the same whatever the thread split); the filter gradient sums chunks of
 * {@value #CHUNK} pixels in order. So results are the same bits on any thread count.
 */
final class DirectConvolution {
    /** Fewer channels than this in a tile's lanes leaves most of them idle. */
    static final int MIN_CHANNELS = 16;
    /** Pixels per chunk of the filter gradient: a chunk's dy rows and input windows stay in L2. */
    private static final int CHUNK = 256;
    private static final int ROWS = DirectConvKernel.ROWS;

    private final CpuThreads threads;
    private final DirectConvKernel kernel;
    private final int width;
    /** The padded channels-last input or input gradient. */
    private final Scratch padded = new Scratch();
    /** The output or output gradient as pixel rows. */
    private final Scratch pixelRows = new Scratch();
    /** Packed weights, or the filter gradient's sums: [tap, k, cs], or [tap, c, kp] for a thin input. */
    private final Scratch weights = new Scratch();
    private int[] pixelBases = new int[0];

    DirectConvolution(CpuThreads threads, DirectConvKernel kernel) {
        this.threads = threads;
        this.kernel = kernel;
        this.width = kernel.width();
    }

    /** Whether the forward pass suits: its lanes are output channels. */
    static boolean suitsForward(ConvGeometry g) {
        return g.k() >= MIN_CHANNELS;
    }

    /** Whether backward-data suits: its lanes are input channels. */
    static boolean suitsBackwardData(ConvGeometry g) {
        return g.c() >= MIN_CHANNELS;
    }

    /** Whether the filter gradient suits: its lanes are input channels, or output channels where the input has few. */
    static boolean suitsBackwardFilter(ConvGeometry g) {
        return suitsForward(g) || suitsBackwardData(g);
    }

    /** y = conv(x, W): tiles of six output pixels by one panel of width output channels. */
    void forward(ConvGeometry g, float[] x, int xOff, float[] w, int wOff, float[] y, int yOff) {
        Frame f = new Frame(g, width, false);
        float[] xs = padded.get(f.paddedSize());
        toPadded(f, x, xOff, xs);
        int kp = roundUp(g.k(), width);
        float[] packed = weights.get(kp * f.taps * g.c());
        // packed[((panel * taps + tap) * c + ci) * width + l] = W[panel * width + l, ci, tap]
        packPanels(w, wOff, g.k(), g.c(), f.taps, packed, false);
        float[] rows = pixelRows.get(f.pixels * kp + spareSize());
        int[] bases = bases(f);
        int[] terms = f.termOffsets();
        int[] panelSteps = multiples(terms.length, width);
        int blocks = ceilDiv(f.pixels, ROWS);
        threads.forChunks(blocks, 1, (chunk, from, to) -> {
            int[] aBase = new int[ROWS];
            int[] outBase = new int[ROWS];
            int spare = f.pixels * kp + chunk * ROWS * width;
            for (int block = from; block < to; block++) {
                int first = block * ROWS;
                int count = Math.min(ROWS, f.pixels - first);
                for (int i = 0; i < ROWS; i++) {
                    aBase[i] = bases[first + Math.min(i, count - 1)];
                }
                for (int panel = 0; panel < kp / width; panel++) {
                    for (int i = 0; i < ROWS; i++) {
                        outBase[i] = i < count ? (first + i) * kp + panel * width : spare + i * width;
                    }
                    kernel.multiply(xs, aBase, terms, packed, panel * terms.length * width, panelSteps,
                            0, terms.length, rows, outBase, false);
                }
            }
        });
        int pq = f.pq;
        threads.forRange(g.n(), 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                transpose(rows, i * pq * kp, 1, kp, y, yOff + i * g.k() * pq, pq, 1, g.k(), pq);
            }
        });
    }

    /**
     * dx = conv^T(dy, W), assigned: for each block of six output pixels and panel of input
     * channels, tap by tap, the block's dy rows times W's tap, added at the pixels the tap read.
     * Threads take whole images (so no two write one pixel); a block that straddles two threads'
     * images is computed by both, each storing its own rows.
     */
    void backwardData(ConvGeometry g, float[] dy, int dyOff, float[] w, int wOff, float[] dx, int dxOff) {
        Frame f = new Frame(g, width, true);
        float[] rows = pixelRows.get(f.pixels * g.k());
        toPixelRows(f, dy, dyOff, rows);
        float[] packed = weights.get(f.cs * f.taps * g.k());
        // packed[((panel * taps + tap) * k + ki) * width + l] = W[ki, panel * width + l, tap]
        packPanels(w, wOff, g.k(), g.c(), f.taps, packed, true);
        float[] xs = padded.get(f.paddedSize() + spareSize());
        int[] bases = bases(f);
        int[] taps = f.tapOffsets();
        int[] channels = multiples(g.k(), 1);
        int[] panelSteps = multiples(g.k(), width);
        int pq = f.pq;
        threads.forChunks(g.n(), 1, (chunk, from, to) -> {
            Arrays.fill(xs, from * f.imageSize, to * f.imageSize, 0f);
            int[] aBase = new int[ROWS];
            int[] window = new int[ROWS];
            int[] outBase = new int[ROWS];
            int spare = f.paddedSize() + chunk * ROWS * width;
            int lo = from * pq;
            int hi = to * pq;
            for (int block = lo / ROWS; block * ROWS < hi; block++) {
                int first = block * ROWS;
                int count = Math.min(ROWS, f.pixels - first);
                for (int i = 0; i < ROWS; i++) {
                    int pixel = first + Math.min(i, count - 1);
                    aBase[i] = pixel * g.k();
                    // Rows of another thread's images, or past the batch, go to this thread's spare area.
                    window[i] = lo <= first + i && first + i < hi ? bases[pixel] : -1;
                }
                for (int panel = 0; panel < f.cs / width; panel++) {
                    for (int tap = 0; tap < f.taps; tap++) {
                        for (int i = 0; i < ROWS; i++) {
                            outBase[i] = window[i] < 0 ? spare + i * width : window[i] + taps[tap] + panel * width;
                        }
                        kernel.multiply(rows, aBase, channels, packed, (panel * f.taps + tap) * g.k() * width,
                                panelSteps, 0, g.k(), xs, outBase, true);
                    }
                }
            }
            fromPadded(f, xs, dx, dxOff, from, to);
        });
    }

    /**
     * dw += the filter gradient: tiles of six output channels by one panel of input channels for
     * one tap, each summing its products over a chunk of pixels, chunk after chunk.
     */
    void backwardFilter(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw, int dwOff) {
        if (!suitsBackwardData(g)) {
            backwardFilterByOutputChannel(g, x, xOff, dy, dyOff, dw, dwOff);
            return;
        }
        Frame f = new Frame(g, width, true);
        float[] xs = padded.get(f.paddedSize());
        toPadded(f, x, xOff, xs);
        // Rows past the last channel read into the next pixel (or these ROWS extra floats) and are dropped.
        float[] rows = pixelRows.get(f.pixels * g.k() + ROWS);
        toPixelRows(f, dy, dyOff, rows);
        float[] sums = weights.get(f.taps * g.k() * f.cs + spareSize());
        int[] bases = bases(f);
        int[] taps = f.tapOffsets();
        int[] rowStarts = multiples(f.pixels, g.k());
        int kBlocks = ceilDiv(g.k(), ROWS);
        int panels = f.cs / width;
        threads.forChunks((long) f.taps * kBlocks * panels, 1, (thread, from, to) -> {
            int[] aBase = new int[ROWS];
            int[] outBase = new int[ROWS];
            int spare = f.taps * g.k() * f.cs + thread * ROWS * width;
            for (int chunk = 0; chunk * CHUNK < f.pixels; chunk++) {
                int first = chunk * CHUNK;
                int last = Math.min(f.pixels, first + CHUNK);
                for (int tile = from; tile < to; tile++) {
                    int panel = tile % panels;
                    int k0 = tile / panels % kBlocks * ROWS;
                    int tap = tile / panels / kBlocks;
                    for (int i = 0; i < ROWS; i++) {
                        aBase[i] = k0 + i;
                        outBase[i] = k0 + i < g.k() ? (tap * g.k() + k0 + i) * f.cs + panel * width : spare + i * width;
                    }
                    kernel.multiply(rows, aBase, rowStarts, xs, taps[tap] + panel * width, bases, first, last,
                            sums, outBase, chunk > 0);
                }
            }
        });
        addSums(g, sums, g.k() * f.cs, f.cs, 1, dw, dwOff);
    }

    /**
     * dw += the filter gradient for inputs with few channels (an image's 1 or 3): tiles of six
     * (tap, input channel) terms by one panel of output channels, each summing over a chunk of
     * pixels the input's value at that term of the pixel's window times the pixel's dy row, chunk
     * after chunk. The lanes hold output channels, so a 3-channel input does not leave 13 of 16 idle.
     */
    private void backwardFilterByOutputChannel(ConvGeometry g, float[] x, int xOff, float[] dy, int dyOff, float[] dw,
                                               int dwOff) {
        Frame f = new Frame(g, width, false);
        float[] xs = padded.get(f.paddedSize());
        toPadded(f, x, xOff, xs);
        // Lanes past the last output channel read into the next pixel (or these extra floats) and are dropped.
        float[] rows = pixelRows.get(f.pixels * g.k() + width);
        toPixelRows(f, dy, dyOff, rows);
        int terms = f.taps * g.c();
        int kp = roundUp(g.k(), width);
        float[] sums = weights.get(terms * kp + spareSize());
        int[] bases = bases(f);
        int[] termOffsets = f.termOffsets();
        int[] rowStarts = multiples(f.pixels, g.k());
        int termBlocks = ceilDiv(terms, ROWS);
        int panels = kp / width;
        threads.forChunks((long) termBlocks * panels, 1, (thread, from, to) -> {
            int[] aBase = new int[ROWS];
            int[] outBase = new int[ROWS];
            int spare = terms * kp + thread * ROWS * width;
            for (int chunk = 0; chunk * CHUNK < f.pixels; chunk++) {
                int first = chunk * CHUNK;
                int last = Math.min(f.pixels, first + CHUNK);
                for (int tile = from; tile < to; tile++) {
                    int panel = tile % panels;
                    int t0 = tile / panels * ROWS;
                    for (int i = 0; i < ROWS; i++) {
                        aBase[i] = termOffsets[Math.min(t0 + i, terms - 1)];
                        outBase[i] = t0 + i < terms ? (t0 + i) * kp + panel * width : spare + i * width;
                    }
                    kernel.multiply(xs, aBase, bases, rows, panel * width, rowStarts, first, last, sums, outBase,
                            chunk > 0);
                }
            }
        });
        addSums(g, sums, g.c() * kp, 1, kp, dw, dwOff);
    }

    /** dw [k, c, taps] += the tiles' sums, the sum for (tap, k, ci) at tap * perTap + k * perK + ci * perC. */
    private void addSums(ConvGeometry g, float[] sums, int perTap, int perK, int perC, float[] dw, int dwOff) {
        int c = g.c();
        int taps = g.r() * g.s();
        threads.forRange(g.k(), 1, (from, to) -> {
            for (int k = from; k < to; k++) {
                for (int ci = 0; ci < c; ci++) {
                    int at = dwOff + (k * c + ci) * taps;
                    for (int tap = 0; tap < taps; tap++) {
                        dw[at + tap] += sums[tap * perTap + k * perK + ci * perC];
                    }
                }
            }
        });
    }

    /**
     * Packs W [k, c, taps] into panels of {@code width} lanes: of output channels, each holding for
     * every tap and input channel the lanes' weights; or, {@code byInput}, of input channels, each
     * holding for every tap and output channel the lanes' weights. Lanes past the end are zero.
     */
    private void packPanels(float[] w, int wOff, int k, int c, int taps, float[] packed, boolean byInput) {
        int lanes = byInput ? c : k;
        int inner = byInput ? k : c;
        int panels = ceilDiv(lanes, width);
        threads.forRange(panels, 1, (from, to) -> {
            for (int panel = from; panel < to; panel++) {
                for (int tap = 0; tap < taps; tap++) {
                    for (int v = 0; v < inner; v++) {
                        int at = ((panel * taps + tap) * inner + v) * width;
                        for (int l = 0; l < width; l++) {
                            int lane = panel * width + l;
                            int ki = byInput ? v : lane;
                            int ci = byInput ? lane : v;
                            packed[at + l] = lane < lanes ? w[wOff + (ki * c + ci) * taps + tap] : 0f;
                        }
                    }
                }
            }
        });
    }

    /** Floats at the end of an output array where the threads' tiles put the rows nobody wants. */
    private int spareSize() {
        return threads.count() * ROWS * width;
    }

    /** Where each output pixel's window starts in the padded input, pixel-major over the batch. */
    private int[] bases(Frame f) {
        if (pixelBases.length < f.pixels) {
            pixelBases = new int[f.pixels];
        }
        int[] bases = pixelBases;
        ConvGeometry g = f.g;
        for (int j = 0; j < f.pixels; j++) {
            int image = j / f.pq;
            int oh = j % f.pq / g.q();
            int ow = j % g.q();
            bases[j] = image * f.imageSize + (oh * g.strideH() * f.cols + ow * g.strideW()) * f.cs;
        }
        return bases;
    }

    /**
     * x [n, c, h, w] into the padded channels-last layout with zero margins: the rows above and
     * below the image and each row's ends. Extra channels keep whatever they held: the forward
     * pass never reads them and the filter gradient's lanes for them are never copied to dw.
     */
    private void toPadded(Frame f, float[] x, int xOff, float[] xs) {
        ConvGeometry g = f.g;
        int plane = g.h() * g.w();
        int rowSize = f.cols * f.cs;
        threads.forRange(g.n(), 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                int image = i * f.imageSize;
                Arrays.fill(xs, image, image + g.padH() * rowSize, 0f);
                Arrays.fill(xs, image + (g.padH() + g.h()) * rowSize, image + f.imageSize, 0f);
                for (int y = 0; y < g.h(); y++) {
                    int row = image + (g.padH() + y) * rowSize;
                    int inside = f.pixel(i, y, 0);
                    int after = f.pixel(i, y, g.w());
                    Arrays.fill(xs, row, inside, 0f);
                    Arrays.fill(xs, after, row + rowSize, 0f);
                    transpose(x, xOff + i * g.c() * plane + y * g.w(), plane, 1, xs, inside, 1, f.cs, g.c(), g.w());
                }
            }
        });
    }

    /** Images [from, to) of the padded layout back to dx [n, c, h, w]. */
    private static void fromPadded(Frame f, float[] xs, float[] dx, int dxOff, int from, int to) {
        ConvGeometry g = f.g;
        int plane = g.h() * g.w();
        for (int i = from; i < to; i++) {
            for (int y = 0; y < g.h(); y++) {
                transpose(xs, f.pixel(i, y, 0), 1, f.cs, dx, dxOff + i * g.c() * plane + y * g.w(), plane, 1,
                        g.c(), g.w());
            }
        }
    }

    /** dy [n, k, p, q] as pixel rows of k channels. */
    private void toPixelRows(Frame f, float[] dy, int dyOff, float[] rows) {
        int k = f.g.k();
        int pq = f.pq;
        threads.forRange(f.g.n(), 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                transpose(dy, dyOff + i * k * pq, pq, 1, rows, i * pq * k, 1, k, k, pq);
            }
        });
    }

    /**
     * dst[d + a * da + b * db] = src[s + a * sa + b * sb] for a < na, b < nb, with the longer of the
     * two runs innermost: image rows are short (14 pixels) next to their channel runs (32+).
     */
    private static void transpose(float[] src, int s, int sa, int sb, float[] dst, int d, int da, int db,
                                  int na, int nb) {
        if (na > nb) {
            transpose(src, s, sb, sa, dst, d, db, da, nb, na);
            return;
        }
        for (int a = 0; a < na; a++) {
            for (int b = 0; b < nb; b++) {
                dst[d + a * da + b * db] = src[s + a * sa + b * sb];
            }
        }
    }

    /** {0, step, 2 step, ...}: count offsets of consecutive rows or panel steps. */
    private static int[] multiples(int count, int step) {
        int[] offsets = new int[count];
        Arrays.setAll(offsets, i -> i * step);
        return offsets;
    }

    private static int ceilDiv(int x, int y) {
        return (x + y - 1) / y;
    }

    private static int roundUp(int x, int multiple) {
        return ceilDiv(x, multiple) * multiple;
    }

    /** The padded layout of a geometry's input side, and its pixel counts. */
    private static final class Frame {
        final ConvGeometry g;
        final int taps;
        final int pq;
        final int pixels;
        final int rows;
        final int cols;
        final int cs;
        final int imageSize;

        /** {@code channelLanes}: the input's channels are a tile's lanes, so rounded up to the tile's width. */
        Frame(ConvGeometry g, int width, boolean channelLanes) {
            this.g = g;
            taps = g.r() * g.s();
            pq = g.p() * g.q();
            pixels = g.n() * pq;
            // Tall and wide enough for the image at (padH, padW) and for every window's reach.
            rows = Math.max(g.padH() + g.h(), (g.p() - 1) * g.strideH() + (g.r() - 1) * g.dilationH() + 1);
            cols = Math.max(g.padW() + g.w(), (g.q() - 1) * g.strideW() + (g.s() - 1) * g.dilationW() + 1);
            cs = channelLanes ? roundUp(g.c(), width) : g.c();
            imageSize = rows * cols * cs;
        }

        int paddedSize() {
            return g.n() * imageSize;
        }

        /** Offset of input pixel (y, x) of image i (unpadded coordinates). */
        int pixel(int i, int y, int x) {
            return i * imageSize + ((g.padH() + y) * cols + g.padW() + x) * cs;
        }

        /** Where window tap (kr, ks) sits from a window's start, for tap kr * s + ks. */
        int[] tapOffsets() {
            int[] offsets = new int[taps];
            for (int kr = 0; kr < g.r(); kr++) {
                for (int ks = 0; ks < g.s(); ks++) {
                    offsets[kr * g.s() + ks] = (kr * g.dilationH() * cols + ks * g.dilationW()) * cs;
                }
            }
            return offsets;
        }

        /** Where each term (tap, input channel) of a window sits from its start, in that order. */
        int[] termOffsets() {
            int[] tapOffsets = tapOffsets();
            int[] offsets = new int[taps * g.c()];
            Arrays.setAll(offsets, t -> tapOffsets[t / g.c()] + t % g.c());
            return offsets;
        }
    }
}
