package dev.engram.data;

import dev.engram.io.MalformedDataException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads NumPy .npy files, versions 1.0 and 2.0: the magic "\x93NUMPY", the version, the header
 * length (2 bytes in 1.0, 4 in 2.0, little-endian), a Python dict literal
 * {'descr': ..., 'fortran_order': ..., 'shape': (...)}, then the data. Dtypes &lt;f4, &lt;f8, |u1,
 * &lt;i4 and &lt;i8 in C order; Fortran order, big-endian and other dtypes are refused.
 */
public final class NpyReader {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Map<String, Integer> ITEM_SIZES = Map.of("<f4", 4, "<f8", 8, "|u1", 1, "<i4", 4, "<i8", 8);
    private static final String SUPPORTED = "<f4, <f8, |u1, <i4, <i8";

    private NpyReader() {
    }

    public static NpyArray read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * An image set from an images .npy and an optional labels .npy. Images are [N, H, W] (grey),
     * [N, C, H, W] with C = 1 or 3, or [N, H, W, C] with C = 1 or 3 (then transposed to NCHW);
     * |u1 pixels are scaled from 0..255, float pixels must already be in [0, 1]. Labels are a 1-D
     * integer array with one non-negative label per image.
     */
    public static ImageSet readImages(Path images, Path labels) throws IOException {
        NpyArray a = read(images);
        int[] s = a.shape();
        int n;
        int c;
        int h;
        int w;
        boolean channelsLast;
        if (s.length == 3) {
            n = s[0]; c = 1; h = s[1]; w = s[2]; channelsLast = false;
        } else if (s.length == 4 && (s[1] == 1 || s[1] == 3)) {
            n = s[0]; c = s[1]; h = s[2]; w = s[3]; channelsLast = false;
        } else if (s.length == 4 && (s[3] == 1 || s[3] == 3)) {
            n = s[0]; h = s[1]; w = s[2]; c = s[3]; channelsLast = true;
        } else {
            throw new MalformedDataException(images + ": image array shape " + Arrays.toString(s)
                    + " is not [N, H, W], [N, C, H, W] or [N, H, W, C] with C = 1 or 3");
        }
        if (a.size() == 0) {
            throw new MalformedDataException(images + ": image array shape " + Arrays.toString(s) + " holds no pixels");
        }
        float[] values = a.toFloatArray();
        if (a.dtype().equals("|u1")) {
            for (int i = 0; i < values.length; i++) {
                values[i] /= 255f;
            }
        } else if (a.isInteger()) {
            throw new MalformedDataException(images + ": integer images must be |u1 (0..255), found " + a.dtype());
        } else {
            for (int i = 0; i < values.length; i++) {
                if (!(values[i] >= 0f && values[i] <= 1f)) {
                    throw new MalformedDataException(images + ": float pixel " + i + " = " + values[i]
                            + " is outside [0, 1]; scale float images to [0, 1] (or save them as uint8)");
                }
            }
        }
        if (channelsLast) {
            values = toChannelsFirst(values, n, h, w, c);
        }
        int[] labelValues = null;
        if (labels != null) {
            NpyArray l = read(labels);
            if (l.shape().length != 1 || l.size() != n) {
                throw new MalformedDataException(labels + ": labels shape " + Arrays.toString(l.shape()) + " must be [" + n
                        + "], one per image of " + images);
            }
            if (!l.isInteger()) {
                throw new MalformedDataException(labels + ": labels must have an integer dtype, found " + l.dtype());
            }
            labelValues = l.toIntArray();
            for (int i = 0; i < n; i++) {
                if (labelValues[i] < 0) {
                    throw new MalformedDataException(labels + ": label " + labelValues[i] + " of image " + i + " is negative");
                }
            }
        }
        return new ImageSet(images.toString(), c, h, w, values, labelValues, List.of());
    }

    private static float[] toChannelsFirst(float[] nhwc, int n, int h, int w, int c) {
        float[] out = new float[nhwc.length];
        int plane = h * w;
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < plane; p++) {
                for (int ch = 0; ch < c; ch++) {
                    out[(i * c + ch) * plane + p] = nhwc[(i * plane + p) * c + ch];
                }
            }
        }
        return out;
    }

    static NpyArray read(InputStream in, String source) throws IOException {
        byte[] prefix = new byte[8];
        DataStreams.readFully(in, prefix, source, ".npy magic and version");
        if (!Arrays.equals(Arrays.copyOf(prefix, 6), MAGIC)) {
            throw new MalformedDataException(source + ": not a .npy file: it does not start with the magic \\x93NUMPY");
        }
        int major = prefix[6] & 0xff;
        int minor = prefix[7] & 0xff;
        if ((major != 1 && major != 2) || minor != 0) {
            throw new MalformedDataException(source + ": .npy version " + major + "." + minor + " is not supported (1.0 and 2.0 are)");
        }
        byte[] lengthBytes = new byte[major == 1 ? 2 : 4];
        DataStreams.readFully(in, lengthBytes, source, ".npy header length");
        long headerLength = 0;
        for (int i = lengthBytes.length - 1; i >= 0; i--) {
            headerLength = headerLength << 8 | (lengthBytes[i] & 0xff);
        }
        if (headerLength > 1 << 20) {
            throw new MalformedDataException(source + ": .npy header length " + headerLength + " is implausibly large");
        }
        byte[] headerBytes = new byte[(int) headerLength];
        DataStreams.readFully(in, headerBytes, source, ".npy header");
        Header header = parseHeader(new String(headerBytes, StandardCharsets.ISO_8859_1), source);
        int itemSize = ITEM_SIZES.get(header.dtype);
        long bytes = itemSize;
        for (int d : header.shape) {
            bytes *= d; // no overflow: checked against the limit after each step, and d < 2^31
            if (bytes > Integer.MAX_VALUE - 8) {
                throw new MalformedDataException(source + ": shape " + Arrays.toString(header.shape) + " of " + header.dtype
                        + " is larger than 2 GB, more than engram reads into memory at once");
            }
        }
        byte[] data = new byte[(int) bytes];
        DataStreams.readFully(in, data, source, "data for shape " + Arrays.toString(header.shape) + " of " + header.dtype);
        DataStreams.expectEnd(in, source, "data for shape " + Arrays.toString(header.shape));
        return new NpyArray(header.dtype, header.shape, ByteBuffer.wrap(data));
    }

    private record Header(String dtype, int[] shape) {
    }

    private static Header parseHeader(String text, String source) {
        Map<String, Object> dict = new DictParser(text, source).dict();
        if (!dict.keySet().equals(java.util.Set.of("descr", "fortran_order", "shape"))) {
            throw new MalformedDataException(source + ": .npy header keys " + dict.keySet()
                    + " must be exactly descr, fortran_order and shape");
        }
        if (!(dict.get("descr") instanceof String dtype)) {
            throw new MalformedDataException(source + ": structured dtype " + dict.get("descr") + " is not supported; supported: "
                    + SUPPORTED);
        }
        if (!ITEM_SIZES.containsKey(dtype)) {
            if (dtype.startsWith(">")) {
                throw new MalformedDataException(source + ": big-endian dtype " + dtype
                        + " is not supported; save it little-endian (arr.astype('<" + dtype.substring(1) + "'))");
            }
            throw new MalformedDataException(source + ": dtype '" + dtype + "' is not supported; supported: " + SUPPORTED);
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new MalformedDataException(source + ": fortran_order must be True or False, found " + dict.get("fortran_order"));
        }
        if (fortran) {
            throw new MalformedDataException(source + ": Fortran-order arrays are not supported; save with "
                    + "np.ascontiguousarray(arr) for C order");
        }
        if (!(dict.get("shape") instanceof int[] shape)) {
            throw new MalformedDataException(source + ": shape must be a tuple of integers, found " + dict.get("shape"));
        }
        return new Header(dtype, shape);
    }

    /** The subset of Python literals a .npy header uses: a dict of strings, booleans and int tuples. */
    private static final class DictParser {
        private final String text;
        private final String source;
        private int pos;

        DictParser(String text, String source) {
            this.text = text;
            this.source = source;
        }

        Map<String, Object> dict() {
            Map<String, Object> map = new HashMap<>();
            skip();
            expect('{');
            while (true) {
                skip();
                if (peek() == '}') {
                    pos++;
                    break;
                }
                String key = string();
                skip();
                expect(':');
                skip();
                map.put(key, value());
                skip();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
            skip();
            if (pos != text.length()) {
                throw error("unexpected text after the header dict");
            }
            return map;
        }

        private Object value() {
            char c = peek();
            if (c == '\'' || c == '"') {
                return string();
            }
            if (c == '(') {
                return tuple();
            }
            if (text.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            if (c == '[') { // a structured dtype: a list of fields; kept as text only to be named in the refusal
                int end = text.indexOf(']', pos);
                String list = text.substring(pos, end < 0 ? text.length() : end + 1);
                pos += list.length();
                return List.of(list);
            }
            throw error("unsupported value");
        }

        private int[] tuple() {
            expect('(');
            List<Integer> dims = new ArrayList<>();
            while (true) {
                skip();
                if (peek() == ')') {
                    pos++;
                    break;
                }
                int start = pos;
                while (Character.isDigit(peek())) {
                    pos++;
                }
                if (start == pos) {
                    throw error("expected a non-negative integer in the shape");
                }
                try {
                    dims.add(Integer.parseInt(text.substring(start, pos)));
                } catch (NumberFormatException e) {
                    throw error("shape dimension " + text.substring(start, pos) + " is too large");
                }
                if (peek() == 'L') { // written by Python 2 NumPy
                    pos++;
                }
                skip();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != ')') {
                    throw error("expected ',' or ')' in the shape");
                }
            }
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }

        private String string() {
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw error("expected a quoted string");
            }
            int end = text.indexOf(quote, pos + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String s = text.substring(pos + 1, end);
            pos = end + 1;
            return s;
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private void skip() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private MalformedDataException error(String problem) {
            return new MalformedDataException(source + ": invalid .npy header at character " + pos + ": " + problem
                    + " in " + text.strip());
        }
    }
}
