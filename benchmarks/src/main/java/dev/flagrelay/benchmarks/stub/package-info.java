/** A loopback relay stand-in for the benchmarks; not API. */
package dev.flagrelay.benchmarks.stub;
