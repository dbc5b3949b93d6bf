package dev.engram.io;

import dev.engram.tensor.Shape;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors format (huggingface/safetensors), the checkpoint format:
 *
 * <pre>
 *   8 bytes   N, unsigned little-endian: the header's length
 *   N bytes   UTF-8 JSON: {"__metadata__": {string: string}, name: {"dtype": "F32", "shape": [...],
 *             "data_offsets": [begin, end]}, ...}, padded with spaces so that 8 + N is a multiple of 8
 *   rest      the tensors' bytes, little-endian, row-major; offsets are relative to the start of this
 *             section and the tensors tile it exactly, with no gaps or overlaps
 * </pre>
 *
 * Only F32 tensors are written and read for now. Tensors are laid out sorted by name, as the
 * reference implementation does for a single dtype, so the same contents give the same bytes.
 */
public final class SafeTensors {
    private static final String METADATA_KEY = "__metadata__";
    private static final String F32 = "F32";
    /** The reference implementation's limit; a larger length means the file is not safetensors. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    /** A checkpoint's contents: tensors in file order and the free-form string metadata. */
    public record Contents(Map<String, HostTensor> tensors, Map<String, String> metadata) {
    }

    private SafeTensors() {
    }

    /**
     * Writes the tensors and metadata to {@code file} atomically: on any failure the previous file,
     * if there was one, is left as it was.
     */
    public static void write(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) throws IOException {
        TreeMap<String, HostTensor> sorted = validated(file, tensors, metadata);
        byte[] header = header(sorted, metadata);
        AtomicFile.write(file, out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.writeLong(Long.reverseBytes(header.length));
            data.write(header);
            for (HostTensor t : sorted.values()) {
                LittleEndian.writeFloats(data, t.data());
            }
            data.flush();
        });
    }

    private static TreeMap<String, HostTensor> validated(Path file, Map<String, HostTensor> tensors, Map<String, String> metadata) {
        TreeMap<String, HostTensor> sorted = new TreeMap<>();
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            String name = e.getKey();
            if (name == null || name.isEmpty() || name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException(file + ": tensor name \"" + name + "\" is not allowed in safetensors");
            }
            if (e.getValue() == null) {
                throw new IllegalArgumentException(file + ": tensor \"" + name + "\" is null");
            }
            sorted.put(name, e.getValue());
        }
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new IllegalArgumentException(file + ": metadata entry " + e.getKey() + " = " + e.getValue()
                        + " has a null key or value");
            }
        }
        return sorted;
    }

    private static byte[] header(TreeMap<String, HostTensor> sorted, Map<String, String> metadata) {
        Map<String, Object> json = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            json.put(METADATA_KEY, new TreeMap<>(metadata));
        }
        long offset = 0;
        for (Map.Entry<String, HostTensor> e : sorted.entrySet()) {
            HostTensor t = e.getValue();
            long end = offset + 4L * t.data().length;
            List<Object> shape = new ArrayList<>();
            for (int d : t.shape().dims()) {
                shape.add(d);
            }
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", F32);
            info.put("shape", shape);
            info.put("data_offsets", List.of(offset, end));
            json.put(e.getKey(), info);
            offset = end;
        }
        byte[] text = Json.write(json).getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        System.arraycopy(text, 0, header, 0, text.length);
        for (int i = text.length; i < padded; i++) {
            header[i] = ' ';
        }
        return header;
    }

    /** Reads a whole safetensors file, refusing anything that does not follow the format exactly. */
    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new MalformedDataException(file + ": truncated safetensors file: " + size
                        + " bytes, too short for the 8-byte header length");
            }
            ByteBuffer lengthBytes = readExactly(file, ch, 0, 8).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength = lengthBytes.getLong();
            if (headerLength < 0 || headerLength > size - 8) {
                throw new MalformedDataException(file + ": header length " + Long.toUnsignedString(headerLength)
                        + " is larger than the " + (size - 8) + " bytes that follow it (truncated, or not a safetensors file)");
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw new MalformedDataException(file + ": header length " + headerLength + " exceeds the "
                        + MAX_HEADER_BYTES + "-byte limit of the format");
            }
            String headerText = StandardCharsets.UTF_8.decode(readExactly(file, ch, 8, (int) headerLength)).toString();
            Header header = parseHeader(file, headerText);
            long dataStart = 8 + headerLength;
            long dataSize = size - dataStart;
            checkLayout(file, header.entries, dataSize);
            Map<String, HostTensor> tensors = new LinkedHashMap<>();
            for (Entry e : header.entries) {
                ByteBuffer bytes = readExactly(file, ch, dataStart + e.begin, (int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
                float[] values = new float[(int) ((e.end - e.begin) / 4)];
                bytes.asFloatBuffer().get(values);
                tensors.put(e.name, new HostTensor(e.shape, values));
            }
            return new Contents(tensors, header.metadata);
        }
    }

    private record Entry(String name, Shape shape, long begin, long end) {
    }

    private record Header(List<Entry> entries, Map<String, String> metadata) {
    }

    private static Header parseHeader(Path file, String text) {
        if (!text.startsWith("{")) {
            throw new MalformedDataException(file + ": the header does not start with '{', so this is not a safetensors file");
        }
        Object parsed = Json.parse(text, file + " (safetensors header)");
        if (!(parsed instanceof Map<?, ?> root)) {
            throw new MalformedDataException(file + ": the header must be a JSON object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<?, ?> e : root.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA_KEY)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw new MalformedDataException(file + ": \"" + METADATA_KEY + "\" must be an object of strings");
                }
                for (Map.Entry<?, ?> kv : m.entrySet()) {
                    if (!(kv.getValue() instanceof String value)) {
                        throw new MalformedDataException(file + ": metadata \"" + kv.getKey() + "\" must be a string, found "
                                + Json.write(kv.getValue()));
                    }
                    metadata.put((String) kv.getKey(), value);
                }
            } else {
                entries.add(entry(file, name, e.getValue()));
            }
        }
        return new Header(entries, metadata);
    }

    private static Entry entry(Path file, String name, Object value) {
        String where = file + ": tensor \"" + name + "\"";
        if (!(value instanceof Map<?, ?> info)) {
            throw new MalformedDataException(where + " must be an object with dtype, shape and data_offsets");
        }
        for (Object key : info.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new MalformedDataException(where + " has an unknown field \"" + key + "\"");
            }
        }
        if (!(info.get("dtype") instanceof String dtype)) {
            throw new MalformedDataException(where + " has no dtype string");
        }
        if (!dtype.equals(F32)) {
            throw new MalformedDataException(where + " has dtype " + dtype + "; only F32 is supported for now");
        }
        List<Long> dims = longs(where, "shape", info.get("shape"));
        int[] shapeDims = new int[dims.size()];
        long numel = 1;
        for (int i = 0; i < shapeDims.length; i++) {
            if (dims.get(i) > Integer.MAX_VALUE) {
                throw new MalformedDataException(where + " has shape " + dims + " with a dimension too large");
            }
            shapeDims[i] = (int) (long) dims.get(i);
            numel *= shapeDims[i]; // cannot overflow: numel stays <= Integer.MAX_VALUE before each step
            if (numel > Integer.MAX_VALUE - 8) {
                throw new MalformedDataException(where + " has shape " + dims + ", more values than a Java array holds");
            }
        }
        List<Long> offsets = longs(where, "data_offsets", info.get("data_offsets"));
        if (offsets.size() != 2 || offsets.get(0) > offsets.get(1)) {
            throw new MalformedDataException(where + " has data_offsets " + offsets + "; expected [begin, end] with begin <= end");
        }
        long begin = offsets.get(0);
        long end = offsets.get(1);
        if (end - begin != numel * 4) {
            throw new MalformedDataException(where + " has shape " + dims + " (" + numel + " F32 values = " + numel * 4
                    + " bytes) but data_offsets " + offsets + " span " + (end - begin) + " bytes");
        }
        return new Entry(name, Shape.of(shapeDims), begin, end);
    }

    private static List<Long> longs(String where, String field, Object value) {
        if (!(value instanceof List<?> list)) {
            throw new MalformedDataException(where + " has no " + field + " array");
        }
        List<Long> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Long v) || v < 0) {
                throw new MalformedDataException(where + " has " + field + " " + Json.write(value)
                        + "; expected non-negative integers");
            }
            out.add(v);
        }
        return out;
    }

    /** The tensors must tile the data section exactly, as the reference implementation requires. */
    private static void checkLayout(Path file, List<Entry> entries, long dataSize) {
        List<Entry> byOffset = new ArrayList<>(entries);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        for (Entry e : byOffset) {
            if (e.end > dataSize) {
                throw new MalformedDataException(file + ": truncated: tensor \"" + e.name + "\" needs data bytes ["
                        + e.begin + ", " + e.end + ") but the data section holds only " + dataSize + " bytes");
            }
        }
        long expected = 0;
        String previous = null;
        for (Entry e : byOffset) {
            if (e.begin < expected) {
                throw new MalformedDataException(file + ": tensor \"" + e.name + "\" at data bytes [" + e.begin + ", " + e.end
                        + ") overlaps tensor \"" + previous + "\" which ends at " + expected);
            }
            if (e.begin > expected) {
                throw new MalformedDataException(file + ": tensor \"" + e.name + "\" starts at data byte " + e.begin
                        + ", leaving a gap after byte " + expected + (previous == null ? "" : " where tensor \"" + previous + "\" ends"));
            }
            expected = e.end;
            previous = e.name;
        }
        if (expected != dataSize) {
            throw new MalformedDataException(file + ": the data section holds " + dataSize + " bytes but the tensors cover "
                    + expected + "; " + (dataSize - expected) + " bytes are unaccounted for");
        }
    }

    private static ByteBuffer readExactly(Path file, FileChannel ch, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                throw new MalformedDataException(file + ": the file ended while reading " + length + " bytes at offset " + position);
            }
        }
        return buf.flip();
    }
}
