/**
 * What every benchmark does to a provider, shared by flagrelay's benchmarks and the official
 * provider's ({@code benchmarks/official}): the flag and contexts, the Zipf-like access order, the
 * SDK wiring, the stampede burst, and the bare HTTP client of the floor. Compiles against any
 * OpenFeature SDK from 1.15 on. Not API.
 */
package dev.flagrelay.benchmarks.workload;
