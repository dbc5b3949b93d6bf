package dev.engram.backend;

/**
 * Elementwise reconstruction losses l(pred, target), summed by the backend and scaled by the
 * caller (1/N for a mean, 1 for a sum, 1/batch for "sum over pixels, mean over batch").
 * <ul>
 * <li>MSE: (pred - target)^2</li>
 * <li>L1: |pred - target| (gradient sign(pred - target), 0 at 0)</li>
 * <li>BCE: -(t log p + (1 - t) log(1 - p)), p a probability, each log clamped at -100 as PyTorch does</li>
 * <li>BCE_WITH_LOGITS: max(x, 0) - x t + log(1 + exp(-|x|)), x a logit: stable for any x</li>
 * </ul>
 */
public enum LossKind { MSE, L1, BCE, BCE_WITH_LOGITS }
