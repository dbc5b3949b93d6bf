package dev.engram.io;

import dev.engram.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafeTensorsTest {
    @TempDir
    Path dir;

    @Test
    void writesTheBytesTheSpecificationDescribes() throws IOException {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("b", new HostTensor(Shape.of(2), new float[] {1f, -2f}));
        tensors.put("a", new HostTensor(Shape.of(1, 1), new float[] {0.5f}));
        Path file = dir.resolve("tiny.safetensors");
        SafeTensors.write(file, tensors, Map.of("format", "pt"));

        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertEquals(141, json.length());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(HexFormat.of().parseHex("9000000000000000")); // 144, little-endian u64
        expected.writeBytes((json + "   ").getBytes(StandardCharsets.US_ASCII)); // padded to a multiple of 8
        expected.writeBytes(HexFormat.of().parseHex("0000003f" + "0000803f" + "000000c0")); // 0.5 | 1.0, -2.0
        assertEquals(HexFormat.of().formatHex(expected.toByteArray()), HexFormat.of().formatHex(Files.readAllBytes(file)));
    }

    @Test
    void roundTripsBitExactlyWithMetadata() throws IOException {
        float[] special = {0f, -0f, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, Float.NEGATIVE_INFINITY,
            Float.POSITIVE_INFINITY, Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffa00000), 1f / 3, -1e-30f, 12345.678f};
        float[] big = new float[3 * 5 * 7 * 11];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) Math.sin(i * 0.37) * (i % 13);
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("encoder.0.weight", new HostTensor(Shape.of(3, 5, 7, 11), big));
        tensors.put("special", new HostTensor(Shape.of(3, 4), special));
        tensors.put("scalar", new HostTensor(Shape.of(), new float[] {42f}));
        tensors.put("empty", new HostTensor(Shape.of(0, 3), new float[0]));
        Map<String, String> metadata = Map.of("engram.model", "{\"kind\":\"conv-vae\"}", "epoch", "7", "note", "ünï \"q\"\n");
        Path file = dir.resolve("sub/dir/model.safetensors");
        SafeTensors.write(file, tensors, metadata);

        SafeTensors.Contents back = SafeTensors.read(file);
        assertEquals(metadata, back.metadata());
        assertEquals(List.of("empty", "encoder.0.weight", "scalar", "special"), List.copyOf(back.tensors().keySet()),
                "laid out in name order");
        for (Map.Entry<String, HostTensor> e : tensors.entrySet()) {
            HostTensor t = back.tensors().get(e.getKey());
            assertEquals(e.getValue().shape(), t.shape(), e.getKey());
            assertArrayEquals(rawBits(e.getValue().data()), rawBits(t.data()), e.getKey());
        }
        long headerLength = ByteBuffer.wrap(Files.readAllBytes(file), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLength) % 8, "data starts 8-byte aligned");
    }

    @Test
    void readsFilesFromOtherWritersInAnyKeyOrder() throws IOException {
        String header = "{\"w\":{\"data_offsets\":[8,16],\"dtype\":\"F32\",\"shape\":[2]}, \"v\" : {\"shape\":[1, 2],"
                + "\"dtype\":\"F32\",\"data_offsets\":[0,8]}}  ";
        Path file = write("foreign.safetensors", header, floats(1f, 2f, 3f, 4f));
        SafeTensors.Contents c = SafeTensors.read(file);
        assertEquals(List.of("w", "v"), List.copyOf(c.tensors().keySet()));
        assertArrayEquals(new float[] {3f, 4f}, c.tensors().get("w").data());
        assertArrayEquals(new float[] {1f, 2f}, c.tensors().get("v").data());
        assertEquals(Shape.of(1, 2), c.tensors().get("v").shape());
        assertEquals(Map.of(), c.metadata());
    }

    @Test
    void refusesAFileTruncatedByOneByte() throws IOException {
        Path file = dir.resolve("m.safetensors");
        SafeTensors.write(file, Map.of("weight", new HostTensor(Shape.of(2, 3), new float[6])), Map.of());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));
        assertRefused(file, "truncated", "\"weight\"", "[0, 24)", "holds only 23 bytes");
    }

    @Test
    void refusesCorruptHeadersNamingTheFileAndTensor() throws IOException {
        String f32 = "\"dtype\":\"F32\"";
        assertRefused(write("empty", "", new byte[0]), "does not start with '{'");
        Files.write(dir.resolve("tiny"), new byte[] {1, 2, 3});
        assertRefused(dir.resolve("tiny"), "3 bytes, too short");
        Path huge = dir.resolve("huge");
        Files.write(huge, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        assertRefused(huge, "header length 1000 is larger than the 8 bytes that follow");
        assertRefused(write("json", "{\"a\": {" + f32 + ",}}", new byte[0]), "invalid JSON", "line 1, column 22");
        assertRefused(write("notobj", "[1]", new byte[0]), "does not start with '{'");
        assertRefused(write("dtype", "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]),
                "tensor \"h\" has dtype F16", "only F32");
        assertRefused(write("shape", "{\"x\":{" + f32 + ",\"shape\":[2,2],\"data_offsets\":[0,12]}}", new byte[12]),
                "tensor \"x\" has shape [2, 2] (4 F32 values = 16 bytes) but data_offsets [0, 12] span 12 bytes");
        assertRefused(write("overlap", "{\"x\":{" + f32 + ",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"y\":{" + f32 + ",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]),
                "tensor \"y\" at data bytes [4, 12) overlaps tensor \"x\" which ends at 8");
        assertRefused(write("gap", "{\"x\":{" + f32 + ",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8]),
                "tensor \"x\" starts at data byte 4, leaving a gap");
        assertRefused(write("range", "{\"x\":{" + f32 + ",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[4]),
                "tensor \"x\" needs data bytes [0, 8)", "holds only 4 bytes");
        assertRefused(write("extra", "{\"x\":{" + f32 + ",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[8]),
                "holds 8 bytes but the tensors cover 4");
        assertRefused(write("backwards", "{\"x\":{" + f32 + ",\"shape\":[0],\"data_offsets\":[4,0]}}", new byte[4]),
                "tensor \"x\" has data_offsets [4, 0]");
        assertRefused(write("negative", "{\"x\":{" + f32 + ",\"shape\":[-1],\"data_offsets\":[0,0]}}", new byte[0]),
                "tensor \"x\" has shape [-1]; expected non-negative integers");
        assertRefused(write("meta", "{\"__metadata__\":{\"epoch\":3}}", new byte[0]), "metadata \"epoch\" must be a string");
        assertRefused(write("field", "{\"x\":{" + f32 + ",\"shape\":[0],\"data_offsets\":[0,0],\"extra\":1}}", new byte[0]),
                "tensor \"x\" has an unknown field \"extra\"");
    }

    @Test
    void aRefusedWriteLeavesThePreviousFileIntact() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        SafeTensors.write(file, Map.of("w", new HostTensor(Shape.of(2), new float[] {1f, 2f})), Map.of("epoch", "1"));
        byte[] before = Files.readAllBytes(file);
        Map<String, HostTensor> bad = new LinkedHashMap<>();
        bad.put("w", new HostTensor(Shape.of(2), new float[] {3f, 4f}));
        bad.put("__metadata__", new HostTensor(Shape.of(1), new float[1]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.write(file, bad, Map.of()));
        assertTrue(e.getMessage().contains("\"__metadata__\" is not allowed"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
        assertEquals(Map.of("epoch", "1"), SafeTensors.read(file).metadata());
    }

    private Path write(String name, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path file = dir.resolve(name);
        Files.write(file, b.array());
        return file;
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static int[] rawBits(float[] v) {
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = Float.floatToRawIntBits(v[i]);
        }
        return bits;
    }

    private static void assertRefused(Path file, String... parts) {
        MalformedDataException e = assertThrows(MalformedDataException.class, () -> SafeTensors.read(file));
        String m = e.getMessage();
        assertTrue(m.startsWith(file.toString()), m);
        for (String part : parts) {
            assertTrue(m.contains(part), "'" + part + "' missing from: " + m);
        }
    }
}
