/**
 * The compiled form of a flag and its evaluation: a pure function of the compiled flag, the
 * context and the instant. Not API: may change without notice.
 */
package dev.flagrelay.engine.internal.eval;
