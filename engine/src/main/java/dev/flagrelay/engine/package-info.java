/**
 * GO Feature Flag's flag evaluation in pure Java: {@link dev.flagrelay.engine.FlagConfiguration}
 * parses the relay's {@code /v1/flag/configuration} body once and evaluates flags against it.
 */
package dev.flagrelay.engine;
