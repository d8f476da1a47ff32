package dev.flagrelay.internal.context;

/**
 * An evaluation context (or tracking details) whose values nest deeper than {@link
 * ContextSnapshot#MAX_DEPTH} levels, which is also how a structure or list that contains itself
 * shows up. Thrown instead of the {@code StackOverflowError} an unbounded copy would throw; an
 * input error reported as an error code, so it records no stack trace.
 */
public final class ContextTooDeepException extends RuntimeException {
  ContextTooDeepException(String attribute) {
    super(
        "evaluation context attribute '"
            + attribute
            + "' is nested deeper than "
            + ContextSnapshot.MAX_DEPTH
            + " levels (or contains itself)",
        null,
        false,
        false);
  }
}
