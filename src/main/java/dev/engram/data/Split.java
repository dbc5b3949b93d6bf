package dev.engram.data;

/** Which part of a standard data set's distribution to read. */
public enum Split {
    TRAIN, TEST
}
