package dev.engram.data;

import dev.engram.io.MalformedDataException;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;

/** Byte-level helpers shared by the readers: gzip detection and reads that report truncation. */
final class DataStreams {
    private DataStreams() {
    }

    /**
     * Buffers the stream and, when it starts with the gzip magic bytes 1f 8b, decompresses it; the
     * file name is not trusted, since .gz files get renamed and plain files get .gz names.
     */
    static InputStream decompressing(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }

    /**
     * Fills {@code buf} or throws saying how many bytes of {@code what} were expected and found.
     * A gzip stream that is itself cut short fails inside the decompressor (EOFException or
     * ZipException); callers turn those into MalformedDataException with {@link #damagedGzip}.
     */
    static void readFully(InputStream in, byte[] buf, String source, String what) throws IOException {
        int n = in.readNBytes(buf, 0, buf.length);
        if (n < buf.length) {
            throw new MalformedDataException(source + ": truncated: expected " + buf.length + " bytes of " + what
                    + ", found " + n);
        }
    }

    /** Refuses bytes after the end of the data: a sign of a wrong header or a different file. */
    static void expectEnd(InputStream in, String source, String what) throws IOException {
        long extra = in.transferTo(OutputStream.nullOutputStream());
        if (extra > 0) {
            throw new MalformedDataException(source + ": " + extra + " unexpected bytes after the " + what
                    + " (the header's sizes do not match the file)");
        }
    }

    static MalformedDataException damagedGzip(String source, IOException cause) {
        return new MalformedDataException(source + ": damaged or truncated gzip data (" + cause.getMessage() + ")", cause);
    }
}
