package dev.engram.backend;

/**
 * Interpolation of 2-D upsampling, with PyTorch's definitions for an output size given:
 * NEAREST picks src = floor(dst * in / out); BILINEAR uses align_corners=False,
 * src = (dst + 0.5) * in / out - 0.5, clamped at 0.
 */
public enum UpsampleMode { NEAREST, BILINEAR }
