/**
 * The scenarios both sides run, from this one source: each benchmark gets its provider from
 * {@code dev.flagrelay.benchmarks.side.Side}, which flagrelay's jar and the official provider's jar
 * each supply for themselves. Same names, same workload, same stub. Not API.
 */
package dev.flagrelay.benchmarks.scenario;
