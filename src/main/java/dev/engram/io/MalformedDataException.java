package dev.engram.io;

/**
 * Bytes that do not follow the format they claim to be in: a corrupt, truncated or foreign file,
 * or malformed JSON. Every reader in dev.engram.data and dev.engram.io refuses bad content with
 * this one exception; its message names the file (or other source) and says what was expected and
 * what was found. It is an IllegalArgumentException because the data is the caller's input, so
 * the command line reports it as a message like any other bad argument, never as a stack trace.
 */
public final class MalformedDataException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public MalformedDataException(String message) {
        super(message);
    }

    public MalformedDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
