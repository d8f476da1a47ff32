/**
 * The pure-Java evaluation engine ({@code flagrelay-engine}) alone, without the SDK or the
 * provider. Compiled only into flagrelay's benchmark jar. Not API.
 */
package dev.flagrelay.benchmarks.engine;
